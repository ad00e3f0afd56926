"""How common a word is in clinical answers, read from lexicons/word_frequency.yaml: the share
of answers holding it, counted over a corpus of clean answers (the provenance says which).

The prefilter gates each rule on its rarest required word, so that a rule whose words are all
as common as "the", "is" or "not" is not tried on every answer. A word the corpus never held is
judged by its length (short words are common), which errs towards calling it common.

Regenerate the table: python -m harness.detect.frequency OUT.yaml LABELED.yaml [...]
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import json
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

import yaml
from pydantic import Field, PrivateAttr

from harness.detect.lexicon import load_lexicon
from harness.detect.prefilter import words
from harness.suite.axis import Provenance, StrictModel

__all__ = ["FrequencyTable", "count_words", "frequency_key", "frequency_table"]

_MIN_ANSWERS = 2  # a word in fewer answers than this is left out of the table


class FrequencyTable(StrictModel):
    provenance: Provenance
    answers: int = Field(ge=1)
    # word -> number of answers holding it (a-z runs of the lowered text, as prefilter.words)
    counts: dict[str, int]

    def share(self, word: str) -> float:
        """The share of answers holding `word`; unseen words get a length-based guess."""
        count = self.counts.get(word)
        if count is not None:
            return count / self.answers
        return min(0.5, 10 ** (-(max(len(word), 1) - 1) / 2)) / 4

    _sorted: tuple[list[str], list[int]] | None = PrivateAttr(default=None)

    def prefix_share(self, prefix: str) -> float:
        """The share of answers holding a word that starts with `prefix` (at most 1): a range of
        the sorted words and a difference of running sums, since the prefilter asks this tens
        of thousands of times while it compiles."""
        if self._sorted is None:
            ordered = sorted(self.counts)
            running = [0, *itertools.accumulate(self.counts[w] for w in ordered)]
            self._sorted = (ordered, running)
        ordered, running = self._sorted
        lo = bisect.bisect_left(ordered, prefix)
        hi = bisect.bisect_left(ordered, prefix + "\U0010ffff")
        total = (running[hi] - running[lo]) / self.answers
        return min(1.0, max(total, self.share(prefix)))

    _inside: dict[str, float] = PrivateAttr(default_factory=dict)

    def substring_share(self, text: str) -> float:
        """The share of answers holding a word with `text` inside it (at most 1), for the
        prefilter's literal gates ("seek" is in "drug-seeking"); text that is not a word, such
        as "1.159", is judged by its length."""
        found = self._inside.get(text)
        if found is None:
            letters = "".join(c for c in text if "a" <= c <= "z")
            total = sum(c for w, c in self.counts.items() if letters in w) if letters else 0
            found = min(1.0, max(total / self.answers, self.share(text)))
            self._inside[text] = found
        return found


@cache
def frequency_table() -> FrequencyTable:
    return load_lexicon("word_frequency.yaml", FrequencyTable)[1]


@cache
def frequency_key() -> str:
    """A digest of the table: conditions ranked with it are cached under it."""
    table = frequency_table()
    data = json.dumps([table.answers, sorted(table.counts.items())]).encode()
    return "freq-" + hashlib.sha256(data).hexdigest()[:16]


def count_words(texts: Iterable[str]) -> tuple[int, Counter[str]]:
    """(answers, word -> answers holding it)."""
    counts: Counter[str] = Counter()
    n = 0
    for text in texts:
        n += 1
        counts.update(set(words(text.lower())))
    return n, counts


def _corpus(paths: Sequence[Path]) -> Iterable[str]:
    """Answers with no finding: every answer of a file without `flags`, else those with none."""
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        items = data["answers"] if isinstance(data, dict) else data
        for item in items:
            if "flags" not in item or not item["flags"]:
                yield str(item["text"])


def main(argv: Sequence[str]) -> int:
    out, *inputs = (Path(a) for a in argv)
    n, counts = count_words(_corpus(inputs))
    kept = {
        w: c for w, c in sorted(counts.items(), key=lambda x: (-x[1], x[0])) if c >= _MIN_ANSWERS
    }
    header = out.read_text(encoding="utf-8").split("\nanswers:")[0] if out.exists() else ""
    body = yaml.safe_dump({"answers": n, "counts": kept}, sort_keys=False, width=100)
    out.write_text((header + "\n" if header else "") + body, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
