"""Customer matching: who wrote this contact.

In order: the sender's address (compared without case, display name or angle brackets), then a
customer number (`VH-123456`) quoted in the subject or text, however it was typed. An unknown
sender with an address becomes a new customer, so their next contact finds them.

A number quoted by someone whose address we do not know links the contact to the numbered
customer (a relative or an accountant writing for them) without changing that customer's address:
an email address is not rewritten on the strength of a number anyone could copy.
"""

from __future__ import annotations

import re
from email.utils import parseaddr

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflow.audit import record
from workflow.models import Contact, Customer

# "VH-123456", "vh 123456", "VH123456", "VH–123456" (typographic dash): all the same number.
CUSTOMER_NUMBER = re.compile(r"(?<![\w-])VH\s?[-‐‑–—]?\s?(\d{6})(?!\d)", re.IGNORECASE)
ADDRESS_LIMIT = 320
NAME_LIMIT = 200


def normalise_address(raw: str | None) -> str | None:
    """`"Anna Nowak" <Anna.Nowak@Example.PL>` -> `anna.nowak@example.pl`; None if no address."""
    if not raw:
        return None
    _, address = parseaddr(raw)
    address = address.strip().strip("<>").lower()
    if "@" not in address or len(address) > ADDRESS_LIMIT:
        return None
    return address


def customer_numbers(text: str) -> list[str]:
    """Customer numbers in the text in their canonical form, first seen first, once each."""
    return list(dict.fromkeys(f"VH-{digits}" for digits in CUSTOMER_NUMBER.findall(text)))


def by_address(session: Session, address: str) -> Customer | None:
    return session.scalar(
        select(Customer).where(func.lower(Customer.email) == address).order_by(Customer.id).limit(1)
    )


def by_number(session: Session, numbers: list[str]) -> Customer | None:
    for number in numbers:
        found = session.scalar(select(Customer).where(Customer.number == number))
        if found is not None:
            return found
    return None


def match_customer(session: Session, contact: Contact) -> Customer | None:
    """The customer who wrote `contact`, created when the sender is new; None for an anonymous
    letter without a known customer number."""
    address = normalise_address(contact.sender_address)
    if address is not None:
        found = by_address(session, address)
        if found is not None:
            return found
    numbers = customer_numbers(f"{contact.subject}\n{contact.text or ''}")
    found = by_number(session, numbers)
    if found is not None:
        record(
            session,
            "router",
            "contact",
            contact.id,
            "customer matched by number",
            number=found.number,
            sender=address,
        )
        return found
    if address is None:
        return None
    customer = Customer(
        name=(" ".join((contact.sender_name or "").split()) or address)[:NAME_LIMIT],
        email=address,
        # A number nobody holds yet is theirs: it came from our letters to them.
        number=numbers[0] if numbers else None,
    )
    session.add(customer)
    session.flush()
    record(session, "router", "customer", customer.id, "created", email=customer.email)
    return customer
