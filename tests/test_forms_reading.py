"""Coupons read field by field with real Tesseract: matched, aligned, read, checked."""

from __future__ import annotations

import csv
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from benchmarks.coupon_generator import CouponFactory, GeneratedCoupon
from ocr.forms import (
    FormTemplate,
    PostalDirectory,
    load_templates,
    match_form,
    read_form,
)
from ocr.forms.field_ocr import read_line
from ocr.forms.underscores import underscore_spans, with_underscores
from ocr.limits import Limits
from ocr.pages import load_pages
from ocr.sniff import sniff_media_type
from tests.conftest import need_tesseract

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
POSTAL = REPO.parent / "shared" / "data" / "postal"
CHECKBOXES = ("newsletter", "prize_draw", "consent")
EMAIL_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@.-_+"


@pytest.fixture(scope="module")
def templates() -> tuple[FormTemplate, ...]:
    need_tesseract()
    return load_templates(SAMPLES / "forms")


@pytest.fixture(scope="module")
def postal() -> PostalDirectory:
    return PostalDirectory.from_folder(POSTAL)


def first_page(path: Path) -> np.ndarray:
    data = path.read_bytes()
    limits = Limits(max_pixels=60_000_000, max_pages=10)
    page = next(iter(load_pages(data, sniff_media_type(data) or "", limits)))
    return page.pixels  # type: ignore[union-attr]


def sample_scans(kind: str) -> list[Path]:
    with (SAMPLES / "manifest.csv").open(encoding="utf-8") as handle:
        return [SAMPLES / row["path"] for row in csv.DictReader(handle) if row["kind"] == kind]


def decoded(coupon: GeneratedCoupon) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(coupon.jpeg, np.uint8), cv2.IMREAD_GRAYSCALE)


@pytest.mark.slow
def test_sample_coupons_match_their_template_and_letters_match_none(
    templates: tuple[FormTemplate, ...],
) -> None:
    coupons = sample_scans("coupon")
    assert len(coupons) == 10
    for path in coupons:
        match = match_form([first_page(path)], templates)
        assert match is not None, path.name
        assert match.template.name == f"coupon_{path.name[:2]}", path.name
    for path in sample_scans("letter")[::3]:
        assert match_form([first_page(path)], templates) is None, path.name


def test_a_sample_coupon_reads_field_by_field(
    templates: tuple[FormTemplate, ...], postal: PostalDirectory
) -> None:
    page = first_page(SAMPLES / "scans" / "pl_loyalty_coupon_02.png")
    match = match_form([page], templates)
    assert match is not None
    reading = read_form(page, match.template, postal, alignment=match.alignment)
    assert reading.country == "PL"
    assert reading.values == {
        "first_name": "ŁUKASZ",
        "last_name": "PIOTROWSKI",
        "street": "UL. ZAMOJSKA 9",
        "postcode": "20-001",
        "town": "LUBLIN",
        "email": "LUKASZ.P@ONET.PL",
        "phone": "512 908 114",
        "card_number": "VC 0634 7790",
        "newsletter": "",
        "prize_draw": "X",
        "consent": "X",
    }
    postcode = reading.field("postcode")
    assert postcode.valid and postcode.confident()
    assert postcode.crop_png.startswith(b"\x89PNG")


def test_a_ticked_box_is_ticked_and_an_empty_one_is_not(
    templates: tuple[FormTemplate, ...], postal: PostalDirectory
) -> None:
    page = first_page(SAMPLES / "scans" / "en_loyalty_coupon_05.jpg")
    reading = read_form(page, templates[0], postal)
    assert [reading.field(name).ticked for name in CHECKBOXES] == [False, True, False]
    assert all(reading.field(name).confident() for name in CHECKBOXES)


def test_a_misread_postcode_is_corrected_from_the_town(
    templates: tuple[FormTemplate, ...], postal: PostalDirectory
) -> None:
    factory = CouponFactory(seed=11, max_skew=2.0)
    number = next(n for n in range(50) if factory.expected_only(n).country == "PL")
    truth = factory.expected_only(number).expected
    code = truth["postcode"]
    # One digit wrong, as OCR misreads it; the town is the evidence that fixes it.
    wrong = code[:-1] + str((int(code[-1]) + 5) % 10)
    coupon = factory.make(number, written={"postcode": wrong})
    template = next(t for t in templates if t.name == coupon.template)
    reading = read_form(decoded(coupon), template, postal)
    postcode = reading.field("postcode")
    if postal.towns("PL", wrong) and truth["town"] in postal.towns("PL", wrong).values():
        pytest.skip("the altered postcode happens to cover the same town")
    assert postcode.read_value == wrong
    assert postcode.value == code
    assert postcode.corrected and postcode.valid


@pytest.mark.slow
def test_generated_degraded_coupons_read_with_few_field_errors(
    templates: tuple[FormTemplate, ...], postal: PostalDirectory
) -> None:
    factory = CouponFactory(seed=3)
    fields = wrong = 0
    for number in range(8):
        coupon = factory.make(number)
        page = decoded(coupon)
        match = match_form([page], templates)
        assert match is not None and match.template.name == coupon.template
        reading = read_form(page, match.template, postal, alignment=match.alignment)
        fields += len(coupon.expected)
        wrong += sum(reading.field(k).value != v for k, v in coupon.expected.items())
    assert wrong / fields <= 0.05


def _written_line(text: str) -> np.ndarray:
    """One line in the coupon's pen, as the aligned crop of a field box shows it."""
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf", 60)
    image = Image.new("L", (1400, 86), 228)
    ImageDraw.Draw(image).text((10, 8), text, fill=35, font=font)
    return np.asarray(image)


def test_an_underscore_tesseract_drops_is_found_by_its_shape_and_put_back() -> None:
    crop = _written_line("JOHN_ROBERTS@YAHOO.COM")
    (span,) = underscore_spans(crop)
    # Between N (the 4th of 22 monospaced characters) and R, not a dash or a dot.
    assert 4 * crop.shape[1] // 40 < span[0] < span[1] < 6 * crop.shape[1] // 40 + 60
    read = read_line(crop, whitelist=EMAIL_CHARACTERS, language="eng", dpi=300)
    assert with_underscores(read.symbols, [span]) == "JOHN_ROBERTS@YAHOO.COM"
    assert underscore_spans(_written_line("JOHN-ROBERTS@YAHOO.COM")) == ()


@pytest.mark.slow
def test_fields_read_surely_on_generated_coupons_are_right(
    templates: tuple[FormTemplate, ...], postal: PostalDirectory
) -> None:
    """Confident means right: a field not sent to a person is not wrong, and most are sure."""
    factory = CouponFactory(seed=11)
    fields = confident = confident_wrong = 0
    for number in range(12):
        coupon = factory.make(number)
        page = decoded(coupon)
        match = match_form([page], templates)
        assert match is not None
        reading = read_form(page, match.template, postal, alignment=match.alignment)
        for name, value in coupon.expected.items():
            field = reading.field(name)
            fields += 1
            confident += field.confident()
            confident_wrong += field.confident() and field.value != value
    assert confident_wrong == 0
    assert confident >= 0.95 * fields
