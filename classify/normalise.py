"""The one text normalisation applied before training and before prediction."""

import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Return `text` in NFC with every whitespace run collapsed to one space.

    Case is kept: the model reads lower-cased token norms itself, so casing stays available to any
    feature that wants it. NFC matters for Polish, where "ą" may arrive as "a" + combining ogonek
    from some mail clients and OCR engines and would otherwise be a different token.
    """
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()
