r"""Bounds for convolutional networks: Xiong et al. 2020 and Montúfar et al. 2014, App. E.

A convolutional ReLU layer is a fully connected layer whose weight matrix is structured: the
unit of filter ``f`` at output position ``p`` sees only the input coordinates of its
receptive field ``S_p`` (all channels of a ``kh x kw`` window), with the filter's weights,
shared by every position (Montúfar et al. 2014, App. E, treat convolutions this way). Counting
the regions of a CNN therefore needs only its dense matrix
(:func:`regionmath.convolution.conv_matrix`, in the order ``torch.nn.Flatten`` uses: channel,
row, column); an :class:`~regionmath.architecture.Architecture` with convolutional layers
(``Architecture.cnn``) keeps the structure the bounds below need.

Registry entries: three upper bounds on activation regions (hence on pieces),

* ``xiong2020-one-layer``: one convolutional layer, the formula below;
* ``xiong2020-deep-upper``: the one-layer formula of the first layer times
  ``prod_{l >= 2} Phi(n_l, n0)``;
* ``montufar2014-appe``: the tightest fully connected upper bound of the same widths
  (restricted weights cannot have more regions);

and one lower bound:

* ``xiong2020-deep-lower``: ``R' prod_{l<L} floor(d_l/d_0)^(n_l^(1) n_l^(2) d_0)``, ``R'`` the
  one-layer formula of the last layer read on a ``d_0``-channel image of layer ``L-1``'s size
  (Xiong et al.'s Theorem 5, from a transcription), registered only where the toolkit's
  construction (``regionmath.constructions.build("xiong2020-deep-lower", arch)``) realises it:
  every layer convolutional without padding, ``d_l >= d_0`` for ``l < L``, and the last
  layer's windows disjoint (stride >= kernel), where shared filters attain the one-layer
  formula. With overlapping last-layer windows the factor ``R'`` can exceed what shared
  filters reach (at ``L = 1`` the statement is the one-layer formula: 256 claimed, 255 the
  maximum), so there the statement is not registered (proofs/proof_xiong2020_deep.py).

Xiong et al. (ICML 2020) state as the maximal number of regions of one such layer with ``d``
filters (no pooling): ``sum_{t in K} prod_p C(d, t_p)``, ``K`` the non-negative integer arrays
``t`` over output positions with ``sum_{p in J} t_p <= |union_{p in J} S_p|`` for every set
``J`` of positions (:func:`xiong2020_one_layer`; by Hall's theorem ``t`` is in ``K`` iff
``t_p`` units per position can be matched to distinct pixels of their windows, which is how it
is evaluated: one augmenting path per unit). Why this is the count for generic weights: by
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
>>> from regionmath import Architecture, bounds
>>> s = ConvShape(channels=1, height=3, width=3, filters=1, kernel=(2, 2))
>>> s.output_positions, [len(f) for f in receptive_fields(s)]
(4, [4, 4, 4, 4])
>>> xiong2020_one_layer(s)              # four hyperplanes in general position in R^9: 2^4
16
>>> xiong2020_one_layer(ConvShape(1, 2, 3, filters=5, kernel=(2, 2)))   # two windows sharing 2 pixels
836
>>> arch = Architecture.cnn((1, 3, 3), ["2:2x2"])
>>> bounds.get("xiong2020-one-layer").value(arch), bounds.get("montufar2014-appe").value(arch)
(256, 256)
>>> bounds.get("xiong2020-deep-upper").value(Architecture.cnn((1, 3, 3), ["2:2x2", 3]))   # 256 * Phi(3, 9)
2048
>>> deep = Architecture.cnn((1, 2, 2), ["2:1x1", "2:2x2:s2"])   # folds 4 pixels in 2, then Phi(2, 4)
>>> bounds.get("xiong2020-deep-lower").value(deep)
64

References
----------
- H. Xiong, L. Huang, M. Yu, L. Liu, F. Zhu, L. Shao, "On the number of linear regions of
  convolutional neural networks", ICML 2020 (arXiv 2006.00978).
- G. Montúfar, R. Pascanu, K. Cho, Y. Bengio, NIPS 2014, App. E.
"""

from __future__ import annotations

from collections import Counter
from math import comb, prod

import sympy as sp

from ..combinatorics import phi
from ..convolution import ConvLayer, conv_matrix, receptive_fields
from ..errors import RegionmathError
from .base import Bound, Source, n0, register, tightest_upper, width_symbols

__all__ = ["ConvShape", "receptive_fields", "conv_matrix", "xiong2020_one_layer", "xiong2020_one_layer_expr",
           "xiong2020_lower_last_layer", "filter_symbols", "MAX_ARRAYS"]

#: the former name of :class:`regionmath.convolution.ConvLayer`
ConvShape = ConvLayer

#: the formula enumerates the arrays ``t`` (at most ``prod_p (min(d, |S_p|) + 1)`` of them)
MAX_ARRAYS = 1_000_000

XIONG2020 = "Xiong, Huang, Yu, Liu, Zhu, Shao 2020"
XIONG2020_REF = ("On the number of linear regions of convolutional neural networks, ICML 2020, PMLR 119 "
                 "(arXiv 2006.00978)")
_TRANSCRIBED = ("the paper's text could not be read here; the statement is taken from a transcription of the arXiv "
                "version (github.com/Theodore-PKU/paper-notes) and ../shared/REFERENCES.md, theorem numbers from the "
                "transcription")


def filter_symbols(count: int) -> tuple:
    """``(d_1, ..., d_count)``: the numbers of filters of convolutional layers in the expressions."""
    return tuple(sp.Symbol(f"d_{i}", positive=True, integer=True) for i in range(1, count + 1))


def _evaluable(shape: ConvLayer, cap=None) -> list:
    """Why the formula is not evaluated for ``shape`` (empty: it is)."""
    d = shape.filters if cap is None else cap
    size = prod(min(d, len(f)) + 1 for f in receptive_fields(shape))
    if size > MAX_ARRAYS:
        return [f"the one-layer formula is evaluated by enumerating at most {MAX_ARRAYS} candidate arrays t "
                f"(prod_p (min(d, |S_p|) + 1)), got {size}"]
    return []


def _arrays(shape: ConvLayer, cap: int):
    """Every array ``t`` of K with entries ``<= cap``, in lexicographic order.

    ``t`` is in K iff ``t_p`` units at each position ``p`` can be matched to distinct pixels of
    their windows (Hall's theorem: that is the condition on every set ``J``); the matching is
    grown one unit at a time by augmenting paths and undone on backtracking.
    """
    fields = [tuple(f) for f in receptive_fields(shape)]
    P = len(fields)
    owner = {}          # pixel -> the position whose unit it is matched to

    def augment(p, seen, log):
        for px in fields[p]:
            if px in seen:
                continue
            seen.add(px)
            q = owner.get(px)
            if q is None or augment(q, seen, log):
                log.append((px, q))
                owner[px] = p
                return True
        return False

    def undo(log):
        for px, q in reversed(log):
            if q is None:
                del owner[px]
            else:
                owner[px] = q

    t = []

    def rest(p):
        if p == P:
            yield tuple(t)
            return
        logs = []
        for x in range(min(cap, len(fields[p])) + 1):
            if x:
                log = []
                if not augment(p, set(), log):
                    break
                logs.append(log)
            t.append(x)
            yield from rest(p + 1)
            t.pop()
        for log in reversed(logs):
            undo(log)

    return rest(0)


def xiong2020_one_layer(shape: ConvLayer) -> int:
    """Xiong et al.'s number for one convolutional ReLU layer on ``R^(channels * height * width)``:
    ``sum_{t in K} prod_p C(filters, t_p)``.

    ``K``: integer arrays ``0 <= t_p`` over the output positions with
    ``sum_{p in J} t_p <= |union_{p in J} S_p|`` for every set ``J`` of positions. It is an
    upper bound on the number of regions (proofs/proof_xiong2020_one_layer.py), not always the
    maximum with shared weights.

    Raises
    ------
    RegionmathError
        With more than :data:`MAX_ARRAYS` candidate arrays.

    References
    ----------
    H. Xiong et al., ICML 2020 (arXiv 2006.00978), Theorem 2 (arXiv numbering, transcribed).
    """
    bad = _evaluable(shape)
    if bad:
        raise RegionmathError(bad[0])
    d = shape.filters
    row = [comb(d, x) for x in range(d + 1)]
    return sum(prod(row[x] for x in t) for t in _arrays(shape, d))


def xiong2020_one_layer_expr(shape: ConvLayer, d: sp.Symbol = None) -> sp.Expr:
    """The formula as a polynomial in the number of filters ``d`` (default ``d_1``): the arrays of
    ``K`` grouped by their multiset of entries, ``sum c_m prod binomial(d, t)``. The spatial
    shape (``channels``, ``height``, ``width``, kernel, stride, padding) is fixed."""
    d = filter_symbols(1)[0] if d is None else d
    if _evaluable(shape, cap=max(len(f) for f in receptive_fields(shape))):
        raise RegionmathError(f"the one-layer expression enumerates the arrays t for every number of filters: at most "
                              f"{MAX_ARRAYS} candidates")
    groups = Counter(tuple(sorted(x for x in t if x)) for t in _arrays(shape, max(len(f) for f in receptive_fields(shape))))
    return sp.Add(*[c * sp.Mul(*[sp.binomial(d, x) for x in m]) for m, c in sorted(groups.items())])


def _first_conv(arch, what):
    if not arch.conv or arch.conv[0] is None:
        return [f"{what}: hidden layer 1 must be convolutional, got a fully connected layer"]
    return _evaluable(arch.conv[0])


_ONE_LAYER_NOTE = (
    "upper bound proved for any stride and zero padding (independent sets of normals with prescribed supports, "
    "proofs/proof_xiong2020_one_layer.py); Xiong et al. state equality (no padding, one stride s_1 in both "
    "directions, no pooling), as the maximum and as the expected number for filters and biases drawn from a "
    "distribution with a density, for shared filters: refuted, a 3 x 3 image with two 2 x 2 filters has "
    "at most 255 activation regions (its 8 normals are always dependent; 255 certified), the formula says 256; "
    "attained by random shared weights where the windows overlap little (tests/test_bounds_conv.py), and by "
    "unshared weights on the same windows")


@register
class Xiong2020OneLayer(Bound):
    id = "xiong2020-one-layer"
    kind = "upper"
    activation = "relu"
    convolutional = True
    about = "activation regions"
    pieces_verdict = "pieces: holds (an upper bound on activation regions bounds pieces)"
    source = Source(XIONG2020, "Theorem 2 (one-layer ReLU CNN)", XIONG2020_REF, unsure=_TRANSCRIBED,
                    note=_ONE_LAYER_NOTE)
    statement = ("One convolutional ReLU layer with d filters, output positions p with receptive fields S_p, has at "
                 "most sum_{t in K} prod_p C(d, t_p) activation regions, K = {t >= 0 integer: sum_{p in J} t_p <= "
                 "|union_{p in J} S_p| for every set J of positions}; Xiong et al. state it as the maximum, which "
                 "fails with shared filters.")

    def _hypotheses(self, arch):
        bad = [] if arch.L == 1 else [f"a network with one hidden layer (L = 1) needed, got L = {arch.L}"]
        return bad + _first_conv(arch, "the one-layer formula")

    def _value(self, arch):
        return xiong2020_one_layer(arch.conv[0])

    def _expr(self, arch):
        """A polynomial in ``d_1`` (the number of filters); the spatial shape is fixed."""
        if not arch.conv or arch.conv[0] is None:
            raise RegionmathError("xiong2020-one-layer needs a convolutional first layer (Architecture.cnn)")
        return xiong2020_one_layer_expr(arch.conv[0])


@register
class Xiong2020DeepUpper(Bound):
    id = "xiong2020-deep-upper"
    kind = "upper"
    activation = "relu"
    convolutional = True
    about = "activation regions"
    pieces_verdict = "pieces: holds (an upper bound on activation regions bounds pieces)"
    source = Source(XIONG2020, "Theorem 5, upper bound (deep ReLU CNN)", XIONG2020_REF, unsure=_TRANSCRIBED,
                    note="proved by the toolkit (proofs/proof_xiong2020_deep.py): on each region of layers 1..l-1 the "
                         "network is affine on R^n0, so layer l cuts it into at most Phi(n_l, n0) pieces; the proof "
                         "needs no structure of layers 2..L (they may be dense) and holds with padding; the first "
                         "factor is the one-layer formula, an upper bound (not always the maximum)")
    statement = ("A ReLU network whose first hidden layer is convolutional has at most R'' prod_{l=2}^{L} "
                 "Phi(n_l, n0) activation regions, R'' the one-layer formula (xiong2020-one-layer) of its first "
                 "layer, n_l = n_l^(1) n_l^(2) d_l the units of layer l, n0 = n_0^(1) n_0^(2) d_0 the inputs.")

    def _hypotheses(self, arch):
        return _first_conv(arch, "the first factor")

    def _value(self, arch):
        return xiong2020_one_layer(arch.conv[0]) * prod(phi(w, arch.n0) for w in arch.widths[1:])

    def _expr(self, arch):
        """In ``d_1``, ``n0`` and ``n_2..n_L``."""
        if not arch.conv or arch.conv[0] is None:
            raise RegionmathError("xiong2020-deep-upper needs a convolutional first layer (Architecture.cnn)")
        j = sp.Symbol("j", integer=True, nonnegative=True)
        rest = [sp.Sum(sp.binomial(w, j), (j, 0, n0)) for w in width_symbols(arch.L)[1:]]
        return xiong2020_one_layer_expr(arch.conv[0]) * sp.Mul(*rest)


@register
class Montufar2014AppE(Bound):
    id = "montufar2014-appe"
    kind = "upper"
    activation = "relu"
    convolutional = True
    about = "both"
    pieces_verdict = "pieces: holds (the bound it takes holds for pieces)"
    source = Source("Montúfar, Pascanu, Cho, Bengio 2014", "App. E",
                    "On the number of linear regions of deep neural networks, NIPS 2014 (arXiv 1402.1869)",
                    note="App. E states no number: the toolkit reads it as 'every upper bound for fully connected "
                         "networks of the same widths bounds the CNN' and takes the tightest such registry entry; "
                         "the converse fails: restricted weights can have strictly fewer regions than the dense "
                         "maximum (length-2 signal, 1-wide filters, 2 filters: 9 < 11; "
                         "proofs/proof_montufar2014_appe.py), so dense lower bounds do not apply to CNNs")
    statement = ("A convolutional network with piecewise-linear activations is a network of the fully connected "
                 "kind whose weight matrices are restricted (structured and shared), so every upper bound for "
                 "fully connected networks of the same widths bounds its regions; the value is the tightest such "
                 "registry entry.")

    def _hypotheses(self, arch):
        if not arch.is_convolutional:
            return ["an architecture with a convolutional layer needed (Architecture.cnn), got a fully connected one"]
        return []

    def dense_bound(self, arch):
        """``(bound, value)``: the fully connected upper bound this entry takes for ``arch``."""
        found = tightest_upper(arch.dense())
        if found is None:
            raise RegionmathError(f"no fully connected upper bound applies to {arch.dense()}")
        return found

    def _value(self, arch):
        return self.dense_bound(arch)[1]

    def _expr(self, arch):
        """The expression of the fully connected entry it takes (:meth:`dense_bound`)."""
        return self.dense_bound(arch)[0].expr(arch.dense())


def xiong2020_lower_last_layer(arch) -> ConvLayer:
    """``N'`` of Xiong et al.'s lower bound: a one-layer CNN on an image of layer ``L-1``'s
    output size (the input's at ``L = 1``) with ``d_0`` channels (the input's, not
    ``d_{L-1}``), and the last layer's filters, kernel and stride."""
    last, first = arch.conv[-1], arch.conv[0]
    _, height, width = last.in_shape
    return ConvLayer(first.channels, height, width, last.filters, last.kernel, last.stride, last.padding)


def _lower_hypotheses(arch) -> list:
    if not arch.conv or any(layer is None for layer in arch.conv):
        return ["every hidden layer convolutional (Architecture.cnn with filter specs only), got a fully "
                "connected layer"]
    bad = []
    padded = [l for l, layer in enumerate(arch.conv, 1) if layer.padding != (0, 0)]
    if padded:
        bad.append(f"no padding (Xiong et al.'s setting; the fold reads one pixel of every window), got padding in "
                   f"layer {padded[0]}")
    d0 = arch.conv[0].channels
    few = [(l, layer.filters) for l, layer in enumerate(arch.conv[:-1], 1) if layer.filters < d0]
    if few:
        bad.append(f"d_l >= d_0 filters in every layer l < L (a fold per input channel), got d_{few[0][0]} = "
                   f"{few[0][1]} < d_0 = {d0}")
    last = arch.conv[-1]
    if last.stride[0] < last.kernel[0] or last.stride[1] < last.kernel[1]:
        bad.append(f"the last layer's windows disjoint (stride >= kernel in both directions: there shared filters "
                   f"attain the one-layer factor R'), got kernel {last.kernel[0]}x{last.kernel[1]} with stride "
                   f"{last.stride[0]}x{last.stride[1]}")
    return bad


def _fold_exponents(arch) -> list:
    """``(d_l, n_l^(1) n_l^(2) d_0)`` for the layers ``l < L``."""
    d0 = arch.conv[0].channels
    return [(layer.filters, layer.output_positions * d0) for layer in arch.conv[:-1]]


@register
class Xiong2020DeepLower(Bound):
    id = "xiong2020-deep-lower"
    kind = "lower"
    activation = "relu"
    convolutional = True
    about = "activation regions"
    counts = ("activation regions",)
    pieces_verdict = ("pieces: not decided (the construction's activation regions are not all pieces: on 1x2x2 with "
                      "2:1x1 then 2:2x2:s2 it has 64 activation regions and 50 pieces in the unit cube)")
    source = Source(XIONG2020, "Theorem 5, lower bound (deep ReLU CNN)", XIONG2020_REF, unsure=_TRANSCRIBED,
                    note="hypotheses tightened: the proof (fold every input channel at one pixel of every window "
                         "into floor(d_l/d_0) pieces, then the one-layer CNN N' on the folded cube) needs N' to "
                         "attain the one-layer formula, which shared filters do where the last layer's windows are "
                         "disjoint (a product of general arrangements) and not always otherwise (L = 1, 3 x 3 "
                         "image, two 2 x 2 filters: 256 stated, 255 the maximum); registered only with disjoint "
                         "last-layer windows, no padding and d_l >= d_0, where the toolkit's construction "
                         "(constructions: xiong2020-deep-lower) has exactly this many regions in the unit cube "
                         "(certified counts, proofs/proof_xiong2020_deep.py)")
    statement = ("A ReLU CNN of L convolutional layers without padding, layer l with d_l filters and an n_l^(1) x "
                 "n_l^(2) output, d_l >= d_0 for l < L and the last layer's windows disjoint, has at least R' "
                 "prod_{l=1}^{L-1} floor(d_l/d_0)^(n_l^(1) n_l^(2) d_0) activation regions for some weights, R' = "
                 "Phi(d_L, f_L^(1) f_L^(2) d_0)^(n_L^(1) n_L^(2)) the one-layer formula of N' (the last layer on a "
                 "d_0-channel image of layer L-1's size).")

    def _hypotheses(self, arch):
        return _lower_hypotheses(arch)

    def _value(self, arch):
        last = arch.conv[-1]
        window = arch.conv[0].channels * last.kernel[0] * last.kernel[1]
        return phi(last.filters, window) ** last.output_positions * prod(
            (d // arch.conv[0].channels) ** e for d, e in _fold_exponents(arch))

    def _expr(self, arch):
        """In the filters ``d_1..d_L``; the spatial sizes and ``d_0`` are fixed."""
        if not arch.conv or any(layer is None for layer in arch.conv):
            raise RegionmathError("xiong2020-deep-lower needs an architecture of convolutional layers "
                                  "(Architecture.cnn)")
        d = filter_symbols(arch.L)
        d0 = arch.conv[0].channels
        last = arch.conv[-1]
        j = sp.Symbol("j", integer=True, nonnegative=True)
        window = d0 * last.kernel[0] * last.kernel[1]
        factor = sp.Sum(sp.binomial(d[-1], j), (j, 0, window)) ** last.output_positions
        return factor * sp.Mul(*[sp.floor(dl / d0) ** e for dl, (_, e) in zip(d, _fold_exponents(arch))])
