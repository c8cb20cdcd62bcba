"""A small reader of TNEF (`winmail.dat`): the attachments and the body Outlook packed into it.

TNEF is a stream of attributes (level, id, length, data, checksum); attachments are runs of
attributes that begin with `attAttachRenddata`. MAPI property lists inside two attributes carry
the long file name of an attachment and the message body (plain, HTML or compressed RTF).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from intake.mail.rtf import compressed_rtf_to_text

SIGNATURE = 0x223E9F78
_LEVEL_MESSAGE, _LEVEL_ATTACHMENT = 1, 2

# Attribute ids (the low 16 bits of the attribute word).
_ATT_BODY = 0x800C
_ATT_ATTACH_DATA = 0x800F
_ATT_ATTACH_TITLE = 0x8010
_ATT_MAPI_PROPS = 0x9003
_ATT_ATTACH_RENDDATA = 0x9002
_ATT_ATTACHMENT = 0x9005

# MAPI property ids.
_PR_BODY = 0x1000
_PR_RTF_COMPRESSED = 0x1009
_PR_BODY_HTML = 0x1013
_PR_DISPLAY_NAME = 0x3001
_PR_ATTACH_DATA = 0x3701
_PR_ATTACH_FILENAME = 0x3704
_PR_ATTACH_LONG_FILENAME = 0x3707
_PR_ATTACH_MIME_TAG = 0x370E

# MAPI property types: fixed sizes, and the variable-length ones that carry a byte count.
_FIXED_SIZES = {
    0x0002: 2, 0x0003: 4, 0x0004: 4, 0x0005: 8, 0x0006: 8, 0x0007: 8, 0x000A: 4, 0x000B: 2,
    0x0014: 8, 0x0040: 8, 0x0048: 16,
}  # fmt: skip
_PT_OBJECT, _PT_STRING8, _PT_UNICODE, _PT_BINARY = 0x000D, 0x001E, 0x001F, 0x0102
_VARIABLE = frozenset({_PT_OBJECT, _PT_STRING8, _PT_UNICODE, _PT_BINARY})
_MULTI_VALUED = 0x1000
# More properties than this in one list is corruption, not a message.
_MAX_PROPERTIES = 10_000


class TnefError(ValueError):
    """The bytes are not a readable TNEF stream; the message says where it broke."""


@dataclass(frozen=True)
class TnefAttachment:
    filename: str
    media_type: str | None
    data: bytes


@dataclass(frozen=True)
class TnefContent:
    """What a TNEF stream holds; `notes` say what could not be read (trailing garbage, ...)."""

    attachments: tuple[TnefAttachment, ...]
    body_text: str
    body_html: str | None
    notes: tuple[str, ...]


def is_tnef(data: bytes) -> bool:
    return len(data) >= 6 and struct.unpack_from("<I", data)[0] == SIGNATURE


@dataclass
class _Attachment:
    title: str = ""
    data: bytes = b""
    properties: dict[int, object] = field(default_factory=dict)

    def finish(self) -> TnefAttachment | None:
        props = self.properties
        # attAttachData is the classic place; newer writers put the bytes in the MAPI list only.
        packed = props.get(_PR_ATTACH_DATA)
        data = self.data or (packed if isinstance(packed, bytes) else b"")
        name = self.title or _text_prop(props, _PR_ATTACH_LONG_FILENAME, _PR_ATTACH_FILENAME)
        name = name or _text_prop(props, _PR_DISPLAY_NAME)
        if not name and not data:
            return None
        media_type = _text_prop(props, _PR_ATTACH_MIME_TAG) or None
        return TnefAttachment(filename=name or "attachment.bin", media_type=media_type, data=data)


def read_tnef(data: bytes) -> TnefContent:
    """Attachments and body of a TNEF stream. Raises TnefError when not even the start is TNEF;
    damage later on keeps what was read before it, with a note."""
    if not is_tnef(data):
        raise TnefError("no TNEF signature")
    notes: list[str] = []
    attachments: list[_Attachment] = []
    message_props: dict[int, object] = {}
    body = ""
    offset = 6
    while offset < len(data):
        try:
            level, attribute, payload, offset = _attribute(data, offset)
        except TnefError as error:
            if offset == 6:
                raise  # not one attribute is readable: this is not TNEF after all
            notes.append(f"{error}; the rest was skipped")
            break
        kind = attribute & 0xFFFF
        if level == _LEVEL_MESSAGE:
            if kind == _ATT_BODY:
                body = _decode_string(payload)
            elif kind == _ATT_MAPI_PROPS:
                message_props.update(_properties_or_note(payload, notes, "message properties"))
        elif kind == _ATT_ATTACH_RENDDATA:
            attachments.append(_Attachment())
        elif attachments:
            _add_to_attachment(attachments[-1], kind, payload, notes)
    finished = [a.finish() for a in attachments]
    html = _html_body(message_props)
    return TnefContent(
        attachments=tuple(a for a in finished if a is not None),
        body_text=body.strip()
        or _text_prop(message_props, _PR_BODY).strip()
        or _rtf_body(message_props, notes),
        body_html=html,
        notes=tuple(notes),
    )


def _add_to_attachment(
    attachment: _Attachment, kind: int, payload: bytes, notes: list[str]
) -> None:
    if kind == _ATT_ATTACH_TITLE:
        attachment.title = _decode_string(payload).strip()
    elif kind == _ATT_ATTACH_DATA:
        attachment.data = payload
    elif kind == _ATT_ATTACHMENT:
        attachment.properties.update(_properties_or_note(payload, notes, "attachment properties"))


def _attribute(data: bytes, offset: int) -> tuple[int, int, bytes, int]:
    if offset + 9 > len(data):
        raise TnefError(f"truncated attribute header at byte {offset}")
    level, attribute, length = struct.unpack_from("<BII", data, offset)
    if level not in (_LEVEL_MESSAGE, _LEVEL_ATTACHMENT):
        raise TnefError(f"invalid attribute level {level} at byte {offset}")
    start = offset + 9
    end = start + length
    if end + 2 > len(data):
        raise TnefError(f"attribute at byte {offset} runs past the end ({length:,} bytes)")
    payload = data[start:end]
    (checksum,) = struct.unpack_from("<H", data, end)
    if checksum != sum(payload) & 0xFFFF:
        raise TnefError(f"checksum mismatch in the attribute at byte {offset}")
    return level, attribute, payload, end + 2


def _properties_or_note(payload: bytes, notes: list[str], what: str) -> dict[int, object]:
    try:
        return _mapi_properties(payload)
    except (TnefError, struct.error, UnicodeDecodeError) as error:
        notes.append(f"{what} unreadable ({error})")
        return {}


def _mapi_properties(payload: bytes) -> dict[int, object]:
    """Property id -> first value (bytes for binary, str for strings, None for the rest)."""
    (count,) = struct.unpack_from("<I", payload)
    if count > _MAX_PROPERTIES:
        raise TnefError(f"{count:,} properties announced")
    offset = 4
    found: dict[int, object] = {}
    for _ in range(count):
        prop_type, prop_id = struct.unpack_from("<HH", payload, offset)
        offset += 4
        if prop_id >= 0x8000:
            offset = _skip_property_name(payload, offset)
        value, offset = _property_value(payload, offset, prop_type)
        found.setdefault(prop_id, value)
    return found


def _skip_property_name(payload: bytes, offset: int) -> int:
    # A named property: GUID, then a numeric id or a UTF-16 name padded to 4 bytes.
    offset += 16
    (kind,) = struct.unpack_from("<I", payload, offset)
    offset += 4
    if kind == 0:
        return offset + 4
    (length,) = struct.unpack_from("<I", payload, offset)
    return offset + 4 + _padded(length)


def _property_value(payload: bytes, offset: int, prop_type: int) -> tuple[object, int]:
    base = prop_type & ~_MULTI_VALUED
    multi = prop_type & _MULTI_VALUED
    if base in _VARIABLE:
        (count,) = struct.unpack_from("<I", payload, offset)
        offset += 4
        values: list[object] = []
        for _ in range(count):
            (length,) = struct.unpack_from("<I", payload, offset)
            offset += 4
            raw = payload[offset : offset + length]
            if len(raw) != length:
                raise TnefError("property value runs past the end")
            values.append(_variable_value(base, raw))
            offset += _padded(length)
        return (values[0] if values else None), offset
    size = _FIXED_SIZES.get(base)
    if size is None:
        raise TnefError(f"unknown property type 0x{prop_type:04x}")
    count = 1
    if multi:
        (count,) = struct.unpack_from("<I", payload, offset)
        offset += 4
    end = offset + count * _padded(size)
    if end > len(payload):
        raise TnefError("property value runs past the end")
    return None, end


def _variable_value(base: int, raw: bytes) -> object:
    if base == _PT_UNICODE:
        return raw.decode("utf-16-le", errors="replace").rstrip("\x00")
    if base == _PT_STRING8:
        return _decode_string(raw)
    if base == _PT_OBJECT:
        # An embedded object starts with the 16-byte interface id of its kind.
        return raw[16:]
    return raw


def _padded(length: int) -> int:
    return (length + 3) & ~3


def _decode_string(raw: bytes) -> str:
    text = raw.split(b"\x00", 1)[0]
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError:
        # TNEF strings are in the sender's Windows code page; cp1252 is by far the most common.
        return text.decode("cp1252", errors="replace")


def _text_prop(props: dict[int, object], *ids: int) -> str:
    for prop_id in ids:
        value = props.get(prop_id)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, bytes) and value.strip(b"\x00"):
            return _decode_string(value).strip()
    return ""


def _html_body(props: dict[int, object]) -> str | None:
    value = props.get(_PR_BODY_HTML)
    if isinstance(value, bytes):
        return _decode_string(value) or None
    return value if isinstance(value, str) and value else None


def _rtf_body(props: dict[int, object], notes: list[str]) -> str:
    value = props.get(_PR_RTF_COMPRESSED)
    if not isinstance(value, bytes):
        return ""
    try:
        return compressed_rtf_to_text(value).strip()
    except ValueError as error:
        notes.append(f"RTF body unreadable ({error})")
        return ""
