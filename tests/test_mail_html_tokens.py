"""The HTML tokenizer behind html_to_text: tag names and text, as the standard parser sees them."""

from __future__ import annotations

import email
import time
from email import policy
from html.parser import HTMLParser
from pathlib import Path

from intake.mail import html_to_text
from intake.mail.html_tokens import Token, html_tokens

MIME = Path(__file__).resolve().parents[2] / "shared" / "data" / "mime"


def test_a_stray_quote_inside_a_tag_does_not_swallow_the_text_after_it() -> None:
    # From a real newsletter: the style attribute's quote closes early, a second one dangles.
    html = '<td style="padding:5px; color="#333333"> 20,000+ Real Airports</td>'
    assert list(html_tokens(html)) == [
        (Token.START, "td"),
        (Token.TEXT, " 20,000+ Real Airports"),
        (Token.END, "td"),
    ]


def test_a_quoted_greater_than_sign_stays_inside_its_tag() -> None:
    assert list(html_tokens("<a title='a > b'>link</a>")) == [
        (Token.START, "a"),
        (Token.TEXT, "link"),
        (Token.END, "a"),
    ]


def test_markup_inside_script_and_style_is_not_read_as_tags() -> None:
    html = "<script>document.write('<p>no</p>')</script><STYLE>p{}</STYLE><p>yes</p>"
    assert [token for token in html_tokens(html) if token[0] is not Token.TEXT] == [
        (Token.START, "script"),
        (Token.END, "script"),
        (Token.START, "style"),
        (Token.END, "style"),
        (Token.START, "p"),
        (Token.END, "p"),
    ]
    assert html_to_text(html) == "yes"


def test_names_are_lower_cased_and_self_closing_tags_are_told_apart() -> None:
    assert list(html_tokens("<BR/><Img src=x>")) == [
        (Token.START_END, "br"),
        (Token.START, "img"),
    ]


def test_a_less_than_sign_that_starts_no_markup_is_text() -> None:
    assert "".join(value for _, value in html_tokens("1 < 2 &amp; 3 <")) == "1 < 2 & 3 <"


def test_comments_declarations_and_processing_instructions_give_nothing() -> None:
    html = "<!DOCTYPE html><?xml version='1.0'?><!-- a <b>note</b> --></3 bogus>text"
    assert list(html_tokens(html)) == [(Token.TEXT, "text")]


def test_an_empty_comment_closed_at_once_hides_nothing_after_it() -> None:
    """`<!-->` and `<!--->` are whole (empty) comments, as a browser reads them, not the
    start of one that runs to the end of the document."""
    for empty in ("<!-->", "<!--->", "<!---->"):
        html = f"<p>Dzień dobry{empty}, faktura FV/12 w załączniku</p>"
        assert html_to_text(html) == "Dzień dobry, faktura FV/12 w załączniku"


def test_adversarial_markup_is_read_in_linear_time() -> None:
    """A megabyte of unfinished markup of each kind is read in well under a second."""
    for unit in ("<", "<!--", "<!-->", "</", "<!", "<a ", '<a b="', "<script>", "&#"):
        html = unit * (1_000_000 // len(unit))
        started = time.process_time()
        html_to_text(html)
        assert time.process_time() - started < 3.0, unit


class _Recorder(HTMLParser):
    """The standard parser's events, in the tokenizer's terms, to compare them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[Token, str]] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.events.append((Token.START, tag))

    def handle_startendtag(self, tag: str, attrs: object) -> None:
        self.events.append((Token.START_END, tag))

    def handle_endtag(self, tag: str) -> None:
        self.events.append((Token.END, tag))

    def handle_data(self, data: str) -> None:
        self.events.append((Token.TEXT, data))


def _comparable(events: list[tuple[Token, str]]) -> list[tuple[Token, str]]:
    """Adjacent text joined (the standard parser may split a run of text), and script and
    style content dropped (the standard parser reports it as text; the tokenizer skips it)."""
    kept: list[tuple[Token, str]] = []
    inside = False
    for kind, value in events:
        if kind is Token.START and value in ("script", "style"):
            inside = True
        elif kind is Token.END and value in ("script", "style"):
            inside = False
        elif kind is Token.TEXT and (inside or not value):
            continue
        if kind is Token.TEXT and kept and kept[-1][0] is Token.TEXT:
            kept[-1] = (Token.TEXT, kept[-1][1] + value)
        else:
            kept.append((kind, value))
    return kept


def _corpus_html() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for path in sorted(MIME.glob("*__*")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.compat32)
        for part in message.walk():
            if part.get_content_type() == "text/html":
                data = part.get_payload(decode=True) or b""
                found.append((path.name, data.decode("utf-8", errors="replace")))
    return found


def test_the_html_bodies_of_the_shared_corpus_give_the_standard_parsers_events() -> None:
    documents = _corpus_html()
    assert len(documents) >= 20, f"only {len(documents)} HTML bodies under {MIME}"
    for name, html in documents:
        recorder = _Recorder()
        recorder.feed(html)
        recorder.close()
        assert _comparable(list(html_tokens(html))) == _comparable(recorder.events), name
