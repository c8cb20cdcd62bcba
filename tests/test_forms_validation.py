"""Postcode against town with the GeoNames data, and e-mail, phone and date syntax."""

from __future__ import annotations

from pathlib import Path

import pytest

from ocr.forms import PostalDataError, PostalDirectory
from ocr.forms.email_names import Evidence, NameCheck, check_against_names, name_locals
from ocr.forms.validate import (
    check_date,
    check_email,
    check_phone,
    check_postcode_and_town,
)

POSTAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "postal"


@pytest.fixture(scope="module")
def postal() -> PostalDirectory:
    return PostalDirectory.from_folder(POSTAL)


def test_a_postcode_and_its_town_are_confirmed(postal: PostalDirectory) -> None:
    result = check_postcode_and_town("78-100", "KOŁOBRZEG", ("PL",), postal)
    assert (result.postcode.value, result.town.value) == ("78-100", "KOŁOBRZEG")
    assert result.postcode.valid and result.town.valid and not result.town.corrected


def test_a_misread_postcode_digit_is_corrected_from_the_town(postal: PostalDirectory) -> None:
    # 87-100 is Toruń; OCR read the 8 as a 3.
    result = check_postcode_and_town("37-100", "TORUŃ", ("PL",), postal)
    assert result.postcode.value == "87-100"
    assert result.postcode.valid and result.postcode.corrected


def test_a_town_one_letter_off_is_corrected_from_the_postcode(postal: PostalDirectory) -> None:
    result = check_postcode_and_town("20-001", "LUBIIN", ("PL",), postal)
    assert result.town.value == "LUBLIN"
    assert result.town.corrected and result.postcode.valid


def test_lost_diacritics_are_restored_from_the_postal_data(postal: PostalDirectory) -> None:
    result = check_postcode_and_town("87-100", "TORUN", ("PL",), postal)
    assert result.town.value == "TORUŃ"


def test_a_pair_that_does_not_fit_is_flagged_with_the_towns_of_the_postcode(
    postal: PostalDirectory,
) -> None:
    result = check_postcode_and_town("78-100", "ZAKOPANE", ("PL",), postal)
    assert not result.postcode.valid
    assert "is not a town of postcode 78-100" in result.postcode.problem
    assert result.postcode.suggestions  # the closest towns of 78-100 for a person to pick


def test_english_coupons_find_their_country_by_the_postcode(postal: PostalDirectory) -> None:
    british = check_postcode_and_town("YO1 8AS", "YORK", ("GB", "US"), postal)
    american = check_postcode_and_town("60601", "CHICAGO", ("GB", "US"), postal)
    assert (british.country, british.postcode.valid, british.town.valid) == ("GB", True, True)
    assert (american.country, american.postcode.valid, american.town.valid) == ("US", True, True)


def test_an_invalid_email_is_flagged_with_suggestions() -> None:
    result = check_email("ANNA.ZUREKGO02.PL")
    assert not result.valid
    assert result.problem == "'ANNA.ZUREKGO02.PL' has no '@'"
    # No repair is sure (the domain is not one anybody uses), so a person picks.
    assert result.suggestions[0] == "ANNA.ZUREK@O2.PL"
    assert not check_email("JAN@@ONET.PL").valid


def test_an_at_sign_read_as_a_letter_is_repaired_when_one_known_domain_fits() -> None:
    result = check_email("AGATA.KRAWCZYKGWP.PL")
    assert (result.value, result.valid, result.corrected) == ("AGATA.KRAWCZYK@WP.PL", True, True)


def test_a_known_domain_two_slips_off_is_repaired_only_when_it_is_long() -> None:
    # A stray G after the '@' and I read as T: only INTERIA.PL is that close.
    long = check_email("ADAM_KAMINSKA@GINTERTIA.PL")
    assert (long.value, long.corrected) == ("ADAM_KAMINSKA@INTERIA.PL", True)
    # Short domains are one edit apart from each other (WP.PL, OP.PL): two slips prove nothing.
    short = check_email("JAN@XWQ.PL")
    assert (short.value, short.corrected) == ("JAN@XWQ.PL", False)


def test_an_address_made_of_the_names_on_the_form_is_confirmed_by_them() -> None:
    found = check_against_names("MALGORZATA_WOZNIAK@WP.PL", ["MAŁGORZATA", "WOŹNIAK"])
    assert found == NameCheck("MALGORZATA_WOZNIAK@WP.PL", Evidence.CONFIRMED)
    assert "J.SMITH" in name_locals(["JOHN", "SMITH"])


@pytest.mark.parametrize(
    ("read", "fixed"),
    [
        ("OSCARBRADSHAWG@BTINTERNET.COM", "OSCARBRADSHAW@BTINTERNET.COM"),  # stray G before @
        ("WILLTAM.THORNTON@OUTLOOK.COM", "WILLIAM.THORNTON@OUTLOOK.COM"),  # I read as T
        ("W1LL1AM.THORNTON@OUTLOOK.COM", "WILLIAM.THORNTON@OUTLOOK.COM"),  # two slips, long
    ],
)
def test_an_address_a_slip_or_two_from_the_names_is_corrected_to_them(
    read: str, fixed: str
) -> None:
    names = ["OSCAR", "BRADSHAW"] if read.startswith("OSCAR") else ["WILLIAM", "THORNTON"]
    assert check_against_names(read, names) == NameCheck(fixed, Evidence.CORRECTED)


def test_the_names_say_nothing_about_an_address_not_made_of_them_or_equally_near_two() -> None:
    assert check_against_names("KITTY77@GMAIL.COM", ["ANNA", "NOWAK"]).evidence is Evidence.NONE
    # JOHN.SMITH, JOHN_SMITH and JOHN-SMITH are each one slip from JOHN,SMITH: no correction.
    tied = check_against_names("JOHN,SMITH@GMAIL.COM", ["JOHN", "SMITH"])
    assert tied.evidence is Evidence.NONE and tied.value == "JOHN,SMITH@GMAIL.COM"


@pytest.mark.parametrize(
    ("value", "valid"),
    [("+44 7700 900412", True), ("601 284 375", True), ("60I 284", False), ("12", False)],
)
def test_phone_syntax(value: str, valid: bool) -> None:
    assert check_phone(value).valid is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [("31.12.2026", True), ("2026-02-28", True), ("30.02.2026", False), ("12/2026", False)],
)
def test_date_syntax_and_calendar(value: str, valid: bool) -> None:
    assert check_date(value).valid is valid


def test_a_postal_file_without_geonames_columns_is_named(tmp_path: Path) -> None:
    path = tmp_path / "codes.csv"
    path.write_text("zip,town\n00-001,Warszawa\n", encoding="utf-8")
    with pytest.raises(PostalDataError, match=r"codes\.csv: line 1: expected GeoNames columns"):
        PostalDirectory.from_files([path])
