"""An e-mail address checked against the names written on the same form.

Most people's addresses are made of their names (JOHN.SMITH@, J_SMITH@, SMITHJOHN@), and the
name boxes are read far more reliably than an address (short words of letters only, no "@",
"_" or "."). When the local part is one of the usual combinations of the names, two independent
readings agree: the address is confirmed. When it is one or two slips away from exactly one
combination (a stray G before the "@", I read as T, O as 0), it is corrected to it. An address
that is not made of the names gets no help and keeps its OCR confidence.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from ocr.forms.edits import levenshtein
from ocr.forms.postal import fold

SEPARATORS = ("", ".", "_", "-")
# Slips allowed per length of the local part: one in a short part, two from ten characters on.
MAX_SLIPS = 2
CHARACTERS_PER_SLIP = 5


class Evidence(enum.Enum):
    NONE = "none"  # the names say nothing about this address
    CONFIRMED = "confirmed"  # the local part is made of the names as read
    CORRECTED = "corrected"  # one combination of the names explains the misread local part


@dataclass(frozen=True)
class NameCheck:
    value: str
    evidence: Evidence


def name_locals(names: Sequence[str]) -> tuple[str, ...]:
    """The usual local parts made of a first and a last name (or of one name alone)."""
    folded = [fold(name).replace(" ", "").replace("'", "") for name in names if name.strip()]
    if not folded:
        return ()
    found = list(folded)
    if len(folded) >= 2:
        first, last = folded[0], folded[-1]
        for separator in SEPARATORS:
            found += [
                f"{first}{separator}{last}",
                f"{last}{separator}{first}",
                f"{first[0]}{separator}{last}",
            ]
    return tuple(dict.fromkeys(found))


def check_against_names(address: str, names: Sequence[str]) -> NameCheck:
    """Confirm or correct the local part of a well-formed `address` from the writer's names."""
    if address.count("@") != 1:
        return NameCheck(address, Evidence.NONE)
    local, domain = address.split("@")
    candidates = name_locals(names)
    if local in candidates:
        return NameCheck(address, Evidence.CONFIRMED)
    allowed = min(MAX_SLIPS, max(1, len(local) // CHARACTERS_PER_SLIP))
    distances = sorted((levenshtein(local, c, allowed), c) for c in candidates)
    if not distances or distances[0][0] > allowed:
        return NameCheck(address, Evidence.NONE)
    if len(distances) > 1 and distances[1][0] == distances[0][0]:
        return NameCheck(address, Evidence.NONE)  # two combinations explain it equally well
    return NameCheck(f"{distances[0][1]}@{domain}", Evidence.CORRECTED)
