"""Building blocks of the constructions: folds, general position, exact layer stacking.

Every construction is a stack of layers acting on an *effective input* ``u``: an affine
function ``u = A h + a`` of the previous layer's activations ``h`` (Montúfar et al. 2014,
App. B: "the alternating sum of activations is an affine map, it can be absorbed in the
pre-activation function of the next layer"). A block writes its units' pre-activations in
terms of ``u`` and says how the next effective input is read off its activations;
:class:`Stack` multiplies the affine maps out, in exact Fractions.

Folds (one coordinate ``u_j`` in ``[0, 1]``, ``p`` units)
--------------------------------------------------------
* :func:`sawtooth` (Montúfar 2014, App. B, scaled to ``[0, 1]``): ``h_1 = relu(p u + 1)``,
  ``h_i = relu(2p u - 2(i-1))``; the alternating sum ``h_1 - h_2 + ... - 1`` maps each of the
  ``p`` intervals ``[i/p, (i+1)/p]`` affinely onto ``[0, 1]``. (Sec. 3.1 prints the biases
  ``2wx - (i-1)``: that folds ``[0, p/2]`` onto ``[0, 1/2]``; App. B's algebra uses
  ``2x - 2(i-1)``. We use App. B, scaled by ``p`` so that every layer reads ``[0, 1]``.)
* :func:`turned_sawtooth` (Serra et al. 2018, lower bound; ``p >= 3``): ``p`` units with
  breakpoints ``(2i-1)/(2p+1)`` inside ``(0, 1)``, unit 3 turned to face the other way, so
  ``p + 1`` pieces each mapped affinely onto ``[0, 1]``.

>>> from fractions import Fraction as F
>>> rows, b, c, alpha = turned_sawtooth(3, 0, 1)       # units 7u-1, 7u-3, -(7u-5)
>>> [str(r[0]) for r in rows], [str(v) for v in b], [str(v) for v in c], str(alpha)
(['7', '7', '-7'], ['-1', '-3', '5'], ['-3/2', '1', '-1'], '5')
>>> g = lambda u: alpha + sum(ci * max(0, r[0] * u + bi) for r, bi, ci in zip(rows, b, c))
>>> [str(g(F(i, 7))) for i in range(8)]             # 4 pieces, each onto [0, 1]
['0', '1', '1/2', '0', '1/2', '1', '1/2', '0']
"""

from __future__ import annotations

from fractions import Fraction
from math import comb

F = Fraction


def _zero(d):
    return [F(0)] * d


def _unit_row(d, j, s):
    row = _zero(d)
    row[j] = F(s)
    return row


# -- relu folds ----------------------------------------------------------------------------
def sawtooth(p: int, j: int, d: int):
    """Montúfar's fold of coordinate ``j`` (of ``d``) into ``p`` pieces.

    ``h_1 = relu(p u + 1)`` (App. B has ``relu(p u)``: the same on ``[0, 1]`` up to the constant,
    but with a breakpoint on the box face), ``h_i = relu(2p u - 2(i-1))``, ``2 <= i <= p``;
    ``-1 + h_1 - h_2 + h_3 - ...`` maps each ``[i/p, (i+1)/p]`` affinely onto ``[0, 1]``.

    Returns ``(rows, biases, coefficients, constant)``: the units' pre-activations
    ``rows[i] . u + biases[i]`` and the folded coordinate ``constant + sum c_i h_i``.

    References
    ----------
    Montúfar, Pascanu, Cho, Bengio, "On the number of linear regions of deep neural
    networks", NIPS 2014, Sec. 3.1 and App. B (proof of Theorem 4).
    """
    rows = [_unit_row(d, j, p)] + [_unit_row(d, j, 2 * p) for _ in range(1, p)]
    # unit 1 is shifted by +1 (and the sum by -1): active on all of [0, 1], so no unit's
    # breakpoint lies on the box face u = 0 or on the fold points of the previous layer
    biases = [F(1)] + [F(-2 * (i - 1)) for i in range(2, p + 1)]
    coeffs = [F((-1) ** (i - 1)) for i in range(1, p + 1)]
    return rows, biases, coeffs, F(-1)


def turned_sawtooth(p: int, j: int, d: int):
    """A fold of coordinate ``j`` into ``p + 1`` pieces with ``p >= 3`` units.

    Unit ``i`` has its breakpoint at ``b_i = (2i-1)/(2p+1)``; every unit faces right
    (``relu((2p+1)u - (2i-1))``) except unit 3, which faces left. Piece ``0`` (length
    ``1/(2p+1)``) has slope ``2p+1``; pieces ``1..p`` (length ``2/(2p+1)``) have slopes
    ``-(2p+1)/2, +(2p+1)/2, ...``: each is mapped onto ``[0, 1]``. The slope left of every
    breakpoint is ``-(sum of the slope changes at left-facing units)``; with unit 3 turned this
    is ``s_2 - s_3 = (2p+1)/2 + (2p+1)/2``, as required. Turning unit 1 or 2 instead cannot
    work (the slope of piece 1 or of piece 0 would have to vanish or change sign), which is
    why ``p >= 3`` units are needed.

    Returns ``(rows, biases, coefficients, constant)`` as :func:`sawtooth`.

    References
    ----------
    Serra, Tjandraatmadja, Ramalingam, "Bounding and counting linear regions of deep neural
    networks", ICML 2018, lower bound (the construction is re-derived here; see the
    module :mod:`regionmath.constructions.relu`).
    """
    if p < 3:
        raise ValueError("the turned sawtooth needs p >= 3 units")
    s = 2 * p + 1
    rows, biases, coeffs = [], [], []
    for i in range(1, p + 1):
        sigma = -1 if i == 3 else 1
        rows.append(_unit_row(d, j, sigma * s))
        biases.append(F(-sigma * (2 * i - 1)))
        coeffs.append(F(-3, 2) if i == 1 else F((-1) ** i))
    return rows, biases, coeffs, F(5)


def passthrough(j: int, d: int):
    """One unit ``relu(u_j + 1)`` read as ``h - 1``: the identity on ``[0, 1]``, no breakpoint there."""
    return [_unit_row(d, j, 1)], [F(1)], [F(1)], F(-1)


def dead_unit(d: int):
    """A unit that is never active (``relu(-1)``): the remainder units the paper drops."""
    return _zero(d), F(-1)


# -- general position ----------------------------------------------------------------------
def general_position(m: int, d: int, center=None, halfwidth=F(1, 2), nonzero=False):
    """``m`` hyperplanes in general position in ``R^d`` whose every region meets the open cube.

    Hyperplane ``i`` is ``sum_j t_i^(j-1) y_j = eps t_i^d`` in ``y = (u - center)/halfwidth``,
    with distinct dyadic ``t_i`` in ``(-1, 1)`` and dyadic ``eps <= 1/(2 C(d, floor(d/2)))``: the hyperplanes
    tangent to the dual of the moment curve. A point on ``d + 1`` of them would make the
    degree-``d`` polynomial ``eps t^d - sum_j y_j t^(j-1)`` vanish at ``d + 1`` points, so no
    ``d + 1`` meet; any ``d`` normals form a Vandermonde matrix, so any ``d`` meet in one
    vertex, whose coordinates are ``eps`` times elementary symmetric functions of ``d``
    numbers in ``(-1, 1)``: ``|y_j| < eps C(d, j-1) <= 1/2``. Every region of an essential
    arrangement has a vertex in its closure, so every region meets the open cube; for
    ``m < d`` all hyperplanes meet in the cube (pad with unused ``t``'s).

    ``nonzero=True`` keeps every ``t_i`` away from 0, so that every row depends on every coordinate.

    Returns ``(rows, biases)`` with pre-activations ``rows[i] . u + biases[i]``.

    References
    ----------
    Zaslavsky, "Facing up to arrangements", Mem. AMS 1975 (regions of a general arrangement);
    Montúfar et al. 2014, App. B (the last layer of the Theorem 4 construction).
    """
    center = [F(1, 2)] * d if center is None else [F(c) for c in center]
    halfwidth = F(halfwidth)
    total = max(m, d)
    if nonzero and total % 2:
        total += 1          # t_i = (2i - total - 1) / 2^b is then never 0
    # dyadic numbers throughout, so that the float weights are the exact weights
    ts = [F(2 * i - total - 1, 2 ** total.bit_length()) for i in range(1, total + 1)][:m]
    eps = F(1, 2 ** (2 * comb(d, d // 2) - 1).bit_length())      # <= 1/(2 C(d, floor(d/2)))
    rows, biases = [], []
    for t in ts:
        coef = [t ** j for j in range(d)]           # on y_j = (u_j - c_j)/halfwidth
        rows.append([c / halfwidth for c in coef])
        biases.append(-sum(c * cj for c, cj in zip(coef, center)) / halfwidth - eps * t ** d)
    return rows, biases


def no_all_off_orientation(m: int, d: int) -> list:
    """Signs ``s_i`` for the rows of :func:`general_position` (``m > d``) such that no region of
    the arrangement has every unit ``relu(s_i (rows[i] . u + biases[i]))`` off.

    Unit ``i``'s pre-activation is ``-P(t_i)`` with ``P(t) = eps t^d - sum_j y_j t^(j-1)``, a
    polynomial of degree ``d`` with positive leading coefficient. Signs of ``P`` alternating over
    the last ``d + 1`` of the increasing ``t_i`` and negative at ``t_m`` would need ``d`` roots
    between ``t_(m-d)`` and ``t_m`` and one more beyond ``t_m`` (``P -> +oo``): ``d + 1`` roots, so
    that sign vector has no region. The signs make it the all-off vector: ``s_m = -1``,
    alternating backwards over the last ``d + 1`` units, ``+1`` before.
    """
    if m <= d:
        raise ValueError(f"every sign vector of {m} <= {d} hyperplanes in general position has a region")
    return [1] * (m - d - 1) + [(-1) ** (d - i + 1) for i in range(d + 1)]


# -- maxout blocks ---------------------------------------------------------------------------
def convex_steps(breaks, j: int, d: int):
    """A maxout unit of rank ``len(breaks) + 1`` whose regions are the slabs between the
    parallel hyperplanes ``u_j = breaks[i]`` (increasing): piece ``i`` is
    ``i u_j - sum_{l <= i} breaks[l]``, so pieces ``i-1`` and ``i`` tie exactly at ``breaks[i]``.

    Returns ``(rows, biases)`` (``k`` rows).

    References
    ----------
    Montúfar et al. 2014, Sec. 4 before Proposition 7 ("division of input-space by k-1 parallel
    hyperplanes").
    """
    rows, biases, acc = [], [], F(0)
    rows.append(_zero(d))
    biases.append(F(0))
    for i, c in enumerate(breaks, 1):
        acc += F(c)
        rows.append(_unit_row(d, j, i))
        biases.append(-acc)
    return rows, biases


def maxout_constant(k: int, d: int):
    """A maxout unit whose piece 0 is strictly maximal everywhere (output 0): one region."""
    return [_zero(d) for _ in range(k)], [F(0)] + [F(-1)] * (k - 1)


def maxout_identity(k: int, j: int, d: int):
    """A maxout unit computing ``u_j`` (piece 0 strictly maximal): one region."""
    return [_unit_row(d, j, 1) for _ in range(k)], [F(0)] + [F(-1)] * (k - 1)


def maxout_abs(k: int, j: int, d: int):
    """A maxout unit computing ``|2 u_j - 1|`` (2 regions, the fold at ``u_j = 1/2``); its
    other ``k - 2`` pieces are the constant ``-1``, never maximal (the paper's "choose
    W_i = 0 for the extra pieces")."""
    rows = [_unit_row(d, j, 2), _unit_row(d, j, -2)] + [_zero(d) for _ in range(k - 2)]
    biases = [F(-1), F(1)] + [F(-1)] * (k - 2)
    return rows, biases


# -- stacking --------------------------------------------------------------------------------
class Stack:
    """Layers written against the effective input, multiplied out exactly.

    ``add(rows, biases, out_A, out_a)``: pre-activations ``rows . u + biases`` of the new
    layer (``u`` the current effective input); the next effective input is
    ``out_A h + out_a`` (``h`` the new layer's activations, one per unit).
    """

    def __init__(self, n0: int):
        self.n0 = n0
        self.A = [[F(int(i == j)) for j in range(n0)] for i in range(n0)]   # u = A h + a
        self.a = [F(0)] * n0
        self.weights, self.biases = [], []

    def add(self, rows, biases, out_A=None, out_a=None):
        W = [[sum((r[i] * self.A[i][c] for i in range(len(r))), F(0)) for c in range(len(self.A[0]))] for r in rows]
        b = [sum((r[i] * self.a[i] for i in range(len(r))), F(0)) + F(bi) for r, bi in zip(rows, biases)]
        self.weights.append(W)
        self.biases.append(b)
        if out_A is not None:
            self.A, self.a = [[F(v) for v in row] for row in out_A], [F(v) for v in out_a]

    def network(self, activation="relu", rank=1, box=None):
        from ..network import Network
        return Network.from_exact(self.weights, self.biases, activation=activation, rank=rank, box=box)


def relu_fold_layer(groups, d: int, fold=sawtooth):
    """One relu layer folding coordinate ``j`` with ``groups[j]`` units (0 or ``None``: no
    units for it), plus ``extra`` dead units; returns ``(rows, biases, out_A, out_a)``.

    ``groups`` is a list of ``(kind, p)`` per coordinate with kind in ``"fold"``,
    ``"pass"``; the caller pads with dead units.
    """
    rows, biases, out_cols, out_a = [], [], [], [F(0)] * d
    for j, (kind, p) in enumerate(groups):
        if kind == "pass":
            r, b, c, alpha = passthrough(j, d)
        else:
            r, b, c, alpha = fold(p, j, d)
        for ri, bi, ci in zip(r, b, c):
            rows.append(ri)
            biases.append(bi)
            col = [F(0)] * d
            col[j] = ci
            out_cols.append(col)
        out_a[j] += alpha
    return rows, biases, out_cols, out_a


def finish_layer(rows, biases, out_cols, out_a, width: int, d: int):
    """Pad a relu layer with dead units to ``width``; return ``(rows, biases, out_A, out_a)``."""
    rows, biases, out_cols = list(rows), list(biases), list(out_cols)
    while len(rows) < width:
        r, b = dead_unit(d)
        rows.append(r)
        biases.append(b)
        out_cols.append([F(0)] * d)
    if len(rows) > width:
        raise ValueError(f"layer needs {len(rows)} units, has {width}")
    out_A = [[out_cols[u][i] for u in range(width)] for i in range(d)]
    return rows, biases, out_A, out_a


def dyadic_steps(k: int) -> list:
    """``k - 1`` increasing dyadic breakpoints ``i / 2^c`` in ``(0, 1)`` (``2^c >= k``)."""
    den = 2 ** (k - 1).bit_length()
    return [F(i, den) for i in range(1, k)]


def _rational_direction(i, k, denominator=1024):
    import math
    t = 2 * math.pi * i / k
    return (F(round(math.cos(t) * denominator), denominator), F(round(math.sin(t) * denominator), denominator))


def polygon_fold(k: int, d: int):
    """Two rank-``k`` maxout units on ``(u_1, u_2)`` that identify at least ``k`` regions.

    In ``x = 2u - 1`` (so ``x`` in ``[-1, 1]^2``), unit 1 is ``q_1(x) = max_i <2 w_i, x>`` and
    unit 2 is ``q_2(x) = max_i <2 w'_i, x>``, with ``w_i`` (``w'_i``) rational approximations
    of the unit vectors at angles ``2 pi i/k`` (``2 pi (i + 1/2)/k``). Their level sets
    ``q_1 = 1`` and ``q_2 = 1`` are two ``k``-gons about the circle of radius ``1/2`` whose
    tangent points interleave, so their boundaries cross ``2k`` times, each crossing inside
    an edge of both. Near a crossing ``x*`` (edges ``i``, ``j``) the map ``x -> (q_1, q_2)`` is
    linear and invertible (rows ``2w_i``, ``2w'_j``) and sends ``x*`` to ``(1, 1)``: every
    crossing contributes an open set mapped onto the square ``U = (1 - delta, 1 + delta)^2``,
    with ``delta`` halved until the preimage of every corner of ``U`` keeps the pieces
    ``i, j`` strictly maximal and stays in the box (checked exactly). The crossings lie in
    distinct activation regions (distinct ``(i, j)``).

    Returns ``(rows, biases, delta, crossings)``: ``2k`` rows (unit 1 then unit 2) in the
    effective input ``u`` (dimension ``d``), and the crossing points in ``x``.

    References
    ----------
    Montúfar et al. 2014, App. D (Theorem 8: "a maxout layer of width n0 and rank k can
    identify at least k regions of its input"); the construction is the toolkit's.
    """
    W1 = [_rational_direction(i, k) for i in range(k)]
    W2 = [_rational_direction(i + F(1, 2), k) for i in range(k)]

    def argmax_unique(W, x):
        vals = [2 * (w[0] * x[0] + w[1] * x[1]) for w in W]
        top = max(vals)
        return vals.index(top) if vals.count(top) == 1 else None, top

    crossings = []
    for i, a in enumerate(W1):
        for j in (i, (i - 1) % k):      # edge i meets the edges tangent at the neighbouring angles
            b = W2[j]
            det = a[0] * b[1] - a[1] * b[0]
            if det == 0:
                continue
            # 2<a, x> = 1 and 2<b, x> = 1
            x = ((b[1] - a[1]) / (2 * det), (a[0] - b[0]) / (2 * det))
            if argmax_unique(W1, x) == (i, 1) and argmax_unique(W2, x) == (j, 1) and all(-1 < v < 1 for v in x):
                crossings.append((i, j, x))
    if len(crossings) < k:
        raise ArithmeticError(f"polygon_fold found {len(crossings)} < {k} crossings")

    def preimage(i, j, y):
        a, b = W1[i], W2[j]
        det = 4 * (a[0] * b[1] - a[1] * b[0])
        return ((2 * b[1] * y[0] - 2 * a[1] * y[1]) / det, (-2 * b[0] * y[0] + 2 * a[0] * y[1]) / det)

    delta = F(1, 4)
    while True:
        ok = True
        for i, j, _ in crossings:
            for s0 in (-1, 1):
                for s1 in (-1, 1):
                    x = preimage(i, j, (1 + s0 * delta, 1 + s1 * delta))
                    if not (argmax_unique(W1, x)[0] == i and argmax_unique(W2, x)[0] == j and all(-1 < v < 1 for v in x)):
                        ok = False
        if ok:
            break
        delta /= 2
    rows, biases = [], []
    for W, j in ((W1, 0), (W2, 1)):
        for w in W:
            # <2w, x> with x = 2u - 1: 4 w . u - 2 (w_1 + w_2)
            row = _zero(d)
            row[0], row[1] = 4 * w[0], 4 * w[1]
            rows.append(row)
            biases.append(-2 * (w[0] + w[1]))
    return rows, biases, delta, crossings
