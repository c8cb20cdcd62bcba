"""Customer matching: who wrote this contact."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.audit import record
from workflow.models import Contact, Customer

CUSTOMER_NUMBER = re.compile(r"\bVH-\d{6}\b")


def match_customer(session: Session, contact: Contact) -> Customer | None:
    """By sender address first, then by a customer number quoted in the text; an unknown sender
    with an address becomes a new customer, so the next contact finds them."""
    if contact.sender_address:
        found = session.scalar(select(Customer).where(Customer.email == contact.sender_address))
        if found is not None:
            return found
    number = CUSTOMER_NUMBER.search(contact.text or "")
    if number:
        found = session.scalar(select(Customer).where(Customer.number == number.group(0)))
        if found is not None:
            return found
    if not contact.sender_address:
        return None
    customer = Customer(
        name=contact.sender_name or contact.sender_address,
        email=contact.sender_address,
        number=number.group(0) if number else None,
    )
    session.add(customer)
    session.flush()
    record(session, "router", "customer", customer.id, "created", email=customer.email)
    return customer
