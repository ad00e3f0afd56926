"""An answer's text as TF-IDF features: word 1-2-grams and character 3-5-grams within words, each
block with sublinear term frequency, smoothed IDF and unit length, as scikit-learn's
TfidfVectorizer computes them (lowercase, words of two or more word characters, `char_wb`), so
that a test can hold ours to it. Character grams catch misspellings and inflections the words
miss ("definately", "non-compliant")."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["BLOCKS", "Vectorizer", "fit_vectorizer", "grams"]

_TOKEN = re.compile(r"(?u)\b\w\w+\b")
_SPACES = re.compile(r"\s\s+")
BLOCKS = ("word", "char")


def _word_grams(lowered: str) -> list[str]:
    tokens = _TOKEN.findall(lowered)
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]


def _char_grams(lowered: str) -> list[str]:
    out: list[str] = []
    for word in _SPACES.sub(" ", lowered).split():
        padded = f" {word} "
        size = len(padded)
        for n in (3, 4, 5):
            if size <= n:  # a short word counts once, whole
                out.append(padded)
                break
            out.extend(padded[i : i + n] for i in range(size - n + 1))
    return out


def grams(text: str) -> tuple[list[str], list[str]]:
    """The word grams and the character grams of a text, repeats kept."""
    lowered = text.lower()
    return _word_grams(lowered), _char_grams(lowered)


@dataclass(frozen=True)
class Vectorizer:
    """Each block's vocabulary (gram -> column) and IDF; the char block's columns follow the
    word block's."""

    vocabularies: tuple[dict[str, int], dict[str, int]]
    idf: NDArray[np.float64]

    @property
    def width(self) -> int:
        return len(self.idf)

    def row(self, text: str) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
        """The text's nonzero columns and their values."""
        columns: list[int] = []
        values: list[float] = []
        for vocabulary, found in zip(self.vocabularies, grams(text), strict=True):
            known = [(vocabulary[g], n) for g, n in Counter(found).items() if g in vocabulary]
            if not known:
                continue
            cols, counts = zip(*known, strict=True)
            weighted = (1.0 + np.log(counts)) * self.idf[list(cols)]
            columns.extend(cols)
            values.extend(weighted / np.linalg.norm(weighted))
        return np.array(columns, dtype=np.intp), np.array(values, dtype=np.float64)

    def matrix(self, texts: Sequence[str]) -> Any:  # scipy is untyped
        """A scipy CSR matrix, one row per text."""
        from scipy.sparse import csr_matrix  # type: ignore[import-untyped]

        indptr = [0]
        columns: list[NDArray[np.intp]] = []
        values: list[NDArray[np.float64]] = []
        for text in texts:
            cols, vals = self.row(text)
            columns.append(cols)
            values.append(vals)
            indptr.append(indptr[-1] + len(cols))
        data = np.concatenate(values) if values else np.zeros(0)
        index = np.concatenate(columns) if columns else np.zeros(0, dtype=np.intp)
        return csr_matrix((data, index, np.array(indptr)), shape=(len(texts), self.width))


def _vocabulary(documents: Iterable[set[str]], min_df: int) -> tuple[dict[str, int], Counter[str]]:
    df: Counter[str] = Counter()
    for found in documents:
        df.update(found)
    kept = sorted(g for g, n in df.items() if n >= min_df)
    return {g: i for i, g in enumerate(kept)}, df


def fit_vectorizer(texts: Sequence[str], min_df: int = 2) -> Vectorizer:
    """Vocabularies of the grams in at least `min_df` texts; IDF ln((1 + n) / (1 + df)) + 1."""
    split = [grams(text) for text in texts]
    n = len(texts)
    vocabularies: list[dict[str, int]] = []
    idf: list[float] = []
    offset = 0
    for block in range(len(BLOCKS)):
        vocabulary, df = _vocabulary((set(parts[block]) for parts in split), min_df)
        vocabularies.append({g: i + offset for g, i in vocabulary.items()})
        idf.extend(math.log((1 + n) / (1 + df[g])) + 1.0 for g in vocabulary)
        offset += len(vocabulary)
    return Vectorizer((vocabularies[0], vocabularies[1]), np.array(idf))
