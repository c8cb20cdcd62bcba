"""Training spaCy text classifiers, saving and loading them, and predicting with them."""

import csv
import json
import shutil
import time
from collections import Counter
from pathlib import Path

import pytest

from classify import (
    Example,
    ModelLoadError,
    TextClassifier,
    fingerprint_examples,
    load_examples,
    normalise_text,
    split_train_dev,
    train_text_classifier,
)

SHARED_TEXT = Path(__file__).resolve().parents[2] / "shared" / "data" / "text"
CFPB = SHARED_TEXT / "cfpb_complaints_sample"
CLINC = SHARED_TEXT / "clinc150"
INTENTS = ("balance", "book_flight", "lost_luggage", "pay_bill", "weather")


def _clinc(split: str, per_intent: int) -> list[Example]:
    taken: Counter[str] = Counter()
    examples = []
    with (CLINC / f"{split}.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["intent"] in INTENTS and taken[row["intent"]] < per_intent:
                taken[row["intent"]] += 1
                examples.append(Example(row["text"], row["intent"]))
    return examples


@pytest.fixture(scope="module")
def intent_model(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Example]]:
    examples = _clinc("train", per_intent=40)
    out_dir = tmp_path_factory.mktemp("intent-model")
    train_text_classifier(examples, out_dir, seed=3, max_epochs=10)
    return out_dir, examples


def test_training_twice_with_the_same_seed_gives_identical_scores(
    intent_model: tuple[Path, list[Example]], tmp_path: Path
) -> None:
    first_dir, examples = intent_model
    train_text_classifier(examples, tmp_path, seed=3, max_epochs=10)
    texts = [e.text for e in _clinc("test", per_intent=10)]
    first = TextClassifier.load(first_dir).predict(texts)
    second = TextClassifier.load(tmp_path).predict(texts)
    assert [dict(p.scores) for p in first] == [dict(p.scores) for p in second]


def test_a_different_seed_gives_a_different_model(
    intent_model: tuple[Path, list[Example]], tmp_path: Path
) -> None:
    first_dir, examples = intent_model
    train_text_classifier(examples, tmp_path, seed=4, max_epochs=10)
    texts = [e.text for e in _clinc("test", per_intent=10)]
    first = TextClassifier.load(first_dir).predict(texts)
    other = TextClassifier.load(tmp_path).predict(texts)
    assert [p.scores for p in first] != [p.scores for p in other]


def test_a_held_out_share_picks_the_epochs_then_the_model_learns_from_every_example(
    intent_model: tuple[Path, list[Example]],
) -> None:
    model_dir, examples = intent_model
    report = TextClassifier.load(model_dir).report
    _, dev = split_train_dev(examples, dev_share=0.15, seed=3)
    assert report.dev_size == len(dev) and report.train_size == len(examples) - len(dev)
    assert report.trained_on == len(examples)
    assert report.dev_accuracy is not None and 1 <= report.best_epoch <= 10


def test_with_an_official_dev_set_the_saved_model_is_the_best_epoch_as_reported(
    tmp_path: Path,
) -> None:
    train, dev = _clinc("train", per_intent=30), _clinc("val", per_intent=8)
    report = train_text_classifier(train, tmp_path, seed=1, max_epochs=6, dev_examples=dev)
    classifier = TextClassifier.load(tmp_path)
    predictions = classifier.predict([e.text for e in dev])
    accuracy = sum(p.label == e.label for p, e in zip(predictions, dev, strict=True)) / len(dev)
    assert (report.train_size, report.dev_size, report.trained_on) == (150, 40, 150)
    assert accuracy == pytest.approx(report.dev_accuracy)


def test_a_copied_model_folder_loads_and_predicts_the_same(
    intent_model: tuple[Path, list[Example]], tmp_path: Path
) -> None:
    model_dir, _ = intent_model
    copy = shutil.copytree(model_dir, tmp_path / "copy")
    texts = [e.text for e in _clinc("test", per_intent=4)]
    assert TextClassifier.load(copy).predict(texts) == TextClassifier.load(model_dir).predict(texts)


def test_the_model_knows_its_labels_and_training_data(
    intent_model: tuple[Path, list[Example]],
) -> None:
    model_dir, examples = intent_model
    classifier = TextClassifier.load(model_dir)
    assert classifier.labels == tuple(sorted(INTENTS))
    assert classifier.fingerprint == fingerprint_examples(examples)
    card = json.loads((model_dir / "intake-model.json").read_text(encoding="utf-8"))
    assert card["labels"] == sorted(INTENTS)
    assert card["report"]["dev_accuracy"] == classifier.report.dev_accuracy


def test_prediction_is_a_distribution_whose_top_label_is_the_answer(
    intent_model: tuple[Path, list[Example]],
) -> None:
    classifier = TextClassifier.load(intent_model[0])
    [prediction] = classifier.predict(["what is the weather like in warsaw tomorrow"])
    assert prediction.label == "weather"
    assert set(prediction.scores) == set(INTENTS)
    assert sum(prediction.scores.values()) == pytest.approx(1.0, abs=1e-4)
    assert prediction.score == max(prediction.scores.values())


def test_case_and_spacing_do_not_change_the_prediction(
    intent_model: tuple[Path, list[Example]],
) -> None:
    classifier = TextClassifier.load(intent_model[0])
    clean, shouted = classifier.predict(
        ["i lost my luggage at the airport", "  I LOST my\n\n Luggage   AT the AIRPORT "]
    )
    assert shouted.scores == pytest.approx(clean.scores)


def test_empty_and_whitespace_texts_still_get_a_prediction(
    intent_model: tuple[Path, list[Example]],
) -> None:
    classifier = TextClassifier.load(intent_model[0])
    predictions = classifier.predict(["", " \n\t "])
    assert [p.label in INTENTS for p in predictions] == [True, True]


def test_normalisation_collapses_whitespace_and_composes_accents() -> None:
    assert normalise_text("  Reklamacja\n\n pralki\t ") == "Reklamacja pralki"
    decomposed = "zwro\u0301c\u0301"  # "zwróć" as o + combining acute, c + combining acute
    assert normalise_text(decomposed) == "zwr\u00f3\u0107"


def test_tiny_data_without_a_dev_set_trains_every_epoch(tmp_path: Path) -> None:
    examples = [
        Example("my parcel did not arrive", "delivery"),
        Example("the courier lost the package", "delivery"),
        Example("I was charged twice", "billing"),
        Example("the invoice amount is wrong", "billing"),
    ]
    report = train_text_classifier(examples, tmp_path, max_epochs=5)
    assert (report.dev_size, report.dev_accuracy, report.best_epoch) == (0, None, 5)
    [prediction] = TextClassifier.load(tmp_path).predict(["where is my parcel, the courier"])
    assert prediction.label == "delivery"


def test_training_on_a_single_label_is_refused(tmp_path: Path) -> None:
    examples = [Example("late parcel", "delivery"), Example("lost parcel", "delivery")]
    with pytest.raises(ValueError, match="at least two labels"):
        train_text_classifier(examples, tmp_path)


def test_loading_a_folder_that_is_not_a_model_says_so(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="not a folder"):
        TextClassifier.load(tmp_path / "nowhere")
    with pytest.raises(ModelLoadError, match=r"intake-model\.json: missing"):
        TextClassifier.load(tmp_path)
    (tmp_path / "intake-model.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelLoadError, match="not valid JSON"):
        TextClassifier.load(tmp_path)


def test_a_model_whose_pipeline_is_gone_is_a_load_error(
    intent_model: tuple[Path, list[Example]], tmp_path: Path
) -> None:
    broken = shutil.copytree(intent_model[0], tmp_path / "broken")
    (broken / "config.cfg").unlink()
    with pytest.raises(ModelLoadError, match="spaCy pipeline cannot be loaded"):
        TextClassifier.load(broken)


@pytest.mark.slow
def test_trained_on_cfpb_complaints_it_beats_the_majority_class_clearly(tmp_path: Path) -> None:
    train = load_examples(CFPB / "train.csv", "text", "product")
    test = load_examples(CFPB / "test.csv", "text", "product")
    report = train_text_classifier(train, tmp_path, seed=0)
    classifier = TextClassifier.load(tmp_path)
    started = time.perf_counter()
    predictions = classifier.predict([e.text for e in test])
    per_second = len(test) / (time.perf_counter() - started)
    accuracy = sum(p.label == e.label for p, e in zip(predictions, test, strict=True)) / len(test)
    majority = Counter(e.label for e in test).most_common(1)[0][1] / len(test)
    print(
        f"\nCFPB product: test accuracy {accuracy:.3f} (majority {majority:.3f}), trained in "
        f"{report.seconds:.1f} s (best epoch {report.best_epoch}), {per_second:.0f} predictions/s"
    )
    assert accuracy >= majority + 0.15


def test_without_sentence_vectors_the_model_reads_ngrams_only_and_still_learns(
    tmp_path: Path,
) -> None:
    examples = _clinc("train", per_intent=30)
    train_text_classifier(examples, tmp_path, seed=2, max_epochs=6, sentence_vectors=False)
    classifier = TextClassifier.load(tmp_path)
    layers = {layer.name for layer in classifier._nlp.get_pipe("textcat").model.walk()}
    assert "sentence_embedding" not in layers and "ngram_features" in layers
    tests = _clinc("test", per_intent=10)
    predictions = classifier.predict([e.text for e in tests])
    right = sum(p.label == e.label for p, e in zip(predictions, tests, strict=True))
    assert right / len(tests) >= 0.8
