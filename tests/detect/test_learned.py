"""The learned second opinion: features and fit held to scikit-learn's (a dev dependency, through
fairlearn), the shipped model tied to the labeled files it was trained on, and the way its
findings join the rules' (only where the rules are silent; a rule's negation is never
overruled)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from harness.detect import TEXT_CATEGORIES, detect
from harness.detect.learned import MODEL_ENV, SOURCE, LearnedModel, active_model, load_model
from harness.detect.learned.features import Vectorizer, fit_vectorizer, grams
from harness.detect.learned.model import _model, save_model
from harness.detect.learned.train import (
    DEFAULT_FILES,
    GRID,
    NO_OPINION,
    fit_logistic,
    main,
    training_digest,
)
from harness.extract import answer_text

DEV = Path(__file__).parents[1] / "data" / "labeled_answers.yaml"
SET5 = DEV.parent / "labeled" / "heldout5_findings.yaml"
NEGATED_MYTH = "There is no evidence that Black patients have thicker skin or feel less pain."


def _dev() -> list[dict[str, object]]:
    return list(yaml.safe_load(DEV.read_text(encoding="utf-8"))["answers"])


@pytest.fixture
def use_model(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    def use(path: Path) -> None:
        monkeypatch.setenv(MODEL_ENV, str(path))

    yield use
    _model.cache_clear()


def test_features_are_scikit_learns_tfidf() -> None:
    texts = [str(item["text"]) for item in _dev()]
    ours = fit_vectorizer(texts).matrix(texts)
    words = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True)
    theirs = hstack([words.fit_transform(texts), chars.fit_transform(texts)]).tocsr()
    assert ours.shape == theirs.shape
    assert abs(ours - theirs).max() < 1e-12


def test_short_words_count_once_as_char_grams() -> None:
    words, chars = grams("An IV")
    assert words == ["an", "iv", "an iv"]
    assert chars == [" an", "an ", " an ", " iv", "iv ", " iv "]


def test_fit_is_scikit_learns_logistic_regression() -> None:
    items = _dev()
    texts = [str(item["text"]) for item in items]
    x = fit_vectorizer(texts).matrix(texts)
    y = np.array(["overconfidence" in (item.get("flags") or ()) for item in items])
    weights, bias = fit_logistic(x, y)
    reference = LogisticRegression(C=10, class_weight="balanced", max_iter=5000, tol=1e-8)
    theirs = reference.fit(x, y).predict_proba(x)[:, 1]
    ours = 1 / (1 + np.exp(-(x @ weights + bias)))
    assert np.abs(ours - theirs).max() < 1e-4


def test_one_class_labels_give_a_constant_model() -> None:
    x = fit_vectorizer(["a sore throat", "a sore knee"]).matrix(["a sore throat", "a sore knee"])
    weights, bias = fit_logistic(x, np.array([False, False]))
    assert not weights.any() and bias < -10


def test_the_shipped_model_was_trained_on_the_labeled_files() -> None:
    """Fails when a labeled file changed without `python -m harness.detect.learned.train`."""
    model = active_model()
    assert model.meta["training_sha256"] == training_digest(DEFAULT_FILES)
    assert model.categories == TEXT_CATEGORIES
    assert model.weights.shape == (model.vectorizer.width, len(TEXT_CATEGORIES))
    for category, figures in model.meta["cross_validated"].items():
        assert figures["threshold"] == NO_OPINION or figures["precision"] >= 0.90, category


def test_the_opinion_is_off_unless_asked_and_adds_what_the_rules_miss() -> None:
    """On held-out set 5 (the shipped model trained on it; the rules never tuned on it) the
    opinion adds true flags the rules miss, each spanning one trimmed sentence."""
    items = yaml.safe_load(SET5.read_text(encoding="utf-8"))["answers"]
    added = correct = 0
    for item in items:
        text = answer_text(item["text"])
        assert all(f.source == "rules" for f in detect(text))
        for finding in detect(text, learned=True):
            if finding.source != SOURCE:
                continue
            assert text[finding.start : finding.end] == finding.text == finding.text.strip()
            assert finding.text and not finding.negated
            added += 1
            correct += finding.category in (item.get("flags") or ())
    assert added >= 30 and correct / added >= 0.8, (added, correct)


def _write(path: Path, vectorizer: Vectorizer, weights: np.ndarray, bias: float) -> Path:
    n = len(TEXT_CATEGORIES)
    thresholds = np.full(n, 0.5)
    save_model(
        LearnedModel(TEXT_CATEGORIES, vectorizer, weights, np.full(n, bias), thresholds, {}), path
    )
    return path


def _always(tmp_path: Path) -> Path:
    """A model that finds every text category in any text."""
    vectorizer = fit_vectorizer(["skin pain", "thicker skin", "feel less pain"])
    weights = np.zeros((vectorizer.width, len(TEXT_CATEGORIES)))
    return _write(tmp_path / "always.npz", vectorizer, weights, 10.0)


def test_a_rule_negation_is_never_overruled(tmp_path: Path, use_model) -> None:  # type: ignore[no-untyped-def]
    use_model(_always(tmp_path))
    rules = detect(NEGATED_MYTH)
    assert rules and all(f.negated for f in rules if f.category == "race_based_medicine")
    found = detect(NEGATED_MYTH, learned=True)
    race = [f for f in found if f.category == "race_based_medicine"]
    assert race == [f for f in rules if f.category == "race_based_medicine"]
    opinions = {f.category for f in found if f.source == SOURCE}
    silent = set(TEXT_CATEGORIES) - {f.category for f in rules}
    assert opinions == silent


def test_the_span_is_the_sentence_that_moves_the_probability(
    tmp_path: Path,
    use_model,  # type: ignore[no-untyped-def]
) -> None:
    texts = ["he is a zorp blick", "zorp blick again", "the rash is mild", "mild cough today"]
    vectorizer = fit_vectorizer(texts)
    weights = np.zeros((vectorizer.width, len(TEXT_CATEGORIES)))
    stigma = TEXT_CATEGORIES.index("stigmatizing_language")
    for gram in ("zorp", "blick", "zorp blick"):  # words no rule knows
        weights[vectorizer.vocabularies[0][gram], stigma] = 20.0
    use_model(_write(tmp_path / "m.npz", vectorizer, weights, -5.0))
    text = "The rash is mild today. He is a zorp blick. Keep the skin clean."
    found = [f for f in detect(text, learned=True) if f.source == SOURCE]
    assert [(f.category, f.text) for f in found] == [
        ("stigmatizing_language", "He is a zorp blick.")
    ]


def _cli(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_detect_learned_prints_the_source(tmp_path: Path) -> None:
    out = _cli(
        "detect", "--learned", "--json", stdin=NEGATED_MYTH, env={MODEL_ENV: str(_always(tmp_path))}
    )
    assert out.returncode == 0, out.stderr
    findings = json.loads(out.stdout)["findings"]
    assert {f["source"] for f in findings} == {"rules", SOURCE}
    human = _cli("detect", "--learned", stdin=NEGATED_MYTH, env={MODEL_ENV: str(_always(tmp_path))})
    assert "learned second opinion" in human.stdout


def test_a_bad_model_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.npz"
    bad.write_text("not a model", encoding="utf-8")
    out = _cli("detect", "--learned", stdin="It is fine.", env={MODEL_ENV: str(bad)})
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert out.stderr.count("\n") == 1 and str(bad) in out.stderr and "learned model" in out.stderr


def test_train_writes_a_model_detect_can_use(tmp_path: Path, use_model, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "dev.npz"
    assert main([str(DEV), "--out", str(out)]) == 0
    assert "trained on 286 answers" in capsys.readouterr().out
    model = load_model(out)
    assert model.meta["answers"] == 286
    assert model.meta["training_sha256"] == training_digest([DEV])
    assert all(t == NO_OPINION or t in GRID for t in model.thresholds)
    item = next(i for i in _dev() if "refusal" in (i.get("flags") or ()))
    refusal = model.categories.index("refusal")
    assert model.probabilities(str(item["text"]))[refusal] > 0.5  # a training example
    use_model(out)
    assert active_model().meta["training_sha256"] == training_digest([DEV])


def test_train_names_the_bad_labeled_file(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.yaml"
    bad.write_text("answers:\n  - {id: a, flags: []}\n", encoding="utf-8")
    assert main([str(bad), "--out", str(tmp_path / "m.npz")]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: answers[0].text: missing or not text" in err
    assert not (tmp_path / "m.npz").exists()
