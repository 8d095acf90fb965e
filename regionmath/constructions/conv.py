"""Convolutional constructions: Xiong et al. 2020's deep lower bound, with shared filters.

``xiong2020-deep-lower`` (Xiong et al., ICML 2020, Theorem 5, lower bound; the construction
is the toolkit's, after the proof idea "factor each convolution through the cube"): every
layer ``l < L`` folds, at each of its output positions ``(i, j)``, the folded value of every
input channel ``c`` read at the first pixel of the window (``(i s_l, j s_l)`` of the layer
below) into ``p_l = floor(d_l / d_0)`` pieces (Montúfar's sawtooth,
:func:`~regionmath.constructions.layers.sawtooth`); filter ``c p_l + i`` sees only channel
group ``c`` of the layer below at window offset ``(0, 0)``, so each filter is one shared
kernel, and the spare filters are dead. The alternating sums of the layer below are absorbed
in the kernel (a ``1 x 1`` convolution composed with the next one is a convolution). On the
unit cube each cell of the folds is mapped affinely onto the cube of the ``n_{L-1}^(1) x
n_{L-1}^(2) x d_0`` folded values. The last layer is ``N'``: with disjoint windows of ``k =
f^(1) f^(2) d_0`` values each, a kernel of ``d_L`` filters in general position in ``R^k``
(:func:`~regionmath.constructions.layers.general_position`, every region meeting the open
cube) gives ``Phi(d_L, k)`` regions per window and their product in all. So the unit cube
holds exactly ``Phi(d_L, k)^(n_L^(1) n_L^(2)) prod_{l<L} p_l^(n_l^(1) n_l^(2) d_0)`` regions.

>>> from regionmath import Architecture
>>> c = build_xiong2020_deep_lower(Architecture.cnn((1, 1, 2), ["2:1x1", "2:1x1"]))
>>> c.claimed, c.exact, c.network.conv[0].spec(), c.network.widths
(36, True, '2:1x1', (4, 4))
"""

from __future__ import annotations

from fractions import Fraction
import numpy as np

from ..architecture import Architecture
from ..combinatorics import phi
from ..convolution import conv_matrix
from ..network import Network
from .base import Construction, claimed_value, register, require
from .layers import general_position, sawtooth

F = Fraction

__all__ = ["build_xiong2020_deep_lower"]


@register("xiong2020-deep-lower")
def build_xiong2020_deep_lower(arch: Architecture) -> Construction:
    """Shared-filter weights with ``bounds.get("xiong2020-deep-lower").value(arch)`` regions in
    the unit cube (exactly; more in all of ``R^n0``).

    Raises
    ------
    HypothesisError
        Where the registry entry does not apply (a dense layer, padding, ``d_l < d_0``,
        overlapping last-layer windows).
    """
    claimed = claimed_value("xiong2020-deep-lower", arch)      # checks the hypotheses
    require("xiong2020-deep-lower", arch, [(arch.activation == "relu", "a relu architecture")])
    d0 = arch.conv[0].channels
    # readout[c]: the folded value of input channel c as (channel of the layer below, coefficient) pairs plus a constant
    readout = [([(c, F(1))], F(0)) for c in range(d0)]
    weights, biases, pieces = [], [], 1
    for layer in arch.conv[:-1]:
        p = layer.filters // d0
        kernel = np.full((layer.filters, layer.channels) + layer.kernel, F(0), dtype=object)
        bias = [F(-1)] * layer.filters                          # spare filters: dead
        rows, b, coeffs, alpha = sawtooth(p, 0, 1)
        nxt = []
        for c in range(d0):
            terms, const = readout[c]
            for i in range(p):
                f = c * p + i
                for ch, w in terms:
                    kernel[f, ch, 0, 0] = rows[i][0] * w
                bias[f] = b[i] + rows[i][0] * const
            nxt.append(([(c * p + i, coeffs[i]) for i in range(p)], alpha))
        readout = nxt
        pieces *= p ** (layer.output_positions * d0)
        W, bvec = conv_matrix(layer, kernel, bias)
        weights.append(W)
        biases.append(bvec)
    last = arch.conv[-1]
    kh, kw = last.kernel
    window = d0 * kh * kw
    rows, b = general_position(last.filters, window)
    kernel = np.full((last.filters, last.channels) + last.kernel, F(0), dtype=object)
    bias = []
    for f in range(last.filters):
        shift = F(0)
        for c in range(d0):
            terms, const = readout[c]
            for a in range(kh):
                for e in range(kw):
                    coef = rows[f][(c * kh + a) * kw + e]
                    for ch, w in terms:
                        kernel[f, ch, a, e] += coef * w
                    shift += coef * const
        bias.append(b[f] + shift)
    W, bvec = conv_matrix(last, kernel, bias)
    weights.append(W)
    biases.append(bvec)
    cube = ([F(0)] * arch.n0, [F(1)] * arch.n0)
    net = Network.from_exact(weights, biases, box=cube, conv=arch.conv)
    designed = pieces * phi(last.filters, window) ** last.output_positions
    return Construction("xiong2020-deep-lower", net, cube, claimed, exact=designed == claimed, designed=designed,
                        notes=f"sawtooth folds of every input channel at one pixel per window ({pieces} cells), "
                              f"then {last.filters} shared filters in general position on disjoint windows of "
                              f"{window} values")
