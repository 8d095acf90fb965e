r"""Convolutional layers: their structured matrices and Xiong et al.'s one-layer maximum.

A convolutional ReLU layer is a fully connected layer whose weight matrix is structured: the
unit of filter ``f`` at output position ``p`` sees only the input coordinates of its
receptive field ``S_p`` (all channels of a ``kh x kw`` window), with the filter's weights,
shared by every position (Montúfar et al. 2014, App. E, treat convolutions this way). Counting
the regions of a CNN therefore needs only its dense matrix (:func:`conv_matrix`, in the order
``torch.nn.Flatten`` uses: channel, row, column).

Xiong et al. (ICML 2020) give the maximal number of regions of one such layer with ``d`` filters
(no pooling): ``sum_{t in K} prod_p C(d, t_p)``, ``K`` the non-negative integer arrays ``t`` over
output positions with ``sum_{p in J} t_p <= |union_{p in J} S_p|`` for every set ``J`` of
positions (:func:`xiong2020_one_layer`). Why this is the count for generic weights: by
Zaslavsky's theorem an arrangement with generic offsets has as many regions as it has linearly
independent sets of normals, and normals with prescribed supports are, generically,
independent exactly when Hall's condition above holds (a transversal matroid). Weight sharing
makes the normals of one filter equal up to a shift, which is not generic for that argument,
and the formula fails with it: on a 3 x 3 image two 2 x 2 filters ``f, g`` give 8 normals that
are always dependent (as polynomials, ``g * f - f * g = 0``), so the layer has at most 255
regions, not the formula's 256 (proofs/proof_xiong2020_one_layer.py; counted: 255). The
formula is attained where the windows barely overlap (tests/test_bounds_conv.py counts
random shared-weight layers exactly); it is always an upper bound, since sharing only adds
dependencies.

Examples
--------
>>> s = ConvShape(channels=1, height=3, width=3, filters=1, kernel=(2, 2))
>>> s.output_positions, [len(f) for f in receptive_fields(s)]
(4, [4, 4, 4, 4])
>>> xiong2020_one_layer(s)              # four hyperplanes in general position in R^9: 2^4
16
>>> xiong2020_one_layer(ConvShape(1, 2, 3, filters=5, kernel=(2, 2)))   # two windows sharing 2 pixels
836

References
----------
.. [1] H. Xiong, L. Huang, M. Yu, L. Liu, F. Zhu, L. Shao, "On the number of linear regions of
   convolutional neural networks", ICML 2020 (arXiv 2006.00978).
.. [2] G. Montúfar, R. Pascanu, K. Cho, Y. Bengio, NIPS 2014, App. E.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from itertools import combinations, product
from math import comb, prod

import numpy as np

from ..errors import RegionmathError

__all__ = ["ConvShape", "receptive_fields", "conv_matrix", "xiong2020_one_layer"]


def _pair(value, what):
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (value, value)
    try:
        a, b = value
    except (TypeError, ValueError):
        raise RegionmathError(f"{what} must be an integer or a pair of integers, got {value!r}") from None
    for v in (a, b):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral):
            raise RegionmathError(f"{what} must be an integer or a pair of integers, got {value!r}")
    return int(a), int(b)


@dataclass(frozen=True)
class ConvShape:
    """One 2-D convolutional layer: input ``channels x height x width``, ``filters`` output
    channels, ``kernel``, ``stride`` and zero ``padding`` (integers or pairs), as in
    ``torch.nn.Conv2d``."""

    channels: int
    height: int
    width: int
    filters: int
    kernel: tuple = (2, 2)
    stride: tuple = (1, 1)
    padding: tuple = (0, 0)

    def __post_init__(self):
        for name in ("channels", "height", "width", "filters"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 1:
                raise RegionmathError(f"{name} must be a positive integer, got {v!r}")
        kernel, stride, padding = _pair(self.kernel, "kernel"), _pair(self.stride, "stride"), _pair(self.padding, "padding")
        if min(kernel) < 1 or min(stride) < 1 or min(padding) < 0:
            raise RegionmathError(f"kernel and stride must be >= 1 and padding >= 0, got kernel {kernel}, "
                                  f"stride {stride}, padding {padding}")
        object.__setattr__(self, "kernel", kernel)
        object.__setattr__(self, "stride", stride)
        object.__setattr__(self, "padding", padding)
        if self.out_height < 1 or self.out_width < 1:
            raise RegionmathError(f"the kernel {kernel} does not fit the padded input "
                                  f"{self.height + 2 * padding[0]} x {self.width + 2 * padding[1]}")

    @property
    def out_height(self) -> int:
        return (self.height + 2 * self.padding[0] - self.kernel[0]) // self.stride[0] + 1

    @property
    def out_width(self) -> int:
        return (self.width + 2 * self.padding[1] - self.kernel[1]) // self.stride[1] + 1

    @property
    def output_positions(self) -> int:
        return self.out_height * self.out_width

    @property
    def inputs(self) -> int:
        """Input dimension ``n0 = channels * height * width``."""
        return self.channels * self.height * self.width

    @property
    def units(self) -> int:
        return self.filters * self.output_positions


def receptive_fields(shape: ConvShape) -> list:
    """Per output position (row-major), the flat input indices (channel, row, column order) of
    its window; zero padding contributes nothing."""
    out = []
    for i in range(shape.out_height):
        for j in range(shape.out_width):
            field = []
            for c in range(shape.channels):
                for a in range(shape.kernel[0]):
                    for b in range(shape.kernel[1]):
                        r = i * shape.stride[0] + a - shape.padding[0]
                        s = j * shape.stride[1] + b - shape.padding[1]
                        if 0 <= r < shape.height and 0 <= s < shape.width:
                            field.append((c * shape.height + r) * shape.width + s)
            out.append(tuple(field))
    return out


def conv_matrix(shape: ConvShape, filters, bias):
    """The layer as a dense ``(W, b)``: ``filters`` of shape ``(filters, channels, kh, kw)``
    and ``bias`` of shape ``(filters,)``; rows in ``torch.nn.Flatten`` order (filter, row,
    column). Entries keep their type (Fractions stay exact)."""
    f = np.asarray(filters, dtype=object)
    bvec = np.asarray(bias, dtype=object).reshape(-1)
    want = (shape.filters, shape.channels) + shape.kernel
    if f.shape != want or bvec.shape != (shape.filters,):
        raise RegionmathError(f"filters must have shape {want} and bias ({shape.filters},), "
                              f"got {f.shape} and {bvec.shape}")
    W = np.zeros((shape.units, shape.inputs), dtype=object)
    b = np.zeros(shape.units, dtype=object)
    positions = shape.output_positions
    for k in range(shape.filters):
        for p in range(positions):
            i, j = divmod(p, shape.out_width)
            row = k * positions + p
            b[row] = bvec[k]
            for c in range(shape.channels):
                for a in range(shape.kernel[0]):
                    for bb in range(shape.kernel[1]):
                        r = i * shape.stride[0] + a - shape.padding[0]
                        s = j * shape.stride[1] + bb - shape.padding[1]
                        if 0 <= r < shape.height and 0 <= s < shape.width:
                            W[row, (c * shape.height + r) * shape.width + s] = f[k, c, a, bb]
    return W, b


def xiong2020_one_layer(shape: ConvShape) -> int:
    """Xiong et al.'s maximal number of regions of one convolutional ReLU layer on
    ``R^(channels * height * width)``: ``sum_{t in K} prod_p C(filters, t_p)``.

    ``K``: integer arrays ``0 <= t_p <= filters`` over the output positions with
    ``sum_{p in J} t_p <= |union_{p in J} S_p|`` for every set ``J`` of positions. The sets
    ``J`` are enumerated, so this is for small layers (at most 16 positions).

    Raises
    ------
    RegionmathError
        With more than 16 output positions.
    """
    fields = [frozenset(f) for f in receptive_fields(shape)]
    P, d = len(fields), shape.filters
    if P > 16:
        raise RegionmathError(f"xiong2020_one_layer enumerates the sets of output positions: at most 16, got {P}")
    # constraints as (positions, capacity), each checked once its last position is assigned
    by_last = [[] for _ in range(P)]
    for size in range(1, P + 1):
        for J in combinations(range(P), size):
            by_last[J[-1]].append((J, len(frozenset().union(*(fields[p] for p in J)))))
    rows = [[comb(d, x) for x in range(d + 1)] for _ in range(P)]

    def rest(p, t):
        if p == P:
            return prod(rows[q][t[q]] for q in range(P))
        total = 0
        for x in range(min(d, len(fields[p])) + 1):
            t.append(x)
            if all(sum(t[q] for q in J) <= cap for J, cap in by_last[p]):
                total += rest(p + 1, t)
            t.pop()
        return total

    return rest(0, [])
