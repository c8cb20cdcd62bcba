"""TF-IDF word and character n-gram features of a spaCy Doc, over a vocabulary learnt in training.

Word unigrams and bigrams carry the meaning; character n-grams inside each word make "refunded",
"refund" and the OCR slip "refnud" share most of their features, and let Polish inflections
("zamówienie", "zamówienia", "zamówieniu") meet on their common stem. Feature values are
sublinear counts times the feature's inverse document frequency in the training data, scaled to
unit length per document and per group (words, characters), as TF-IDF does: long letters do not
outvote short emails, and "please" weighs less than "refund".

The features are the ones the training documents contain (character n-grams only when they occur
in at least two documents), each with its own row in the linear layer: unlike a hashing trick no
two features share a weight, and a feature never seen in training is left out instead of landing
on the weights of an unrelated one.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from spacy.attrs import NORM
from spacy.strings import get_string_id
from spacy.tokens import Doc
from thinc.api import Model

# Beyond this many cached words the cache is dropped and refilled: a bound on memory, not a
# correctness matter (the cache only saves recomputing the same hashes).
_CACHE_LIMIT = 200_000
# A bigram's key mixes both word keys; the odd multiplier keeps (a, b) and (b, a) apart.
_BIGRAM_MIX = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class Vocabulary:
    """The features learnt from the training documents: sorted keys and their IDF weights."""

    keys: np.ndarray
    idf: np.ndarray


def ngram_features(char_min: int, char_max: int, char_min_df: int) -> Model:
    """A thinc layer turning Docs into (feature rows, values, lengths) for `indexed_linear`.

    Its vocabulary is empty until `fit_vocabulary` learns it from the training documents.
    """
    return Model(
        "ngram_features",
        _forward,
        init=_init,
        params={"keys": None, "idf": None},
        attrs={"char_range": (char_min, char_max), "char_min_df": char_min_df, "cache": {}},
    )


def _init(model: Model, X=None, Y=None) -> Model:
    model.set_param("keys", np.zeros((0,), dtype="uint64"))
    model.set_param("idf", model.ops.alloc1f(0))
    return model


def learn_vocabulary(
    docs: Sequence[Doc], char_min: int, char_max: int, char_min_df: int
) -> Vocabulary:
    """The features of `docs` with their smoothed IDF (as scikit-learn computes it)."""
    cache: dict[str, np.ndarray] = {}
    word_keys, char_keys = [], []
    for doc in docs:
        words, chars = _keys(doc, char_min, char_max, cache)
        word_keys.append(np.unique(words))
        char_keys.append(np.unique(chars))
    groups = [(word_keys, 1), (char_keys, char_min_df)]
    keys, frequencies = [], []
    for per_doc, min_df in groups:
        found, counts = np.unique(_concatenate(per_doc), return_counts=True)
        keep = counts >= min_df
        keys.append(found[keep])
        frequencies.append(counts[keep])
    all_keys = np.concatenate(keys)
    order = np.argsort(all_keys, kind="stable")
    document_frequency = np.concatenate(frequencies)[order].astype("f")
    idf = np.log((1.0 + len(docs)) / (1.0 + document_frequency)) + 1.0
    return Vocabulary(keys=all_keys[order], idf=idf.astype("f"))


def fit_vocabulary(model: Model, docs: Sequence[Doc]) -> int:
    """Set the layer's vocabulary from the training documents; return its size."""
    char_min, char_max = model.attrs["char_range"]
    vocabulary = learn_vocabulary(docs, char_min, char_max, model.attrs["char_min_df"])
    model.set_param("keys", vocabulary.keys)
    model.set_param("idf", model.ops.asarray1f(vocabulary.idf))
    return len(vocabulary.keys)


def _forward(model: Model, docs: Sequence[Doc], is_train: bool):
    char_min, char_max = model.attrs["char_range"]
    cache: dict[str, np.ndarray] = model.attrs["cache"]
    if len(cache) > _CACHE_LIMIT:
        cache.clear()
    vocabulary = Vocabulary(np.asarray(model.get_param("keys")), model.get_param("idf"))
    batch_rows, batch_values = [], []
    for doc in docs:
        rows, values = doc_features(doc, char_min, char_max, cache, vocabulary)
        batch_rows.append(rows)
        batch_values.append(values)
    lengths = np.asarray([len(rows) for rows in batch_rows], dtype="int32")
    rows = _concatenate(batch_rows).astype("int32")
    values = np.concatenate(batch_values) if batch_values else np.zeros((0,), dtype="f")

    def backprop(d_output):
        return []

    return (rows, values.astype("f"), lengths), backprop


def doc_features(
    doc: Doc, char_min: int, char_max: int, cache: dict[str, np.ndarray], vocabulary: Vocabulary
) -> tuple[np.ndarray, np.ndarray]:
    """The vocabulary rows of one document's features and their TF-IDF values."""
    groups = [_weighted(keys, vocabulary) for keys in _keys(doc, char_min, char_max, cache)]
    rows = np.concatenate([rows for rows, _ in groups])
    values = np.concatenate([values for _, values in groups])
    return rows, values


def _keys(
    doc: Doc, char_min: int, char_max: int, cache: dict[str, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """The word (unigram and bigram) keys and the character n-gram keys, with repeats."""
    norms = doc.to_array([NORM]).astype("uint64").reshape(-1)
    bigrams = norms[:-1] * _BIGRAM_MIX + norms[1:]
    chars = []
    for token in doc:
        grams = cache.get(token.norm_)
        if grams is None:
            grams = cache[token.norm_] = _char_ngrams(token.norm_, char_min, char_max)
        chars.append(grams)
    return np.concatenate([norms, bigrams]), _concatenate(chars)


def _weighted(keys: np.ndarray, vocabulary: Vocabulary) -> tuple[np.ndarray, np.ndarray]:
    keys, counts = np.unique(keys, return_counts=True)
    rows = np.searchsorted(vocabulary.keys, keys)
    rows[rows == len(vocabulary.keys)] = 0
    known = vocabulary.keys[rows] == keys if len(vocabulary.keys) else rows < 0
    rows, counts = rows[known], counts[known]
    if not len(rows):
        return rows, np.zeros((0,), dtype="f")
    values = (1.0 + np.log(counts.astype("f"))) * vocabulary.idf[rows]
    values /= np.sqrt(np.dot(values, values))
    return rows, values.astype("f")


def _concatenate(arrays: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.zeros((0,), dtype="uint64")


def _char_ngrams(word: str, char_min: int, char_max: int) -> np.ndarray:
    # Angle brackets mark the word's edges, so a prefix differs from the same letters inside a
    # word. The NUL prefix keeps an n-gram's key apart from the word of the same letters ("late"
    # in "<lately>" is not the word "late"): a token never holds a NUL.
    padded = f"<{word}>"
    grams = {
        padded[start : start + size]
        for size in range(char_min, char_max + 1)
        for start in range(len(padded) - size + 1)
    }
    return np.fromiter((get_string_id("\0" + gram) for gram in sorted(grams)), dtype="uint64")
