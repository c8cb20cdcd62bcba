"""The classifier's inputs: TF-IDF n-grams over a learnt vocabulary, and sentence vectors."""

import numpy as np
import pytest
import spacy

from classify.ngram_features import doc_features, learn_vocabulary
from classify.sentence_embedding import WIDTH, embed_texts


@pytest.fixture(scope="module")
def nlp() -> spacy.language.Language:
    return spacy.blank("en")


def test_a_character_ngram_of_one_document_only_stays_out_of_the_vocabulary(nlp) -> None:
    docs = [nlp.make_doc(text) for text in ("refund please", "refund now", "xylophone")]
    with_rare = learn_vocabulary(docs, 3, 3, char_min_df=1)
    without_rare = learn_vocabulary(docs, 3, 3, char_min_df=2)
    # Words are kept however rare; "xyl" (one document) is dropped, "ref" (two) is kept.
    assert len(without_rare.keys) < len(with_rare.keys)
    rows, _ = doc_features(nlp.make_doc("xylophone"), 3, 3, {}, without_rare)
    refund_rows, _ = doc_features(nlp.make_doc("refund"), 3, 3, {}, without_rare)
    assert len(rows) == 1 and len(refund_rows) > 1


def test_features_never_seen_in_training_are_left_out_and_each_group_has_unit_length(
    nlp,
) -> None:
    vocabulary = learn_vocabulary(
        [nlp.make_doc("my parcel is late"), nlp.make_doc("late")], 2, 4, 1
    )
    rows, values = doc_features(nlp.make_doc("parcel late zzzz"), 2, 4, {}, vocabulary)
    # One row per feature, though the word "late" is also a character 4-gram of "<late>".
    assert len(set(rows.tolist())) == len(rows) and len(set(vocabulary.keys.tolist())) == len(
        vocabulary.keys
    )
    unseen_rows, unseen_values = doc_features(nlp.make_doc("qqqq"), 2, 4, {}, vocabulary)
    assert len(unseen_rows) == 0 and len(unseen_values) == 0
    # Two groups (words, characters), each scaled to length 1: squared values sum to 2.
    assert float(np.dot(values, values)) == pytest.approx(2.0, abs=1e-5)


def test_a_common_feature_weighs_less_than_a_rare_one(nlp) -> None:
    docs = [nlp.make_doc(t) for t in ("please refund", "please help", "please call", "refund")]
    vocabulary = learn_vocabulary(docs, 5, 5, 1)
    please, refund = (np.uint64(nlp.vocab.strings[w]) for w in ("please", "refund"))
    idf = dict(zip(vocabulary.keys.tolist(), vocabulary.idf.tolist(), strict=True))
    assert idf[int(please)] < idf[int(refund)]


def test_sentence_vectors_put_a_paraphrase_closer_than_an_unrelated_request() -> None:
    lost, forgot, weather = embed_texts(
        ["I forgot my password", "I can't remember my login code", "will it rain tomorrow"]
    )
    assert lost.shape == (WIDTH,)
    assert float(lost @ forgot) > float(lost @ weather) + 0.2


def test_sentence_vectors_ignore_case_and_give_an_empty_text_zeros() -> None:
    shouted, quiet, empty = embed_texts(["WHERE IS MY PARCEL", "where is my parcel", "  "])
    assert np.array_equal(shouted, quiet)
    assert float(np.linalg.norm(quiet)) == pytest.approx(1.0, abs=1e-3)
    assert not empty.any()


def test_a_polish_request_lands_near_its_english_translation() -> None:
    polish, english, other = embed_texts(
        ["Moja paczka nie dotarła", "My parcel has not arrived", "I want to close my account"]
    )
    assert float(polish @ english) > float(polish @ other)
