"""Offline language detection for English and Polish contacts, clean and OCR-noisy."""

import json
from pathlib import Path

import pytest

from classify import OTHER, LanguageGuess, detect_language

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
EUROTEXT = SHARED_DATA / "ocr" / "tesseract" / "eurotext.txt"
TRAINING = Path(__file__).resolve().parents[1] / "samples" / "training"


@pytest.mark.parametrize(
    "text",
    [
        "Hello, my parcel has not arrived yet and nobody answers the phone.",
        "I was charged twice for order ORD-5531907, please refund one payment.",
        "The TV does not turn on after the firmware update.",
        "Thank you!",
    ],
)
def test_english_sentences_are_english(text: str) -> None:
    guess = detect_language(text)
    assert guess.code == "en"
    assert guess.score > 0.9


@pytest.mark.parametrize(
    "text",
    [
        "Dzień dobry, moja paczka jeszcze nie dotarła, a kurier nie odbiera telefonu.",
        "Proszę o korektę faktury FV/2026/10/01234 i zwrot różnicy.",
        "Składam reklamację pralki, która przestała wirować.",
        "Dziękuję!",
    ],
)
def test_polish_sentences_are_polish(text: str) -> None:
    guess = detect_language(text)
    assert guess.code == "pl"
    assert guess.score > 0.9


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Diacritics lost, "m" read as "rn", "ł" as "l": typical of scanned coupons and letters.
        ("Wyrazam zgode na przetwarzanie rnoich danych osobowych", "pl"),
        ("Chce wziac udzial w losowaniu nagrod. Kod pocztowy 00-950", "pl"),
        ("KLUB VISTULA - KUPON LOJALNOSCIOWY Irnie Nazwisko Ulica i nurner", "pl"),
        ("I agree to the processinq of rny personal data", "en"),
        ("VISTULA CLUB - LOYALTY C0UPON First narne Last name Street and nurnber", "en"),
        ("I want to jo1n the prize draw", "en"),
    ],
)
def test_ocr_noisy_text_keeps_its_language(text: str, expected: str) -> None:
    assert detect_language(text).code == expected


@pytest.mark.parametrize(
    "text",
    [
        "Guten Tag, mein Paket ist noch nicht angekommen und ich bin sehr verärgert.",
        "Bonjour, mon colis n'est pas encore arrivé et personne ne répond.",
        "Hola, mi paquete todavía no ha llegado y nadie contesta el teléfono.",
    ],
)
def test_german_french_and_spanish_are_other(text: str) -> None:
    assert detect_language(text).code == OTHER


def test_tesseract_eurotext_english_part_is_english_and_the_rest_other() -> None:
    # Lines 1-4 are English; from line 5 on it is German, French, Italian, Spanish, Portuguese.
    lines = EUROTEXT.read_text(encoding="utf-8").splitlines()
    assert detect_language(" ".join(lines[:4])).code == "en"
    assert detect_language(" ".join(lines[4:])).code == OTHER


def test_text_without_words_is_other_with_no_confidence() -> None:
    for text in ("", "  \n ", "ORD-5531907 12.10.2026 2 499,00 VH-204817 FV/2026/10/01234"):
        assert detect_language(text) == LanguageGuess(OTHER, 0.0)


def test_a_language_outside_the_candidates_is_other() -> None:
    polish = "Dzień dobry, proszę o zwrot pieniędzy za zamówienie."
    assert detect_language(polish, candidates=("en",)).code == OTHER
    assert detect_language(polish, candidates=("en", "pl")).code == "pl"


def test_a_candidate_without_a_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="no language profile for \\['it'\\]"):
        detect_language("Buongiorno", candidates=("en", "it"))


def test_the_training_corpus_languages_agree_with_detection() -> None:
    files = sorted(TRAINING.glob("contacts_*.jsonl"))
    if not files:
        pytest.skip(f"no training corpus in {TRAINING}")
    rows = [json.loads(line) for path in files for line in path.read_text("utf-8").splitlines()]
    wrong = [row for row in rows if detect_language(row["text"]).code != row["language"]]
    assert len(wrong) <= len(rows) // 100, wrong[:5]
