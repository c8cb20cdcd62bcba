"""Coupon data out for the loyalty programme: one CSV row per coupon, one column per field."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import datetime
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.models import Contact, ContactField, FieldStatus

FIXED_COLUMNS = ("contact", "received_at", "form", "unverified_fields")


def coupon_rows(session: Session, since: datetime) -> tuple[list[str], list[dict[str, str]]]:
    contacts = session.scalars(
        select(Contact)
        .where(Contact.form.is_not(None), Contact.received_at >= since)
        .order_by(Contact.received_at, Contact.id)
    ).all()
    fields = session.scalars(
        select(ContactField)
        .where(ContactField.contact_id.in_([c.id for c in contacts]))
        .order_by(ContactField.id)
    ).all()
    by_contact: dict[int, list[ContactField]] = {}
    for field in fields:
        by_contact.setdefault(field.contact_id, []).append(field)
    names: list[str] = []
    rows = []
    for contact in contacts:
        row = {
            "contact": str(contact.id),
            "received_at": contact.received_at.isoformat(timespec="seconds"),
            "form": contact.form or "",
        }
        unsure = []
        for field in by_contact.get(contact.id, []):
            if field.name not in names:
                names.append(field.name)
            row[field.name] = field.value
            if field.status == FieldStatus.NEEDS_VERIFICATION:
                unsure.append(field.name)
        row["unverified_fields"] = " ".join(unsure)
        rows.append(row)
    return [*FIXED_COLUMNS, *names], rows


def write_csv(out: TextIO, columns: list[str], rows: Iterable[dict[str, str]]) -> None:
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
