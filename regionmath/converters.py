"""Reading trained models into the arguments of a :class:`~regionmath.network.Network`.

This module converts a fitted scikit-learn MLP or a PyTorch ``nn.Sequential`` into plain layer
arrays (and the convolutions and input box) and imports nothing of the network module, so
that :class:`~regionmath.network.Network` can offer the importers as classmethods
(``Network.from_torch``, ``Network.from_sklearn``) without an import cycle. Users call those
classmethods or :mod:`regionmath.importers`; the functions here return keyword arguments.

Every layer is copied as float64: a float32 weight (PyTorch's default) is exactly a float64, so
the imported network is the source network read in exact arithmetic.
"""

from __future__ import annotations

import warnings

import numpy as np

from .convolution import ConvLayer, _shape3, conv_matrix
from .errors import DomainWarning, RegionmathError

__all__ = ["imported_domain", "sklearn_layers", "torch_layers", "DOMAIN_DOC"]

#: the numpydoc text of the domain arguments every importer takes
DOMAIN_DOC = """domain : (lo, hi) or None
        The input box where regions are counted: ``lo`` and ``hi`` are numbers or one per
        input. A trained model's regions depend on it; state it.
    X : array_like of shape (m, n0) or None
        Instead of ``domain``: the training inputs; the box is their range per coordinate
        (with a :class:`DomainWarning` that says so). With neither, the box is
        ``[-1, 1]^n0``, also with a warning.
    box : (lo, hi) or None
        The former name of ``domain``."""


def imported_domain(n0, domain, X, box, source, stacklevel=3):
    """The box of an imported model: ``domain`` (or its old name ``box``), else the range of
    the data ``X`` or ``[-1, 1]^n0`` (returned as None), each with a :class:`DomainWarning`
    that says so; ``stacklevel`` points the warning at the user's call."""
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
                      f"or X=training inputs to choose it", DomainWarning, stacklevel=stacklevel)
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
                  f"to choose another", DomainWarning, stacklevel=stacklevel)
    return (lo, hi)


def sklearn_layers(model, domain=None, X=None, box=None, stacklevel=4) -> dict:
    """The ``Network`` keyword arguments of a fitted scikit-learn ``MLPClassifier`` or
    ``MLPRegressor`` with ReLU units (see :meth:`regionmath.network.Network.from_sklearn`).

    scikit-learn stores ``coefs_[i]`` with shape ``(fan_in, fan_out)`` and computes
    ``relu(h @ coefs_[i] + intercepts_[i])``, so ``W_i`` is the transpose. The last layer
    (before ``out_activation_``: identity, logistic or softmax) becomes ``output``.

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
    box = imported_domain(Ws[0].shape[1], domain, X, box, f"from_sklearn({name})", stacklevel)
    return dict(weights=Ws[:-1], biases=bs[:-1], activation="relu", rank=1, output=(Ws[-1], bs[-1]), box=box)


# PyTorch modules that are the identity at evaluation time (Dropout in eval mode, Identity).
_TORCH_NOOPS = ("Identity", "Dropout")
_TORCH_ALLOWED = "Linear, Conv2d, ReLU, Flatten (and Identity, Dropout)"


def _torch_conv_layer(m, shape, i) -> ConvLayer:
    """The :class:`ConvLayer` of a ``torch.nn.Conv2d`` reading an image of ``shape``, or one
    line saying what is not supported."""
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


def torch_layers(module, domain=None, X=None, box=None, input_shape=None, stacklevel=4) -> dict:
    """The ``Network`` keyword arguments of a PyTorch ``nn.Sequential`` of ``Conv2d``,
    ``Flatten``, ``Linear`` and ``ReLU`` layers (see
    :meth:`regionmath.network.Network.from_torch` for what is accepted and refused, with
    RegionmathError).
    """
    try:
        import torch
    except ImportError:  # pragma: no cover - depends on the optional extra
        raise RegionmathError("PyTorch is not installed; install the extra: pip install 'regionmath[torch]'") from None
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
    box = imported_domain(Ws[0].shape[1], domain, X, box, "from_torch", stacklevel)
    output = pending[:2] if pending is not None else None
    return dict(weights=Ws, biases=bs, activation="relu", rank=1, output=output, box=box, conv=convs)
