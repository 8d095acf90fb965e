"""Importing trained networks: numpy arrays, scikit-learn MLPs and PyTorch ``nn.Sequential``
(fully connected and convolutional).

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

import warnings

from .errors import DomainWarning, RegionmathError
from .network import Network

__all__ = ["from_numpy", "from_sklearn", "from_torch", "DomainWarning"]

_DOMAIN_DOC = """domain : (lo, hi) or None
        The input box where regions are counted: ``lo`` and ``hi`` are numbers or one per
        input. A trained model's regions depend on it; state it.
    X : array_like of shape (m, n0) or None
        Instead of ``domain``: the training inputs; the box is their range per coordinate
        (with a :class:`DomainWarning` that says so). With neither, the box is
        ``[-1, 1]^n0``, also with a warning.
    box : (lo, hi) or None
        The former name of ``domain``."""


def _imported_domain(n0, domain, X, box, source):
    """The box of an imported model: ``domain`` (or its old name ``box``), else the range of
    the data ``X`` or ``[-1, 1]^n0``, each with a :class:`DomainWarning` that says so."""
    if domain is not None and box is not None:
        raise RegionmathError("give the domain once: domain=(lo, hi) (box= is its former name)")
    if domain is None:
        domain = box
    if domain is not None and X is not None:
        raise RegionmathError("give domain=(lo, hi) or X= (the training inputs, whose range is then the box), not both")
    if domain is not None:
        return domain
    if X is None:
        warnings.warn(f"{source}: no domain given, regions are counted in the box [-1, 1]^{n0}; pass domain=(lo, hi) "
                      f"or X=training inputs to choose it", DomainWarning, stacklevel=3)
        return None
    try:
        X = np.asarray(X, dtype=float)
    except (TypeError, ValueError):
        raise RegionmathError("X must be a numeric array of shape (m, n0)") from None
    if X.ndim != 2 or X.shape[1] != n0 or X.shape[0] == 0:
        raise RegionmathError(f"X must have shape (m, {n0}) with m >= 1, got {X.shape}")
    if not np.isfinite(X).all():
        raise RegionmathError("X has NaN or infinite entries; its range is no box")
    lo, hi = X.min(axis=0), X.max(axis=0)
    flat = np.flatnonzero(lo == hi)
    if flat.size:
        raise RegionmathError(f"input {int(flat[0])} is constant in X ({lo[flat[0]]:g}): its range has no interior; "
                              f"give domain=(lo, hi)")
    shown = (f"[{lo[0]:g}, {hi[0]:g}] x ... x [{lo[-1]:g}, {hi[-1]:g}]" if n0 > 3
             else " x ".join(f"[{a:g}, {b:g}]" for a, b in zip(lo, hi)))
    warnings.warn(f"{source}: the domain is the range of the training inputs X, the box {shown}; pass domain=(lo, hi) "
                  f"to choose another", DomainWarning, stacklevel=3)
    return (lo, hi)


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


def from_sklearn(model, domain=None, X=None, box=None) -> Network:
    """Import a fitted scikit-learn ``MLPClassifier`` or ``MLPRegressor`` with ReLU units.

    scikit-learn stores ``coefs_[i]`` with shape ``(fan_in, fan_out)`` and computes
    ``relu(h @ coefs_[i] + intercepts_[i])``, so ``W_i`` is the transpose. The last layer
    (before ``out_activation_``: identity, logistic or softmax) becomes ``(Wout, bout)``.

    Parameters
    ----------
    model : sklearn.neural_network.MLPClassifier or MLPRegressor
        Fitted, with ``activation="relu"`` and at least one hidden layer.
    {domain_doc}


    Returns
    -------
    Network

    Raises
    ------
    RegionmathError
        For another model class, another activation, an unfitted model or no hidden layer.
    """
    name = type(model).__name__
    if name not in ("MLPClassifier", "MLPRegressor"):
        raise RegionmathError(f"from_sklearn imports MLPClassifier or MLPRegressor, got {name}")
    if getattr(model, "activation", None) != "relu":
        raise RegionmathError(f"only relu MLPs can be imported, this {name} uses activation={model.activation!r}")
    coefs = getattr(model, "coefs_", None)
    if coefs is None:
        raise RegionmathError(f"the {name} is not fitted (no coefs_); fit it before importing")
    if len(coefs) < 2:
        raise RegionmathError(f"the {name} has no hidden layer; a network needs at least one")
    Ws = [np.asarray(c, dtype=float).T for c in coefs]
    bs = [np.asarray(b, dtype=float) for b in model.intercepts_]
    box = _imported_domain(Ws[0].shape[1], domain, X, box, f"from_sklearn({name})")
    return Network(Ws[:-1], bs[:-1], "relu", 1, output=(Ws[-1], bs[-1]), box=box)


# PyTorch modules that are the identity at evaluation time (Dropout in eval mode, Identity).
_TORCH_NOOPS = ("Identity", "Dropout")
_TORCH_ALLOWED = "Linear, Conv2d, ReLU, Flatten (and Identity, Dropout)"


def _torch_conv_layer(m, shape, i) -> "ConvLayer":
    """The :class:`ConvLayer` of a ``torch.nn.Conv2d`` reading an image of ``shape``, or one
    line saying what is not supported."""
    from .convolution import ConvLayer
    name = f"layer {i} (Conv2d)"
    if tuple(m.dilation) != (1, 1):
        raise RegionmathError(f"{name} has dilation {tuple(m.dilation)}; only dilation 1 is supported")
    if m.groups != 1:
        raise RegionmathError(f"{name} has groups={m.groups}; only groups=1 is supported")
    if m.padding_mode != "zeros":
        raise RegionmathError(f"{name} has padding_mode={m.padding_mode!r}; only 'zeros' is supported")
    if shape[0] != m.in_channels:
        raise RegionmathError(f"{name} reads {m.in_channels} channels but gets {shape[0]} "
                              f"(an image {'x'.join(map(str, shape))})")
    padding = m.padding
    if padding == "valid":
        padding = (0, 0)
    elif padding == "same":
        if any(k % 2 == 0 for k in m.kernel_size):
            raise RegionmathError(f"{name} has padding='same' with an even kernel {tuple(m.kernel_size)} (asymmetric "
                                  "padding); give the padding as integers or use an odd kernel")
        padding = tuple((k - 1) // 2 for k in m.kernel_size)
    return ConvLayer.on(shape, m.out_channels, tuple(m.kernel_size), tuple(m.stride), tuple(padding))


def from_torch(module, domain=None, X=None, box=None, input_shape=None) -> Network:
    """Import a PyTorch ``nn.Sequential`` of ``Conv2d``, ``Flatten``, ``Linear`` and ``ReLU`` layers.

    The accepted shape is ``A, ReLU, A, ReLU, ..., [A]`` with each ``A`` a ``Linear`` or a
    ``Conv2d``: every affine layer but a final one is followed by a ``ReLU``; a final one is
    the output layer. Convolutions come first and read images; a ``Flatten`` (its defaults,
    ``start_dim=1, end_dim=-1``) turns the image into a vector before the first ``Linear``.
    ``Identity`` and ``Dropout`` (the identity at evaluation) may appear anywhere. A layer
    without bias gets a zero bias.

    A ``Conv2d`` becomes its dense structured matrix
    (:func:`regionmath.convolution.conv_matrix`) and the network remembers the layer
    (``network.conv``). The network's input is the image flattened as ``torch.nn.Flatten``
    does (channel, row, column): ``net.forward(x.reshape(len(x), -1))`` is
    ``module(x).reshape(len(x), -1)``.

    The weights are copied as float64: every float32 weight is exactly a float64, so the
    network is the module read in exact arithmetic.

    Parameters
    ----------
    module : torch.nn.Sequential
    {domain_doc}
    input_shape : (channels, height, width) or None
        The image shape; needed when the first layer is a ``Conv2d``. ``X`` may then also be a
        batch of images ``(m, channels, height, width)``.

    Returns
    -------
    Network

    Raises
    ------
    RegionmathError
        For any other module (pooling, batch normalisation, other activations, ``Conv1d``), a
        ``Conv2d`` with dilation, groups or a padding mode other than zeros, a ``Linear``
        reading an image (no ``Flatten`` before it), two affine layers in a row, a ``ReLU``
        without an affine layer before it, or a missing ``input_shape``.
    """
    try:
        import torch
    except ImportError:  # pragma: no cover - depends on the optional extra
        raise RegionmathError("PyTorch is not installed; install the extra: pip install 'regionmath[torch]'") from None
    from .convolution import _shape3, conv_matrix
    if not isinstance(module, torch.nn.Sequential):
        raise RegionmathError(f"from_torch imports a torch.nn.Sequential of {_TORCH_ALLOWED}, got {type(module).__name__}")

    def array(t):
        return t.detach().cpu().to(torch.float64).numpy()

    # shape: the current tensor per example, an image (C, H, W) or a vector (n,), or None (unknown vector)
    shape = _shape3(input_shape) if input_shape is not None else None
    layers = [m for m in module if type(m).__name__ not in _TORCH_NOOPS]
    Ws, bs, convs, pending = [], [], [], None
    for i, m in enumerate(layers):
        if isinstance(m, (torch.nn.Linear, torch.nn.Conv2d)):
            if pending is not None:
                raise RegionmathError(f"layer {i} is a {type(m).__name__} right after a {pending[3]}; only "
                                      f"affine, ReLU, affine, ReLU, ..., [affine] is supported (affine: Linear or Conv2d)")
            W = array(m.weight)
            b = array(m.bias) if m.bias is not None else np.zeros(W.shape[0])
            if isinstance(m, torch.nn.Linear):
                if shape is not None and len(shape) == 3:
                    raise RegionmathError(f"layer {i} is a Linear reading an image {'x'.join(map(str, shape))}; put a "
                                          "Flatten before it")
                if shape is not None and shape[0] != m.in_features:
                    raise RegionmathError(f"layer {i} is a Linear with {m.in_features} inputs but gets {shape[0]}")
                pending, shape = (W, b, None, "Linear"), (m.out_features,)
            else:
                if shape is None or len(shape) != 3:
                    raise RegionmathError(f"layer {i} is a Conv2d: pass input_shape=(channels, height, width)" if i == 0
                                          else f"layer {i} is a Conv2d after a Flatten or Linear; convolutions must "
                                               f"come first")
                layer = _torch_conv_layer(m, shape, i)
                Wd, bd = conv_matrix(layer, W, b)
                pending, shape = (Wd, bd, layer, "Conv2d"), layer.out_shape
        elif isinstance(m, torch.nn.Flatten):
            if (m.start_dim, m.end_dim) != (1, -1):
                raise RegionmathError(f"layer {i} is a Flatten(start_dim={m.start_dim}, end_dim={m.end_dim}); only "
                                      "the default Flatten(1, -1) is supported")
            if shape is not None and len(shape) == 3:
                shape = (shape[0] * shape[1] * shape[2],)
        elif isinstance(m, torch.nn.ReLU):
            if pending is None:
                raise RegionmathError(f"layer {i} is a ReLU without a Linear or Conv2d before it; only "
                                      f"affine, ReLU, ..., [affine] is supported")
            Ws.append(pending[0])
            bs.append(pending[1])
            convs.append(pending[2])
            pending = None
        else:
            raise RegionmathError(f"layer {i} is a {type(m).__name__}; only {_TORCH_ALLOWED} layers can be imported")
    if not Ws:
        raise RegionmathError("the Sequential has no Linear+ReLU (or Conv2d+ReLU) hidden layer; a network needs at least one")
    if X is not None and hasattr(X, "detach"):
        X = array(X)
    if X is not None and input_shape is not None and np.ndim(X) == 4:
        X = np.asarray(X).reshape(len(X), -1)
    box = _imported_domain(Ws[0].shape[1], domain, X, box, "from_torch")
    output = pending[:2] if pending is not None else None
    return Network(Ws, bs, "relu", 1, output=output, box=box, conv=convs)


for _f in (from_sklearn, from_torch):
    _f.__doc__ = _f.__doc__.replace("{domain_doc}", _DOMAIN_DOC)
del _f
