"""Architectures of piecewise-linear networks: fully connected and convolutional layers.

An :class:`Architecture` is the shape of a network: the input dimension ``n0``, the widths
``n_1, ..., n_L`` of its hidden layers, the activation (``"relu"`` or ``"maxout"``) and, for
maxout, the rank ``k`` (number of affine pieces per unit). It is validated and immutable.

A ReLU architecture may have convolutional layers (``conv``: per hidden layer a
:class:`~regionmath.convolution.ConvLayer` or None for a dense layer). A convolutional layer of
``filters`` filters with ``P`` output positions has width ``n_l = filters * P`` (its units) and
is, for counting, a dense layer with a structured matrix (Montúfar et al. 2014, App. E); only
its parameter count and the bounds that need the structure (Xiong et al. 2020) differ.

Examples
--------
>>> from regionmath import Architecture
>>> a = Architecture(2, (3, 3))
>>> a.N, a.L
(6, 2)
>>> a.parameter_count()          # (2*3 + 3) + (3*3 + 3)
21
>>> Architecture(2, (3,), activation="maxout", rank=3).parameter_count()   # 3 units * 3 pieces * (2 + 1)
27
>>> cnn = Architecture.cnn((1, 3, 3), ["2:2x2", 10])    # 2 filters 2x2 on a 3x3 image, then 10 dense units
>>> cnn.n0, cnn.widths, cnn.N, cnn.L, str(cnn)
(9, (8, 10), 18, 2, '1x3x3->conv2:2x2=8-10')
>>> cnn.parameter_count()        # conv: 2 * (4 + 1); dense: 10 * (8 + 1)
100
>>> Architecture(2, (0, 3))
Traceback (most recent call last):
...
regionmath.errors.RegionmathError: widths must be positive integers, got 0 at layer 1
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

from .convolution import ConvLayer, parse_conv_spec
from .errors import RegionmathError

ACTIVATIONS = ("relu", "maxout")


__all__ = ["ACTIVATIONS", "Architecture"]


def _positive_int(value, what):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise RegionmathError(f"{what} must be a positive integer, got {value!r}")
    return int(value)


@dataclass(frozen=True)
class Architecture:
    """Input dimension, hidden widths, activation and rank of a network.

    Parameters
    ----------
    n0 : int
        Input dimension (>= 1).
    widths : sequence of int
        Widths ``n_1, ..., n_L`` of the hidden layers (each >= 1, at least one layer).
    activation : {"relu", "maxout"}
    rank : int
        1 for relu; the number of pieces ``k >= 2`` of every unit for maxout.
    conv : sequence of ConvLayer or None, optional
        Per hidden layer, its convolutional structure or None (dense); empty (the default) or
        all None: a fully connected network. A convolutional layer ``l`` needs
        ``conv[l].inputs == n_{l-1}`` and ``conv[l].units == n_l``; two convolutional layers in
        a row need the first's output shape to be the second's input shape. ReLU only.
    """

    n0: int
    widths: tuple
    activation: str = "relu"
    rank: int = 1
    conv: tuple = field(default=(), repr=False)

    def __post_init__(self):
        object.__setattr__(self, "n0", _positive_int(self.n0, "n0 (the input dimension)"))
        try:
            widths = tuple(self.widths)
        except TypeError:
            raise RegionmathError(f"widths must be a list of positive integers, got {self.widths!r}") from None
        if not widths:
            raise RegionmathError("widths must list at least one hidden layer")
        for i, w in enumerate(widths, 1):
            if isinstance(w, bool) or not isinstance(w, numbers.Integral) or w < 1:
                raise RegionmathError(f"widths must be positive integers, got {w!r} at layer {i}")
        object.__setattr__(self, "widths", tuple(int(w) for w in widths))
        if self.activation not in ACTIVATIONS:
            raise RegionmathError(f"activation must be one of {', '.join(ACTIVATIONS)}, got {self.activation!r}")
        if isinstance(self.rank, bool) or not isinstance(self.rank, numbers.Integral):
            raise RegionmathError(f"rank must be an integer, got {self.rank!r}")
        object.__setattr__(self, "rank", int(self.rank))
        if self.activation == "relu" and self.rank != 1:
            raise RegionmathError(f"a relu architecture has rank 1, got rank {self.rank} (use activation='maxout')")
        if self.activation == "maxout" and self.rank < 2:
            raise RegionmathError(f"a maxout architecture needs rank >= 2, got {self.rank}")
        object.__setattr__(self, "conv", self._checked_conv())

    def _checked_conv(self) -> tuple:
        try:
            conv = tuple(self.conv or ())
        except TypeError:
            raise RegionmathError(f"conv must list, per hidden layer, a ConvLayer or None, got {self.conv!r}") from None
        if not any(c is not None for c in conv):
            return ()
        if len(conv) != self.L:
            raise RegionmathError(f"conv must have one entry (ConvLayer or None) per hidden layer: {self.L}, got {len(conv)}")
        if self.activation != "relu":
            raise RegionmathError("convolutional layers are supported for relu architectures only")
        sizes = self.layer_sizes
        for l, c in enumerate(conv, 1):
            if c is None:
                continue
            if not isinstance(c, ConvLayer):
                raise RegionmathError(f"conv[{l - 1}] must be a ConvLayer or None, got {type(c).__name__}")
            if c.inputs != sizes[l - 1] or c.units != sizes[l]:
                raise RegionmathError(f"layer {l} is a convolution from {c.inputs} inputs to {c.units} units "
                                      f"({'x'.join(map(str, c.in_shape))} -> {'x'.join(map(str, c.out_shape))}), "
                                      f"but the architecture has {sizes[l - 1]} -> {sizes[l]}")
            prev = conv[l - 2] if l >= 2 else None
            if prev is not None and prev.out_shape != c.in_shape:
                raise RegionmathError(f"layer {l - 1} outputs {'x'.join(map(str, prev.out_shape))} but the convolution of "
                                      f"layer {l} reads {'x'.join(map(str, c.in_shape))}")
        return conv

    @classmethod
    def cnn(cls, input_shape, layers) -> "Architecture":
        """A ReLU architecture from an input shape ``(channels, height, width)`` and its hidden
        layers in order: a :class:`~regionmath.convolution.ConvLayer`, a text
        ``"FILTERS:KHxKW[:sS][:pP]"`` (:data:`~regionmath.convolution.CONV_SPEC_FORMAT`) or a
        dict ``{filters, kernel[, stride, padding]}`` for a convolution on the current shape,
        or an int for a dense layer (after which no convolution may follow).

        Raises
        ------
        RegionmathError
            For a layer that does not fit, or a convolution after a dense layer.
        """
        from .convolution import _shape3
        shape = _shape3(input_shape)
        n0 = shape[0] * shape[1] * shape[2]
        widths, conv = [], []
        for i, layer in enumerate(layers, 1):
            if isinstance(layer, numbers.Integral) and not isinstance(layer, bool):
                widths.append(int(layer))
                conv.append(None)
                shape = None
                continue
            if shape is None:
                raise RegionmathError(f"hidden layer {i} is a convolution after a dense layer; convolutions come first")
            if isinstance(layer, str):
                layer = parse_conv_spec(layer, shape)
            elif isinstance(layer, dict):
                unknown = set(layer) - {"filters", "kernel", "stride", "padding"}
                if unknown or not {"filters", "kernel"} <= set(layer):
                    raise RegionmathError(f"a convolution dict has keys filters, kernel[, stride, padding], got {sorted(layer)}")
                layer = ConvLayer.on(shape, **layer)
            elif not isinstance(layer, ConvLayer):
                raise RegionmathError(f"hidden layer {i} must be a ConvLayer, a text such as '2:3x3' or a dict for a "
                                      f"convolution, or an int for a dense layer; got {layer!r}")
            if layer.in_shape != shape:
                raise RegionmathError(f"hidden layer {i} reads {'x'.join(map(str, layer.in_shape))} but gets "
                                      f"{'x'.join(map(str, shape))}")
            widths.append(layer.units)
            conv.append(layer)
            shape = layer.out_shape
        return cls(n0, tuple(widths), conv=tuple(conv))

    @property
    def is_convolutional(self) -> bool:
        """True when some hidden layer is convolutional."""
        return bool(self.conv)

    def dense(self) -> "Architecture":
        """The fully connected architecture of the same widths (the structure forgotten)."""
        return Architecture(self.n0, self.widths, self.activation, self.rank)

    @classmethod
    def relu(cls, n0, widths):
        return cls(n0, tuple(widths))

    @classmethod
    def maxout(cls, n0, widths, rank):
        return cls(n0, tuple(widths), activation="maxout", rank=rank)

    @property
    def L(self) -> int:
        """Number of hidden layers."""
        return len(self.widths)

    @property
    def N(self) -> int:
        """Total number of hidden units."""
        return sum(self.widths)

    @property
    def layer_sizes(self) -> tuple:
        """``(n0, n1, ..., nL)``."""
        return (self.n0,) + self.widths

    def parameter_count(self, outputs: int = 0) -> int:
        """Number of weights and biases.

        Each hidden unit has ``rank`` affine pieces with ``fan_in + 1`` parameters each; a
        linear output layer with ``outputs`` units adds ``(n_L + 1) * outputs``.
        A convolutional layer has ``filters * (channels * kh * kw + 1)`` (its weights are shared).
        """
        sizes = self.layer_sizes
        conv = self.conv or (None,) * self.L
        hidden = sum(conv[l - 1].parameter_count() if conv[l - 1] is not None
                     else self.rank * sizes[l] * (sizes[l - 1] + 1) for l in range(1, len(sizes)))
        return hidden + outputs * (sizes[-1] + 1)

    def __repr__(self):
        s = f"Architecture(n0={self.n0!r}, widths={self.widths!r}, activation={self.activation!r}, rank={self.rank!r}"
        return s + (f", conv={self.conv!r})" if self.conv else ")")

    def __str__(self):
        if self.conv:
            first = self.conv[0]
            head = "x".join(map(str, first.in_shape)) if first is not None else str(self.n0)
            layers = [str(w) if c is None else f"conv{c.spec()}={w}" for w, c in zip(self.widths, self.conv)]
            return f"{head}->{'-'.join(layers)}"
        s = f"{self.n0}->{'-'.join(map(str, self.widths))}"
        return s if self.activation == "relu" else f"{s} maxout(k={self.rank})"


def as_architecture(arch) -> Architecture:
    """``arch`` as an :class:`Architecture`: one already, or a tuple ``(n0, widths)`` /
    ``(n0, widths, activation, rank)`` such as ``(2, (3, 3))``.

    Raises
    ------
    RegionmathError
        For anything else.

    Examples
    --------
    >>> as_architecture((2, (3,)))
    Architecture(n0=2, widths=(3,), activation='relu', rank=1)
    """
    if isinstance(arch, Architecture):
        return arch
    if isinstance(arch, (tuple, list)) and 2 <= len(arch) <= 4:
        widths = arch[1]
        if isinstance(widths, numbers.Integral) and not isinstance(widths, bool):
            widths = (widths,)
        return Architecture(arch[0], widths, *arch[2:])
    raise RegionmathError(f"expected an Architecture or a tuple (n0, widths[, activation, rank]) such as (2, (3, 3)), "
                          f"got {arch!r}")
