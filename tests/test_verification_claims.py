"""The verification queue claims the field it shows: two people asking at once get different
fields (on SQLite and PostgreSQL), a lease that runs out returns the field, answering or skipping
gives it back, and a field held by someone else is shown with its holder and cannot be answered."""

from __future__ import annotations

import html
import re
import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from intake.app import App
from intake.demo_users import DEMO_PASSWORD
from intake.services.accounts import create_user
from intake.verification import VerificationError, verify_field
from tests.task_fixtures import database
from tests.web_support import MAILROOM, add_people, client_for, sign_in
from workflow.accounts import Role, issue_api_token
from workflow.db import make_engine, session_factory, unit_of_work
from workflow.field_claims import FIELD_LEASE, FieldClaimOutcome, claim_field, claim_next_field
from workflow.models import Contact, ContactField, FieldStatus, utcnow

COLLEAGUE = "k.mazur"  # a second person of the mailroom
_FIELD_ACTION = re.compile(r'action="/mailroom/verify/(\d+)"')


def waiting_fields(sessions: sessionmaker[Session], contacts: int, per_contact: int) -> list[int]:
    """Coupon contacts whose every field waits for a person, as the form reader leaves them."""
    ids = []
    with unit_of_work(sessions) as session:
        for number in range(contacts):
            contact = Contact(
                channel="scan",
                source=f"coupon-{number}.jpg",
                source_key=f"scan:coupon-{number}",
                sha256=f"{number:064d}",
                form="coupon_pl",
            )
            session.add(contact)
            session.flush()
            for name in ("first_name", "last_name", "postcode", "town")[:per_contact]:
                field = ContactField(
                    contact_id=contact.id,
                    name=name,
                    value=f"{name}-{number}",
                    read_value=f"{name}-{number}",
                    confidence=0.4,
                    status=FieldStatus.NEEDS_VERIFICATION,
                )
                session.add(field)
                session.flush()
                ids.append(field.id)
    return ids


def claim_at_once(url: str, holders: list[str], now: datetime) -> dict[str, int | None]:
    """Each holder in a thread of its own, with its own connection like separate browsers,
    asking for the next field at the same moment."""
    taken: dict[str, int | None] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(len(holders))

    def ask(holder: str) -> None:
        engine = make_engine(url)
        try:
            sessions = session_factory(engine)
            start.wait()
            with sessions.begin() as session:
                hold = claim_next_field(session, holder, now)
            taken[holder] = hold.field_id if hold else None
        except BaseException as error:  # reported by the test, not lost in the thread
            errors.append(error)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=ask, args=(holder,)) for holder in holders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return taken


def test_people_asking_for_the_next_field_at_once_get_different_fields(database_url: str) -> None:
    with database(database_url) as sessions:
        fields = waiting_fields(sessions, contacts=3, per_contact=2)
        now = utcnow()
        first = claim_at_once(database_url, [f"clerk{i}" for i in range(4)], now)
        second = claim_at_once(database_url, [f"clerk{i}" for i in range(4, 8)], now)
        taken = [f for f in [*first.values(), *second.values()] if f is not None]
        assert len(taken) == len(fields) == 6
        assert sorted(taken) == sorted(fields)
        assert list(first.values()).count(None) + list(second.values()).count(None) == 2
        with sessions() as session:
            holders = {f.id: f.claimed_by for f in session.scalars(select(ContactField))}
        assert {holders[f] for f in fields} == {h for h, f in {**first, **second}.items() if f}


def test_a_lease_that_runs_out_returns_the_field_and_its_old_holder_cannot_answer_it(
    database_url: str,
) -> None:
    with database(database_url) as sessions:
        (only,) = waiting_fields(sessions, contacts=1, per_contact=1)
        now = utcnow()
        with unit_of_work(sessions) as session:
            hold = claim_next_field(session, "clerk-a", now - FIELD_LEASE - timedelta(minutes=1))
            assert hold is not None and hold.field_id == only
        with unit_of_work(sessions) as session:
            # The lease ran out a minute ago: the field is free again.
            hold = claim_next_field(session, "clerk-b", now)
            assert hold is not None and hold.field_id == only
        with unit_of_work(sessions) as session:
            assert claim_next_field(session, "clerk-a", now + timedelta(minutes=1)) is None
        refused = pytest.raises(VerificationError, match="is being verified by clerk-b until")
        with refused, unit_of_work(sessions) as session:
            verify_field(session, only, "typed by a", "clerk-a")
        with sessions() as session:
            field = session.get_one(ContactField, only)
            assert (field.status, field.value) == (FieldStatus.NEEDS_VERIFICATION, "first_name-0")


def next_id(session: Session, holder: str, now: datetime, after: int | None = None) -> int | None:
    hold = claim_next_field(session, holder, now, after=after)
    return hold.field_id if hold else None


def test_answering_releases_the_field_and_skipping_gives_it_back(database_url: str) -> None:
    with database(database_url) as sessions:
        first, second = waiting_fields(sessions, contacts=1, per_contact=2)
        now = utcnow()
        with unit_of_work(sessions) as session:
            assert next_id(session, "clerk-a", now) == first
        with unit_of_work(sessions) as session:
            # Asking again without answering (a reload) shows the same field.
            assert next_id(session, "clerk-a", now) == first
            assert next_id(session, "clerk-b", now) == second
        with unit_of_work(sessions) as session:
            # clerk-b skips: the field is given back, and nothing else is free for them.
            assert next_id(session, "clerk-b", now, after=second) == second
        with unit_of_work(sessions) as session:
            verify_field(session, first, "Anna", "clerk-a")
        with sessions() as session:
            answered = session.get_one(ContactField, first)
            assert (answered.claimed_by, answered.lease_expires_at) == (None, None)
            assert answered.status == FieldStatus.CORRECTED
        with unit_of_work(sessions) as session:
            claim = claim_field(session, second, "clerk-a", now)
            assert claim.outcome is FieldClaimOutcome.HELD
            assert claim.hold is not None and claim.hold.holder == "clerk-b"
        with unit_of_work(sessions) as session:
            # An answered field is no longer in the queue, whoever asks for it.
            assert claim_field(session, first, "clerk-b", now).outcome is (
                FieldClaimOutcome.NOT_WAITING
            )


# --- on the screens ------------------------------------------------------------------------------


@pytest.fixture
def station(app: App) -> App:
    add_people(app)
    with unit_of_work(app.sessions) as session:
        create_user(
            session,
            username=COLLEAGUE,
            display_name="Karol Mazur",
            role=Role.MAILROOM,
            password=DEMO_PASSWORD,
            units=(),
            agent_id=None,
            actor="test",
        )
    return app


def shown_field(page: str) -> int | None:
    found = _FIELD_ACTION.search(page)
    return int(found.group(1)) if found else None


def test_two_people_at_the_station_are_shown_different_fields_and_the_holder_by_url(
    station: App,
) -> None:
    fields = waiting_fields(station.sessions, contacts=2, per_contact=2)
    nowak, mazur = client_for(station), client_for(station)
    nowak_csrf = sign_in(nowak, MAILROOM)
    mazur_csrf = sign_in(mazur, COLLEAGUE)

    nowak_field = shown_field(nowak.get("/mailroom/verify").text)
    mazur_page = html.unescape(mazur.get("/mailroom/verify").text)
    mazur_field = shown_field(mazur_page)
    assert nowak_field == fields[0] and mazur_field == fields[1]
    assert "1 of them is being verified by colleagues" in mazur_page

    # Reached by its address, a colleague's field shows who holds it and offers no answer.
    by_url = html.unescape(mazur.get(f"/mailroom/verify/{nowak_field}").text)
    assert f"This field is being verified by <strong>{MAILROOM}</strong>" in by_url
    assert shown_field(by_url) is None
    refused = mazur.post(
        f"/mailroom/verify/{nowak_field}",
        data={"csrf_token": mazur_csrf, "value": "typed twice"},
        headers={"HX-Request": "true"},
    )
    assert f"is being verified by {MAILROOM}" in html.unescape(refused.text)

    # Answering gives the field up and shows the next free one: not the colleague's.
    answered = nowak.post(
        f"/mailroom/verify/{nowak_field}",
        data={"csrf_token": nowak_csrf},
        headers={"HX-Request": "true"},
    )
    assert shown_field(answered.text) == fields[2]
    with station.sessions() as session:
        done = session.get_one(ContactField, nowak_field)
        assert (done.status, done.verified_by, done.claimed_by) == (
            FieldStatus.VERIFIED,
            MAILROOM,
            None,
        )

    # The REST API takes part in the same claims.
    with unit_of_work(station.sessions) as session:
        token = issue_api_token(session, COLLEAGUE, "second station", "test")
    api = {"Authorization": f"Bearer {token}"}
    held = mazur.get(f"/api/v1/mailroom/fields/{fields[2]}", headers=api).json()
    assert held["held"]["holder"] == MAILROOM
    free = mazur.get(f"/api/v1/mailroom/fields/{fields[3]}", headers=api).json()
    assert free["field"]["id"] == fields[3] and free["held"] is None
    with station.sessions() as session:
        # One field at a time: taking the next one gave the previous one back.
        assert session.get_one(ContactField, fields[3]).claimed_by == COLLEAGUE
        assert session.get_one(ContactField, mazur_field).claimed_by is None
    released = mazur.post(f"/api/v1/mailroom/fields/{fields[3]}/release", headers=api)
    assert released.json() == {"field_id": fields[3], "released": True}
    assert shown_field(nowak.get(f"/mailroom/verify?after={fields[2]}").text) == fields[3]


@pytest.mark.postgres
def test_an_answer_racing_a_colleagues_claim_waits_for_it_and_is_refused(
    postgres_url: str,
) -> None:
    with database(postgres_url) as sessions:
        (only,) = waiting_fields(sessions, contacts=1, per_contact=1)
        now = utcnow()
        with unit_of_work(sessions) as session:
            # clerk-a's lease ran out a minute ago, the field still on their screen.
            claim_next_field(session, "clerk-a", now - FIELD_LEASE - timedelta(minutes=1))
        claiming = sessions()
        claiming.begin()
        taken = claim_field(claiming, only, "clerk-b", now)
        assert taken.outcome is FieldClaimOutcome.CLAIMED
        answered: list[str] = []

        def answer_as_a() -> None:
            try:
                with unit_of_work(sessions) as session:
                    verify_field(session, only, "typed by a", "clerk-a")
                answered.append("verified")
            except VerificationError as error:
                answered.append(str(error))

        # clerk-a answers while clerk-b's claim is not yet committed.
        answering = threading.Thread(target=answer_as_a)
        answering.start()
        answering.join(timeout=1.0)
        claiming.commit()
        claiming.close()
        answering.join(timeout=10.0)

        assert len(answered) == 1 and "is being verified by clerk-b" in answered[0]
        with sessions() as session:
            field = session.get_one(ContactField, only)
            assert (field.status, field.claimed_by) == (FieldStatus.NEEDS_VERIFICATION, "clerk-b")


def test_a_link_from_another_site_claims_no_field_but_the_station_itself_does(
    station: App,
) -> None:
    fields = waiting_fields(station.sessions, contacts=1, per_contact=2)
    clerk = client_for(station)
    sign_in(clerk, MAILROOM)

    for address in ("/mailroom/verify", f"/mailroom/verify/{fields[1]}"):
        lured = clerk.get(address, headers={"Sec-Fetch-Site": "cross-site"})
        assert lured.status_code == 403
        assert "a link from another site cannot take work for you" in html.unescape(lured.text)
    lured_api = clerk.get("/api/v1/mailroom/fields/next", headers={"Sec-Fetch-Site": "cross-site"})
    assert lured_api.status_code == 403
    with station.sessions() as session:
        assert all(session.get_one(ContactField, f).claimed_by is None for f in fields)

    # Followed from Intake's own pages, the same address takes the field.
    own = clerk.get("/mailroom/verify", headers={"Sec-Fetch-Site": "same-origin"})
    assert shown_field(own.text) == fields[0]
    with station.sessions() as session:
        assert session.get_one(ContactField, fields[0]).claimed_by == MAILROOM
