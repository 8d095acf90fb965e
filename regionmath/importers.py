"""Importing trained networks: numpy arrays, scikit-learn MLPs and PyTorch ``nn.Sequential``
(fully connected and convolutional).

The same importers are classmethods of the network class, ``Network.from_sklearn`` and
``Network.from_torch`` (one code path: both build ``Network(**converters.sklearn_layers(...))``
and the like, :mod:`regionmath.converters`).

Every importer returns a :class:`~regionmath.network.Network` whose hidden layers are the
source model's ReLU layers and whose linear output layer ``(Wout, bout)`` is the model's last
affine map (taken *before* any output non-linearity such as softmax or the logistic
function: those are monotone per output and do not split input space into regions).

The weights are copied as float64. A float32 weight (PyTorch's default) is exactly a float64,
so the imported network is exactly the source network read in exact arithmetic; counting
and certification then concern the very function the source library approximates in its own
floating point.

Examples
--------
A scikit-learn classifier with two hidden layers of 3 and 2 ReLU units:

>>> import numpy as np
>>> from sklearn.neural_network import MLPClassifier
>>> rng = np.random.default_rng(0)
>>> X, y = rng.random((60, 2)), rng.integers(0, 3, 60)
>>> model = MLPClassifier(hidden_layer_sizes=(3, 2), max_iter=300, random_state=0).fit(X, y)
>>> net = from_sklearn(model, domain=([0, 0], [1, 1]))
>>> net.widths, net.output[0].shape
((3, 2), (3, 2))

Plain arrays (``W`` of shape ``(fan_out, fan_in)`` as in DESIGN.md):

>>> net = from_numpy([[[1.0, -1.0], [0.5, 2.0]]], [[0.0, -1.0]], output=([[1.0, 1.0]], [0.0]))
>>> net.widths, net.n0, net.forward([1.0, 1.0]).tolist()
((2,), 2, [1.5])

Anything else is refused with one line:

>>> from_numpy([[[1.0, 2.0]]], [[0.0, 1.0]])
Traceback (most recent call last):
...
regionmath.errors.RegionmathError: b1 has 2 entries but W1 has 1 rows
"""

from __future__ import annotations

import numpy as np

from .errors import DomainWarning, RegionmathError
from .network import Network

__all__ = ["from_numpy", "from_sklearn", "from_torch", "DomainWarning"]


def from_numpy(weights, biases, output=None, box=None, activation="relu", rank=1) -> Network:
    """A network from per-layer numpy arrays.

    Parameters
    ----------
    weights, biases : sequences of array_like
        Hidden layers ``W_l`` of shape ``(rows_l, n_{l-1})`` and ``b_l`` of shape ``(rows_l,)``.
    output : (Wout, bout) or None
        A linear output layer; it does not split regions.
    box : (lo, hi) or None
        The input domain (default ``[-1, 1]^n0``).
    activation, rank :
        As for :class:`~regionmath.network.Network`.

    Returns
    -------
    Network
    """
    try:
        weights = [np.asarray(W, dtype=float) for W in weights]
        biases = [np.asarray(b, dtype=float) for b in biases]
    except (TypeError, ValueError) as e:
        raise RegionmathError(f"weights and biases must be numeric arrays ({e})") from None
    return Network(weights, biases, activation, rank, output=output, box=box)


#: :meth:`Network.from_sklearn <regionmath.network.Network.from_sklearn>` as a function
#: (the same object: one code path, one docstring, the same warning stack levels)
from_sklearn = Network.from_sklearn

#: :meth:`Network.from_torch <regionmath.network.Network.from_torch>` as a function
from_torch = Network.from_torch
