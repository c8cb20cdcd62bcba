"""Outlook's compressed RTF (MS-OXRTFCP) and a plain reading of RTF as the text a person sees."""

from __future__ import annotations

import codecs
import re
import struct

_COMPRESSED = 0x75465A4C  # "LZFu"
_UNCOMPRESSED = 0x414C454D  # "MELA"
# The dictionary every compressed RTF stream starts from (MS-OXRTFCP 2.1.3.1.2).
_PREBUF = (
    b"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern "
    b"\\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0"
    b"\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx"
)
# Output beyond this is a decompression bomb, not a message body.
MAX_RTF_BYTES = 20 * 1024 * 1024

# Groups whose content is never shown: tables of fonts and colours, metadata, pictures.
_HIDDEN_DESTINATIONS = frozenset(
    {
        "fonttbl", "colortbl", "stylesheet", "info", "pict", "object", "header", "footer",
        "listtable", "listoverridetable", "themedata", "datastore", "latentstyles", "rsidtbl",
        "generator", "xmlnstbl", "mmathPr", "filetbl", "revtbl", "pgdsctbl",
    }
)  # fmt: skip
_TOKEN = re.compile(
    rb"\\([a-zA-Z]+)(-?\d+)? ?|\\'([0-9a-fA-F]{2})|\\([^a-zA-Z])|([{}])|[\r\n]+|([^\\{}\r\n]+)"
)
_BREAKS = {b"par": "\n", b"line": "\n", b"row": "\n", b"tab": "\t", b"cell": "\t", b"page": "\n"}


def decompress_rtf(data: bytes) -> bytes:
    """The RTF inside an Outlook PR_RTF_COMPRESSED value; ValueError when it is damaged."""
    if len(data) < 16:
        raise ValueError("compressed RTF shorter than its header")
    _size, raw_size, kind, _crc = struct.unpack_from("<IIII", data)
    if kind == _UNCOMPRESSED:
        return data[16 : 16 + raw_size]
    if kind != _COMPRESSED:
        raise ValueError(f"unknown compressed RTF type 0x{kind:08x}")
    if raw_size > MAX_RTF_BYTES:
        raise ValueError(f"RTF of {raw_size:,} bytes is above the limit of {MAX_RTF_BYTES:,}")
    return _lzfu(data, raw_size)


def _lzfu(data: bytes, raw_size: int) -> bytes:
    window = bytearray(4096)
    window[: len(_PREBUF)] = _PREBUF
    write = len(_PREBUF)
    out = bytearray()
    position = 16
    while position < len(data) and len(out) < raw_size:
        control = data[position]
        position += 1
        for bit in range(8):
            if position >= len(data):
                break
            if not control & (1 << bit):
                byte = data[position]
                position += 1
                out.append(byte)
                window[write] = byte
                write = (write + 1) % 4096
                continue
            if position + 1 >= len(data):
                raise ValueError("compressed RTF ends inside a reference")
            (token,) = struct.unpack_from(">H", data, position)
            position += 2
            offset, length = token >> 4, (token & 0xF) + 2
            if offset == write:
                return bytes(out)
            for index in range(length):
                byte = window[(offset + index) % 4096]
                out.append(byte)
                window[write] = byte
                write = (write + 1) % 4096
    return bytes(out[:raw_size])


def rtf_to_text(rtf: bytes) -> str:
    """The visible text of an RTF document: paragraphs, tabs and the characters, no formatting."""
    out: list[str] = []
    # Per open group: is its content hidden?
    hidden_stack: list[bool] = [False]
    skip_after_unicode = 0
    codepage = "cp1252"
    for match in _TOKEN.finditer(rtf):
        word, number, hex_byte, symbol, brace, text = match.groups()
        hidden = hidden_stack[-1]
        if brace == b"{":
            hidden_stack.append(hidden)
            continue
        if brace == b"}":
            if len(hidden_stack) > 1:
                hidden_stack.pop()
            continue
        if symbol == b"*":
            # "{\*\destination ...}": an optional destination a reader may ignore, so we do.
            hidden_stack[-1] = True
            continue
        if word is not None:
            if word == b"ansicpg" and number is not None:
                codepage = _codec(int(number), codepage)
            elif word.decode() in _HIDDEN_DESTINATIONS:
                hidden_stack[-1] = True
            elif not hidden and word in _BREAKS:
                out.append(_BREAKS[word])
            elif not hidden and word == b"u" and number is not None:
                out.append(chr(int(number) % 65536))
                skip_after_unicode = 1
            continue
        if hidden:
            continue
        if hex_byte is not None:
            if skip_after_unicode:
                skip_after_unicode -= 1
                continue
            out.append(bytes([int(hex_byte, 16)]).decode(codepage, errors="replace"))
        elif symbol is not None and symbol in b"\\{}":
            out.append(symbol.decode())
        elif symbol == b"~":
            out.append("\u00a0")
        elif text is not None:
            chunk = text.decode(codepage, errors="replace")
            if skip_after_unicode:
                chunk, skip_after_unicode = chunk[1:], 0
            out.append(chunk)
    lines = "".join(out).replace("\u00a0", " ").split("\n")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in lines)).strip()


def _codec(number: int, current: str) -> str:
    """The Python codec of an RTF code page (\\ansicpg1250 -> cp1250); unknown ones are ignored."""
    try:
        return codecs.lookup(f"cp{number}").name
    except LookupError:
        return current


def compressed_rtf_to_text(data: bytes) -> str:
    return rtf_to_text(decompress_rtf(data))
