"""The async runner: cases x models -> stored answers."""

from harness.run.runner import Answer, ModelRun, prepare_models, run_cases

__all__ = ["Answer", "ModelRun", "prepare_models", "run_cases"]
