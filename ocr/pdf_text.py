"""The text layer of a PDF page: what PDFium can extract without OCR, with word boxes."""

from __future__ import annotations

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ocr.models import PageText, Word

# Below this many visible characters a page is taken for a scan carrying a stray label
# (a scanner's footer, a page number), and read by OCR instead.
MIN_TEXT_CHARACTERS = 20
POINTS_PER_INCH = 72


def text_layer(page: pdfium.PdfPage, *, number: int, dpi: float) -> PageText | None:
    """Return the page's text with word boxes in pixels at `dpi`, or None when it has too little."""
    textpage = page.get_textpage()
    try:
        text = _clean(textpage.get_text_range())
        if sum(not char.isspace() for char in text) < MIN_TEXT_CHARACTERS:
            return None
        width_pt, height_pt = page.get_size()
        scale = dpi / POINTS_PER_INCH
        words = _words(textpage, scale=scale, page_height_pt=height_pt)
    finally:
        textpage.close()
    return PageText(
        number=number,
        text=text,
        words=words,
        confidence=100.0,
        source="text_layer",
        width=round(width_pt * scale),
        height=round(height_pt * scale),
        dpi=round(dpi),
    )


def _clean(raw: str) -> str:
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def _words(
    textpage: pdfium.PdfTextPage, *, scale: float, page_height_pt: float
) -> tuple[Word, ...]:
    words: list[Word] = []
    characters: list[str] = []
    boxes: list[tuple[float, float, float, float]] = []

    def finish_word() -> None:
        if characters:
            words.append(_word("".join(characters), boxes, scale, page_height_pt))
            characters.clear()
            boxes.clear()

    for index in range(textpage.count_chars()):
        char = chr(pdfium_c.FPDFText_GetUnicode(textpage, index))
        if char.isspace() or char == "\x00":
            finish_word()
            continue
        characters.append(char)
        boxes.append(textpage.get_charbox(index))
    finish_word()
    return tuple(words)


def _word(
    text: str,
    boxes: list[tuple[float, float, float, float]],
    scale: float,
    page_height_pt: float,
) -> Word:
    # PDF space has its origin at the bottom left; images at the top left.
    left = min(box[0] for box in boxes)
    bottom = min(box[1] for box in boxes)
    right = max(box[2] for box in boxes)
    top = max(box[3] for box in boxes)
    return Word(
        text=text,
        confidence=100.0,
        left=round(left * scale),
        top=round((page_height_pt - top) * scale),
        width=max(1, round((right - left) * scale)),
        height=max(1, round((top - bottom) * scale)),
    )
