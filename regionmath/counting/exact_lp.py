"""Exact decisions about the region of an activation pattern, in rational arithmetic.

Whether a pattern's region has a non-empty interior is a linear-programming question: the
region is ``{u in [-1, 1]^n0 : a_r . u + c_r > 0 for every row r}`` (box-normalised
coordinates, ``x = centre + half * u``), and it is non-empty exactly when the largest margin

    t* = max { t : a_r . u + c_r >= t (every r),  u in the box,  t <= 1 }

is positive. Floating-point LPs answer that quickly and almost always rightly; this module
answers it *exactly*, with two kinds of proof:

* **non-empty**: a rational point ``u`` with every ``a_r . u + c_r > 0``, checked exactly;
* **empty** (Farkas/Motzkin): multipliers ``y >= 0``, not all zero, with

      U(y) = sum_r y_r c_r + sum_j |sum_r y_r a_rj|  <=  0

  (on all of R^n0: ``sum_r y_r a_r = 0`` and ``sum_r y_r c_r <= 0``). Then every point of the
  box has ``sum_r y_r (a_r . u + c_r) <= 0``, which the strict rows forbid. By LP duality
  (``min_{y in simplex} U(y) = t*`` without the cap) such ``y`` exists whenever the region is
  empty, so the test is complete.

:func:`farkas_holds` checks a candidate ``y`` (a float LP's dual values, taken at their exact
binary value), :func:`max_margin_exact` decides by an exact primal simplex (Bland's rule, gmpy2
rationals: it terminates, and every pivot is exact), and :func:`pattern_rows` builds a
pattern's rows exactly from the network's exact weights (a float network's weights are exact
dyadic rationals). :func:`decide_pattern` puts them together the cheap way first: a float LP,
its witness or its dual checked exactly, and the exact simplex only when neither check passes.
:func:`count_exact` counts regions with exact decisions only (every pattern prefix, as brute
force does): slow, independent of every float tolerance, the ground truth of the tests.

Conventions (as in :mod:`regionmath.counting.certify`): a relu unit whose pre-activation is
identically zero on the region is inactive and imposes nothing; identical maxout pieces tie and
the lowest index wins.

Examples
--------
Units ``x`` and ``-x`` on ``[-1, 1]``: both inactive only at ``x = 0`` (empty interior), the
other patterns are half-intervals:

>>> from regionmath.network import Network
>>> net = Network.from_exact([[[1], [-1]]], [[0, 0]], box=([-1], [1]))
>>> decide_pattern(net, (0, 0)).nonempty, decide_pattern(net, (1, 0)).nonempty
(False, True)
>>> count_exact(net).count
2

A unit and its twin shifted by ``10^-15``: three regions, the middle one ``10^-15`` wide,
found exactly:

>>> net = Network.from_exact([[[1], [1]]], [[0, "-1/1000000000000000"]], box=([-1], [1]))
>>> count_exact(net).count
3

References
----------
.. [1] A. Schrijver, *Theory of Linear and Integer Programming*, Wiley 1986, Sec. 7.8
   (Motzkin's transposition theorem) and Sec. 11 (the simplex method, Bland's rule).
.. [2] A. Neumaier, O. Shcherbina, "Safe bounds in linear and mixed-integer linear
   programming", Math. Programming A 99 (2004): rigorous certificates from approximate duals.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Optional

import numpy as np
from gmpy2 import mpq

from .result import CountResult, Region, RegionArray

__all__ = ["ExactRows", "Decision", "pattern_rows", "farkas_holds", "support_farkas", "point_holds", "max_margin_exact",
           "decide_pattern", "count_exact", "exact_layers", "ExactTimeout"]

ZERO = mpq(0)
ONE = mpq(1)


class ExactTimeout(Exception):
    """The exact simplex ran past its deadline (the decision stays open)."""


def to_mpq(v) -> mpq:
    """The exact rational value of an int, Fraction, gmpy2 rational or float (floats are dyadic)."""
    if isinstance(v, (float, np.floating)):
        return mpq(float(v))
    if isinstance(v, (int, np.integer)):
        return mpq(int(v))
    return mpq(v.numerator, v.denominator)


def exact_layers(network):
    """The network's layers as exact rationals (its exact weights, else its floats' exact
    values), and the box as ``(centre, half)``; cached on the network."""
    cached = getattr(network, "_exact_lp_layers", None)
    if cached is not None:
        return cached
    if network.is_exact:
        pairs = zip(network.exact_weights, network.exact_biases)
    else:
        pairs = zip(network.weights, network.biases)
    layers = [([[to_mpq(v) for v in row] for row in np.asarray(W)], [to_mpq(v) for v in np.asarray(b).ravel()])
              for W, b in pairs]
    lo = [mpq(float(v)) for v in network.box[0]]
    hi = [mpq(float(v)) for v in network.box[1]]
    box = ([(a + b) / 2 for a, b in zip(lo, hi)], [(b - a) / 2 for a, b in zip(lo, hi)])
    network._exact_lp_layers = (layers, box)
    return network._exact_lp_layers


@dataclass
class ExactRows:
    """A pattern's region in box-normalised coordinates: strict rows ``a_r . u + c_r > 0``;
    ``empty`` when a constant row already fails (e.g. an active bit on an identically zero
    unit); ``centre``, ``half`` map ``u`` back to ``x``; ``bounded`` is False on R^n0."""

    A: list
    c: list
    centre: list
    half: list
    bounded: bool
    empty: bool = False

    def to_input(self, u) -> list:
        return [ce + h * v for ce, h, v in zip(self.centre, self.half, u)] if self.bounded else list(u)


def pattern_rows(network, pattern, bounded=True) -> ExactRows:
    """The exact strict rows of ``pattern`` (flat; a shorter tuple is a prefix, the later units
    free), in coordinates ``u`` with ``x = centre + half * u`` (``x = u`` when not bounded)."""
    layers, (centre, half) = exact_layers(network)
    n0 = network.n0
    if not bounded:
        centre, half = [ZERO] * n0, [ONE] * n0
    # x = diag(half) u + centre: the map of the current layer's input, rows = coordinates
    A = [[half[i] if j == i else ZERO for j in range(n0)] for i in range(n0)]
    c = list(centre)
    rows, consts, empty = [], [], False
    relu, k = network.activation == "relu", network.rank
    pos = 0
    pattern = tuple(None if s is None else int(s) for s in pattern)
    for (W, b), width in zip(layers, network.widths):
        if pos >= len(pattern) or all(s is None for s in pattern[pos:pos + width]):
            break
        states = pattern[pos:pos + width]
        pos += width
        partial = None in states     # undecided units are free; no later layer can follow
        kk = 1 if relu else k
        need = {u * kk + j for u, s in enumerate(states) if s is not None for j in range(kk)}
        Z = [[sum((w * A[i][j] for i, w in enumerate(Wr) if w), ZERO) for j in range(n0)] if r in need else None
             for r, Wr in enumerate(W[:len(states) * kk])]
        zc = [sum((w * c[i] for i, w in enumerate(Wr) if w), ZERO) + bb if r in need else None
              for r, (Wr, bb) in enumerate(zip(W[:len(states) * kk], b[:len(states) * kk]))]
        if relu:
            for i, s in enumerate(states):
                if s is None:
                    continue
                if s not in (0, 1):
                    raise ValueError(f"relu pattern entries are 0 or 1, got {s}")
                if not any(Z[i]):
                    if zc[i] == 0:
                        empty |= s == 1          # identically zero: inactive, no constraint
                    elif (zc[i] > 0) != (s == 1):
                        empty = True
                    continue
                sg = 1 if s == 1 else -1
                rows.append([sg * v for v in Z[i]])
                consts.append(sg * zc[i])
            if partial:
                break
            A = [Z[i] if s == 1 else [ZERO] * n0 for i, s in enumerate(states)]
            c = [zc[i] if s == 1 else ZERO for i, s in enumerate(states)]
        else:
            for u, s in enumerate(states):
                if s is None:
                    continue
                if not 0 <= s < k:
                    raise ValueError(f"maxout pattern entries are piece indices 0..{k - 1}, got {s}")
                top = u * k + s
                for j in range(k):
                    if j == s:
                        continue
                    r = u * k + j
                    a = [p - q for p, q in zip(Z[top], Z[r])]
                    v = zc[top] - zc[r]
                    if not any(a):
                        if v == 0:
                            empty |= j < s       # identical pieces: the lowest index wins
                        elif v < 0:
                            empty = True
                        continue
                    rows.append(a)
                    consts.append(v)
            if partial:
                break
            A = [Z[u * k + s] for u, s in enumerate(states)]
            c = [zc[u * k + s] for u, s in enumerate(states)]
    return ExactRows(rows, consts, list(centre), list(half), bounded, empty)


def farkas_holds(rows: ExactRows, y) -> bool:
    """True iff ``y`` (one non-negative number per row; floats taken exactly) proves that the
    strict rows have no common point in the box (on R^n0 when not bounded)."""
    if len(y) != len(rows.A):
        return False
    yq = [to_mpq(v) for v in y]
    if any(v < 0 for v in yq) or not any(yq):
        return False
    n0 = len(rows.centre)
    d = [sum((v * a[j] for v, a in zip(yq, rows.A) if v), ZERO) for j in range(n0)]
    const = sum((v * cc for v, cc in zip(yq, rows.c) if v), ZERO)
    if not rows.bounded:
        return not any(d) and const <= 0
    return const + sum(abs(v) for v in d) <= 0


def support_farkas(rows: ExactRows):
    """Exact Farkas multipliers on R^n0 from the rows a float ray uses: when those rows have
    a one-dimensional space of vanishing combinations (``sum_r y_r a_r = 0``, the generic
    case of ``n0 + 1`` rows), it is found by exact elimination and checked; None otherwise."""
    k, n0 = len(rows.A), len(rows.centre)
    if k == 0:
        return None
    # reduced row echelon form of the n0 x k matrix [a_1 ... a_k]
    M = [[rows.A[r][j] for r in range(k)] for j in range(n0)]
    pivots, row = [], 0
    for col in range(k):
        p = next((i for i in range(row, n0) if M[i][col]), None)
        if p is None:
            continue
        M[row], M[p] = M[p], M[row]
        inv = 1 / M[row][col]
        M[row] = [v * inv for v in M[row]]
        for i in range(n0):
            if i != row and M[i][col]:
                f = M[i][col]
                M[i] = [a - f * b for a, b in zip(M[i], M[row])]
        pivots.append(col)
        row += 1
        if row == n0:
            break
    free = [c for c in range(k) if c not in pivots]
    if len(free) != 1:
        return None
    f = free[0]
    y = [ZERO] * k
    y[f] = ONE
    for i, c in enumerate(pivots):
        y[c] = -M[i][f]
    if all(v <= 0 for v in y):
        y = [-v for v in y]
    if any(v < 0 for v in y):
        return None
    return y if farkas_holds(rows, y) else None


def point_holds(rows: ExactRows, u) -> bool:
    """True iff ``u`` (normalised coordinates) lies in the box and on the strict side of every row."""
    uq = [to_mpq(v) for v in u]
    if rows.bounded and any(v < -1 or v > 1 for v in uq):
        return False
    return all(sum((a * v for a, v in zip(ar, uq) if a), ZERO) + cr > 0 for ar, cr in zip(rows.A, rows.c))


def _simplex_max(M, q, obj, deadline=None):
    """Maximise ``obj . z`` subject to ``M z <= q``, ``z >= 0``, with ``q >= 0`` (the slack basis
    is feasible), exactly (Bland's rule: no cycling). The objective is bounded by the caller's
    rows. Returns ``(z, value, y)``, ``y >= 0`` the optimal duals of the rows."""
    m, n = len(M), len(obj)
    # tableau rows: [M | I | q]; objective row: reduced costs (obj for structural columns)
    T = [list(M[i]) + [ONE if j == i else ZERO for j in range(m)] + [q[i]] for i in range(m)]
    cost = list(obj) + [ZERO] * m + [ZERO]
    basis = [n + i for i in range(m)]
    width = n + m
    steps = 0
    while True:
        steps += 1
        if deadline is not None and steps % 8 == 0 and time.perf_counter() > deadline:
            raise ExactTimeout()
        enter = next((j for j in range(width) if cost[j] > 0), None)
        if enter is None:
            break
        best, leave = None, None
        for i in range(m):
            a = T[i][enter]
            if a > 0:
                ratio = T[i][-1] / a
                if best is None or ratio < best or (ratio == best and basis[i] < basis[leave]):
                    best, leave = ratio, i
        if leave is None:  # pragma: no cover - the callers' rows bound every objective
            raise ArithmeticError("unbounded exact LP")
        prow = T[leave]
        piv = prow[enter]
        if piv != 1:
            prow = T[leave] = [v / piv for v in prow]
        nz = [j for j, v in enumerate(prow) if v]
        for i in range(m):
            f = T[i][enter]
            if i != leave and f:
                row = T[i]
                for j in nz:
                    row[j] -= f * prow[j]
        f = cost[enter]
        for j in nz:
            cost[j] -= f * prow[j]
        basis[leave] = enter
    z = [ZERO] * n
    for i, bvar in enumerate(basis):
        if bvar < n:
            z[bvar] = T[i][-1]
    y = [-cost[n + i] for i in range(m)]
    return z, -cost[-1], y


@dataclass
class Decision:
    """Whether a pattern's region has interior (``nonempty``: True, False, or None when the
    decision ran out of time), with its proof: a rational ``witness`` (input coordinates) or
    Farkas multipliers ``farkas``; ``how`` says which route decided."""

    nonempty: Optional[bool]
    witness: Optional[list] = None
    farkas: Optional[list] = None
    margin: Optional[mpq] = None
    how: str = ""


def _scale(row):
    """A power of two near 1/max|row| (keeps the LP's margin meaningful; any positive
    multiple of a row is the same inequality)."""
    m = max(abs(v) for v in row)
    return mpq(2) ** (-int(np.floor(np.log2(float(m))))) if m else ONE


def max_margin_exact(rows: ExactRows, deadline=None) -> Decision:
    """Decide ``rows`` exactly by the primal simplex on the margin LP.

    Returns the exact optimum ``t*`` (rows rescaled by powers of two), a witness when
    ``t* > 0`` and the optimal duals (a Farkas certificate, checked) when ``t* <= 0``.
    """
    if rows.empty:
        return Decision(False, how="constant row")
    n0 = len(rows.centre)
    if not rows.A:
        return Decision(True, rows.to_input([ZERO] * n0), margin=ONE, how="no rows")
    scales = [_scale(a) for a in rows.A]
    A = [[s * v for v in a] for s, a in zip(scales, rows.A)]
    c = [s * v for s, v in zip(scales, rows.c)]
    if rows.bounded:
        # u = v - 1, v in [0, 2]; t = s - B; row r: -a.v + s <= c - a.1 + B
        B = max([ZERO] + [sum(a) - cc for a, cc in zip(A, c)]) + 1
        M = [[-v for v in a] + [ONE] for a in A]
        q = [cc - sum(a) + B for a, cc in zip(A, c)]
        for j in range(n0):
            M.append([ONE if i == j else ZERO for i in range(n0)] + [ZERO])
            q.append(mpq(2))
        nvar = n0
    else:
        # u = p - n (both >= 0); row r: -a.p + a.n + s <= c + B
        B = max([ZERO] + [-cc for cc in c]) + 1
        M = [[-v for v in a] + list(a) + [ONE] for a in A]
        q = [cc + B for cc in c]
        nvar = 2 * n0
    M.append([ZERO] * nvar + [ONE])
    q.append(B + 1)                              # t <= 1
    obj = [ZERO] * nvar + [ONE]
    z, value, y = _simplex_max(M, q, obj, deadline)
    t = value - B
    if rows.bounded:
        u = [v - 1 for v in z[:n0]]
    else:
        u = [p - m_ for p, m_ in zip(z[:n0], z[n0:2 * n0])]
    if t > 0:
        if not point_holds(rows, u):  # pragma: no cover - an exact optimum is feasible
            raise ArithmeticError("exact simplex returned an infeasible point")
        return Decision(True, rows.to_input(u), margin=t, how="exact simplex")
    farkas = [v * s for v, s in zip(y[:len(A)], scales)]
    if not farkas_holds(rows, farkas):  # pragma: no cover - exact duals always certify
        raise ArithmeticError("exact simplex duals do not certify emptiness")
    return Decision(False, farkas=farkas, margin=t, how="exact simplex")


def _float_decision(rows: ExactRows):
    """The float margin LP on the rows (HiGHS): (margin, u, row duals) or None."""
    import highspy
    from .lp import _highs
    n0, m = len(rows.centre), len(rows.A)
    A = np.array([[float(v) for v in a] for a in rows.A]).reshape(m, n0)
    c = np.array([float(v) for v in rows.c])
    norms = np.linalg.norm(A, axis=1)
    norms[norms == 0] = 1.0
    A, c = A / norms[:, None], c / norms
    if not (np.isfinite(A).all() and np.isfinite(c).all()):
        return None
    h = _highs()   # one cleared model per thread (creating one costs as much as a solve)
    inf = highspy.kHighsInf
    bound = 1.0 if rows.bounded else inf
    h.addVars(n0 + 1, np.r_[np.full(n0, -bound), -inf], np.r_[np.full(n0, bound), 1.0])
    h.changeColCost(n0, -1.0)
    for r in range(m):   # a.u - t >= -c
        idx = np.arange(n0 + 1, dtype=np.int32)
        h.addRow(-c[r], inf, n0 + 1, idx, np.r_[A[r], -1.0])
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    sol = h.getSolution()
    x = np.array(sol.col_value)
    duals = np.abs(np.array(sol.row_dual)) / norms     # multipliers of the unnormalised rows
    return float(x[n0]), x[:n0], duals


def decide_pattern(network, pattern, bounded=True, deadline=None) -> Decision:
    """Decide exactly whether the region of ``pattern`` (or of a prefix) has interior.

    A float LP first; its point is checked exactly (``non-empty``), or its duals are
    (``empty``); when neither check passes, the exact simplex decides. With a ``deadline``
    (``time.perf_counter()`` value) the exact simplex may give up: ``nonempty`` is then None.
    """
    rows = pattern_rows(network, pattern, bounded)
    if rows.empty:
        return Decision(False, how="constant row")
    if not rows.A:
        return Decision(True, rows.to_input([ZERO] * len(rows.centre)), margin=ONE, how="no rows")
    fl = _float_decision(rows)
    if fl is not None:
        t, u, y = fl
        if t > 0:
            uq = [mpq(float(v)) for v in (np.clip(u, -1, 1) if rows.bounded else u)]
            if point_holds(rows, uq):
                return Decision(True, rows.to_input(uq), margin=mpq(t), how="float point")
        else:
            if farkas_holds(rows, y):
                return Decision(False, farkas=[mpq(float(v)) for v in y], how="float duals")
    try:
        return max_margin_exact(rows, deadline)
    except ExactTimeout:
        return Decision(None, how="timeout")


def count_exact(network, bounded=True, time_limit=None, decide=None) -> CountResult:
    """Count activation regions with exact decisions only: every prefix extended by every
    state of the next unit, kept when its region has interior (exact simplex on every prefix
    unless ``decide`` is given). Independent of every float tolerance; tiny networks only."""
    start = time.perf_counter()
    deadline = None if time_limit is None else start + time_limit
    decide = decide or (lambda p: max_margin_exact(pattern_rows(network, p, bounded), deadline))
    choices = (0, 1) if network.activation == "relu" else tuple(range(network.rank))
    prefixes = [((), None)]
    complete, reason = True, None
    try:
        for _ in range(network.N):
            found = []
            for prefix, _w in prefixes:
                for s in choices:
                    d = decide(prefix + (s,))
                    if d.nonempty is None:
                        raise ExactTimeout()
                    if d.nonempty:
                        found.append((prefix + (s,), d.witness))
            prefixes = found
    except ExactTimeout:
        complete, reason, prefixes = False, "time-limit", []
    from fractions import Fraction
    regions = RegionArray.from_regions(
        [Region(p, [Fraction(int(v.numerator), int(v.denominator)) for v in w]) for p, w in prefixes],
        network.N, network.n0)
    return CountResult(len(regions), "exact", complete, time.perf_counter() - start, regions,
                       certified=complete or None, incomplete_reason=reason)
