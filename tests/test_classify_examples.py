"""Loading labelled examples from CSV/JSONL, splitting them and fingerprinting them."""

from collections import Counter
from pathlib import Path

import pytest

from classify import Example, ExampleFileError, fingerprint_examples, load_examples, split_train_dev

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
CFPB = SHARED_DATA / "text" / "cfpb_complaints_sample"


def test_csv_with_its_own_column_names_loads_every_row() -> None:
    examples = load_examples(CFPB / "test.csv", "text", "product")
    assert len(examples) == 310
    assert Counter(e.label for e in examples)["Debt collection"] == 58
    assert all(e.text.strip() for e in examples)


def test_csv_without_the_label_column_names_the_file_and_the_column() -> None:
    with pytest.raises(ExampleFileError) as error:
        load_examples(CFPB / "test.csv", "text", "topic")
    message = str(error.value)
    assert str(CFPB / "test.csv") in message
    assert "'topic'" in message
    assert "'product'" in message  # the columns that are there, to spot a typo


def test_jsonl_row_without_the_field_names_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "contacts.jsonl"
    path.write_text(
        '{"text": "Where is my parcel?", "topic": "delivery"}\n'
        "\n"
        '{"text": "My invoice is wrong", "sentiment": "negative"}\n',
        encoding="utf-8",
    )
    with pytest.raises(ExampleFileError, match=r"contacts\.jsonl:3: missing field 'topic'"):
        load_examples(path, "text", "topic")


def test_broken_json_line_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text('{"text": "ok", "topic": "billing"}\n{"text": "no end"\n', encoding="utf-8")
    with pytest.raises(ExampleFileError, match=r"broken\.jsonl:2: invalid JSON"):
        load_examples(path, "text", "topic")


def test_empty_label_is_an_error_not_a_silent_drop(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text('body,topic\n"Parcel\nis late",delivery\nHello,\n', encoding="utf-8")
    # The first record spans lines 2-3, so the empty label is on line 4.
    with pytest.raises(ExampleFileError, match=r"rows\.csv:4: field 'topic' is empty"):
        load_examples(path, "body", "topic")


def test_unknown_extension_and_missing_file_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ExampleFileError, match=r"data\.xlsx: unsupported file type"):
        load_examples(tmp_path / "data.xlsx", "text", "topic")
    with pytest.raises(ExampleFileError, match=r"absent\.csv: no such file"):
        load_examples(tmp_path / "absent.csv", "text", "topic")


def _examples(counts: dict[str, int]) -> list[Example]:
    return [Example(f"{label} text {i}", label) for label, n in counts.items() for i in range(n)]


def test_split_keeps_each_labels_share_and_is_deterministic() -> None:
    examples = _examples({"billing": 60, "claim": 20, "loyalty": 40})
    train, dev = split_train_dev(examples, dev_share=0.25, seed=7)
    assert Counter(e.label for e in dev) == {"billing": 15, "claim": 5, "loyalty": 10}
    assert sorted(train + dev, key=examples.index) == examples
    assert split_train_dev(examples, dev_share=0.25, seed=7) == (train, dev)
    assert split_train_dev(examples, dev_share=0.25, seed=8)[1] != dev


def test_a_label_with_one_example_stays_in_train() -> None:
    train, dev = split_train_dev(_examples({"billing": 10, "rare": 1}), dev_share=0.5, seed=0)
    assert [e.label for e in train].count("rare") == 1
    assert all(e.label == "billing" for e in dev)


def test_fingerprint_ignores_order_and_whitespace_but_not_labels() -> None:
    a = [Example("Parcel  is late", "delivery"), Example("Double charge", "billing")]
    b = [Example("Double charge", "billing"), Example("Parcel is late\n", "delivery")]
    c = [Example("Double charge", "billing"), Example("Parcel is late", "complaint")]
    assert fingerprint_examples(a) == fingerprint_examples(b)
    assert fingerprint_examples(a) != fingerprint_examples(c)
