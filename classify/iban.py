"""IBAN validation: the country's length and the ISO 13616 mod-97 checksum."""

# Lengths of the countries Intake's customers bank in; an unknown country is checked by the
# checksum alone, within the ISO limits.
IBAN_LENGTHS = {
    "PL": 28, "DE": 22, "GB": 22, "FR": 27, "ES": 24, "IT": 27, "NL": 18, "BE": 16, "AT": 20,
    "CZ": 24, "SK": 24, "LT": 20, "LV": 21, "EE": 20, "IE": 22, "SE": 24, "DK": 18, "NO": 15,
    "FI": 18, "CH": 21, "PT": 25, "HU": 28, "RO": 24, "UA": 29,
}  # fmt: skip
_MIN_LENGTH, _MAX_LENGTH = 15, 34


def compact_iban(text: str) -> str:
    """The IBAN without the spaces and dashes people write it with, in capitals."""
    return "".join(char for char in text if char not in " -\u00a0").upper()


def is_valid_iban(text: str) -> bool:
    iban = compact_iban(text)
    if not (_MIN_LENGTH <= len(iban) <= _MAX_LENGTH) or not iban.isascii() or not iban.isalnum():
        return False
    country = iban[:2]
    if not country.isalpha() or not iban[2:4].isdigit():
        return False
    if IBAN_LENGTHS.get(country, len(iban)) != len(iban):
        return False
    rearranged = iban[4:] + iban[:4]
    # Letters count as 10..35; the whole number modulo 97 must be 1.
    number = "".join(str(int(char, 36)) for char in rearranged)
    return int(number) % 97 == 1
