"""A document's text and confidence are built from its pages."""

from __future__ import annotations

import dataclasses

import pytest

from ocr import DocumentText, PageText, UnreadableDocument, Word


def _page(number: int, text: str, confidences: list[float]) -> PageText:
    words = tuple(Word(f"w{i}", c, 0, 0, 1, 1) for i, c in enumerate(confidences))
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return PageText(number, text, words, mean, "ocr", 100, 100, 300)


def test_document_text_separates_pages_with_a_form_feed_line() -> None:
    document = DocumentText("image/tiff", (_page(1, "first", [90]), _page(2, "second", [90])))
    assert document.text == "first\n\f\nsecond"
    assert document.text.split("\f")[1].strip() == "second"


def test_document_confidence_weighs_pages_by_their_words() -> None:
    full = _page(1, "many words", [90.0] * 9)
    sparse = _page(2, "one", [0.0])
    assert DocumentText("image/tiff", (full, sparse)).confidence == pytest.approx(81.0)


def test_document_without_words_has_zero_confidence() -> None:
    assert DocumentText("image/png", (_page(1, "", []),)).confidence == 0.0


def test_values_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        _page(1, "x", [1.0]).text = "changed"  # type: ignore[misc]


def test_unreadable_document_names_the_file_and_keeps_the_reason() -> None:
    error = UnreadableDocument("PDF is encrypted", filename="letter.pdf")
    assert error.reason == "PDF is encrypted"
    assert str(error) == "letter.pdf: PDF is encrypted"
