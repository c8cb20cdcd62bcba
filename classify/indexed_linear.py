"""A linear layer over sparse features given as rows of its weight table, with their values.

thinc's `SparseLinear` hashes feature keys into a fixed table; this layer reads rows that the
feature layer has already looked up in a learnt vocabulary, so its table is exactly as large as
the vocabulary and no two features share weights. Its number of rows is unknown until the
vocabulary is learnt, so `resize_input` allocates the table then.
"""

from collections.abc import Callable

import numpy as np
from thinc.api import Model, get_width
from thinc.types import Floats2d

InT = tuple[np.ndarray, np.ndarray, np.ndarray]


def indexed_linear(nO: int | None = None) -> Model[InT, Floats2d]:
    return Model(
        "indexed_linear",
        _forward,
        init=_init,
        dims={"nO": nO},
        params={"W": None, "b": None},
    )


def _init(model: Model, X=None, Y=None) -> Model:
    if Y is not None and not model.has_dim("nO"):
        model.set_dim("nO", get_width(Y))
    resize_input(model, 0)
    return model


def resize_input(model: Model, rows: int) -> None:
    """Give the layer `rows` input rows, all weights zero (training starts from no preference)."""
    nO = model.get_dim("nO")
    model.set_param("W", model.ops.alloc2f(rows, nO))
    model.set_param("b", model.ops.alloc1f(nO))


def _forward(model: Model, X: InT, is_train: bool) -> tuple[Floats2d, Callable]:
    rows, values, lengths = X
    W = model.get_param("W")
    # The document each feature belongs to (thinc's reduce_sum refuses empty documents).
    documents = np.repeat(np.arange(len(lengths), dtype="int32"), lengths)
    Y = np.tile(model.get_param("b"), (len(lengths), 1))
    model.ops.scatter_add(Y, documents, np.ascontiguousarray(W[rows] * values[:, None]))

    def backprop(dY: Floats2d) -> InT:
        # Each feature's gradient is its value times the gradient of the document it is in.
        per_feature = dY[documents] * values[:, None]
        dW = model.ops.alloc2f(*W.shape)
        model.ops.scatter_add(dW, rows, np.ascontiguousarray(per_feature, dtype="f"))
        model.inc_grad("W", dW)
        model.inc_grad("b", dY.sum(axis=0))
        return X

    return Y, backprop
