"""The regular expressions behind `entities`: one per kind, each with its reason.

Reference numbers (customer, order, policy, invoice) differ per organisation, so they are not here
but handed to `find_entities` by the caller; `parse_reference_patterns` reads them from one line.
"""

import re

IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ \u00a0-]?[A-Z0-9]{2,4}){3,8}\b")
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}\b")
# Polish postcodes are written NN-NNN; a bare five digits is a US ZIP only with the state before it,
# otherwise amounts and order numbers would look like postcodes.
POSTCODE_PL = re.compile(r"(?<![\d-])\d{2}-\d{3}(?![\d-])")
POSTCODE_US = re.compile(r"\b[A-Z]{2}\s+(\d{5}(?:-\d{4})?)\b")
POSTCODE_GB = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
# Phone numbers: an optional +country, then 9 to 13 digits in groups; the look-arounds keep
# them out of longer digit runs such as account numbers.
PHONE = re.compile(r"(?<![\w+/-])(?:\+\d{1,3}[ .-]?)?(?:\(?\d{2,4}\)?[ .-]?){2,4}\d{2,4}(?![\w/-])")
_CURRENCY_WORD = r"(?:zł|zl|PLN|EUR|€|USD|\$|GBP|£)"
_NUMBER = r"\d{1,3}(?:[ \u00a0.,]\d{3})*(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
AMOUNT = re.compile(
    rf"(?:(?P<pre>{_CURRENCY_WORD})\s?(?P<n1>{_NUMBER})|(?P<n2>{_NUMBER})\s?(?P<post>{_CURRENCY_WORD}))"
    r"(?![\w])"
)
DATE_NUMERIC = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b|\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b")

CURRENCY_CODES = {
    "zł": "PLN", "zl": "PLN", "PLN": "PLN", "EUR": "EUR", "€": "EUR", "USD": "USD", "$": "USD",
    "GBP": "GBP", "£": "GBP",
}  # fmt: skip


class ReferencePatternError(ValueError):
    """A reference pattern line that cannot be used; the message names the entry and problem."""


def parse_reference_patterns(spec: str) -> dict[str, re.Pattern[str]]:
    """Read "kind=REGEX; kind=REGEX" (e.g. "order=ORD-\\d{7}") into compiled patterns."""
    patterns: dict[str, re.Pattern[str]] = {}
    for entry in filter(None, (part.strip() for part in spec.split(";"))):
        kind, equals, regex = entry.partition("=")
        kind = kind.strip()
        if not equals or not kind.isidentifier():
            raise ReferencePatternError(
                f'reference pattern "{entry}": expected kind=REGEX, e.g. order=ORD-\\d{{7}}'
            )
        try:
            patterns[kind] = re.compile(rf"(?<![\w/-])(?:{regex.strip()})(?![\w/-])")
        except re.error as error:
            raise ReferencePatternError(
                f'reference pattern "{entry}": not a regular expression ({error})'
            ) from None
    return patterns
