"""Entities found in customer text: tricky IBANs, Polish postcodes, amounts with comma decimals."""

import pytest

from classify import Entity, ReferencePatternError, find_entities, parse_reference_patterns
from classify.iban import is_valid_iban

DEMO_REFERENCES = parse_reference_patterns(
    r"customer=VH-\d{6}; order=ORD-\d{7}; invoice=FV/\d{4}/\d{2}/\d{5}"
)


def _found(text: str, kind: str, references: dict = DEMO_REFERENCES) -> list[str]:
    return [e.value for e in find_entities(text, references) if e.kind == kind]


def test_an_iban_written_with_spaces_is_found_and_compacted() -> None:
    text = "Proszę o zwrot na konto PL61 1090 1014 0000 0712 1981 2874, dziękuję."
    [iban] = [e for e in find_entities(text) if e.kind == "iban"]
    assert iban.value == "PL61109010140000071219812874"
    assert text[iban.start : iban.end] == "PL61 1090 1014 0000 0712 1981 2874"


def test_an_iban_with_a_bad_checksum_is_not_reported_as_any_entity() -> None:
    # The last digit of the IBAN above changed: a typo the checksum exists to catch.
    text = "Konto: PL61 1090 1014 0000 0712 1981 2875"
    assert not is_valid_iban("PL61 1090 1014 0000 0712 1981 2875")
    assert find_entities(text) == []


def test_ibans_of_other_countries_and_without_spaces_are_checked_too() -> None:
    assert _found("IBAN DE89370400440532013000 please", "iban") == ["DE89370400440532013000"]
    assert _found("GB82 WEST 1234 5698 7654 32", "iban") == ["GB82WEST12345698765432"]
    assert _found("GB82 WEST 1234 5698 7654 33", "iban") == []


def test_polish_postcodes_are_found_but_not_inside_dates_or_phone_numbers() -> None:
    text = "ul. Długa 5, 00-950 Warszawa; filia: 31-154 Kraków. Data 2026-03-14, tel. 601-234-567"
    assert _found(text, "postcode") == ["PL 00-950", "PL 31-154"]
    assert _found(text, "date") == ["2026-03-14"]
    assert _found(text, "phone") == ["601234567"]


def test_us_zip_codes_after_a_state_and_british_postcodes() -> None:
    text = "Ship to 12 Main St, Boston, MA 02118-3401 or 10 Downing St, London SW1A 2AA."
    assert _found(text, "postcode") == ["US 02118-3401", "GB SW1A 2AA"]


def test_amounts_with_comma_decimals_and_thousands_spaces_read_as_numbers() -> None:
    text = "Zapłaciłem 2 × 1 849,00 zł, a potem 12,5 EUR i 3.499,99 €; the fee was $40.00."
    assert _found(text, "amount") == ["1849.00 PLN", "12.50 EUR", "3499.99 EUR", "40.00 USD"]


def test_reference_numbers_follow_the_organisations_patterns() -> None:
    text = "Zamówienie ORD-5531907, klient VH-123456, faktura FV/2026/10/01234, ORD-12 is no order."
    assert _found(text, "order") == ["ORD-5531907"]
    assert _found(text, "customer") == ["VH-123456"]
    assert _found(text, "invoice") == ["FV/2026/10/01234"]
    # Another organisation's numbers: its own pattern, and none of the demo's.
    other = parse_reference_patterns(r"policy=POL-\d{8}")
    assert _found("Polisa POL-20240117, ORD-5531907", "policy", other) == ["POL-20240117"]
    assert _found("Polisa POL-20240117, ORD-5531907", "order", other) == []


def test_a_malformed_reference_pattern_names_the_entry() -> None:
    with pytest.raises(ReferencePatternError, match=r'"order=ORD-\(\\d": not a regular expression'):
        parse_reference_patterns(r"customer=VH-\d{6}; order=ORD-(\d")
    with pytest.raises(ReferencePatternError, match="expected kind=REGEX"):
        parse_reference_patterns(r"ORD-\d{7}")


def test_phones_emails_and_dates_in_an_english_letter() -> None:
    text = (
        "Call me on +48 601 234 567 or write to Jane.Doe@example.co.uk. Delivered on 14/03/2026, "
        "though 31.02.2026 was promised (no such day)."
    )
    entities = find_entities(text)
    assert [(e.kind, e.value) for e in entities] == [
        ("phone", "+48601234567"),
        ("email", "jane.doe@example.co.uk"),
        ("date", "2026-03-14"),
    ]
    assert all(isinstance(e, Entity) and text[e.start : e.end] == e.text for e in entities)
