"""Knowledge-base articles offered to a customer: relevant, in their language, best first."""

from __future__ import annotations

from pathlib import Path

import pytest

from intake.mail import parse_email
from tests.conftest import SAMPLES
from workflow.knowledge import excerpt, match_articles
from workflow.org import Article, Organisation, load_organisation


@pytest.fixture(scope="module")
def org() -> Organisation:
    return load_organisation(SAMPLES / "org")


def article(id: str, language: str, topics: tuple[str, ...], keywords: tuple[str, ...]) -> Article:
    return Article(
        id=id,
        title=f"Article {id}",
        language=language,
        topics=topics,
        keywords=keywords,
        body=f"# Article {id}\n\nSome advice.\n",
        source=Path(f"{id}.md"),
    )


def sample_text(name: str) -> str:
    mail = parse_email((SAMPLES / "email" / name).read_bytes())
    return f"{mail.subject}\n{mail.text}"


def ids(matches: tuple) -> list[str]:
    return [m.article.id for m in matches]


def test_a_polish_invoice_request_gets_the_polish_invoice_article(org: Organisation) -> None:
    matches = match_articles(
        org.articles, topic="billing", language="pl", text=sample_text("pl_billing_02.eml")
    )
    assert ids(matches)[0] == "kb-billing-faktura-pl"
    # "fakturę" in the email is the keyword "faktura", inflected.
    assert "faktura" in matches[0].matched


def test_an_english_warranty_claim_gets_the_warranty_article(org: Organisation) -> None:
    matches = match_articles(
        org.articles, topic="claim", language="en", text=sample_text("en_claim_01.eml")
    )
    assert ids(matches) == ["kb-claim-warranty-en"]
    assert {"warranty", "repair"} <= set(matches[0].matched)


def test_articles_in_the_contacts_language_come_first_even_with_a_lower_score() -> None:
    english = article("en-1", "en", ("billing",), ("invoice",))
    polish = article("pl-1", "pl", ("invoices",), ("invoice", "faktura", "vat"))
    matches = match_articles(
        [polish, english],
        topic="billing",
        language="en",
        text="My invoice (faktura VAT) is wrong",
    )
    assert matches[0].score < matches[1].score
    assert ids(matches) == ["en-1", "pl-1"]


def test_a_translation_of_an_article_already_offered_is_left_out(org: Organisation) -> None:
    matches = match_articles(
        org.articles, topic="delivery", language="pl", text=sample_text("pl_delivery_01.eml")
    )
    assert ids(matches) == ["kb-delivery-track-pl"]


def test_an_article_in_another_language_is_offered_when_there_is_none_in_ours(
    org: Organisation,
) -> None:
    matches = match_articles(
        org.articles, topic="technical", language="pl", text="Router nie działa po resecie"
    )
    assert ids(matches) == ["kb-technical-router-en"]


def test_one_common_keyword_off_topic_is_not_enough() -> None:
    shop = article("shop", "pl", ("complaint",), ("sklep", "skarga", "obsługa"))
    matches = match_articles(
        [shop], topic="loyalty", language="pl", text="Kupiłem kartę w sklepie, gdzie punkty?"
    )
    assert matches == ()
    two = match_articles([shop], topic="loyalty", language="pl", text="Skarga na obsługę w sklepie")
    assert ids(two) == ["shop"]


def test_at_most_the_limit_is_offered_and_none_for_a_limit_of_zero() -> None:
    articles = [article(f"a{i}", "en", ("billing",), ("invoice",)) for i in range(5)]
    assert len(match_articles(articles, topic="billing", language="en", text="x", limit=3)) == 3
    assert match_articles(articles, topic="billing", language="en", text="x", limit=0) == ()


def test_no_topic_and_no_shared_words_offers_nothing(org: Organisation) -> None:
    assert match_articles(org.articles, topic=None, language="en", text="Hello there") == ()


def test_an_excerpt_is_plain_text_from_the_first_paragraph_cut_at_a_word(
    org: Organisation,
) -> None:
    invoice = next(a for a in org.articles if a.id == "kb-billing-invoice-en")
    text = excerpt(invoice, max_chars=80)
    assert text.startswith("Duplicate invoice. Every invoice is in My account")
    assert "*" not in text and "#" not in text
    assert len(text) <= 80 and text.endswith("…")
    assert not text[:-1].endswith(" ")
