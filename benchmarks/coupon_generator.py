"""Filled-in, scanned Vistula Club coupons with known contents, for tests and benchmarks.

    from benchmarks.coupon_generator import CouponFactory
    coupon = CouponFactory(seed=7).make(0)   # .jpeg, .expected, .template, .country

Names, streets and postcode + town pairs drawn from the GeoNames postal data, printed in block
capitals with the sample generator's pen, boxes ticked at random, then scanned badly: skewed up
to 5 degrees either way, blurred, noisy, JPEG-compressed.
"""

from __future__ import annotations

import csv
import random
import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parents[1]
SAMPLES_DIR = REPO / "samples"
POSTAL_DIR = REPO.parent / "shared" / "data" / "postal"
if str(SAMPLES_DIR) not in sys.path:
    sys.path.insert(0, str(SAMPLES_DIR))

from coupon_layout import COUPON_LAYOUT  # noqa: E402
from generate_samples import draw_printed_coupon, fill_box, tick_box  # noqa: E402

PL_FIRST = [
    "ANNA",
    "MARIA",
    "KATARZYNA",
    "MAŁGORZATA",
    "AGNIESZKA",
    "BARBARA",
    "EWA",
    "KRYSTYNA",
    "ELŻBIETA",
    "ZOFIA",
    "JOANNA",
    "MAGDALENA",
    "MONIKA",
    "JADWIGA",
    "DOROTA",
    "PIOTR",
    "KRZYSZTOF",
    "ANDRZEJ",
    "TOMASZ",
    "PAWEŁ",
    "JAN",
    "MICHAŁ",
    "MAREK",
    "GRZEGORZ",
    "JÓZEF",
    "ŁUKASZ",
    "ADAM",
    "ZBIGNIEW",
    "JERZY",
    "TADEUSZ",
    "MATEUSZ",
    "DARIUSZ",
    "WOJCIECH",
]
PL_LAST = [
    "NOWAK",
    "KOWALSKA",
    "WIŚNIEWSKI",
    "WÓJCIK",
    "KOWALCZYK",
    "KAMIŃSKA",
    "LEWANDOWSKI",
    "ZIELIŃSKA",
    "SZYMAŃSKI",
    "WOŹNIAK",
    "DĄBROWSKA",
    "KOZŁOWSKI",
    "JANKOWSKA",
    "MAZUR",
    "WOJCIECHOWSKI",
    "KWIATKOWSKA",
    "KRAWCZYK",
    "KACZMAREK",
    "PIOTROWSKI",
    "GRABOWSKA",
    "ZAJĄC",
    "PAWŁOWSKI",
    "MICHALSKA",
    "KRÓL",
    "WIECZOREK",
    "JABŁOŃSKA",
    "WRÓBEL",
    "NOWAKOWSKI",
    "MAJEWSKA",
    "OLSZEWSKI",
    "STĘPIEŃ",
    "MALINOWSKA",
    "JAWORSKI",
    "ADAMCZYK",
    "DUDEK",
]
PL_STREETS = (
    "MICKIEWICZA", "SŁOWACKIEGO", "KOŚCIUSZKI", "SIENKIEWICZA", "POLNA", "LEŚNA", "SZKOLNA",
    "OGRODOWA", "LIPOWA", "KRÓTKA", "DŁUGA", "KOLEJOWA", "PIŁSUDSKIEGO", "KOPERNIKA",
    "ŻEROMSKIEGO", "3 MAJA", "PARKOWA", "SPACEROWA", "WIEJSKA", "BRZOZOWA",
)  # fmt: skip
EN_FIRST = [
    "OLIVER",
    "GEORGE",
    "HARRY",
    "JACK",
    "NOAH",
    "CHARLIE",
    "JAMES",
    "WILLIAM",
    "THOMAS",
    "OSCAR",
    "AMELIA",
    "OLIVIA",
    "ISLA",
    "AVA",
    "EMILY",
    "SOPHIA",
    "GRACE",
    "MIA",
    "POPPY",
    "ELLA",
    "DANIEL",
    "MEGAN",
    "SARAH",
    "LAURA",
    "MICHAEL",
    "DAVID",
    "JOHN",
    "EMMA",
]
EN_LAST = [
    "SMITH",
    "JONES",
    "TAYLOR",
    "BROWN",
    "WILLIAMS",
    "WILSON",
    "JOHNSON",
    "DAVIES",
    "ROBINSON",
    "WRIGHT",
    "THOMPSON",
    "EVANS",
    "WALKER",
    "WHITE",
    "ROBERTS",
    "GREEN",
    "HALL",
    "WOOD",
    "JACKSON",
    "CLARKE",
    "MILLER",
    "DAVIS",
    "GARCIA",
    "RODRIGUEZ",
    "MARTINEZ",
    "ANDERSON",
    "FOSTER",
    "RILEY",
    "BRADSHAW",
    "THORNTON",
]
EN_STREETS = (
    "HIGH STREET", "STATION ROAD", "CHURCH LANE", "MILL ROAD", "PARK AVENUE", "QUEEN SQUARE",
    "ELM GROVE", "VICTORIA ROAD", "MAIN ST", "OAK AVE", "W RANDOLPH ST", "CONGRESS AVE",
    "MAPLE DRIVE", "LAKE VIEW RD",
)  # fmt: skip
DOMAINS = {
    "PL": ("WP.PL", "ONET.PL", "O2.PL", "INTERIA.PL", "GMAIL.COM", "GAZETA.PL"),
    "GB": ("GMAIL.COM", "OUTLOOK.COM", "BTINTERNET.COM", "HOTMAIL.COM", "YAHOO.COM"),
    "US": ("GMAIL.COM", "YAHOO.COM", "OUTLOOK.COM", "AOL.COM", "ICLOUD.COM"),
}
GB_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
# Towns whose names hold only what the town box may: letters, spaces, hyphens, dots.
PLAIN_TOWN = re.compile(r"^[A-ZĄĆĘŁŃÓŚŹŻ][A-ZĄĆĘŁŃÓŚŹŻ .\-]{1,24}$")
CHECKBOXES = ("newsletter", "prize_draw", "consent")


@dataclass(frozen=True)
class GeneratedCoupon:
    number: int
    template: str  # coupon_en or coupon_pl
    country: str
    expected: dict[str, str]  # field -> value; checkboxes "X" when ticked, "" when not
    jpeg: bytes  # the degraded scan, grayscale JPEG of a 300 dpi page


def ascii_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("Ł", "L"))
    return "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c in ".-"))


@cache
def postal_rows(country: str) -> tuple[tuple[str, str], ...]:
    """(postcode, town in capitals) pairs of a country whose town fits the town box."""
    path = POSTAL_DIR / f"geonames_zipcodes.{country.lower()}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = {(row["zipcode"], row["place"].upper()) for row in csv.DictReader(handle)}
    return tuple(sorted(pair for pair in rows if PLAIN_TOWN.fullmatch(pair[1])))


class CouponFactory:
    """Deterministic coupons: coupon `n` of a seed is always the same."""

    def __init__(self, seed: int = 0, max_skew: float = 5.0) -> None:
        self.seed = seed
        self.max_skew = max_skew

    def make(self, number: int, written: dict[str, str] | None = None) -> GeneratedCoupon:
        """Coupon `number`; `written` replaces what the customer wrote in some boxes (a slip of
        the pen, say), while `expected` keeps the true values."""
        rng, planned = self._plan(number)
        language = planned.template.removeprefix("coupon_")
        card = self._filled(rng, language, planned.expected | (written or {}))
        return GeneratedCoupon(
            number=number,
            template=planned.template,
            country=planned.country,
            expected=planned.expected,
            jpeg=self._scanned(rng, card),
        )

    def expected_only(self, number: int) -> GeneratedCoupon:
        """Coupon `number`'s contents without drawing it (`jpeg` is empty): for checking."""
        return self._plan(number)[1]

    def _plan(self, number: int) -> tuple[random.Random, GeneratedCoupon]:
        rng = random.Random(f"coupon:{self.seed}:{number}")
        country = rng.choice(("PL", "PL", "GB", "US"))
        language = "pl" if country == "PL" else "en"
        expected = self._contents(rng, country)
        return rng, GeneratedCoupon(number, f"coupon_{language}", country, expected, b"")

    def _contents(self, rng: random.Random, country: str) -> dict[str, str]:
        first_names, last_names = (PL_FIRST, PL_LAST) if country == "PL" else (EN_FIRST, EN_LAST)
        first, last = rng.choice(first_names), rng.choice(last_names)
        postcode, town = rng.choice(postal_rows(country))
        if country == "PL":
            street = f"UL. {rng.choice(PL_STREETS)} {rng.randint(1, 120)}"
            if rng.random() < 0.4:
                street += f"/{rng.randint(1, 40)}"
            phone = " ".join(f"{rng.randint(500, 899)}{rng.randint(0, 999999):06d}"[i : i + 3]
                             for i in (0, 3, 6))  # fmt: skip
        else:
            street = f"{rng.randint(1, 1200)} {rng.choice(EN_STREETS)}"
            if country == "GB":
                postcode = (
                    f"{postcode} {rng.randint(1, 9)}"
                    f"{rng.choice(GB_INWARD_LETTERS)}{rng.choice(GB_INWARD_LETTERS)}"
                )
                phone = f"+44 7700 {rng.randint(900000, 900999)}"
            else:
                phone = f"+1 {rng.randint(201, 989)} 555 {rng.randint(100, 199):04d}"
        separator = rng.choice((".", "", "_"))
        local = f"{ascii_fold(first)}{separator}{ascii_fold(last)}"
        if rng.random() < 0.2:
            local = f"{ascii_fold(first)[0]}.{ascii_fold(last)}"
        contents = {
            "first_name": first,
            "last_name": last,
            "street": street,
            "postcode": postcode,
            "town": town,
            "email": f"{local}@{rng.choice(DOMAINS[country])}",
            "phone": phone,
            "card_number": f"VC {rng.randint(0, 9999):04d} {rng.randint(0, 9999):04d}",
        }
        for name in CHECKBOXES:
            contents[name] = "X" if rng.random() < 0.5 else ""
        return contents

    def _filled(self, rng: random.Random, language: str, expected: dict[str, str]) -> Image.Image:
        card = blank_card(language).copy()
        draw = ImageDraw.Draw(card)
        for field in COUPON_LAYOUT.fields:
            fill_box(draw, field.box, expected[field.name], rng)
        style = rng.choice(("cross", "check"))
        for box in COUPON_LAYOUT.checkboxes:
            if expected[box.name]:
                tick_box(draw, box.box, rng, style)
        return card

    def _scanned(self, rng: random.Random, card: Image.Image) -> bytes:
        """Paper tint, uneven light, skew, blur, sensor noise and JPEG, in grayscale with OpenCV
        (the sample generator's colour pipeline takes ~2 s a card; this one ~0.15 s)."""
        noise = np.random.default_rng(rng.getrandbits(64))
        gray = np.asarray(card.convert("L"), dtype=np.float32) / 255.0
        paper, ink = rng.uniform(215.0, 245.0), rng.uniform(15.0, 45.0)
        page = ink + gray * (paper - ink)
        height, width = page.shape
        page *= np.linspace(1.0, 1.0 - rng.uniform(0.0, 0.08), width, dtype=np.float32)[None, :]
        angle = rng.uniform(-self.max_skew, self.max_skew)
        turn = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
        turn[:, 2] += (rng.uniform(-20, 20), rng.uniform(-20, 20))  # the card is never centred
        page = cv2.warpAffine(
            page, turn, (width, height), flags=cv2.INTER_LINEAR, borderValue=200.0
        )
        # Blur and noise a little beyond the sample scanner's (blur 0.45-0.85, noise 3-7) and
        # JPEG down to quality 55 (the samples are saved at 74-85).
        page = cv2.GaussianBlur(page, (0, 0), rng.uniform(0.4, 0.9))
        page += noise.normal(0.0, rng.uniform(3.0, 8.0), size=page.shape).astype(np.float32)
        pixels = np.clip(page, 0, 255).astype(np.uint8)
        quality = rng.randint(55, 85)
        return cv2.imencode(".jpg", pixels, [cv2.IMWRITE_JPEG_QUALITY, quality])[1].tobytes()


@cache
def blank_card(language: str) -> Image.Image:
    """The printed card; drawing its text takes longer than filling it in."""
    return draw_printed_coupon(language)
