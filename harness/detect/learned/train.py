"""Training the learned second opinion on labeled answers, with nothing beyond scipy.

    python -m harness.detect.learned.train [LABELED.yaml ...] [--out MODEL.npz]

Without files it trains the shipped model (harness/data/learned_detector.npz) on the project's
development set and held-out sets 1-5 (tests/data/; set 6 is never trained on). A labeled file
holds `answers`, each with `text`, `flags` and optionally `context`, as tests/data does.

One L2-regularized logistic regression per text category (C = 10, classes weighted to balance),
fitted with L-BFGS to the same objective as scikit-learn's LogisticRegression. A category's
threshold is the lowest of 0.30, 0.35, ... 0.95 at which the rules together with this model keep
at least 0.90 precision on out-of-fold probabilities (5 folds); a category with none gets no
opinion."""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from numpy.typing import NDArray

from harness.detect.finding import TEXT_CATEGORIES
from harness.detect.learned.features import Vectorizer, fit_vectorizer
from harness.detect.learned.model import LearnedModel, save_model
from harness.errors import InputError

__all__ = ["Labeled", "fit_logistic", "load_labeled", "train", "training_digest"]

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_FILES = (
    ROOT / "tests" / "data" / "labeled_answers.yaml",
    *(
        ROOT / "tests" / "data" / "labeled" / f"heldout{n}_findings.yaml"
        for n in ("", "2", "3", "4", "5")
    ),
)
DEFAULT_OUT = ROOT / "harness" / "data" / "learned_detector.npz"
C = 10.0
MIN_DF = 2
FOLDS = 5
MIN_PRECISION = 0.90
GRID = tuple(round(0.30 + 0.05 * i, 2) for i in range(14))
NO_OPINION = 2.0


@dataclass(frozen=True)
class Labeled:
    text: str  # the prose the detectors read (a structured JSON tail removed)
    flags: frozenset[str]
    rules: frozenset[str]  # the text categories the rules flag


def load_labeled(paths: Sequence[Path]) -> list[Labeled]:
    from harness.detect import DetectContext, detect, flagged
    from harness.extract import answer_text

    out: list[Labeled] = []
    for path in paths:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise InputError(path, "answers", f"cannot be read: {exc}") from exc
        items = data.get("answers") if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise InputError(path, "answers", "expected a list of labeled answers")
        for number, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise InputError(path, f"answers[{number}].text", "missing or not text")
            text = answer_text(item["text"])
            context = DetectContext.from_mapping(item["context"]) if item.get("context") else None
            rules = flagged(detect(text, context, learned=False))
            out.append(
                Labeled(
                    text,
                    frozenset(item.get("flags") or ()),
                    frozenset(rules & set(TEXT_CATEGORIES)),
                )
            )
    return out


def fit_logistic(x: Any, y: NDArray[np.bool_], c: float = C) -> tuple[NDArray[np.float64], float]:
    """Weights and intercept minimizing sum_i s_i log(1 + exp(-t_i (w.x_i + b))) + |w|^2 / 2C,
    s_i weighting each class to half the total (scikit-learn's "balanced"). Labels of one class
    only give a constant model."""
    from scipy.optimize import minimize  # type: ignore[import-untyped]

    n, width = x.shape
    positives = int(y.sum())
    if positives in (0, n):
        return np.zeros(width), (30.0 if positives else -30.0)
    sample = np.where(y, n / (2 * positives), n / (2 * (n - positives)))
    sign = np.where(y, 1.0, -1.0)

    def loss(params: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        w, b = params[:-1], params[-1]
        margin = sign * (x @ w + b)
        value = float(sample @ np.logaddexp(0.0, -margin)) + float(w @ w) / (2 * c)
        residual = -sample * sign / (1.0 + np.exp(margin))
        grad = np.empty_like(params)
        grad[:-1] = x.T @ residual + w / c
        grad[-1] = residual.sum()
        return value, grad

    fitted = minimize(
        loss, np.zeros(width + 1), jac=True, method="L-BFGS-B", options={"maxiter": 5000}
    )
    return fitted.x[:-1], float(fitted.x[-1])


def _fit_all(
    texts: Sequence[str], labels: NDArray[np.bool_]
) -> tuple[Vectorizer, NDArray[np.float64], NDArray[np.float64]]:
    vectorizer = fit_vectorizer(texts, MIN_DF)
    x = vectorizer.matrix(texts)
    fitted = [fit_logistic(x, labels[:, k]) for k in range(labels.shape[1])]
    weights = np.column_stack([w for w, _ in fitted])
    bias = np.array([b for _, b in fitted])
    return vectorizer, weights, bias


def _out_of_fold(texts: list[str], labels: NDArray[np.bool_]) -> NDArray[np.float64]:
    fold = np.random.default_rng(0).permutation(len(texts)) % FOLDS
    probabilities = np.zeros(labels.shape)
    for k in range(FOLDS):
        train_at, test_at = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        vectorizer, weights, bias = _fit_all([texts[i] for i in train_at], labels[train_at])
        x = vectorizer.matrix([texts[i] for i in test_at])
        probabilities[test_at] = 1.0 / (1.0 + np.exp(-(x @ weights + bias)))
    return probabilities


def _precision_recall(
    predicted: NDArray[np.bool_], wanted: NDArray[np.bool_]
) -> tuple[float, float]:
    tp = float((predicted & wanted).sum())
    return tp / max(float(predicted.sum()), 1.0), tp / max(float(wanted.sum()), 1.0)


def _threshold(
    oof: NDArray[np.float64], rules: NDArray[np.bool_], wanted: NDArray[np.bool_]
) -> float:
    if not wanted.any():
        return NO_OPINION
    for threshold in GRID:
        if _precision_recall(rules | (oof >= threshold), wanted)[0] >= MIN_PRECISION:
            return threshold
    return NO_OPINION


def train(answers: Sequence[Labeled], categories: Sequence[str] = TEXT_CATEGORIES) -> LearnedModel:
    texts = [a.text for a in answers]
    labels = np.array([[c in a.flags for c in categories] for a in answers], dtype=bool)
    rules = np.array([[c in a.rules for c in categories] for a in answers], dtype=bool)
    oof = _out_of_fold(texts, labels)
    thresholds = np.array(
        [_threshold(oof[:, k], rules[:, k], labels[:, k]) for k in range(len(categories))]
    )
    vectorizer, weights, bias = _fit_all(texts, labels)
    cross_validated = {}
    for k, category in enumerate(categories):
        union = rules[:, k] | (oof[:, k] >= thresholds[k])
        p, r = _precision_recall(union, labels[:, k])
        cross_validated[category] = {"threshold": float(thresholds[k]), "precision": p, "recall": r}
    meta = {"answers": len(answers), "C": C, "min_df": MIN_DF, "cross_validated": cross_validated}
    return LearnedModel(tuple(categories), vectorizer, weights, bias, thresholds, meta)


def training_digest(paths: Sequence[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harness.detect.learned.train")
    parser.add_argument("files", nargs="*", type=Path, default=list(DEFAULT_FILES))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    try:
        answers = load_labeled(args.files)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    model = train(answers)
    model.meta["training_sha256"] = training_digest(args.files)
    save_model(model, args.out)
    print(f"trained on {len(answers)} answers -> {args.out}")
    for category, figures in model.meta["cross_validated"].items():
        print(
            f"  {category:24} threshold {figures['threshold']:.2f}  rules + learned, "
            f"out of fold: P {figures['precision']:.2f} R {figures['recall']:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
