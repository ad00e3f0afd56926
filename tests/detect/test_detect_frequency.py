"""The word-frequency table the prefilter ranks words by is the one its command computes."""

from __future__ import annotations

from pathlib import Path

from harness.detect.frequency import _MIN_ANSWERS, _corpus, count_words, frequency_table

DATA = Path(__file__).parents[1] / "data"
SOURCES = [
    DATA / "labeled_answers.yaml",
    DATA / "labeled" / "heldout_findings.yaml",
    DATA / "labeled" / "decisions.yaml",
    DATA / "labeled" / "heldout_decisions.yaml",
]


def test_shipped_table_is_the_counted_one() -> None:
    n, counts = count_words(_corpus(SOURCES))
    table = frequency_table()
    assert table.answers == n
    assert table.counts == {w: c for w, c in counts.items() if c >= _MIN_ANSWERS}


def test_common_words_are_common_and_unseen_words_are_judged_by_length() -> None:
    table = frequency_table()
    assert table.share("the") > 0.5 > table.share("definitely")
    assert table.share("zzzzzzzzzz") < table.share("zz")
    assert table.prefix_share("pain") >= table.share("pain")
