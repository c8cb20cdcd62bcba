"""The topic and sentiment model: multinomial logistic regression over TF-IDF n-grams and a
sentence embedding.

Registered with spaCy so that a trained pipeline saves and loads like any other; importing this
module registers the architecture, which spaCy needs both to train and to load. The logits are
the sum of two linear layers: `indexed_linear` over `ngram_features` (word 1-2-grams and
character n-grams with TF-IDF values over a learnt vocabulary, one weight row per feature) and a
dense `Linear` over `sentence_embedding` (a multilingual sentence encoder's vector); a softmax
trained with the cross-entropy loss turns them into label scores.
"""

from collections.abc import Callable, Sequence

import spacy
from spacy.tokens import Doc
from thinc.api import Linear, Model, add, chain, zero_init
from thinc.types import Floats2d

from classify.indexed_linear import indexed_linear, resize_input
from classify.ngram_features import fit_vocabulary, ngram_features
from classify.sentence_embedding import WIDTH, sentence_embedding

ARCHITECTURE = "intake.TextCatNgramsEmbedding.v1"


@spacy.registry.architectures(ARCHITECTURE)
def build_ngram_embedding_classifier(
    char_min: int,
    char_max: int,
    char_min_df: int,
    embedding_scale: float,
    nO: int | None = None,
) -> Model[list, Floats2d]:
    features = ngram_features(char_min, char_max, char_min_df)
    sparse = indexed_linear(nO=nO)
    scores = chain(features, sparse)
    # A scale of 0 leaves the sentence encoder out: n-grams only, several times faster.
    if embedding_scale > 0:
        dense = Linear(nO=nO, nI=WIDTH, init_W=zero_init)
        scores = add(scores, chain(sentence_embedding(embedding_scale), dense))
    model = chain(scores, softmax_cross_entropy())
    if nO is not None:
        model.set_dim("nO", nO)
    model.set_ref("features", features)
    model.set_ref("output_layer", sparse)
    model.attrs["multi_label"] = False
    return model


def softmax_cross_entropy() -> Model[Floats2d, Floats2d]:
    """Softmax whose backward pass is that of the cross-entropy loss.

    spaCy's text categorizer hands back `scores - truths`; for a softmax that difference is
    exactly the gradient of the cross-entropy with respect to the logits, so it passes through
    unchanged. (Backpropagating it through the softmax's Jacobian instead, as thinc's
    `softmax_activation` does, trains on the squared error, whose gradient vanishes on confident
    mistakes, and converges to a worse model.)
    """
    return Model("softmax_cross_entropy", _softmax_forward)


def _softmax_forward(model: Model, X: Floats2d, is_train: bool) -> tuple[Floats2d, Callable]:
    def backprop(dY: Floats2d) -> Floats2d:
        return dY

    return model.ops.softmax(X, inplace=False), backprop


def fit_to_corpus(model: Model, docs: Sequence[Doc]) -> None:
    """Learn what is not learnt by gradient, the vocabulary and its IDF, and size the weights."""
    size = fit_vocabulary(model.get_ref("features"), docs)
    resize_input(model.get_ref("output_layer"), size)
