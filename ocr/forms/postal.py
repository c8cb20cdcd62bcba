"""Postcodes and their towns, from GeoNames postal-code files (`country_code,zipcode,place,...`)."""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

# What a postcode looks like per country, once OCR's spaces are tidied. GB files hold only the
# outward code (the part before the space), so a full GB postcode is looked up by its first part.
POSTCODE_FORMATS = {
    "PL": re.compile(r"^\d{2}-\d{3}$"),
    "GB": re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$"),
    "US": re.compile(r"^\d{5}$"),
}
# Letters NFKD does not take apart.
FOLDS = str.maketrans({"Ł": "L", "ł": "L", "Ø": "O", "ß": "SS"})


class PostalDataError(ValueError):
    """A postal file that cannot be read; the message names the file, line and problem."""


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Upper case without diacritics and with single spaces: how OCR and people may spell a town."""
    decomposed = unicodedata.normalize("NFKD", text.translate(FOLDS).upper())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.replace("-", " ").split())


def tidy_postcode(country: str, raw: str) -> str:
    """The read postcode in its country's usual spelling (spaces, dash), as far as it can tell."""
    compact = re.sub(r"[\s\-]", "", raw.upper())
    if country == "PL" and re.fullmatch(r"\d{5}", compact):
        return f"{compact[:2]}-{compact[2:]}"
    if country == "GB" and 5 <= len(compact) <= 7:
        return f"{compact[:-3]} {compact[-3:]}"
    if country == "US" and re.fullmatch(r"\d{5}(\d{4})?", compact):
        return compact[:5]
    return raw.strip().upper()


def directory_key(country: str, postcode: str) -> str:
    """The part of a postcode the GeoNames file lists: the outward code for GB."""
    return postcode.split(" ")[0] if country == "GB" else postcode


class PostalDirectory:
    """Which towns a postcode covers and which postcodes a town has, per country."""

    def __init__(self, rows: Iterable[tuple[str, str, str]]) -> None:
        towns: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
        codes: dict[tuple[str, str], set[str]] = defaultdict(set)
        for country, code, place in rows:
            towns[(country, code)][fold(place)] = place.upper()
            codes[(country, fold(place))].add(code)
        self._towns = dict(towns)
        self._codes = {key: tuple(sorted(value)) for key, value in codes.items()}
        self.countries = tuple(sorted({country for country, _ in self._towns}))

    @classmethod
    def from_files(cls, paths: Sequence[Path], countries: Sequence[str] = ()) -> PostalDirectory:
        """Load GeoNames CSV files, keeping only `countries` when given."""
        wanted = {c.upper() for c in countries}
        rows: list[tuple[str, str, str]] = []
        for path in paths:
            rows.extend(_rows(path, wanted))
        return cls(rows)

    @classmethod
    def from_folder(cls, folder: Path, countries: Sequence[str] = ()) -> PostalDirectory:
        paths = sorted(folder.glob("*.csv"))
        if not paths:
            raise PostalDataError(f"{folder}: no GeoNames postal files (*.csv) in this folder")
        return cls.from_files(paths, countries)

    def towns(self, country: str, postcode: str) -> dict[str, str]:
        """Folded name -> name as written (upper case) of every town under a postcode."""
        return self._towns.get((country, directory_key(country, postcode)), {})

    def postcodes(self, country: str, town: str) -> tuple[str, ...]:
        """The directory's postcodes (outward codes for GB) of a town, in any spelling."""
        return self._codes.get((country, fold(town)), ())

    def knows_town(self, country: str, town: str) -> bool:
        return (country, fold(town)) in self._codes


def _rows(path: Path, wanted: set[str]) -> Iterable[tuple[str, str, str]]:
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as error:
        raise PostalDataError(f"{path}: cannot be read: {error.strerror or error}") from error
    with handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None or header[:3] != ["country_code", "zipcode", "place"]:
            raise PostalDataError(
                f"{path}: line 1: expected GeoNames columns country_code,zipcode,place,..."
            )
        for number, row in enumerate(reader, start=2):
            if len(row) < 3 or not all(row[:3]):
                raise PostalDataError(f"{path}: line {number}: country, zipcode and place needed")
            if not wanted or row[0] in wanted:
                yield row[0], row[1].upper(), row[2]
