"""Customer matching for email: sender address, then a quoted customer number, else a new one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intake.app import App, open_app
from intake.customers import customer_numbers, match_customer, normalise_address
from tests.conftest import base_settings
from workflow.models import Contact, Customer


def _session(database_url: str, tmp_path: Path) -> Iterator[Session]:
    app: App = open_app(base_settings(tmp_path / "var", database_url=database_url))
    with app.sessions() as session, session.begin():
        yield session
    app.close()


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    yield from _session(f"sqlite:///{tmp_path / 'intake.db'}", tmp_path)


@pytest.fixture
def both_databases(database_url: str, tmp_path: Path) -> Iterator[Session]:
    """SQLite and PostgreSQL, where comparing text is case-sensitive."""
    yield from _session(database_url, tmp_path)


def email_contact(
    session: Session, sender: str | None, text: str = "", name: str = "", subject: str = ""
) -> Contact:
    contact = Contact(
        channel="email",
        source="test",
        source_key=f"test:{session.scalar(select(func.count()).select_from(Contact))}",
        sha256="0" * 64,
        sender_address=sender,
        sender_name=name,
        subject=subject,
        text=text,
    )
    session.add(contact)
    session.flush()
    return contact


def add_customer(session: Session, email: str | None, number: str | None = None) -> Customer:
    customer = Customer(name="Anna Nowak", email=email, number=number)
    session.add(customer)
    session.flush()
    return customer


def test_a_known_sender_is_found_whatever_the_case_of_the_address(
    both_databases: Session,
) -> None:
    session = both_databases
    anna = add_customer(session, "Anna.Nowak@Example.PL")
    found = match_customer(session, email_contact(session, "anna.nowak@example.pl"))
    assert found is not None and found.id == anna.id


def test_a_display_name_around_the_address_does_not_hide_the_sender(session: Session) -> None:
    anna = add_customer(session, "anna.nowak@example.pl")
    contact = email_contact(session, '"Nowak, Anna" <ANNA.NOWAK@example.pl>')
    found = match_customer(session, contact)
    assert found is not None and found.id == anna.id


@pytest.mark.parametrize("typed", ["VH-482913", "vh-482913", "VH 482913", "VH482913", "VH–482913"])
def test_a_customer_number_quoted_by_another_sender_links_to_the_numbered_customer(
    session: Session, typed: str
) -> None:
    anna = add_customer(session, "anna.nowak@example.pl", number="VH-482913")
    contact = email_contact(
        session, "piotr.nowak@example.pl", text=f"I write for my wife, customer {typed}."
    )
    found = match_customer(session, contact)
    assert found is not None and found.id == anna.id
    # The numbered customer keeps her own address; the helper gets no account of his own.
    assert anna.email == "anna.nowak@example.pl"
    assert session.scalar(select(func.count()).select_from(Customer)) == 1


def test_a_number_in_the_subject_counts_too(session: Session) -> None:
    anna = add_customer(session, None, number="VH-100200")
    contact = email_contact(session, "someone@example.com", subject="Re: account VH-100200")
    assert match_customer(session, contact) is anna


def test_a_known_sender_wins_over_a_number_they_quote(session: Session) -> None:
    add_customer(session, "anna.nowak@example.pl", number="VH-482913")
    piotr = add_customer(session, "piotr.nowak@example.pl", number="VH-111111")
    contact = email_contact(session, "piotr.nowak@example.pl", text="About VH-482913.")
    assert match_customer(session, contact) is piotr


def test_an_unknown_sender_becomes_a_customer_the_next_email_finds(session: Session) -> None:
    first = match_customer(
        session, email_contact(session, "New.Person@Example.com", name="  New   Person ")
    )
    assert first is not None
    assert (first.email, first.name) == ("new.person@example.com", "New Person")
    again = match_customer(session, email_contact(session, "new.person@EXAMPLE.com"))
    assert again is not None and again.id == first.id


def test_a_new_sender_quoting_an_unknown_number_gets_that_number(session: Session) -> None:
    customer = match_customer(
        session, email_contact(session, "kasia@example.pl", text="Mój numer: vh 765432")
    )
    assert customer is not None and customer.number == "VH-765432"


def test_no_address_and_no_known_number_matches_nobody(session: Session) -> None:
    assert match_customer(session, email_contact(session, None, text="VH-999999")) is None
    assert match_customer(session, email_contact(session, "not an address")) is None
    assert session.scalar(select(func.count()).select_from(Customer)) == 0


def test_numbers_are_read_in_canonical_form_once_each_and_not_inside_longer_codes() -> None:
    text = "VH-000001, vh000001, XVH-000002, VH-0000031, VH-000004"
    assert customer_numbers(text) == ["VH-000001", "VH-000004"]


def test_addresses_are_normalised_or_refused() -> None:
    assert normalise_address("Anna <Anna@Example.PL>") == "anna@example.pl"
    assert normalise_address(" anna@example.pl ") == "anna@example.pl"
    assert normalise_address("") is None
    assert normalise_address("anna at example") is None
