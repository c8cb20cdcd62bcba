"""Checks of what was read: syntax per field type, and postcode against town with postal data.

Each check returns a `Checked` value: the value to keep (corrected where the evidence allows
exactly one reading), whether it is valid, the problem in words, and suggestions for a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ocr.forms.edits import hamming, levenshtein
from ocr.forms.postal import POSTCODE_FORMATS, PostalDirectory, fold, tidy_postcode

EMAIL = re.compile(r"^[A-Z0-9._%+\-]+@[A-Z0-9\-]+(\.[A-Z0-9\-]+)*\.[A-Z]{2,}$", re.IGNORECASE)
PHONE = re.compile(r"^\+?\d{7,15}$")
DATE_FORMATS = (
    re.compile(r"^(?P<d>\d{1,2})[./\-](?P<m>\d{1,2})[./\-](?P<y>\d{4})$"),
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
)
# Mail domains most customers use; an OCR'd address whose domain is one of them is trusted
# more, and a broken one is repaired towards them.
KNOWN_MAIL_DOMAINS = (
    "GMAIL.COM",
    "OUTLOOK.COM",
    "HOTMAIL.COM",
    "YAHOO.COM",
    "ICLOUD.COM",
    "AOL.COM",
    "LIVE.COM",
    "BTINTERNET.COM",
    "WP.PL",
    "ONET.PL",
    "O2.PL",
    "INTERIA.PL",
    "GAZETA.PL",
    "OP.PL",
    "TLEN.PL",
)
# What Tesseract reads an "@" as when it misses it.
AT_LOOKALIKES = "GQOAE"
MAX_TOWN_EDITS = 2
LONG_DOMAIN = 9  # characters; two edits are allowed only when exactly one known domain fits
MAX_SUGGESTIONS = 5


@dataclass(frozen=True)
class Checked:
    value: str
    valid: bool
    problem: str = ""
    suggestions: tuple[str, ...] = ()
    corrected: bool = False  # the value differs from what was read, on evidence


def check_pattern(value: str, pattern: str) -> Checked:
    if not value:
        return Checked(value, False, "empty")
    if pattern and not re.fullmatch(pattern, value):
        return Checked(value, False, f"{value!r} does not look like {pattern}")
    return Checked(value, True)


def check_digits(value: str) -> Checked:
    if not re.fullmatch(r"\d+", value.replace(" ", "")):
        return Checked(value, False, f"{value!r} should hold digits only")
    return Checked(value, True)


def check_phone(value: str) -> Checked:
    compact = value.replace(" ", "")
    if not PHONE.fullmatch(compact):
        return Checked(value, False, f"{value!r} is not a phone number (7-15 digits, maybe +)")
    return Checked(value, True)


def check_date(value: str) -> Checked:
    for pattern in DATE_FORMATS:
        found = pattern.fullmatch(value.strip())
        if found is None:
            continue
        try:
            date(int(found["y"]), int(found["m"]), int(found["d"]))
        except ValueError:
            return Checked(value, False, f"{value!r} is not a day of the calendar")
        return Checked(value, True)
    return Checked(value, False, f"{value!r} is not a date like 31.12.2026 or 2026-12-31")


def check_email(value: str) -> Checked:
    """Syntax, and a repair when exactly one fix gives an address at a well-known domain."""
    compact = value.replace(" ", "")
    if EMAIL.fullmatch(compact):
        return _known_domain(compact)
    repairs = _email_repairs(compact)
    # Only an '@' put back, the domain as read and well known: that is evidence enough.
    exact = [r for r in repairs if r.split("@")[1] in KNOWN_MAIL_DOMAINS and _as_read(r, compact)]
    if len(exact) == 1:
        return Checked(exact[0], True, corrected=True)
    known = [r for r in repairs if r.split("@")[1] in KNOWN_MAIL_DOMAINS]
    problem = f"{compact!r} has no '@'" if "@" not in compact else f"{compact!r} is not an address"
    return Checked(compact, False, problem, tuple(known or repairs)[:MAX_SUGGESTIONS])


def _known_domain(address: str) -> Checked:
    """A well-formed address whose domain is one edit from exactly one well-known domain
    (GGMAIL.COM, 02.PL) takes that domain; Tesseract doubles and confuses letters there."""
    local, domain = address.rsplit("@", 1)
    if domain in KNOWN_MAIL_DOMAINS:
        return Checked(address, True)
    close = _close_domains(domain)
    if len(close) == 1:
        return Checked(f"{local}@{close[0]}", True, corrected=True)
    return Checked(address, True)


def _close_domains(domain: str) -> list[str]:
    """Well-known domains one edit away, or two for long ones (GINTERTIA.PL: a stray G after
    the '@' and I read as T); short ones such as WP.PL and OP.PL are themselves one apart."""
    allowed = 2 if len(domain) >= LONG_DOMAIN else 1
    return [d for d in KNOWN_MAIL_DOMAINS if levenshtein(domain, d, allowed) <= allowed]


def _as_read(repair: str, read: str) -> bool:
    """The repair differs from what was read in one character, the '@'."""
    return len(repair) == len(read) and sum(a != b for a, b in zip(repair, read, strict=True)) <= 1


def _email_repairs(text: str) -> list[str]:
    """Addresses one fix away: an '@' read as a look-alike letter, or a domain one edit off."""
    candidates: list[str] = []
    if "@" not in text:
        for index, char in enumerate(text):
            if char in AT_LOOKALIKES:
                candidate = text[:index] + "@" + text[index + 1 :]
                if EMAIL.fullmatch(candidate):
                    candidates.append(candidate)
    elif text.count("@") == 1:
        candidates.append(text)
    repaired: list[str] = []
    for candidate in candidates:
        local, domain = candidate.split("@")
        close = [d for d in KNOWN_MAIL_DOMAINS if levenshtein(domain, d, 1) <= 1]
        repaired.extend(f"{local}@{d}" for d in close)
        if not close and EMAIL.fullmatch(candidate):
            repaired.append(candidate)
    return list(dict.fromkeys(repaired))


@dataclass(frozen=True)
class PostalCheck:
    postcode: Checked
    town: Checked
    country: str


def check_postcode_and_town(
    postcode: str, town: str, countries: tuple[str, ...], postal: PostalDirectory
) -> PostalCheck:
    """Check the pair against the directory, correcting one from the other when OCR misread
    exactly one of them in a way only one entry explains."""
    results = [_check_pair(postcode, town, country, postal) for country in countries]
    # Prefer the country where the pair checks out, then one where the postcode's shape fits.
    results.sort(key=lambda r: (not (r.postcode.valid and r.town.valid), not _shaped(r)))
    return results[0]


def _shaped(result: PostalCheck) -> bool:
    pattern = POSTCODE_FORMATS.get(result.country)
    return bool(pattern and pattern.fullmatch(result.postcode.value))


def _check_pair(raw_code: str, raw_town: str, country: str, postal: PostalDirectory) -> PostalCheck:
    code = tidy_postcode(country, raw_code)
    town = " ".join(raw_town.upper().split())
    pattern = POSTCODE_FORMATS.get(country)
    if pattern is not None and not pattern.fullmatch(code):
        return _unknown(code, town, country, postal, f"{code!r} is not a {country} postcode")
    towns = postal.towns(country, code)
    folded = fold(town)
    if folded in towns:
        return PostalCheck(
            Checked(code, True),
            Checked(towns[folded], True, corrected=towns[folded] != town),
            country,
        )
    close = sorted((levenshtein(folded, name, MAX_TOWN_EDITS), name) for name in towns if folded)
    if close and close[0][0] <= MAX_TOWN_EDITS and (len(close) == 1 or close[1][0] > close[0][0]):
        fixed = towns[close[0][1]]
        return PostalCheck(Checked(code, True), Checked(fixed, True, corrected=True), country)
    fixed_code = _postcode_from_town(code, town, country, postal)
    if fixed_code is not None:
        name = postal.towns(country, fixed_code)[folded]
        return PostalCheck(
            Checked(fixed_code, True, corrected=True),
            Checked(name, True, corrected=name != town),
            country,
        )
    if towns:
        nearest = tuple(towns[name] for _, name in close[:MAX_SUGGESTIONS])
        return PostalCheck(
            Checked(code, False, f"{town!r} is not a town of postcode {code}", nearest),
            Checked(town, False, f"{town!r} is not a town of postcode {code}", nearest),
            country,
        )
    return _unknown(code, town, country, postal, f"postcode {code} is not in the {country} list")


def _postcode_from_town(code: str, town: str, country: str, postal: PostalDirectory) -> str | None:
    """The town's one postcode that differs from the read one by one character, if unique."""
    key = code.split(" ")[0] if country == "GB" else code
    options = [c for c in postal.postcodes(country, town) if hamming(c, key) == 1]
    if len(options) != 1:
        return None
    return options[0] + code[len(key) :] if country == "GB" else options[0]


def _unknown(
    code: str, town: str, country: str, postal: PostalDirectory, problem: str
) -> PostalCheck:
    suggestions = postal.postcodes(country, town)[:MAX_SUGGESTIONS]
    town_known = postal.knows_town(country, town)
    return PostalCheck(
        Checked(code, False, problem, suggestions),
        Checked(town, town_known, "" if town_known else f"{town!r} is not a {country} town"),
        country,
    )
