"""Where everything sits on the paper Vistula Club coupon, in pixels of a 300 dpi scan.

The sample generator draws the coupon from this data, and a coupon reader can use the same boxes
as its form template. The card is A5 landscape (210 x 148 mm). Labels are printed above their
boxes; checkbox labels sit to the right of their squares.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Box:
    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (self.left, self.top, self.right, self.bottom)


@dataclass(frozen=True)
class FieldBox:
    """A box the customer fills in with block capitals."""

    name: str
    label_en: str
    label_pl: str
    box: Box

    def label(self, language: str) -> str:
        return self.label_pl if language == "pl" else self.label_en


@dataclass(frozen=True)
class CheckboxBox:
    """A square the customer ticks; the label is printed to its right."""

    name: str
    label_en: str
    label_pl: str
    box: Box

    def label(self, language: str) -> str:
        return self.label_pl if language == "pl" else self.label_en


@dataclass(frozen=True)
class CouponLayout:
    dpi: int
    width: int
    height: int
    title_en: str
    title_pl: str
    title_box: Box
    label_gap: int  # pixels between the bottom of a field label and the top of its box
    fields: tuple[FieldBox, ...]
    checkboxes: tuple[CheckboxBox, ...]
    footer_box: Box

    def title(self, language: str) -> str:
        return self.title_pl if language == "pl" else self.title_en

    def field(self, name: str) -> FieldBox:
        for field_box in self.fields:
            if field_box.name == name:
                return field_box
        raise KeyError(f"the coupon layout has no field {name!r}")

    def checkbox(self, name: str) -> CheckboxBox:
        for checkbox_box in self.checkboxes:
            if checkbox_box.name == name:
                return checkbox_box
        raise KeyError(f"the coupon layout has no checkbox {name!r}")


COUPON_LAYOUT = CouponLayout(
    dpi=300,
    width=2480,
    height=1748,
    title_en="VISTULA CLUB – LOYALTY COUPON",
    title_pl="KLUB VISTULA – KUPON LOJALNOŚCIOWY",
    title_box=Box(120, 90, 2360, 210),
    label_gap=12,
    fields=(
        FieldBox("first_name", "First name", "Imię", Box(120, 370, 1200, 480)),
        FieldBox("last_name", "Last name", "Nazwisko", Box(1280, 370, 2360, 480)),
        FieldBox("street", "Street and number", "Ulica i numer", Box(120, 580, 2360, 690)),
        FieldBox("postcode", "Postcode", "Kod pocztowy", Box(120, 790, 640, 900)),
        FieldBox("town", "Town", "Miejscowość", Box(720, 790, 2360, 900)),
        FieldBox("email", "E-mail", "E-mail", Box(120, 1000, 2360, 1110)),
        FieldBox("phone", "Phone", "Telefon", Box(120, 1210, 1100, 1320)),
        FieldBox("card_number", "Card number", "Numer karty", Box(1180, 1210, 2360, 1320)),
    ),
    checkboxes=(
        CheckboxBox(
            "newsletter",
            "I want the newsletter",
            "Chcę otrzymywać newsletter",
            Box(120, 1375, 190, 1445),
        ),
        CheckboxBox(
            "prize_draw",
            "I want to join the prize draw",
            "Chcę wziąć udział w losowaniu nagród",
            Box(120, 1470, 190, 1540),
        ),
        CheckboxBox(
            "consent",
            "I agree to the processing of my personal data",
            "Wyrażam zgodę na przetwarzanie moich danych osobowych",
            Box(120, 1565, 190, 1635),
        ),
    ),
    footer_box=Box(120, 1668, 2360, 1720),
)
