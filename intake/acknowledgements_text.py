"""What an acknowledgement says, in the contact's language: subject line and plain-text body."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

LANGUAGES = ("en", "pl")
DEFAULT_LANGUAGE = "en"

_REFERENCE_TAG = re.compile(r"\[C-\d+\]\s*")
# Reply and forward prefixes in the languages our customers write in, possibly repeated.
_REPLY_PREFIX = re.compile(r"^\s*((re|odp|aw|fw|fwd|pd|wg)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)

_WEEKDAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "pl": ("poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela"),
}
_MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    # The genitive, as a Polish date is written: "25 listopada".
    "pl": [
        "stycznia",
        "lutego",
        "marca",
        "kwietnia",
        "maja",
        "czerwca",
        "lipca",
        "sierpnia",
        "września",
        "października",
        "listopada",
        "grudnia",
    ],
}


@dataclass(frozen=True)
class ArticleLink:
    title: str
    excerpt: str


def language_of(code: str | None) -> str:
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def ack_subject(reference: str, their_subject: str, language: str) -> str:
    """`[C-000123] Re: <their subject>`, without piling up prefixes or reference tags."""
    plain = " ".join(their_subject.split())
    plain = _REFERENCE_TAG.sub("", plain)
    plain = _REPLY_PREFIX.sub("", plain).strip()
    if not plain:
        plain = "Twoja wiadomość" if language == "pl" else "your message"
    return f"[{reference}] Re: {plain}"[:998]


def format_deadline(moment: datetime, language: str) -> str:
    weekday = _WEEKDAYS[language][moment.weekday()]
    month = _MONTHS[language][moment.month - 1]
    if language == "pl":
        return f"{weekday}, {moment.day} {month} {moment.year}, godz. {moment:%H:%M}"
    return f"{weekday} {moment.day} {month} {moment.year}, {moment:%H:%M}"


def _articles_block(articles: Sequence[ArticleLink], language: str) -> list[str]:
    if not articles:
        return []
    intro = (
        "Być może odpowiedź znajdziesz już w tych artykułach:"
        if language == "pl"
        else "These articles may already answer your question:"
    )
    lines = [intro, ""]
    for number, article in enumerate(articles, start=1):
        lines.append(f"{number}. {article.title}")
        if article.excerpt:
            lines.append(f"   {article.excerpt}")
        lines.append("")
    return lines


def ack_body(
    *,
    language: str,
    reference: str,
    sender_name: str,
    deadline: datetime | None,
    timezone: str,
    articles: Sequence[ArticleLink],
    organisation: str,
) -> str:
    """The friendly text; `deadline` is already in the organisation's time zone."""
    name = " ".join(sender_name.split())
    if language == "pl":
        lines = [
            "Dzień dobry," if not name else f"Dzień dobry {name},",
            "",
            "dziękujemy za wiadomość. Zarejestrowaliśmy ją pod numerem sprawy "
            f"{reference}. Prosimy o podawanie tego numeru w temacie kolejnych wiadomości "
            "w tej sprawie.",
            "",
        ]
        if deadline is not None:
            when = format_deadline(deadline, language)
            lines += [f"Odpowiemy najpóźniej: {when} (czas {timezone}).", ""]
        lines += _articles_block(articles, language)
        lines += [
            "To jest automatyczne potwierdzenie - nie trzeba na nie odpowiadać.",
            "",
            "Z pozdrowieniami",
            organisation,
        ]
    else:
        lines = [
            "Hello," if not name else f"Hello {name},",
            "",
            "thank you for your message. We have registered it under the case reference "
            f"{reference}. Please keep this reference in the subject when you write to us "
            "about it.",
            "",
        ]
        if deadline is not None:
            when = format_deadline(deadline, language)
            lines += [f"We will answer by {when} ({timezone} time).", ""]
        lines += _articles_block(articles, language)
        lines += [
            "This is an automatic confirmation; there is no need to reply to it.",
            "",
            "Kind regards,",
            organisation,
        ]
    return "\n".join(lines) + "\n"
