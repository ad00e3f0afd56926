"""An experiment, not a target: how a simple learned text classifier, trained on the labeled
answers the lexicons were tuned on, does on a held-out set next to the lexicon detectors, alone
and in union with them. It tells whether more lexicon tuning or a learned second opinion is the
better next step for recall on writing the rules have never seen.

    pip install scikit-learn   # not a dependency of the harness
    python bench/learned_baseline.py [--test tests/data/labeled/heldout5_findings.yaml]

Model, fixed before looking at the held-out set: TF-IDF of word 1-2-grams and character 3-5-grams
(min_df 2, sublinear tf), one logistic regression per category (C=10, balanced classes),
probability >= 0.5. Trained on the development set and held-out sets 1-4.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from detector_accuracy import load, ours

from harness.detect.finding import TEXT_CATEGORIES

ROOT = Path(__file__).resolve().parents[1]
LABELED = ROOT / "tests" / "data" / "labeled"
TRAIN = [
    ROOT / "tests" / "data" / "labeled_answers.yaml",
    *(LABELED / f"heldout{n}_findings.yaml" for n in ("", "2", "3", "4")),
]


def _pr(predicted: list[bool], wanted: list[bool]) -> str:
    tp = sum(p and w for p, w in zip(predicted, wanted, strict=True))
    fp = sum(p and not w for p, w in zip(predicted, wanted, strict=True))
    fn = sum(w and not p for p, w in zip(predicted, wanted, strict=True))
    return f"{tp / max(tp + fp, 1):.2f} {tp / max(tp + fn, 1):.2f}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--test", type=Path, default=LABELED / "heldout5_findings.yaml")
    args = parser.parse_args()
    try:
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        sys.exit("this experiment needs scikit-learn: pip install scikit-learn")
    train = [item for path in TRAIN for item in load(path)]
    test = load(args.test)
    words = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True)
    texts = [item["text"] for item in train]
    x_train = hstack([words.fit_transform(texts), chars.fit_transform(texts)]).tocsr()
    held = [item["text"] for item in test]
    x_test = hstack([words.transform(held), chars.transform(held)]).tocsr()
    lexicon = [ours(item) for item in test]
    print(f"trained on {len(train)} answers; {args.test.name}: {len(test)} answers; P R")
    print(f"{'category':24} {'lexicons':>10} {'learned':>10} {'union':>10}")
    for category in TEXT_CATEGORIES:
        labels = [category in (item.get("flags") or ()) for item in train]
        wanted = [category in (item.get("flags") or ()) for item in test]
        model = LogisticRegression(C=10, class_weight="balanced", max_iter=2000)
        learned = [bool(p >= 0.5) for p in model.fit(x_train, labels).predict_proba(x_test)[:, 1]]
        rules = [category in found for found in lexicon]
        union = [a or b for a, b in zip(learned, rules, strict=True)]
        figures = (_pr(rules, wanted), _pr(learned, wanted), _pr(union, wanted))
        print(f"{category:24}" + "".join(f" {f:>10}" for f in figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
