"""Plain values the forms reader hands to its callers."""

from __future__ import annotations

from dataclasses import dataclass

from ocr.forms.align import Alignment
from ocr.forms.template import Box, FieldKind, FormTemplate

# Below this a field goes to a person. Callers may pass their own threshold.
DEFAULT_CONFIDENCE_THRESHOLD = 0.8


@dataclass(frozen=True)
class FieldReading:
    """One field of a form as read, checked and (where the evidence allows) corrected.

    `value` is what to keep; `read_value` is what OCR saw. Checkboxes read "X" when ticked and
    "" when empty. `crop_png` is the field's image, aligned to the template, for the person
    who verifies it.
    """

    name: str
    kind: FieldKind
    value: str
    read_value: str
    confidence: float  # 0..1
    valid: bool
    problem: str  # empty when valid
    suggestions: tuple[str, ...]
    box: Box  # in pixels of the template's reference image
    crop_png: bytes

    @property
    def corrected(self) -> bool:
        return self.value != self.read_value

    @property
    def ticked(self) -> bool:
        return self.kind == "checkbox" and self.value == "X"

    def confident(self, threshold: float = DEFAULT_CONFIDENCE_THRESHOLD) -> bool:
        return self.valid and self.confidence >= threshold


@dataclass(frozen=True)
class FormReading:
    """Every field of one form page."""

    template: str
    language: str
    alignment_score: float
    country: str  # of the postcode, when the form has one; else ""
    fields: tuple[FieldReading, ...]

    def field(self, name: str) -> FieldReading:
        for reading in self.fields:
            if reading.name == name:
                return reading
        raise KeyError(f"form {self.template!r} has no field {name!r}")

    @property
    def values(self) -> dict[str, str]:
        return {reading.name: reading.value for reading in self.fields}

    def needs_verification(
        self, threshold: float = DEFAULT_CONFIDENCE_THRESHOLD
    ) -> tuple[FieldReading, ...]:
        """The fields a person should look at: invalid, or read without enough confidence."""
        return tuple(f for f in self.fields if not f.confident(threshold))

    def confident(self, threshold: float = DEFAULT_CONFIDENCE_THRESHOLD) -> bool:
        return not self.needs_verification(threshold)


@dataclass(frozen=True)
class FormMatch:
    """The page of a document that is a known form, and which form."""

    page_index: int  # 0-based, into the pages given to match_form
    template: FormTemplate
    alignment: Alignment

    @property
    def score(self) -> float:
        return self.alignment.score
