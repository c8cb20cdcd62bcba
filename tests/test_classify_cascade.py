"""The confidence cascade and the dev-data decision on sentence vectors."""

import json
from pathlib import Path

import pytest

from classify import (
    Example,
    ModelLoadError,
    TextClassifier,
    load_examples,
    textcat,
    train_text_classifier,
)
from classify.cascade import CascadeChoice, choose_cascade, log_loss, vectors_pay
from classify.model_card import CARD_NAME

CONTACTS_PL = Path(__file__).resolve().parents[1] / "samples" / "training" / "contacts_pl.jsonl"


def _cats(first: str, score: float) -> dict[str, float]:
    other = "b" if first == "a" else "a"
    return {first: score, other: round(1.0 - score, 6)}


def test_the_threshold_is_the_lowest_that_keeps_the_full_models_answers() -> None:
    head = [_cats("a", 0.99), _cats("a", 0.9), _cats("b", 0.8), _cats("a", 0.6), _cats("b", 0.55)]
    full = [_cats("a", 0.9), _cats("a", 0.9), _cats("b", 0.9), _cats("b", 0.9), _cats("b", 0.9)]
    # The head's fourth answer ("a" at 0.6) differs from the full model's: the threshold stops
    # above it, and the texts under it go to the full model.
    choice = choose_cascade(head, full, min_agreement=1.0)
    assert choice == CascadeChoice(threshold=0.8, dev_agreement=1.0, dev_vector_share=0.4)


def test_a_share_of_disagreement_lets_the_threshold_go_lower() -> None:
    head = [_cats("a", 0.99), _cats("a", 0.9), _cats("b", 0.8), _cats("a", 0.6), _cats("b", 0.55)]
    full = [_cats("a", 0.9), _cats("a", 0.9), _cats("b", 0.9), _cats("b", 0.9), _cats("b", 0.9)]
    choice = choose_cascade(head, full, min_agreement=0.8)
    assert choice == CascadeChoice(threshold=0.55, dev_agreement=0.8, dev_vector_share=0.0)


def test_texts_of_equal_head_score_are_never_split_by_the_threshold() -> None:
    head = [_cats("a", 0.9), _cats("a", 0.7), _cats("b", 0.7)]
    full = [_cats("a", 0.9), _cats("a", 0.9), _cats("a", 0.9)]
    # Taking 0.7 would take the disagreeing text too: the threshold stays at 0.9.
    choice = choose_cascade(head, full, min_agreement=1.0)
    assert choice is not None and choice.threshold == 0.9 and choice.dev_vector_share == 2 / 3


def test_no_cascade_when_the_heads_surest_answer_already_disagrees() -> None:
    head = [_cats("a", 0.99), _cats("a", 0.6)]
    full = [_cats("b", 0.9), _cats("a", 0.9)]
    assert choose_cascade(head, full, min_agreement=1.0) is None
    assert choose_cascade([], []) is None


@pytest.fixture(scope="module")
def contact_topics() -> list[Example]:
    return load_examples(CONTACTS_PL, "text", "topic")


@pytest.fixture(scope="module")
def cascade_model(tmp_path_factory: pytest.TempPathFactory, contact_topics: list[Example]) -> Path:
    out_dir = tmp_path_factory.mktemp("cascade-model")
    train_text_classifier(contact_topics, out_dir, seed=0, lang="pl", max_epochs=12)
    return out_dir


def test_the_cascade_is_stored_with_the_model_and_its_head_beside_it(cascade_model: Path) -> None:
    card = json.loads((cascade_model / CARD_NAME).read_text(encoding="utf-8"))
    classifier = TextClassifier.load(cascade_model)
    assert card["sentence_vectors"] is True and classifier.sentence_vectors
    assert card["cascade"] is not None and 0.0 < card["cascade"]["threshold"] <= 1.0
    assert card["cascade"]["dev_agreement"] >= 0.995
    assert (cascade_model / "ngrams" / "config.cfg").is_file()
    report = classifier.report
    assert report.vector_dev_accuracy is not None and report.ngram_dev_accuracy is not None
    assert report.vector_dev_accuracy > report.ngram_dev_accuracy


def test_only_texts_the_head_is_unsure_of_are_read_with_the_sentence_vector(
    cascade_model: Path, contact_topics: list[Example]
) -> None:
    classifier = TextClassifier.load(cascade_model)
    assert classifier.cascade is not None
    texts = [e.text for e in contact_topics[::5]] + ["proszę o kontakt", "dzień dobry"]
    cascade = classifier.predict(texts)
    full = classifier.predict(texts, full_model=True)
    assert all(p.sentence_vector for p in full)
    embedded = [c for c in cascade if c.sentence_vector]
    assert 0 < len(embedded) < len(cascade)
    for ours, theirs in zip(cascade, full, strict=True):
        if ours.sentence_vector:
            assert ours.scores == pytest.approx(theirs.scores, abs=1e-6)
        else:
            assert ours.score >= classifier.cascade.threshold


def test_training_the_cascade_twice_with_the_same_seed_gives_identical_scores(
    cascade_model: Path, contact_topics: list[Example], tmp_path: Path
) -> None:
    train_text_classifier(contact_topics, tmp_path, seed=0, lang="pl", max_epochs=12)
    texts = [e.text for e in contact_topics[1::7]]
    first = TextClassifier.load(cascade_model).predict(texts)
    second = TextClassifier.load(tmp_path).predict(texts)
    assert [dict(p.scores) for p in first] == [dict(p.scores) for p in second]


def test_vectors_pay_only_when_they_lower_the_dev_cross_entropy() -> None:
    gold = ["a", "b", "a"]
    ngrams = [_cats("a", 0.7), _cats("b", 0.6), _cats("a", 0.8)]
    surer = [_cats("a", 0.9), _cats("b", 0.8), _cats("a", 0.9)]
    # Same answers, but more sure of the right ones: lower cross-entropy, so the vectors pay.
    assert log_loss(surer, gold) < log_loss(ngrams, gold)
    assert vectors_pay(ngrams, surer, gold) and not vectors_pay(surer, ngrams, gold)
    assert not vectors_pay(ngrams, ngrams, gold)


def test_when_the_vectors_do_not_pay_on_dev_the_model_reads_ngrams_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    words = {"delivery": "parcel courier late", "billing": "invoice charged twice"}
    examples = [Example(f"{words[label]} {i}", label) for i in range(40) for label in words]
    # Trained with vectors first: the folder then holds a head that must not outlive the change.
    train_text_classifier(examples, tmp_path, seed=0, max_epochs=4)
    (tmp_path / "ngrams").mkdir(exist_ok=True)
    monkeypatch.setattr(textcat, "vectors_pay", lambda ngrams, full, gold: False)
    report = train_text_classifier(examples, tmp_path, seed=0, max_epochs=4)
    classifier = TextClassifier.load(tmp_path)
    # Both were measured and recorded; the n-gram model answers alone, with no head beside it.
    assert report.ngram_dev_log_loss is not None and report.vector_dev_log_loss is not None
    assert not classifier.sentence_vectors and classifier.cascade is None
    assert not (tmp_path / "ngrams").exists()
    layers = {layer.name for layer in classifier._nlp.get_pipe("textcat").model.walk()}
    assert "sentence_embedding" not in layers
    assert not any(p.sentence_vector for p in classifier.predict(["late parcel, courier"]))


def test_a_model_of_an_older_card_format_asks_to_be_retrained(cascade_model: Path) -> None:
    card_path = cascade_model / CARD_NAME
    original = card_path.read_text(encoding="utf-8")
    try:
        card_path.write_text(json.dumps({**json.loads(original), "format": 3}), encoding="utf-8")
        with pytest.raises(ModelLoadError, match=r"format 3 .*retrain"):
            TextClassifier.load(cascade_model)
    finally:
        card_path.write_text(original, encoding="utf-8")
