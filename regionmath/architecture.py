"""Architectures of fully connected piecewise-linear networks.

An :class:`Architecture` is the shape of a network: the input dimension ``n0``, the widths
``n_1, ..., n_L`` of its hidden layers, the activation (``"relu"`` or ``"maxout"``) and, for
maxout, the rank ``k`` (number of affine pieces per unit). It is validated and immutable.

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
>>> Architecture(2, (0, 3))
Traceback (most recent call last):
...
regionmath.errors.RegionmathError: widths must be positive integers, got 0 at layer 1
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

from .errors import RegionmathError

ACTIVATIONS = ("relu", "maxout")


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
    """

    n0: int
    widths: tuple
    activation: str = "relu"
    rank: int = 1

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
        """
        sizes = self.layer_sizes
        hidden = sum(self.rank * sizes[l] * (sizes[l - 1] + 1) for l in range(1, len(sizes)))
        return hidden + outputs * (sizes[-1] + 1)

    def __str__(self):
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
