"""Writes the coupon form templates: a blank reference image and a YAML file per language.

    .venv/bin/python samples/forms/render_templates.py

The boxes come from `samples/coupon_layout.py`, the blank card from the sample generator's
renderer, so the templates always match the coupons the generator prints.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

FORMS_DIR = Path(__file__).resolve().parent
SAMPLES_DIR = FORMS_DIR.parent
if str(SAMPLES_DIR) not in sys.path:
    sys.path.insert(0, str(SAMPLES_DIR))

from coupon_layout import COUPON_LAYOUT, Box  # noqa: E402
from generate_samples import draw_printed_coupon  # noqa: E402

CAPITALS = {
    "en": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "pl": "ABCDEFGHIJKLMNOPQRSTUVWXYZĄĆĘŁŃÓŚŹŻ",
}
DIGITS = "0123456789"
OCR_LANGUAGES = {"en": "eng", "pl": "pol"}
COUNTRIES = {"en": ["GB", "US"], "pl": ["PL"]}


def field_rules(name: str, language: str) -> dict[str, object]:
    """Type and whitelist of each coupon field: Tesseract may answer only with these."""
    letters = CAPITALS[language]
    rules: dict[str, dict[str, object]] = {
        "first_name": {"type": "text", "whitelist": letters + "-' "},
        "last_name": {"type": "text", "whitelist": letters + "-' "},
        "street": {"type": "text", "whitelist": letters + DIGITS + " ./-,"},
        "postcode": {
            "type": "postcode",
            "whitelist": DIGITS + "-" if language == "pl" else CAPITALS["en"] + DIGITS + " ",
            "town_field": "town",
        },
        "town": {"type": "text", "whitelist": letters + " -."},
        # Addresses are ASCII: the English model reads "@" where the Polish one sees a "G".
        "email": {
            "type": "email",
            "whitelist": CAPITALS["en"] + DIGITS + "@.-_+",
            "ocr_language": "eng",
            "name_fields": ["first_name", "last_name"],
        },
        "phone": {"type": "phone", "whitelist": DIGITS + "+ "},
        "card_number": {
            "type": "text",
            "whitelist": "VC " + DIGITS,
            "pattern": r"^VC \d{4} \d{4}$",
        },
    }
    return rules[name]


def as_list(box: Box) -> list[int]:
    return [box.left, box.top, box.right, box.bottom]


def template(language: str) -> dict[str, object]:
    layout = COUPON_LAYOUT
    fields: list[dict[str, object]] = []
    for field_box in layout.fields:
        fields.append(
            {"name": field_box.name, "box": as_list(field_box.box)}
            | field_rules(field_box.name, language)
        )
    for checkbox in layout.checkboxes:
        fields.append({"name": checkbox.name, "box": as_list(checkbox.box), "type": "checkbox"})
    return {
        "name": f"coupon_{language}",
        "language": language,
        "ocr_language": OCR_LANGUAGES[language],
        "reference_image": f"coupon_{language}.png",
        "page": {"width": layout.width, "height": layout.height, "dpi": layout.dpi},
        "countries": COUNTRIES[language],
        "fields": fields,
    }


def main() -> int:
    for language in ("en", "pl"):
        image = draw_printed_coupon(language).convert("L")
        image.save(FORMS_DIR / f"coupon_{language}.png", optimize=True)
        header = (
            f"# The Vistula Club coupon ({language}); boxes are [left, top, right, bottom] in\n"
            "# pixels of the reference image (300 dpi). Written by render_templates.py.\n"
        )
        text = yaml.safe_dump(
            template(language),
            allow_unicode=True,
            sort_keys=False,
            width=100,
            default_flow_style=None,
        )
        (FORMS_DIR / f"coupon_{language}.yaml").write_text(header + text, encoding="utf-8")
        print(f"wrote coupon_{language}.yaml and coupon_{language}.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
