"""Turning bytes into text when the declared charset is missing, unknown or wrong."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

# cp1252 decodes nearly every byte, so it is the last resort; the few undefined bytes are replaced.
LAST_RESORT = "cp1252"

# Charsets that decode any byte sequence: a UTF-8 text declared as one of them still "decodes",
# only into mojibake, so for these a strict UTF-8 reading is tried first.
_ANY_BYTE_CHARSETS = frozenset(
    {"latin-1", "iso8859-1", "cp1252", "ascii"}
    | {f"iso8859-{n}" for n in range(2, 17)}
    | {"cp1250", "cp1251", "cp1253", "cp1254", "cp1257", "koi8-r", "koi8-u"}
)

# Charsets that write non-ASCII text with ASCII bytes, so ASCII-looking bytes still need decoding.
_SEVEN_BIT_CHARSETS = frozenset({"utf-7", "hz", "iso2022_jp", "iso2022_jp_2", "iso2022_kr"})
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n\r\f"

_SURROGATE_RUN = re.compile("[\udc80-\udcff]+")
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)


@dataclass(frozen=True)
class Decoded:
    """Text with, when the declared charset could not be used as is, a note saying what was done."""

    text: str
    note: str | None


def codec_name(charset: str | None) -> str | None:
    """The Python codec for a MIME charset label, or None when Python does not know it."""
    if not charset:
        return None
    label = charset.strip().strip("\"'").lower()
    # Mail clients label Windows code pages in several spellings ("x-cp1250", "windows-1250").
    label = label.removeprefix("x-")
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_bytes(data: bytes, declared: str | None) -> Decoded:
    """Decode with the declared charset, then UTF-8, then cp1252 with replacement characters."""
    codec = codec_name(declared)
    if not data.strip(_PRINTABLE_ASCII) and codec not in _SEVEN_BIT_CHARSETS:
        # Pure ASCII reads the same in every charset mail uses; nothing to repair or report.
        return Decoded(data.decode("ascii"), None)
    if codec is not None and codec not in _ANY_BYTE_CHARSETS:
        try:
            return Decoded(data.decode(codec), None)
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if codec is None:
            note = _note(declared, "UTF-8")
        else:
            note = f"declared charset {declared!r} does not fit the bytes, which are UTF-8"
        return Decoded(text.removeprefix("\ufeff"), note)
    lossy = data.decode("utf-8", errors="replace")
    if _mostly_valid(lossy):
        return Decoded(lossy, "a few invalid UTF-8 sequences were replaced")
    if codec is not None and codec in _ANY_BYTE_CHARSETS and codec != "ascii":
        try:
            return Decoded(data.decode(codec), None)
        except UnicodeDecodeError:
            text = data.decode(codec, errors="replace")
            return Decoded(text, f"bytes undefined in charset {declared!r} were replaced")
    return Decoded(data.decode(LAST_RESORT, errors="replace"), _note(declared, LAST_RESORT))


def _mostly_valid(lossy_utf8: str) -> bool:
    # Text in a single-byte charset read as UTF-8 turns almost every non-ASCII letter into U+FFFD;
    # damaged UTF-8 (a cut multi-byte character) has a handful among many good ones.
    replaced = lossy_utf8.count("\ufffd")
    # Characters above U+007F, counted by what an ASCII encoding drops (a C loop, not Python's).
    non_ascii = len(lossy_utf8) - len(lossy_utf8.encode("ascii", "ignore"))
    decoded = non_ascii - replaced
    return decoded >= 4 * replaced


def _note(declared: str | None, used: str) -> str:
    if not declared:
        return f"no charset declared for non-ASCII text; read as {used}"
    if codec_name(declared) is None:
        return f"unknown charset {declared!r}; read as {used}"
    return f"text is not valid {declared!r}; read as {used}"


def has_raw_bytes(text: str) -> bool:
    """Whether the email package kept undecodable bytes in this string as surrogate escapes."""
    return _SURROGATE_RUN.search(text) is not None


def repair_escaped(text: str, hint: str | None = None) -> Decoded:
    """Decode raw bytes the email package kept as surrogate escapes (8-bit headers, bad charsets).

    Each run of escaped bytes is decoded on its own so the correctly decoded text around it
    stays as it was. The hint is a charset the message declares elsewhere, tried after UTF-8.
    """
    if not _SURROGATE_RUN.search(text):
        return Decoded(text, None)
    notes: list[str] = []

    def decode_run(match: re.Match[str]) -> str:
        raw = match.group().encode("utf-8", "surrogateescape")
        for candidate in ("utf-8", codec_name(hint)):
            if candidate is None:
                continue
            try:
                decoded = raw.decode(candidate)
            except UnicodeDecodeError:
                continue
            notes.append(f"undeclared 8-bit text read as {candidate}")
            return decoded
        notes.append(f"undeclared 8-bit text read as {LAST_RESORT}")
        return raw.decode(LAST_RESORT, errors="replace")

    repaired = _SURROGATE_RUN.sub(decode_run, text)
    return Decoded(repaired, notes[0])


def sniff_html_charset(data: bytes) -> str | None:
    """The charset an HTML document names in a <meta> tag near its start, if any."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None
