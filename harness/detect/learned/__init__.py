"""The learned second opinion beside the lexicon rules: TF-IDF features (features.py), one
logistic regression per text category (model.py), trained on labeled answers (train.py)."""

from harness.detect.learned.model import (
    MODEL_ENV,
    SOURCE,
    LearnedModel,
    active_model,
    load_model,
)

__all__ = ["MODEL_ENV", "SOURCE", "LearnedModel", "active_model", "load_model"]
