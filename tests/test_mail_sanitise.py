"""The HTML of an email is kept for display, made safe: nothing runs, nothing loads remotely.

The last tests go through the real pipeline: the sanitised HTML is stored as a document, an
oversize email is quarantined with a reason, a forwarded message's text is readable."""

from __future__ import annotations

import re
from dataclasses import replace
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import select

from intake import pipeline
from intake.app import App, open_app
from intake.channels.ingest import ingest_paths
from intake.config import Settings
from intake.mail import MalformedEmail, parse_email
from intake.mail.sanitise import REMOTE_IMAGE_NOTE, sanitise_html
from intake.pipeline import Result
from tests.conftest import SHARED_DATA
from workflow.db import unit_of_work
from workflow.directory import sync_organisation
from workflow.models import Contact, ContactStatus, Document

MIME = SHARED_DATA / "mime"


class _Elements(HTMLParser):
    """Every element and attribute of a document, to assert on structure, not on spelling."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.found


def test_scripts_styles_and_frames_are_removed_with_their_content() -> None:
    html = (
        "<html><head><title>t</title><style>body{background:url(http://x/y)}</style></head>"
        "<body><p>Dear Sir,</p><script>alert('x')</script><iframe src='https://evil'>f</iframe>"
        "<object data='x.swf'>o</object><SCRIPT>document.cookie</SCRIPT><p>my order</p></body>"
    )
    safe = sanitise_html(html)
    assert safe == "<p>Dear Sir,</p><p>my order</p>"


def test_a_head_left_open_does_not_swallow_the_body() -> None:
    html = "<html><head><title>Re: order</title><meta charset=utf-8><body><p>My order</p>"
    assert sanitise_html(html) == "<p>My order</p>"


def test_event_handlers_and_javascript_links_are_removed() -> None:
    html = (
        '<p onclick="steal()" onmouseover="x()">Hi</p>'
        '<a href="jav&#x09;ascript:alert(1)">click</a> <a href=" JAVASCRIPT:x">2</a>'
        '<a href="https://vistula.example/faq" onclick="y()">FAQ</a>'
        '<div style="background:url(http://tracker)">text</div>'
    )
    found = elements(sanitise_html(html))
    assert not any(name.startswith("on") or name == "style" for _, a in found for name in a)
    hrefs = [attrs.get("href") for tag, attrs in found if tag == "a"]
    assert hrefs == [None, None, "https://vistula.example/faq"]


def test_remote_images_do_not_load_and_cid_images_stay_as_references() -> None:
    html = (
        '<img src="https://tracker.example/pixel.gif" alt="">'
        '<img src="http://shop.example/logo.png" alt="Shop logo">'
        '<img src="cid:image001.png@01D3" alt="photo of the damage">'
        '<img src="//cdn.example/x.png"><img src="data:image/png;base64,iVBORw0KGgo=">'
    )
    images = [attrs for tag, attrs in elements(sanitise_html(html)) if tag == "img"]
    assert [image.get("src") for image in images] == [
        None,
        None,
        "cid:image001.png@01D3",
        None,
        "data:image/png;base64,iVBORw0KGgo=",
    ]
    assert images[1]["alt"] == "Shop logo" and images[1]["title"] == REMOTE_IMAGE_NOTE


def test_text_is_kept_and_escaped_and_unknown_tags_leave_their_content() -> None:
    html = "<blink>Order &lt;5531907&gt; &amp; more</blink> <form action=x>field<input></form>"
    assert sanitise_html(html) == "Order &lt;5531907&gt; &amp; more field"


def test_unclosed_elements_are_closed_and_stray_end_tags_ignored() -> None:
    assert sanitise_html("</div><table><tr><td><b>bold") == (
        "<table><tr><td><b>bold</b></td></tr></table>"
    )


def _corpus_html() -> list[tuple[str, str]]:
    """(file name, HTML body) of every corpus message that has one."""
    found = []
    for path in sorted(p for p in MIME.iterdir() if p.is_file()):
        try:
            html = parse_email(path.read_bytes()).html
        except MalformedEmail:
            continue
        if html is not None:
            found.append((path.name, html))
    return found


CORPUS_HTML = _corpus_html()


@pytest.mark.parametrize(("name", "html"), CORPUS_HTML, ids=[name for name, _ in CORPUS_HTML])
def test_no_script_or_remote_image_survives_in_the_corpus_html(name: str, html: str) -> None:
    found = elements(sanitise_html(html))
    assert not {tag for tag, _ in found} & {"script", "style", "iframe", "object", "embed"}
    for tag, attrs in found:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert not re.match(r"\s*(https?:)?//", attrs.get("src") or ""), (tag, attrs)


# -- through the pipeline ---------------------------------------------------------------------


def _deliver(app: App, folder: Path, raw: bytes, name: str = "mail.eml") -> int:
    with unit_of_work(app.sessions) as session:
        sync_organisation(session, app.organisation)
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(raw)
    (received,) = ingest_paths(app, [folder / name])
    assert received.contact_id is not None
    return received.contact_id


def test_the_sanitised_html_is_stored_as_a_document_for_display(app: App, tmp_path: Path) -> None:
    message = EmailMessage()
    message["From"] = "anna@example.pl"
    message["Subject"] = "Broken screen"
    message.set_content("My TV screen is broken.")
    message.add_alternative(
        '<p onclick="x()">My <b>TV screen</b> is broken.</p><script>alert(1)</script>'
        '<img src="https://tracker.example/p.gif">',
        subtype="html",
    )
    contact_id = _deliver(app, tmp_path / "in", message.as_bytes())
    pipeline.process(app)
    with app.sessions() as session:
        html = session.scalars(
            select(Document).where(Document.contact_id == contact_id, Document.role == "html")
        ).one()
        assert (html.media_type, html.filename) == ("text/html", "message.html")
        stored = app.blobs.get(html.blob_sha256).decode()
    assert stored.startswith("<p>My <b>TV screen</b> is broken.</p>")
    assert "script" not in stored and "tracker.example" not in stored


def test_an_oversize_email_is_quarantined_with_its_size_and_the_limit(
    settings: Settings, tmp_path: Path
) -> None:
    app = open_app(replace(settings, max_email_bytes=100_000))
    try:
        message = EmailMessage()
        message["From"] = "anna@example.pl"
        message["Subject"] = "Scans of every page"
        message.set_content("See attached.")
        message.add_attachment(
            b"\x00" * 200_000, maintype="application", subtype="pdf", filename="huge.pdf"
        )
        raw = message.as_bytes()
        contact_id = _deliver(app, tmp_path / "in", raw)
        report = pipeline.process(app)
        assert report.count(Result.QUARANTINED) == 1
        with app.sessions() as session:
            contact = session.get(Contact, contact_id)
            assert contact is not None and contact.status == ContactStatus.QUARANTINED
            assert contact.quarantine_reason == (
                f"extract: email of {len(raw):,} bytes exceeds the limit of 100,000"
            )
    finally:
        app.close()


def test_a_forwarded_messages_text_is_readable(app: App, tmp_path: Path) -> None:
    contact_id = _deliver(app, tmp_path / "in", (MIME / "flanker__enclosed.eml").read_bytes())
    pipeline.process(app)
    with app.sessions() as session:
        contact = session.get(Contact, contact_id)
        assert contact is not None and contact.stage == "routed"
        assert contact.text.startswith("Hello\n\n---------- Forwarded message ----------")
        assert "Subject: Thanks!" in contact.text
        assert "чтобы я без вас делал, дорогие мои!!!" in contact.text
