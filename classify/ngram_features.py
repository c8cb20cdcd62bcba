"""Hashed word and character n-gram features of a spaCy Doc, for a sparse linear classifier.

Word unigrams and bigrams carry the meaning; character n-grams inside each word make "refunded",
"refund" and the OCR slip "refnud" share most of their features, and let Polish inflections
("zamówienie", "zamówienia", "zamówieniu") meet on their common stem. Feature values are
sublinear counts times the feature's inverse document frequency in the training data, scaled to
unit length per document and per group (words, characters), as TF-IDF does: long letters do not
outvote short emails, and "please" weighs less than "refund".
"""

from collections.abc import Sequence

import numpy as np
from spacy.attrs import NORM
from spacy.strings import get_string_id
from spacy.tokens import Doc
from thinc.api import Model

# Beyond this many cached words the cache is dropped and refilled: a bound on memory, not a
# correctness matter (the cache only saves recomputing the same hashes).
_CACHE_LIMIT = 200_000
# Rows of the inverse-document-frequency table; keys share a row by hash, which is harmless for
# a weight that only tells common features from rare ones.
_IDF_ROWS = 2**20


def hashed_ngram_features(char_min: int, char_max: int) -> Model:
    """A thinc layer turning Docs into (keys, values, lengths) as `SparseLinear` reads them."""
    model: Model = Model(
        "hashed_ngram_features",
        _forward,
        init=_init,
        params={"idf": None},
        attrs={"char_range": (char_min, char_max), "cache": {}},
    )
    return model


def _init(model: Model, X=None, Y=None) -> Model:
    model.set_param("idf", model.ops.alloc1f(_IDF_ROWS) + 1.0)
    return model


def fit_document_frequencies(model: Model, docs: Sequence[Doc]) -> None:
    """Set the layer's IDF weights from the training documents (smoothed, as scikit-learn does)."""
    char_min, char_max = model.attrs["char_range"]
    frequencies = np.zeros((_IDF_ROWS,), dtype="f")
    for doc in docs:
        words, chars = _keys(doc, char_min, char_max, model.attrs["cache"])
        rows = np.unique(np.concatenate([words, chars]) % np.uint64(_IDF_ROWS)).astype("int64")
        frequencies[rows] += 1.0
    idf = np.log((1.0 + len(docs)) / (1.0 + frequencies)) + 1.0
    model.set_param("idf", model.ops.asarray1f(idf))


def _forward(model: Model, docs: Sequence[Doc], is_train: bool):
    char_min, char_max = model.attrs["char_range"]
    cache: dict[str, np.ndarray] = model.attrs["cache"]
    if len(cache) > _CACHE_LIMIT:
        cache.clear()
    batch_keys, batch_vals = [], []
    idf = model.get_param("idf")
    for doc in docs:
        keys, vals = doc_features(doc, char_min, char_max, cache, idf)
        batch_keys.append(keys)
        batch_vals.append(vals)
    lengths = np.asarray([len(keys) for keys in batch_keys], dtype="int32")
    keys = np.concatenate(batch_keys) if batch_keys else np.zeros((0,), dtype="uint64")
    vals = np.concatenate(batch_vals) if batch_vals else np.zeros((0,), dtype="f")

    def backprop(d_output):
        return []

    return (keys, vals.astype("f"), lengths), backprop


def doc_features(
    doc: Doc, char_min: int, char_max: int, cache: dict[str, np.ndarray], idf: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The unique feature keys of one document and their weights."""
    groups = [_weighted(keys, idf) for keys in _keys(doc, char_min, char_max, cache)]
    keys = np.concatenate([keys for keys, _ in groups])
    weights = np.concatenate([weights for _, weights in groups])
    return keys, weights


def _keys(
    doc: Doc, char_min: int, char_max: int, cache: dict[str, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """The word (unigram and bigram) keys and the character n-gram keys, with repeats."""
    norms = doc.to_array([NORM]).astype("uint64").reshape(-1)
    # A bigram's key mixes both word keys; the odd multiplier keeps (a, b) and (b, a) apart.
    bigrams = norms[:-1] * np.uint64(0x9E3779B97F4A7C15) + norms[1:]
    chars = []
    for token in doc:
        grams = cache.get(token.norm_)
        if grams is None:
            grams = cache[token.norm_] = _char_ngrams(token.norm_, char_min, char_max)
        chars.append(grams)
    words = np.concatenate([norms, bigrams])
    return words, (np.concatenate(chars) if chars else np.zeros((0,), dtype="uint64"))


def _weighted(keys: np.ndarray, idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if not len(keys):
        return keys, np.zeros((0,), dtype="f")
    keys, counts = np.unique(keys, return_counts=True)
    weights = (1.0 + np.log(counts.astype("f"))) * idf[(keys % np.uint64(len(idf))).astype("int64")]
    weights /= np.sqrt(np.dot(weights, weights))
    return keys, weights.astype("f")


def _char_ngrams(word: str, char_min: int, char_max: int) -> np.ndarray:
    # Angle brackets mark the word's edges (so a prefix differs from the same letters inside a
    # word) and keep a character n-gram from ever hashing like the whole word.
    padded = f"<{word}>"
    grams = {
        padded[start : start + size]
        for size in range(char_min, char_max + 1)
        for start in range(len(padded) - size + 1)
    }
    return np.fromiter((get_string_id(gram) for gram in sorted(grams)), dtype="uint64")
