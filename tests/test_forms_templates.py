"""Form templates load from YAML, and a broken one says which file, field and problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ocr.forms import TemplateError, load_template, load_templates

FORMS = Path(__file__).resolve().parents[1] / "samples" / "forms"


def test_the_coupon_templates_load_with_their_fields_and_countries() -> None:
    templates = {t.name: t for t in load_templates(FORMS)}
    assert set(templates) == {"coupon_en", "coupon_pl"}
    polish = templates["coupon_pl"]
    assert polish.countries == ("PL",)
    assert polish.field("postcode").town_field == "town"
    assert "Ł" in polish.field("town").whitelist
    assert [f.kind for f in polish.fields].count("checkbox") == 3
    assert templates["coupon_en"].countries == ("GB", "US")


def broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    shutil.copy(FORMS / "coupon_pl.png", tmp_path / "coupon_pl.png")
    text = (FORMS / "coupon_pl.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "coupon_pl.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "box: [120, 790, 640, 900]",
            "box: [120, 790, 640]",
            "fields[3] 'postcode': box must be four integers [left, top, right, bottom]",
        ),
        ("type: postcode", "type: zipcode", "fields[3] 'postcode': type 'zipcode' is not one of"),
        (
            "box: [720, 790, 2360, 900]",
            "box: [720, 790, 2600, 900]",
            "fields[4] 'town': box [720, 790, 2600, 900] lies outside the 2480x1748 page",
        ),
        ("town_field: town", "town_field: city", "town_field 'city' is not a field of this form"),
        (
            "name_fields: [first_name, last_name]",
            "name_fields: [first_name, surname]",
            "name_fields: 'surname' is not a field of this form",
        ),
        (
            "  type: phone\n",
            "  type: phone\n  name_fields: [first_name]\n",
            "only an email field can name name_fields",
        ),
        ("reference_image: coupon_pl.png", "reference_image: gone.png", "'gone.png' not found"),
        ("  type: phone\n", "  type: phone\n  colour: red\n", "unknown key 'colour'"),
        ("fields:\n", "fields:\n  - [oops\n", "not valid YAML"),
    ],
)
def test_a_broken_template_names_the_file_the_field_and_the_problem(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    path = broken_copy(tmp_path, old, new)
    with pytest.raises(TemplateError) as caught:
        load_template(path)
    assert str(caught.value).startswith(str(path))
    assert message in str(caught.value)
