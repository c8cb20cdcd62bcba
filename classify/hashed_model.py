"""The topic and sentiment model: a linear classifier over hashed word and character n-grams.

Registered with spaCy so that a trained pipeline saves and loads like any other; importing this
module registers the architecture, which spaCy needs both to train and to load.
"""

from collections.abc import Sequence

import spacy
from spacy.tokens import Doc
from thinc.api import Model, SparseLinear_v2, chain, softmax_activation
from thinc.types import Floats2d

from classify.ngram_features import fit_document_frequencies, hashed_ngram_features

ARCHITECTURE = "intake.TextCatHashedNgrams.v1"


@spacy.registry.architectures(ARCHITECTURE)
def build_hashed_ngram_classifier(
    length: int, char_min: int, char_max: int, nO: int | None = None
) -> Model[list, Floats2d]:
    # The hash table must be a power of two for SparseLinear_v2.
    length = 2 ** (length - 1).bit_length()
    linear = SparseLinear_v2(nO=nO, length=length)
    model = chain(hashed_ngram_features(char_min, char_max), linear, softmax_activation())
    if nO is not None:
        model.set_dim("nO", nO)
    model.set_ref("output_layer", linear)
    model.attrs["multi_label"] = False
    return model


def fit_to_corpus(model: Model, docs: Sequence[Doc]) -> None:
    """Learn what is not learnt by gradient: the document frequencies of the features."""
    fit_document_frequencies(model.layers[0], docs)
