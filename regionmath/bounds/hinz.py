"""Histogram bounds: Hinz and van de Geer's framework (region counts per image dimension).

Every region of the first ``l`` layers of a ReLU network maps, under the affine map of the
network on it, onto a set of some dimension ``d <= n0``. A layer of ``m`` units cuts such a
region by at most ``m`` hyperplanes living in ``d`` dimensions; the cells it creates have
``k`` active units and images of dimension ``<= min(d, k)``. Hinz and van de Geer track the
histogram ``v`` (``v[d]`` = number of regions whose image has dimension ``d``) from
``v = e_{n0}`` through the layers; the bound is ``sum(v)`` after the last layer.

A per-layer *bound* ``gamma`` on the activation histogram of the cells need not be the true
histogram: it suffices that it dominates it in the upper-tail order (for every ``t``, at
least as many cells with ``>= t`` active units), because the number of regions a cell can go
on to create never decreases with its image dimension.

This module holds the step shared by Serra et al.'s Theorem 1 and the weight-aware bound
(:func:`serra_step`); the general framework with its bound matrices follows it.

Examples
--------
Theorem 1 is the histogram recursion with ``gamma_{d,m}[k] = C(m, k)`` for ``k >= m - d``:

>>> v = [0, 0, 1]                       # n0 = 2: one region of dimension 2
>>> v = serra_step(v, 3); [int(x) for x in v]   # a layer of 3 units: 1 + 3 + 3 cells by image dimension
[0, 3, 4]
>>> int(sum(serra_step(v, 3)))                 # serra2018-thm1 for (2; 3, 3)
40

References
----------
.. [1] P. Hinz, S. van de Geer, "A framework for the construction of upper bounds on the
   number of affine linear regions of ReLU feed-forward neural networks", IEEE Trans. Inf.
   Theory 65(11), 2019 (arXiv 1806.01918).
.. [2] T. Serra, C. Tjandraatmadja, S. Ramalingam, "Bounding and counting linear regions of
   deep neural networks", ICML 2018, Theorem 1.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import sympy as sp

from ..errors import RegionmathError
from .base import AsymptoticForm, Bound, L, Source, n, n0, register

try:  # exact either way; gmpy2 is the fast path
    from gmpy2 import comb as _gmp_comb, mpz as _mpz
except ImportError:  # pragma: no cover
    from math import comb as _gmp_comb
    _mpz = int


@lru_cache(maxsize=256)
def _binomial_suffix(u: int) -> tuple:
    """``(C(u, 0..u), S)`` with ``S[t] = sum_{k >= t} C(u, k)`` (``S[u + 1] = 0``)."""
    row = [_mpz(1)]
    for k in range(1, u + 1):
        row.append(row[-1] * (u - k + 1) // k)
    suffix = [_mpz(0)] * (u + 2)
    for k in range(u, -1, -1):
        suffix[k] = suffix[k + 1] + row[k]
    return tuple(row), tuple(suffix)


__all__ = ["serra_step", "GAMMAS", "gamma", "layer_matrix", "histogram_after", "histogram_bound", "Phi", "Hinz2019",
           "Hinz2021"]


def serra_step(v, units: int, rank_cut=None, rank_active: int = 0, rank_out=None) -> list:
    """One layer of the histogram recursion with Serra-type bounds, in ``O(n0 + units)`` operations.

    A region of image dimension ``d`` meets ``units`` hyperplanes (the units that can change
    state) whose normals span at most ``r = min(d, rank_cut)`` dimensions; its cells with ``k``
    of those units active are counted as at most ``C(units, k)`` for ``k >= units - r`` and 0
    below (an upper-tail bound: there are at most ``Phi(units, r)`` cells in all), and their
    images have dimension at most ``min(d, rank_active + k, rank_out)``.

    Parameters
    ----------
    v : sequence of int
        ``v[d]``: regions (or their upper-tail bound) with image dimension ``d``, ``d = 0..n0``.
    units : int
        Units whose hyperplane can cut (all of the layer for an architecture bound).
    rank_cut : int, optional
        Rank of those units' weight rows (default ``units``).
    rank_active : int
        Rank of the rows of the units active everywhere (0 for an architecture bound).
    rank_out : int, optional
        Rank of the rows of every unit that is not inactive everywhere (default: no cap).

    Returns
    -------
    list of int
        The histogram after the layer (gmpy2 integers when gmpy2 is present), same length as ``v``.
    """
    top_level = len(v) - 1
    rank_cut = units if rank_cut is None else rank_cut
    rank_out = top_level if rank_out is None else rank_out
    row, suffix = _binomial_suffix(units)
    zero = _mpz(0)
    out = [zero] * (top_level + 1)
    # tail[d] = sum_{d' >= d} v[d']
    tail = [zero] * (top_level + 2)
    for d in range(top_level, -1, -1):
        tail[d] = tail[d + 1] + v[d]
    for d in range(top_level + 1):
        if not v[d]:
            continue
        kmin = units - min(d, rank_cut)
        top = min(d, rank_out)
        # cells whose image reaches the cap min(d, rank_out): k >= top - rank_active
        t = max(kmin, top - rank_active, 0)
        if t <= units:
            out[top] += v[d] * suffix[t]
    # cells below the cap: level e = rank_active + k < min(d, rank_out), k >= units - min(d, rank_cut)
    for e in range(rank_active, min(top_level, rank_out)):
        k = e - rank_active
        if k > units or rank_cut < units - k:
            continue
        first = max(e + 1, units - k)          # d > e and min(d, rank_cut) >= units - k
        if first <= top_level and tail[first]:
            out[e] += row[k] * tail[first]
    return out


# -- the framework: histogram bounds gamma_{d,m} and the layer matrices ---------------------------
def _comb(n, k):
    """``C(n, k)``, 0 outside ``0 <= k <= n``."""
    return _gmp_comb(n, k) if 0 <= k <= n else _mpz(0)


def _serra_gamma(d, m):
    """Serra et al. 2018: ``C(m, k)`` for ``k >= m - d``, else 0."""
    return [_comb(m, k) if k >= m - d else _mpz(0) for k in range(m + 1)]


def _montufar2017_gamma(d, m):
    """Montúfar 2017: all ``Phi(m, d)`` cells counted as if every unit were active."""
    return [_mpz(0)] * m + [sum(_comb(m, j) for j in range(min(d, m) + 1))]


def _montufar2014_gamma(d, m):
    """Montúfar 2014, Prop. 3: ``2^m`` cells, all counted as fully active."""
    return [_mpz(0)] * m + [_mpz(1) << m]


def _hinz2021_low_entry(d, m, k):
    """``gamma_{d,m}[k]`` of Hinz 2021 for ``d = 1, 2 < m``, one entry (no length-``m`` list).

    ``d = 1``: on a line the inactive sets are rays; 1 at ``k = m``, 2 for
    ``ceil(m/2) <= k < m``, 1 at ``k = (m - 1)/2`` for odd ``m``.
    ``d = 2``, ``m >= 3``: 1 at ``k = m``, ``m`` for ``floor(m/2) <= k < m``, ``m/2`` at
    ``k = m/2 - 1`` for even ``m``."""
    if k == m:
        return _mpz(1)
    if d == 1:
        if (m + 1) // 2 <= k < m:
            return _mpz(2)
        return _mpz(1) if m % 2 and k == (m - 1) // 2 else _mpz(0)
    if m // 2 <= k < m:
        return _mpz(m)
    return _mpz(m // 2) if m % 2 == 0 and k == m // 2 - 1 else _mpz(0)


def _hinz2021_line(m):
    """``d = 1``: the whole histogram (see :func:`_hinz2021_low_entry`)."""
    return [_hinz2021_low_entry(1, m, k) for k in range(m + 1)]


def _hinz2021_plane(m):
    """``d = 2``, ``m >= 3``: the whole histogram (see :func:`_hinz2021_low_entry`)."""
    return [_hinz2021_low_entry(2, m, k) for k in range(m + 1)]


def _hinz2021_coefficient(d, m, i):
    """``gamma_{d,m}[i]`` of Hinz 2021 for ``3 <= d < m`` in ``O(1)`` binomials.

    Unrolling ``gamma_{d,m} = S gamma_{d,m-1} + gamma_{d-1,m-1}`` down to the diagonal
    (``gamma_{d',d'} = (1 + x)^{d'}``) or to ``d' = 2`` gives, with ``x`` marking active units,
    ``sum_{d'=3}^{d} C(m-d'-1, d-d') x^{m-d} (1+x)^{d'}`` (which Chu-Vandermonde turns into
    ``C(m, i)`` minus the terms ``d' = 0, 1, 2``) plus
    ``sum_{m'=3}^{m-d+2} C(m-m'-1, d-3) x^{m-m'-d+2} gamma_{2,m'}`` (hockey-stick sums).
    """
    t = i - m + d
    total = _mpz(0)
    if t >= 0:
        total = _comb(m, i) - sum(_comb(m - 1 - e, m - d - 1) * _comb(e, t) for e in range(3))
    shift = m - d + 2 - i                 # m' - k for the gamma_{2,m'} coefficient used
    r, top = d - 3, m - d + 2
    if shift == 0:
        total += _comb(m - 3, d - 2)      # sum_{m'=3}^{top} C(m-m'-1, d-3), each g2 coefficient 1
    elif shift > 0:
        lo_m = max(3, 2 * shift - 1)      # gamma_{2,m'}[m' - shift] = m' when ceil(m'/2) >= shift
        if lo_m <= top:
            lo, hi = m - top - 1, m - lo_m - 1          # p = m - m' - 1 runs over lo..hi
            plain = _comb(hi + 1, r + 1) - _comb(lo, r + 1)
            weighted = (r + 1) * (_comb(hi + 2, r + 2) - _comb(lo + 1, r + 2)) - plain
            total += (m - 1) * plain - weighted        # sum C(p, r) (m - 1 - p)
        half = 2 * shift - 2              # even m' = 2 shift - 2 contributes m'/2 = shift - 1
        if 3 <= half <= top:
            total += _comb(m - half - 1, r) * (shift - 1)
    return total


def _hinz2021_gamma(d, m):
    """Hinz 2021's ``gamma_{d,m}`` (the whole histogram over ``k = 0..m``)."""
    if d >= m:
        return [_comb(m, k) for k in range(m + 1)]
    if d == 0:
        return [_mpz(1)] + [_mpz(0)] * m
    if d == 1:
        return _hinz2021_line(m)
    if d == 2:
        return _hinz2021_plane(m)
    return [_hinz2021_coefficient(d, m, i) for i in range(m + 1)]


#: the per-layer histogram bounds the framework knows, by the result they give
GAMMAS = {
    "montufar2014": _montufar2014_gamma,
    "montufar2017": _montufar2017_gamma,
    "serra2018": _serra_gamma,
    "hinz2021": _hinz2021_gamma,
}


def gamma(family: str, d: int, m: int) -> list:
    """The histogram bound ``gamma_{d,m}``: entry ``k`` bounds (in upper-tail order) the cells
    with ``k`` active units that ``m`` ReLU units make in a ``d``-dimensional region.

    >>> [int(x) for x in gamma("hinz2021", 2, 4)], [int(x) for x in gamma("serra2018", 2, 4)]
    ([0, 2, 4, 4, 1], [0, 0, 6, 4, 1])
    """
    if family not in GAMMAS:
        raise RegionmathError(f"unknown histogram family {family!r}; known: {', '.join(GAMMAS)}")
    if d < 0 or m < 1:
        raise RegionmathError(f"gamma needs d >= 0 and m >= 1, got d = {d}, m = {m}")
    return GAMMAS[family](d, m)


@lru_cache(maxsize=64)
def _binomials(m: int, top: int) -> tuple:
    """``(C(m, 0..top), Phi(m, 0..top))`` by the recurrence ``C(m, j) = C(m, j-1) (m-j+1) / j``:
    ``O(top)`` big-integer operations whatever ``m`` (a binomial per entry from scratch made wide
    layers cost minutes)."""
    c, total, row, phi = _mpz(1), _mpz(1), [_mpz(1)], [_mpz(1)]
    for j in range(1, top + 1):
        c = c * (m - j + 1) // j if j <= m else _mpz(0)
        total += c
        row.append(c)
        phi.append(total)
    return tuple(row), tuple(phi)


class _Columns(NamedTuple):
    """The columns ``j = 0..J`` (``J = min(n0, m)``) of a layer matrix, split by structure.

    Column ``j`` (regions of image dimension ``j``; dimensions ``>= m`` act as ``m``) holds
    ``diag[j]`` in row ``j``; below it, ``C(m, i)`` for ``m - j <= i < j`` when ``tail`` (the
    Serra part, applied with one running sum per layer) plus the sparse ``below[j]``,
    ``((i, c), ...)``. For Hinz 2021 ``below[j]`` lives on ``i <= m - j`` (about half of the
    entries at n0 = 784, m = 1000); for Serra it is empty."""
    width: int
    tail: bool
    binom: tuple
    diag: tuple
    below: tuple


def _hinz2021_entries(j, m):
    """``{i: gamma_{j,m}[i]}`` for the rows ``i < j`` where Hinz 2021's column may differ from the
    binomial tail ``C(m, i) [i >= m - j]``: all rows for ``j < 3``; for ``3 <= j < m`` the rows
    ``floor((m - j + 2)/2) - 1 <= i <= m - j`` (below, both parts of the closed form vanish; above,
    it is ``C(m, i)``: at ``i + j > m + 2`` no correction applies, and at ``i + j = m + 1, m + 2``
    the corrections cancel, e.g. ``C(m-3, m-j-1) = C(m-3, j-2)`` at ``m + 2``)."""
    if j >= m:
        return {}
    if j < 3:
        return {i: _hinz2021_low_entry(j, m, i) for i in range(j)}
    # _hinz2021_coefficient with shift = m - j + 2 - i >= 2 (so lo_m = 2 shift - 1, and
    # C(j-3, j-2) = 0): three binomials of a = 2i + 2j - m - 3 per entry, each from the last
    rows = range(max(0, (m - j + 2) // 2 - 1), min(j, m + 1 - j))
    if not rows:
        return {}
    a0, top = 2 * rows[0] + 2 * j - m - 3, m - j + 2
    c2, c1, c3 = (_every_other(a0, j - 2), _every_other(a0 + 1, j - 1), _every_other(a0, j - 3))
    out = {}
    for i in rows:
        shift, b2, b1, b3 = m - j + 2 - i, next(c2), next(c1), next(c3)
        c = _mpz(0)
        if 2 * shift - 1 <= top:
            c += m * b2 - (j - 2) * b1
        if shift >= 3 and 2 * shift - 2 <= top:
            c += (shift - 1) * b3
        if i == m - j:                    # t = 0: the binomial part
            c += _comb(m, i) - sum(_comb(m - 1 - e, m - j - 1) for e in range(3))
        out[i] = c
    return out


def _every_other(a, k):
    """``C(a, k), C(a + 2, k), C(a + 4, k), ...`` (0 outside ``0 <= k <= a``), each from the last
    by ``C(a + 2, k) = C(a, k) (a + 1)(a + 2) / ((a + 2 - k)(a + 1 - k))``."""
    c = _comb(a, k)
    while True:
        yield c
        a += 2
        c = c * (a - 1) * a // ((a - k) * (a - k - 1)) if c else _comb(a, k)


@lru_cache(maxsize=32)
def _columns(family: str, top: int, m: int) -> _Columns:
    """The layer matrix of ``m`` units on histograms over dimensions ``0..n0``, ``top = min(n0, m)``."""
    binom, phi = _binomials(m, top)
    if family == "montufar2014":          # all 2^m cells fully active: dimension kept
        return _Columns(m, False, binom, (_mpz(1) << m,) * (top + 1), ((),) * (top + 1))
    if family == "montufar2017":          # all Phi(m, j) cells fully active
        return _Columns(m, False, binom, phi, ((),) * (top + 1))
    diag, below = [], []
    for j in range(top + 1):
        # the Serra tail C(m, i), max(m - j, 0) <= i < j, and its sum
        lo = max(m - j, 0)
        tail_sum = phi[j - 1] - (phi[lo - 1] if lo else 0) if lo < j else _mpz(0)
        entries = _hinz2021_entries(j, m) if family == "hinz2021" else {}
        rest = [(i, c - (binom[i] if i >= lo else 0)) for i, c in sorted(entries.items())]
        rest = tuple((i, c) for i, c in rest if c)
        below.append(rest)
        # every family's gamma_{j,m} sums to Phi(m, j) cells; the rest of the mass stays at j
        diag.append(phi[j] - tail_sum - sum(c for _, c in rest))
    return _Columns(m, True, binom, tuple(diag), tuple(below))


def _layer_columns(family, n0, m):
    if family not in GAMMAS:
        raise RegionmathError(f"unknown histogram family {family!r}; known: {', '.join(GAMMAS)}")
    return _columns(family, min(n0, m), m)


def _apply(cols: _Columns, v: list) -> list:
    """``B v``: the histogram after the layer, from the histogram ``v`` before it."""
    n0, top, m = len(v) - 1, len(cols.diag) - 1, cols.width
    x = v[:top] + [sum(v[top:], _mpz(0))]            # dimensions >= m act as m
    out = [_mpz(0)] * (n0 + 1)
    for j, xj in enumerate(x):
        if xj:
            out[j] += cols.diag[j] * xj
            for i, c in cols.below[j]:
                out[i] += c * xj
    if cols.tail:                                     # row i: C(m, i) * sum_{j >= max(m - i, i + 1)} x[j]
        suffix = [_mpz(0)] * (top + 2)
        for j in range(top, -1, -1):
            suffix[j] = suffix[j + 1] + x[j]
        for i in range(top):
            lo = max(m - i, i + 1)
            if lo <= top and suffix[lo]:
                out[i] += cols.binom[i] * suffix[lo]
    return out


def _apply_transposed(cols: _Columns, u: list) -> list:
    """``B^T u`` (``u[d]`` weighs regions of dimension ``d`` after the layer)."""
    n0, top, m = len(u) - 1, len(cols.diag) - 1, cols.width
    y = []
    for j in range(top + 1):
        y.append(cols.diag[j] * u[j] + sum((c * u[i] for i, c in cols.below[j]), _mpz(0)))
    if cols.tail:                                     # column j: sum_{max(m - j, 0) <= i < j} C(m, i) u[i]
        prefix = [_mpz(0)]
        for i in range(top):
            prefix.append(prefix[-1] + cols.binom[i] * u[i])
        for j in range(top + 1):
            lo = max(m - j, 0)
            if lo < j:
                y[j] += prefix[j] - prefix[lo]
    return y + [y[top]] * (n0 - top)


def layer_matrix(family: str, n0: int, m: int) -> list:
    """The ``(n0 + 1) x (n0 + 1)`` matrix ``B`` of a layer of ``m`` units: ``B[i][d]`` bounds the
    regions of image dimension ``i`` made from one region of dimension ``d`` (upper triangular)."""
    cols = _layer_columns(family, n0, m)
    B = [[_mpz(0)] * (n0 + 1) for _ in range(n0 + 1)]
    for d in range(n0 + 1):
        e = [_mpz(0)] * (n0 + 1)
        e[d] = _mpz(1)
        for i, x in enumerate(_apply(cols, e)):
            B[i][d] = x
    return B


def histogram_after(family: str, n0: int, widths, histogram=None) -> list:
    """The histogram over image dimensions ``0..n0`` after the layers ``widths``, from ``e_{n0}``
    (or ``histogram``).

    A layer costs ``O(n0)`` big-integer operations for its Serra part (one running sum) and one
    per entry of its sparse rest (none for Serra's matrices; for Hinz 2021 the entries with
    ``i < j``, ``i <= m - j``, fewer than ``n0^2 / 4``)."""
    v = [_mpz(0)] * n0 + [_mpz(1)] if histogram is None else [_mpz(x) for x in histogram]
    for m in widths:
        v = _apply(_layer_columns(family, n0, m), v)
    return v


def histogram_bound(n0: int, widths, family: str = "hinz2021") -> int:
    """Hinz and van de Geer's bound: the sum of the last histogram (the L1 norm of the last
    column of the product of the layer matrices).

    Computed from both ends, ``(1^T B_L ... B_{s+1}) (B_s ... B_1 e_{n0})`` with ``s = ceil(L/2)``:
    the numbers grow by about the same number of digits per layer, so the two halves cost about
    half of one pass.

    Parameters
    ----------
    n0 : int
        Input dimension.
    widths : sequence of int
        Hidden widths ``n_1..n_L``.
    family : {"hinz2021", "serra2018", "montufar2017", "montufar2014"}
        The per-layer histogram bounds: Hinz 2021's (the tightest), or the choices that give
        Serra et al.'s Theorem 1, Montúfar 2017 and Montúfar 2014's ``2^N`` exactly.

    Returns
    -------
    int

    Raises
    ------
    RegionmathError
        For an unknown ``family``.

    Examples
    --------
    >>> [histogram_bound(2, (4, 4), f) for f in ("hinz2021", "serra2018", "montufar2017", "montufar2014")]
    [109, 121, 121, 256]
    """
    widths = list(widths)
    if widths:                 # after the first layer no region has dimension above its width
        n0 = min(n0, widths[0])
    split = (len(widths) + 1) // 2
    v = histogram_after(family, n0, widths[:split])
    u = [_mpz(1)] * (n0 + 1)
    for m in reversed(widths[split:]):
        u = _apply_transposed(_layer_columns(family, n0, m), u)
    return int(sum(a * b for a, b in zip(u, v)))


# -- registry entries -------------------------------------------------------------------------------
_HINZ2019 = "Hinz, van de Geer 2019"
_HINZ2019_REF = ("A framework for the construction of upper bounds on the number of affine linear regions of "
                 "ReLU feed-forward neural networks, IEEE Trans. Inf. Theory 65(11) (arXiv 1806.01918)")
_HINZ2021 = "Hinz 2021"
_HINZ2021_REF = ("Using activation histograms to bound the number of affine regions in ReLU feed-forward neural "
                 "networks (arXiv 2103.17174)")


#: the largest matrix-product expression built (n0 = 150 with two layers: 45,602 entries, 3 MB of text)
_EXPR_ENTRIES = 200_000


def _matrix_product_expr(family, arch):
    """``1^T B_L ... B_1 e_{n0}``: the single entry of an unevaluated sympy matrix product (numbers of
    ``arch``); ``.doit()`` gives the value."""
    from sympy.matrices.expressions.matexpr import MatrixElement
    n0_ = arch.n0
    ones = sp.ImmutableMatrix([[1] * (n0_ + 1)])
    start = sp.ImmutableMatrix([0] * n0_ + [1])
    mats = [sp.ImmutableMatrix([[int(x) for x in row] for row in layer_matrix(family, n0_, m)])
            for m in arch.widths]
    return MatrixElement(sp.MatMul(ones, *reversed(mats), start, evaluate=False), 0, 0)


class Phi(sp.Function):
    """Zaslavsky's ``Phi(m, d) = sum_{j<=d} C(m, j)``, evaluated as soon as both arguments are
    integers (so that substituting numbers into an asymptotic term gives a number)."""

    @classmethod
    def eval(cls, m, d):
        if m.is_Integer and d.is_Integer and m >= 0 and d >= 0:
            from ..combinatorics import phi
            return sp.Integer(phi(int(m), int(d)))
        return None


def _depth_asymptotic(var):
    """Fixed width ``n``, depth ``L -> oo``: ``Theta(L^(p-1) lambda^L)`` with
    ``lambda = Phi(n, min(n0, floor(n/2)))`` the largest diagonal entry of Serra's layer matrix
    and ``p = 2`` when it is attained twice (``n`` odd, ``n0 >= (n+1)/2``: a 2 x 2 Jordan block)."""
    if var != L:
        return None
    lam = Phi(n, sp.Min(n0, sp.floor(n / 2)))
    twice = sp.And(sp.Eq(sp.Mod(n, 2), 1), n0 >= (n + 1) / 2)
    return AsymptoticForm("Theta", sp.Piecewise((L * lam ** L, twice), (lam ** L, True)), L, fixed=(n0, n),
                          note="derived from the upper-triangular layer matrix (its diagonal and the coupling "
                               "C(n, (n-1)/2) of the two equal diagonal entries); checked numerically")


class _HistogramBound(Bound):
    """The framework's bound ``1^T B_L ... B_1 e_{n0}`` with the layer matrices of ``family``."""

    kind = "upper"
    activation = "relu"
    family = ""

    def _value(self, arch):
        return histogram_bound(arch.n0, arch.widths, self.family)

    def _expr(self, arch):
        entries = (arch.n0 + 1) ** 2 * arch.L
        if entries > _EXPR_ENTRIES:
            raise RegionmathError(f"{self.id}: its expression is a product of {arch.L} matrices of size "
                                  f"{arch.n0 + 1} x {arch.n0 + 1} ({entries:,} exact entries); expressions are built "
                                  f"up to {_EXPR_ENTRIES:,} entries (the value needs none: ask without --symbolic)")
        return _matrix_product_expr(self.family, arch)


@register
class Hinz2019(_HistogramBound):
    id = "hinz2019"
    family = "serra2018"
    source = Source(_HINZ2019, "histogram framework (matrix-product bound) with Serra et al.'s histogram bounds",
                    _HINZ2019_REF,
                    unsure="read from the abstract and third-party notes; the paper's own tighter matrices could "
                           "not be read (the toolkit's tighter matrices are hinz2021's); the depth asymptotics "
                           "are the toolkit's derivation",
                    note="the framework reproduces montufar2014-prop3, montufar2017 and serra2018-thm1 exactly "
                         "(tests/test_bounds_hinz.py); with Serra's matrices its value is Theorem 1")
    statement = ("A ReLU network has at most 1^T B_L ... B_1 e_{n0} linear regions, B_l the (n0+1)x(n0+1) "
                 "matrix of clipped per-layer activation-histogram bounds; with gamma_{d,m}[k] = C(m, k) for "
                 "k >= m - d it is Serra et al.'s Theorem 1, and for L layers of width n it grows like "
                 "Theta(L^(p-1) Phi(n, min(n0, floor(n/2)))^L).")

    def _asymptotic(self, var):
        return _depth_asymptotic(var)


@register
class Hinz2021(_HistogramBound):
    id = "hinz2021"
    family = "hinz2021"
    source = Source(_HINZ2021, "activation-histogram bounds in the framework of Hinz and van de Geer 2019",
                    _HINZ2021_REF,
                    unsure="read through a third-party implementation (its closed form for d >= 3 'attained "
                           "through observation'); the toolkit uses the recursion gamma_{d,m} = S gamma_{d,m-1} + "
                           "gamma_{d-1,m-1} in closed form; the d = 2 table is checked by brute force, not proved",
                    note="matches the published/independent values 109 (2; 4,4), 1,559 (3; 4,4,4) and 60,228 "
                         "(3; 6,6,6); per layer O(n0) big-integer operations plus one per entry of the "
                         "sparse rest of the layer matrix (bench/bench_hinz.md)")
    statement = ("A ReLU network has at most 1^T B_L ... B_1 e_{n0} linear regions with Hinz 2021's histogram "
                 "bounds: C(m, k) for d >= m; on a line 1 at k = m and 2 for ceil(m/2) <= k < m (1 at (m-1)/2 for "
                 "odd m); in the plane 1 at k = m, m for floor(m/2) <= k < m (m/2 at m/2 - 1 for even m); "
                 "gamma_{d,m} = S gamma_{d,m-1} + gamma_{d-1,m-1} for 3 <= d < m.")
