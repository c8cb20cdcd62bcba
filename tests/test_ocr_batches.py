"""A scanned batch splits into documents at separator sheets; blank backs are dropped."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from ocr import PageImage, is_blank, is_separator, split_batch
from ocr.blank_page import ink_coverage
from ocr.separator import page_codes, qr_code
from samples.separator_sheet import render_separator_sheet

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ocr"
SHEET_PNG = Path(__file__).resolve().parents[1] / "samples" / "separator-sheet.png"
A4 = (3508, 2480)  # height, width at 300 dpi


def _gray(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("L"))


def _scanned_blank(seed: int = 0) -> np.ndarray:
    """An empty duplex back: off-white paper, scanner grain, a few dust specks."""
    rng = np.random.default_rng(seed)
    page = np.clip(240 + rng.normal(0, 25, A4), 0, 255).astype(np.uint8)
    for y, x in rng.integers(200, 2200, size=(12, 2)):
        page[y : y + 2, x : x + 2] = 30
    return page


def _on_a4(pixels: np.ndarray) -> np.ndarray:
    page = np.full(A4, 245, dtype=np.uint8)
    page[300 : 300 + pixels.shape[0], 300 : 300 + pixels.shape[1]] = pixels
    return page


def _tilted(pixels: np.ndarray, degrees: float) -> np.ndarray:
    image = Image.fromarray(pixels).rotate(degrees, expand=True, fillcolor=250)
    return np.asarray(image)


# EAN-13 digit patterns (GS1): L and G code the left half (G = L inverted and mirrored), R the
# right half; the first digit is carried by the L/G pattern of the next six.
_L = ["0001101", "0011001", "0010011", "0111101", "0100011"]
_L += ["0110001", "0101111", "0111011", "0110111", "0001011"]
_R = ["".join("1" if bit == "0" else "0" for bit in code) for code in _L]
_G = [code[::-1] for code in _R]
_PARITY = ["LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG"]
_PARITY += ["LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL"]


def _ean13(digits: str, module: int = 4, height: int = 300) -> np.ndarray:
    """A printed EAN-13 barcode of 13 digits, with its quiet zone, as a separator might carry."""
    first, left, right = int(digits[0]), digits[1:7], digits[7:]
    bits = "101"
    parities = zip(_PARITY[first], left, strict=True)
    bits += "".join((_L if parity == "L" else _G)[int(d)] for parity, d in parities)
    bits += "01010" + "".join(_R[int(d)] for d in right) + "101"
    row = np.repeat(np.array([0 if bit == "1" else 255 for bit in bits], dtype=np.uint8), module)
    return np.tile(np.pad(row, 11 * module, constant_values=255), (height, 1))


def _pages(*images: np.ndarray) -> list[PageImage]:
    return [
        PageImage(number=number, pixels=pixels, dpi=300.0)
        for number, pixels in enumerate(images, start=1)
    ]


def test_batch_splits_at_the_separator_sheet_and_drops_the_blank_back() -> None:
    letter = _on_a4(_gray(DATA / "tesseract" / "phototest.tif"))
    second = _on_a4(_gray(DATA / "tesseract" / "eurotext.tif"))
    batch = _pages(letter, _scanned_blank(), render_separator_sheet(), second, letter)

    documents = split_batch(batch)

    assert [document.batch_pages for document in documents] == [(1,), (4, 5)]
    assert documents[0].blank_pages == (2,)
    assert documents[1].blank_pages == ()
    assert [page.number for page in documents[1].pages] == [1, 2]
    assert np.array_equal(documents[1].pages[0].pixels, second)


def test_printed_separator_sheet_is_recognised_even_scanned_askew() -> None:
    sheet = _gray(SHEET_PNG)
    assert is_separator(sheet)
    rng = np.random.default_rng(3)
    scanned = np.clip(_tilted(sheet, 4.0) + rng.normal(0, 15, _tilted(sheet, 4.0).shape), 0, 255)
    assert is_separator(scanned.astype(np.uint8))


def test_a_qr_code_with_other_text_does_not_separate() -> None:
    page = np.full(A4, 255, dtype=np.uint8)
    code = qr_code("https://example.com/offer")
    page[1000 : 1000 + code.shape[0], 800 : 800 + code.shape[1]] = code
    assert page_codes(page) == ("https://example.com/offer",)
    assert not is_separator(page)
    assert is_separator(page, "https://example.com/offer")


def test_a_configured_barcode_separates_like_the_qr_code() -> None:
    letter = _on_a4(_gray(DATA / "tesseract" / "phototest.tif"))
    sheet = np.full(A4, 255, dtype=np.uint8)
    code = _ean13("5901234123457")
    sheet[1500 : 1500 + code.shape[0], 700 : 700 + code.shape[1]] = code
    documents = split_batch(_pages(letter, sheet, letter), separator="5901234123457")
    assert [document.batch_pages for document in documents] == [(1,), (3,)]
    # The QR sheet is not a separator when the mailroom configured a barcode.
    [one] = split_batch(_pages(letter, render_separator_sheet(), letter), "5901234123457")
    assert one.batch_pages == (1, 2, 3)


def test_consecutive_separators_and_trailing_blanks_make_no_empty_documents() -> None:
    letter = _on_a4(_gray(DATA / "tesseract" / "phototest.tif"))
    sheet = render_separator_sheet()
    documents = split_batch(_pages(sheet, letter, sheet, sheet, _scanned_blank(1)))
    assert [document.batch_pages for document in documents] == [(2,)]


def test_blank_pages_are_kept_when_asked() -> None:
    letter = _on_a4(_gray(DATA / "tesseract" / "phototest.tif"))
    [document] = split_batch(_pages(letter, _scanned_blank()), drop_blank=False)
    assert document.batch_pages == (1, 2)


def test_noisy_empty_page_is_blank() -> None:
    assert is_blank(_scanned_blank())


def test_faint_show_through_of_the_other_side_is_blank() -> None:
    page = np.full(A4, 245, dtype=np.uint8)
    text = _gray(DATA / "tesseract" / "phototest.tif")
    mirrored = cv2.flip(text, 1)
    # Seen through paper, black print on the back shows as a pale grey.
    page[400 : 400 + text.shape[0], 400 : 400 + text.shape[1]] = 245 - (255 - mirrored) // 6
    assert is_blank(page)


@pytest.mark.parametrize("text", ["- 2 -", "Sincerely"])
def test_a_page_with_only_a_page_number_or_a_signature_is_not_blank(text: str) -> None:
    image = Image.new("L", (A4[1], A4[0]), 245)
    from PIL import ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 40)
    ImageDraw.Draw(image).text((1200, 3200), text, fill=20, font=font)
    page = np.asarray(image)
    assert ink_coverage(page) > 0
    assert not is_blank(page)
