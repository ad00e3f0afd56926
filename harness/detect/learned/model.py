"""The learned second opinion: one logistic regression per text category over an answer's TF-IDF
features (features.py), trained on the project's labeled answers (train.py) and shipped as
`harness/data/learned_detector.npz`.

It speaks only where the rules are silent: for a category in which the rules found nothing,
negated hits included (a rule's negation, such as a myth named to reject it, is never
overruled), an answer whose probability reaches the category's threshold gets one finding. Its
span is the sentence whose removal lowers the probability most. Each threshold was chosen by
cross-validation so that the rules and this model together kept at least 0.90 precision on the
training answers."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from harness.detect.finding import Finding
from harness.detect.learned.features import BLOCKS, Vectorizer
from harness.errors import InputError

__all__ = ["MODEL_ENV", "SOURCE", "LearnedModel", "active_model", "load_model", "save_model"]

SOURCE = "learned"
MODEL_ENV = "HARNESS_LEARNED_MODEL"
_SHIPPED = "learned_detector.npz"


@dataclass(frozen=True)
class LearnedModel:
    categories: tuple[str, ...]
    vectorizer: Vectorizer
    weights: NDArray[np.float64]  # columns x categories
    bias: NDArray[np.float64]
    thresholds: NDArray[np.float64]  # above 1: the category gets no opinion
    meta: dict[str, Any]

    def probabilities(self, text: str) -> NDArray[np.float64]:
        """Each category's probability for a text, in the order of `categories`."""
        columns, values = self.vectorizer.row(text)
        logits = values @ self.weights[columns] + self.bias
        return np.asarray(1.0 / (1.0 + np.exp(-logits)), dtype=np.float64)

    def findings(
        self, text: str, silent: set[str], sentences: Callable[[str], Sequence[tuple[int, int]]]
    ) -> list[Finding]:
        """One finding per category in `silent` whose probability reaches its threshold;
        `sentences` cuts the text into sentence spans."""
        asked = [
            i for i, c in enumerate(self.categories) if c in silent and self.thresholds[i] <= 1
        ]
        if not asked or not text.strip():
            return []
        whole = self.probabilities(text)
        over = [i for i in asked if whole[i] >= self.thresholds[i]]
        if not over:
            return []
        spans = [(s, e) for s, e in sentences(text) if text[s:e].strip()] or [(0, len(text))]
        drops = np.zeros((len(spans), len(self.categories)))
        if len(spans) > 1:
            for row, (start, end) in enumerate(spans):
                drops[row] = whole - self.probabilities(text[:start] + text[end:])
        found = []
        for i in over:
            start, end = spans[int(np.argmax(drops[:, i]))]
            start += len(text[start:end]) - len(text[start:end].lstrip())
            end -= len(text[start:end]) - len(text[start:end].rstrip())
            found.append(
                Finding(self.categories[i], start, end, text[start:end], False, False, SOURCE)
            )
        return found


def _strings(blob: NDArray[np.uint8]) -> list[str]:
    text = blob.tobytes().decode("utf-8")
    return text.split("\n") if text else []


def _blob(strings: Sequence[str]) -> NDArray[np.uint8]:
    return np.frombuffer("\n".join(strings).encode("utf-8"), dtype=np.uint8)


def save_model(model: LearnedModel, out: Path) -> None:
    """An .npz of plain arrays (strings as newline-joined UTF-8), read without pickle."""
    arrays: dict[str, Any] = {
        f"vocabulary_{block}": _blob(sorted(vocabulary, key=vocabulary.__getitem__))
        for block, vocabulary in zip(BLOCKS, model.vectorizer.vocabularies, strict=True)
    }
    arrays.update(
        categories=_blob(model.categories),
        idf=model.vectorizer.idf.astype(np.float32),
        weights=model.weights.astype(np.float32),
        bias=model.bias,
        thresholds=model.thresholds,
        meta=_blob([json.dumps(model.meta, sort_keys=True)]),
    )
    np.savez_compressed(out, **arrays)


def load_model(source: Path | io.BytesIO) -> LearnedModel:
    try:
        with np.load(source, allow_pickle=False) as data:
            offset = 0
            vocabularies = []
            for block in BLOCKS:
                grams = _strings(data[f"vocabulary_{block}"])
                vocabularies.append({g: i + offset for i, g in enumerate(grams)})
                offset += len(grams)
            return LearnedModel(
                categories=tuple(_strings(data["categories"])),
                vectorizer=Vectorizer(
                    (vocabularies[0], vocabularies[1]), data["idf"].astype(np.float64)
                ),
                weights=data["weights"].astype(np.float64),
                bias=data["bias"].astype(np.float64),
                thresholds=data["thresholds"].astype(np.float64),
                meta=json.loads(_strings(data["meta"])[0]),
            )
    except (OSError, KeyError, ValueError, IndexError) as exc:
        name = source if isinstance(source, Path) else _SHIPPED
        reason = f"not a model written by python -m harness.detect.learned.train ({exc})"
        raise InputError(name, "learned model", reason[:300]) from exc


def active_model() -> LearnedModel:
    """The model at $HARNESS_LEARNED_MODEL (one written by train.py), else the shipped one."""
    return _model(os.environ.get(MODEL_ENV) or None)


@cache
def _model(path: str | None) -> LearnedModel:
    if path is not None:
        return load_model(Path(path))
    return load_model(io.BytesIO(files("harness.data").joinpath(_SHIPPED).read_bytes()))
