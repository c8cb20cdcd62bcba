"""A bag-of-n-grams text classifier over lower-cased token norms, registered with spaCy.

spaCy's own TextCatBOW hashes the exact token text, so "Refund", "REFUND" and "refund" are three
unrelated features; customer mail mixes all three. This is the same linear model reading the NORM
attribute instead. Importing this module registers the architecture, which spaCy needs both to
train and to load a saved pipeline.
"""

from functools import partial

import spacy
from spacy.attrs import NORM
from spacy.ml.extract_ngrams import extract_ngrams
from thinc.api import Logistic, Model, SparseLinear_v2, chain, softmax_activation
from thinc.layers.resizable import resizable, resize_linear_weighted, resize_model
from thinc.types import Floats2d

ARCHITECTURE = "intake.TextCatBOWNorm.v1"

# Bias of an output added after training: a new label starts out never predicted.
_NEW_LABEL_BIAS = -5000.0


@spacy.registry.architectures(ARCHITECTURE)
def build_bow_norm_classifier(
    exclusive_classes: bool, ngram_size: int, length: int, nO: int | None = None
) -> Model[list, Floats2d]:
    # The hash table must be a power of two for SparseLinear_v2.
    length = 2 ** (length - 1).bit_length()
    sparse_linear = SparseLinear_v2(nO=nO, length=length)
    resizable_layer = resizable(
        sparse_linear,
        resize_layer=partial(resize_linear_weighted, fill_defaults={"b": _NEW_LABEL_BIAS, "W": 0}),
    )
    output = softmax_activation() if exclusive_classes else Logistic()
    model = chain(extract_ngrams(ngram_size, attr=NORM), resizable_layer, output)
    if nO is not None:
        model.set_dim("nO", nO)
    model.set_ref("output_layer", sparse_linear)
    model.attrs["multi_label"] = not exclusive_classes
    model.attrs["resize_output"] = partial(_resize, resizable_layer=resizable_layer)
    return model


def _resize(model: Model, new_nO: int, resizable_layer: Model) -> Model:
    resizable_layer = resize_model(resizable_layer, new_nO)
    model.set_ref("output_layer", resizable_layer.layers[0])
    model.set_dim("nO", new_nO, force=True)
    return model
