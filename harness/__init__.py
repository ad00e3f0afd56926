"""Counterfactual safety and fairness evaluation of LLM answers to clinical questions."""

__version__ = "0.1.0"
__all__ = ["__version__"]
