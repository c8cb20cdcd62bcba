"""Entities in a contact's text: references, IBANs, postcodes, phones, e-mails, amounts, dates.

Each finder is a regular expression plus a check a regular expression cannot do (the IBAN's
checksum, a real calendar date), so that what is reported can be acted on. Overlaps are resolved
in favour of the earlier, then the longer match: an IBAN's digits are not also a phone number.
"""

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date

from classify import entity_patterns as p
from classify.iban import compact_iban, is_valid_iban


@dataclass(frozen=True)
class Entity:
    kind: str
    text: str
    start: int
    end: int
    # The entity in a canonical form: "PL61109010140000071219812874", "1849.00 PLN", "2026-03-14".
    value: str


Finder = Callable[[str], Iterator[Entity]]


def find_entities(text: str, references: Mapping[str, re.Pattern[str]] = {}) -> list[Entity]:
    """Every entity of `text`, in reading order, without overlaps.

    `references` maps a kind ("customer", "order", ...) to the organisation's pattern for it, as
    `entity_patterns.parse_reference_patterns` builds them; they take precedence over the generic
    kinds, since an order number may also look like a phone number.
    """
    found: list[Entity] = []
    for kind, pattern in references.items():
        found.extend(_matches(kind, pattern, text))
    for finder in _FINDERS:
        found.extend(finder(text))
    return _without_overlaps(found)


def _matches(kind: str, pattern: re.Pattern[str], text: str) -> Iterator[Entity]:
    for match in pattern.finditer(text):
        yield Entity(kind, match.group(), match.start(), match.end(), match.group().upper())


def _ibans(text: str) -> Iterator[Entity]:
    for match in p.IBAN.finditer(text):
        raw = match.group().rstrip(" -")
        if is_valid_iban(raw):
            yield Entity("iban", raw, match.start(), match.start() + len(raw), compact_iban(raw))


def _emails(text: str) -> Iterator[Entity]:
    for match in p.EMAIL.finditer(text):
        yield Entity("email", match.group(), match.start(), match.end(), match.group().lower())


def _postcodes(text: str) -> Iterator[Entity]:
    for match in p.POSTCODE_PL.finditer(text):
        yield Entity("postcode", match.group(), match.start(), match.end(), f"PL {match.group()}")
    for match in p.POSTCODE_US.finditer(text):
        zip_code = match.group(1)
        yield Entity("postcode", zip_code, match.start(1), match.end(1), f"US {zip_code}")
    for match in p.POSTCODE_GB.finditer(text):
        outward_inward = " ".join(match.group().split())
        if " " not in outward_inward:
            outward_inward = f"{outward_inward[:-3]} {outward_inward[-3:]}"
        yield Entity("postcode", match.group(), match.start(), match.end(), f"GB {outward_inward}")


def _phones(text: str) -> Iterator[Entity]:
    for match in p.PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 9 <= len(digits) <= 13:
            prefix = "+" if match.group().startswith("+") else ""
            yield Entity("phone", match.group(), match.start(), match.end(), prefix + digits)


def _amounts(text: str) -> Iterator[Entity]:
    for match in p.AMOUNT.finditer(text):
        number = match.group("n1") or match.group("n2")
        currency = p.CURRENCY_CODES[match.group("pre") or match.group("post")]
        yield Entity("amount", match.group(), match.start(), match.end(), _amount(number, currency))


def _amount(number: str, currency: str) -> str:
    """ "1 849,00" -> "1849.00 PLN": the last separator followed by one or two digits is decimal."""
    compact = number.replace(" ", "").replace("\u00a0", "")
    decimal = re.search(r"[.,](\d{1,2})$", compact)
    whole = compact[: decimal.start()] if decimal else compact
    whole = re.sub(r"[.,]", "", whole)
    cents = (decimal.group(1) if decimal else "").ljust(2, "0")
    return f"{int(whole)}.{cents} {currency}"


def _dates(text: str) -> Iterator[Entity]:
    for match in p.DATE_NUMERIC.finditer(text):
        if match.group(1):
            year, month, day = (int(match.group(i)) for i in (1, 2, 3))
        else:
            day, month, year = (int(match.group(i)) for i in (4, 5, 6))
        try:
            value = date(year, month, day).isoformat()
        except ValueError:
            continue  # 31.02.2026 is not a date, whatever it is.
        yield Entity("date", match.group(), match.start(), match.end(), value)


# Order matters only among matches starting at the same place: the first finder listed wins.
_FINDERS: tuple[Finder, ...] = (_ibans, _emails, _dates, _postcodes, _amounts, _phones)


def _without_overlaps(found: list[Entity]) -> list[Entity]:
    kept: list[Entity] = []
    # Stable sort: at equal start and length, references and then _FINDERS order decide.
    for entity in sorted(found, key=lambda e: (e.start, -(e.end - e.start))):
        if kept and entity.start < kept[-1].end:
            continue
        kept.append(entity)
    return kept
