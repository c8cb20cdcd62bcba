"""Full-text search: sample emails routed through the pipeline are found by their words (with or
without Polish diacritics), only by the people who may see them, on SQLite and PostgreSQL, and
the index follows new answers and changed text without any pipeline code."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy import select

from intake.app import App, open_app
from intake.services.principal import Principal
from intake.services.search import BadSearch, SearchForm, search_contacts
from tests.conftest import base_settings
from tests.web_support import (
    BILLING,
    CLAIMS,
    MAILROOM,
    SUPERVISOR,
    add_people,
    client_for,
    routed_email,
    sign_in,
)
from workflow.accounts import Role, issue_api_token
from workflow.db import unit_of_work
from workflow.models import Answer, Contact, utcnow
from workflow.search import PG_CONTACT_VECTOR, SQLITE_TRIGGERS, index_triggers
from workflow.search_terms import fts5_match, parse_terms, pg_tsquery


@pytest.fixture
def any_app(database_url: str, tmp_path: Path) -> Iterator[App]:
    """An application on SQLite and, in a second run, on PostgreSQL."""
    application = open_app(base_settings(tmp_path / "var", database_url=database_url))
    yield application
    application.close()


def _person(role: Role, units: tuple[str, ...] = ()) -> Principal:
    return Principal(1, f"a {role}", "Someone", role, units, None)


SUPERVISING = _person(Role.SUPERVISOR)
IN_CLAIMS = _person(Role.BACKOFFICE, ("claims",))
IN_BILLING = _person(Role.BACKOFFICE, ("billing",))


def _found(app: App, principal: Principal, words: str, **filters: str) -> list[int]:
    page = search_contacts(app, principal, SearchForm(words=words, **filters)).page
    return [hit.contact_id for hit in page.hits]


def test_typed_punctuation_and_quotes_become_safe_terms() -> None:
    terms = parse_terms('ORD-5531907 "burnt  plastic" reklam* AND: (x) "')
    assert fts5_match(terms) == '"ord 5531907" AND "burnt plastic" AND "reklam"* AND "and" AND "x"'
    query, values = pg_tsquery(terms)
    assert query.count("phraseto_tsquery") == 4 and query.count(" && ") == 4
    assert list(values.values()) == ["ORD-5531907", "burnt  plastic", "reklam:*", "AND:", "(x)"]
    assert not parse_terms(' "" -- ** ')


def test_the_polish_l_with_stroke_is_folded_for_sqlite_only() -> None:
    terms = parse_terms("Łódź złożyć")
    assert fts5_match(terms) == '"lódź" AND "zlożyć"'
    assert list(pg_tsquery(terms)[1].values()) == ["Łódź", "złożyć"]


def test_a_routed_email_is_found_by_a_word_of_its_body(any_app: App, tmp_path: Path) -> None:
    contact_id = routed_email(any_app, tmp_path / "mail", "en_claim_02.eml")
    page = search_contacts(any_app, SUPERVISING, SearchForm(words="grinder burnt")).page
    assert [hit.contact_id for hit in page.hits] == [contact_id]
    (hit,) = page.hits
    assert {s.text.lower() for s in hit.snippet if s.hit} == {"grinder", "burnt"}
    assert [s.text for s in hit.subject if s.hit] == ["grinder"]
    assert hit.unit == "claims" and hit.found_in == "contact"
    assert _found(any_app, SUPERVISING, '"burnt plastic"') == [contact_id]
    assert _found(any_app, SUPERVISING, '"plastic burnt"') == []
    assert _found(any_app, SUPERVISING, "grind*") == [contact_id]
    assert _found(any_app, SUPERVISING, "grinder refrigerator") == []


def test_a_polish_word_is_found_without_its_diacritics(any_app: App, tmp_path: Path) -> None:
    contact_id = routed_email(any_app, tmp_path / "mail", "pl_complaint_01.eml")
    for words in ("skarge", "zlozyc skarge", "Poznaniu zachowanie"):
        assert _found(any_app, SUPERVISING, words) == [contact_id], words
    (hit,) = search_contacts(any_app, SUPERVISING, SearchForm(words="zlozyc")).page.hits
    assert [s.text for s in hit.snippet if s.hit] == ["złożyć"]


def test_a_back_office_member_of_another_unit_does_not_get_the_contact(
    any_app: App, tmp_path: Path
) -> None:
    contact_id = routed_email(any_app, tmp_path / "mail", "en_claim_02.eml")
    assert _found(any_app, IN_CLAIMS, "grinder") == [contact_id]
    assert _found(any_app, IN_BILLING, "grinder") == []
    assert _found(any_app, IN_BILLING, "", channel="email") == []
    assert _found(any_app, _person(Role.MAILROOM), "grinder") == []


def test_filters_narrow_the_results(any_app: App, tmp_path: Path) -> None:
    claim = routed_email(any_app, tmp_path / "mail", "en_claim_02.eml")
    complaint = routed_email(any_app, tmp_path / "mail", "pl_complaint_01.eml")
    with any_app.sessions() as session:
        topics = {c.id: c.topic for c in session.scalars(select(Contact))}
    assert set(_found(any_app, SUPERVISING, "", channel="email")) == {claim, complaint}
    assert _found(any_app, SUPERVISING, "", topic=str(topics[claim])) == [claim]
    assert _found(any_app, SUPERVISING, "", channel="scan") == []
    assert _found(any_app, SUPERVISING, "grinder", first="2100-01-01") == []
    with pytest.raises(BadSearch, match="not a date"):
        _found(any_app, SUPERVISING, "grinder", first="yesterday")


def test_the_index_follows_answers_and_changed_text_by_itself(any_app: App, tmp_path: Path) -> None:
    contact_id = routed_email(any_app, tmp_path / "mail", "en_claim_02.eml")
    with unit_of_work(any_app.sessions) as session:
        contact = session.get_one(Contact, contact_id)
        assert contact.case_id is not None
        session.add(
            Answer(
                case_id=contact.case_id,
                channel="email",
                body="Our courier DHL collects the appliance on Friday.",
                actor="m.zielinska",
                created_at=utcnow(),
            )
        )
        contact.text = contact.text.replace("burnt", "scorched") + "\nOrder ORD-5531907."
    (hit,) = search_contacts(any_app, IN_CLAIMS, SearchForm(words="courier friday")).page.hits
    assert hit.contact_id == contact_id and hit.found_in == "answer"
    assert [s.text for s in hit.snippet if s.hit] == ["courier", "Friday"]
    assert _found(any_app, SUPERVISING, "scorched") == [contact_id]
    assert _found(any_app, SUPERVISING, "burnt") == []
    assert _found(any_app, SUPERVISING, "ORD-5531907") == [contact_id]
    assert _found(any_app, SUPERVISING, "ORD-5531908") == []
    with unit_of_work(any_app.sessions) as session:
        session.execute(sa.delete(Answer))
    assert _found(any_app, SUPERVISING, "friday") == []


def test_the_sqlite_index_triggers_exist_after_all_migrations(app: App) -> None:
    # A later migration that rebuilds contacts or answers (batch mode) would drop them.
    with app.sessions() as session:
        assert index_triggers(session) == SQLITE_TRIGGERS


def test_postgresql_answers_from_the_gin_index(postgres_url: str, tmp_path: Path) -> None:
    application = open_app(base_settings(tmp_path / "var", database_url=postgres_url))
    try:
        with application.sessions() as session:
            session.execute(sa.text("SET LOCAL enable_seqscan = off"))
            query, values = pg_tsquery(parse_terms("grinder"))
            plan = session.execute(
                sa.text(f"EXPLAIN SELECT id FROM contacts WHERE {PG_CONTACT_VECTOR} @@ {query}"),
                values,
            ).all()
    finally:
        application.close()
    assert "search_contacts" in "\n".join(row[0] for row in plan)


def test_the_search_page_marks_the_words_and_links_the_contact(app: App, tmp_path: Path) -> None:
    contact_id = routed_email(app, tmp_path / "mail", "en_claim_02.eml")
    add_people(app)
    client = client_for(app)
    sign_in(client, CLAIMS)
    page = client.get("/search", params={"q": "grinder"})
    assert page.status_code == 200
    assert f'href="/contacts/{contact_id}"' in page.text
    assert "<mark>grinder</mark>" in page.text
    assert "1–1 of 1 contact" in page.text
    empty = client.get("/search", params={"q": "grinder", "topic": "nonsense"})
    assert empty.status_code == 400
    assert "The search was not run: there is no topic &#39;nonsense&#39;." in empty.text
    assert 'name="q" value="grinder"' in empty.text


def test_the_search_page_of_another_unit_says_nothing_matches(app: App, tmp_path: Path) -> None:
    contact_id = routed_email(app, tmp_path / "mail", "en_claim_02.eml")
    add_people(app)
    client: TestClient = client_for(app)
    sign_in(client, BILLING)
    page = client.get("/search", params={"q": "grinder"})
    assert f"/contacts/{contact_id}" not in page.text
    assert "No contact you may see matches" in page.text


def test_the_api_search_applies_the_same_rules(app: App, tmp_path: Path) -> None:
    contact_id = routed_email(app, tmp_path / "mail", "en_claim_02.eml")
    add_people(app)
    with unit_of_work(app.sessions) as session:
        tokens = {
            name: issue_api_token(session, name, "crm", "test")
            for name in (SUPERVISOR, BILLING, MAILROOM)
        }
    client = client_for(app)

    def found(name: str) -> dict[str, object]:
        response = client.get(
            "/api/v1/search",
            params={"q": "grinder", "channel": "email"},
            headers={"Authorization": f"Bearer {tokens[name]}"},
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    body = found(SUPERVISOR)
    assert body["total"] == 1
    (hit,) = body["hits"]
    assert hit["contact_id"] == contact_id
    assert {"text": "grinder", "hit": True} in hit["subject"]
    assert found(BILLING)["total"] == 0
    assert found(MAILROOM)["total"] == 0


def test_a_bad_date_is_refused_on_the_page_with_the_form_kept(app: App) -> None:
    add_people(app)
    client = client_for(app)
    sign_in(client, CLAIMS)
    page = client.get("/search", params={"q": "grinder", "from": "last week"})
    assert page.status_code == 400
    assert "the from date &#39;last week&#39; is not a date like 2026-11-23" in page.text
    assert 'name="q" value="grinder"' in page.text
    fragment = client.get(
        "/search", params={"q": "grinder", "to": "soon"}, headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200 and 'role="alert"' in fragment.text
    assert "<form" not in fragment.text
