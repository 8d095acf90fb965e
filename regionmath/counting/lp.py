"""The witness LP of an activation pattern.

Fix an activation pattern. Composing the layers with that pattern makes every pre-activation
an affine function of the input, so the pattern's region is an open polyhedron: one strict
inequality ``g_i . x + c_i > 0`` per unit (relu: ``z > 0`` if active, ``-z > 0`` if
inactive; maxout: the chosen piece above each other piece of its unit), intersected with the
domain box. Its interior is non-empty exactly when the largest margin ``t`` with

    g_i . u + c_i >= t * |g_i|     for every inequality,    u in the box,   t <= 1

is positive. :func:`witness_lp` solves that LP (HiGHS) and returns ``t`` and the maximiser, a
witness point deep inside the region. Inputs are first mapped to the unit box
``[-1, 1]^n0`` and every row is normalised, so ``t`` is the radius of the largest ball (in
box-normalised coordinates) inside the pattern's polyhedron: it does not change when the
weights are scaled.

Two degenerate cases follow the conventions of :mod:`regionmath.counting.certify`:

* a relu unit whose pre-activation is *identically zero* on the region (zero gradient and
  zero value after composing the earlier layers) is inactive there and imposes no
  constraint (an active bit for it makes the pattern empty);
* two maxout pieces of a unit that are identical on the region tie, and the lowest index
  wins: the higher piece imposes nothing, choosing the higher one makes the pattern empty.

"Identically zero" is decided in floats relative to the magnitude of the terms that cancel
(:data:`ZERO_TOL`); exact certification (:mod:`regionmath.counting.certify`) is the final word.

``closed_inactive=True`` gives the relu region as printed in Serra et al. 2018: active units
strict, inactive units closed (``z <= 0``); such a set can be non-empty yet flat.

Examples
--------
>>> from regionmath.network import Network
>>> net = Network.from_exact([[[1], [-1]]], [[0, 0]], box=([-1], [1]))   # units x and -x
>>> w = witness_lp(net, (1, 0)); round(w.margin, 6), w.point.tolist()
(1.0, [1.0])
>>> witness_lp(net, (0, 0)).margin <= 0                     # only the point x = 0: flat
True
>>> witness_lp(net, (0, 0), closed_inactive=True).feasible  # but Serra's closed form accepts it
True
>>> is_region(net, (1, 1))
False
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Optional

import numpy as np

from .tolerances import MARGIN_TOL, WITNESS_FEASTOL, ZERO_TOL  # noqa: E402 - the one home of tolerances


__all__ = ["ZERO_TOL", "MARGIN_TOL", "Inequalities", "Witness", "pattern_inequalities", "max_margin",
           "witness_lp", "is_region"]


@dataclass
class Inequalities:
    """The region of a pattern in box-normalised coordinates ``u`` (``x = center + half * u``).

    Strict rows ``G u + g > 0`` (each row of unit norm); ``closed`` rows ``H u + h >= 0`` (used
    only by ``closed_inactive``); ``empty`` is True when a constraint is impossible whatever
    ``u`` (for example an active bit on an identically zero unit).
    """

    G: np.ndarray
    g: np.ndarray
    H: np.ndarray
    h: np.ndarray
    center: np.ndarray
    half: np.ndarray
    bounded: bool
    empty: bool = False

    def to_input(self, u) -> np.ndarray:
        return self.center + self.half * np.asarray(u, dtype=float)


@dataclass
class Witness:
    """The result of :func:`witness_lp`: the margin ``t`` (<= 1; ``-inf`` when the pattern is
    empty) and a point of the input space attaining it (``None`` when infeasible)."""

    margin: float
    point: Optional[np.ndarray]
    feasible: bool = True

    @property
    def is_region(self) -> bool:
        return self.point is not None and self.margin > MARGIN_TOL


def _normaliser(network, box):
    if box is False:
        n0 = network.n0
        return np.zeros(n0), np.ones(n0), False
    lo, hi = (network.box if box is None else (np.asarray(box[0], float), np.asarray(box[1], float)))
    return (lo + hi) / 2.0, (hi - lo) / 2.0, True


def pattern_inequalities(network, pattern, box=None, closed_inactive=False) -> Inequalities:
    """The inequalities that define the region of ``pattern`` (flat tuple, layer by layer).

    A ``pattern`` shorter than the number of units is a prefix: the units it does not reach
    are free (the region of the prefix contains the regions of all its extensions).

    ``box``: None for the network's box, ``(lo, hi)`` for another, ``False`` for all of R^n0
    (then ``u = x``).
    """
    center, half, bounded = _normaliser(network, box)
    n0 = network.n0
    pattern = tuple(int(s) for s in pattern)
    if len(pattern) > network.N:
        raise ValueError(f"pattern has {len(pattern)} entries, the network has {network.N} units")
    A, c = np.diag(half), center.copy()          # x = A u + c
    mag_A, mag_c = np.abs(A), np.abs(c)          # magnitudes without cancellation
    rows, consts, crows, cconsts = [], [], [], []
    empty = False
    k, pos = network.rank, 0
    for W, b, n in zip(network.weights, network.biases, network.widths):
        if pos >= len(pattern):
            break
        states = pattern[pos:pos + n]
        pos += n
        if len(states) < n:                      # a prefix pattern: the last units are free
            W, b = W[:len(states) * k], b[:len(states) * k]
        ZA, Zc = W @ A, W @ c + b
        absW = np.abs(W)
        scale = absW @ mag_A.sum(axis=1) + absW @ mag_c + np.abs(b)
        if network.activation == "relu":
            st = np.array(states)
            if np.any((st != 0) & (st != 1)):
                raise ValueError(f"relu pattern entries are 0 or 1, got {states}")
            sign = 2.0 * st - 1.0
            tol = ZERO_TOL * scale
            const = np.max(np.abs(ZA), axis=1, initial=0.0) <= tol      # constant on the region
            zero = const & (np.abs(Zc) <= tol)                          # identically zero
            if np.any(zero & (st == 1)) or np.any(const & ~zero & (sign * Zc <= 0)):
                empty = True
            live = ~const
            if closed_inactive:
                act, ina = live & (st == 1), live & (st == 0)
                rows.append(ZA[act])
                consts.append(Zc[act])
                crows.append(-ZA[ina])
                cconsts.append(-Zc[ina])
            else:
                rows.append(sign[live, None] * ZA[live])
                consts.append(sign[live] * Zc[live])
            m = np.array(states, dtype=float)
            A, c = ZA * m[:, None], Zc * m
            mag_A = (absW @ mag_A) * m[:, None]
            mag_c = (absW @ mag_c + np.abs(b)) * m
        else:
            sel = []
            for u, s in enumerate(states):
                if not 0 <= s < k:
                    raise ValueError(f"maxout pattern entries are piece indices 0..{k - 1}, got {s}")
                top = u * k + s
                sel.append(top)
                for j in range(k):
                    if j == s:
                        continue
                    r = u * k + j
                    a, v = ZA[top] - ZA[r], Zc[top] - Zc[r]
                    tol = ZERO_TOL * (scale[top] + scale[r])
                    if np.max(np.abs(a), initial=0.0) <= tol:
                        if abs(v) <= tol:                           # identical pieces tie
                            empty |= j < s
                        elif v <= 0:
                            empty = True
                        continue
                    rows.append(a[None, :])
                    consts.append(np.array([v]))
            A, c = ZA[sel], Zc[sel]
            mag_A = (absW @ mag_A)[sel]
            mag_c = (absW @ mag_c + np.abs(b))[sel]
    G = np.concatenate(rows).reshape(-1, n0) if rows else np.zeros((0, n0))
    g = np.concatenate(consts) if consts else np.zeros(0)
    norms = np.linalg.norm(G, axis=1)
    G, g = G / norms[:, None], g / norms
    H = np.concatenate(crows).reshape(-1, n0) if crows else np.zeros((0, n0))
    h = np.concatenate(cconsts) if cconsts else np.zeros(0)
    if len(h):
        hn = np.linalg.norm(H, axis=1)
        H, h = H / hn[:, None], h / hn
    return Inequalities(G, g, H, h, center, half, bounded, empty)


_local = threading.local()


def _highs():
    """One HiGHS instance per thread, reused (creating one costs as much as a small solve)."""
    h = getattr(_local, "highs", None)
    if h is not None:
        h.clearModel()
        return h
    from .solvers import new_highs
    h = _local.highs = new_highs(presolve="off",           # faster on these tiny LPs
                                 primal_feasibility_tolerance=WITNESS_FEASTOL, dual_feasibility_tolerance=WITNESS_FEASTOL)
    return h


def max_margin(ineq: Inequalities) -> Witness:
    """Solve the witness LP of a set of :class:`Inequalities` (maximise the margin ``t <= 1``)."""
    if ineq.empty:
        return Witness(float("-inf"), None, False)
    n0 = len(ineq.center)
    m, mc = len(ineq.g), len(ineq.h)
    if m == 0 and mc == 0:
        return Witness(1.0, ineq.to_input(np.zeros(n0)))
    import highspy
    inf = highspy.kHighsInf
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n0 + 1, m + mc
    cost = np.zeros(n0 + 1)
    cost[n0] = -1.0                                         # maximise t
    lp.col_cost_ = cost
    bound = 1.0 if ineq.bounded else inf
    lower, upper = np.full(n0 + 1, -bound), np.full(n0 + 1, bound)
    lower[n0], upper[n0] = -1.0, 1.0
    lp.col_lower_, lp.col_upper_ = lower, upper
    # G u - t >= -g (rows have unit norm); closed rows H u >= -h; dense column-wise
    M = np.empty((n0 + 1, m + mc))
    M[:n0, :m], M[:n0, m:] = ineq.G.T, ineq.H.T
    M[n0, :m], M[n0, m:] = -1.0, 0.0
    lp.row_lower_ = np.concatenate((-ineq.g, -ineq.h))
    lp.row_upper_ = np.full(m + mc, inf)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.arange(0, (n0 + 2) * (m + mc), m + mc, dtype=np.int32)
    lp.a_matrix_.index_ = np.tile(np.arange(m + mc, dtype=np.int32), n0 + 1)
    lp.a_matrix_.value_ = M.ravel()
    h = _highs()
    h.passModel(lp)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return Witness(float("-inf"), None, False)
    sol = np.array(h.getSolution().col_value)
    u = sol[:n0]
    if ineq.bounded:
        u = np.clip(u, -1.0, 1.0)
    return Witness(float(sol[n0]), ineq.to_input(u))


def witness_lp(network, pattern, box=None, closed_inactive=False) -> Witness:
    """The largest margin of ``pattern`` and a point attaining it.

    Parameters
    ----------
    network : Network
    pattern : tuple of int
        Flat pattern, layer by layer (relu 0/1; maxout piece index).
    box : None, (lo, hi) or False
        None: the network's box; False: all of R^n0 (the margin cap keeps the LP bounded).
    closed_inactive : bool
        Inactive relu units as closed half-spaces (Serra et al. 2018 as printed); then the
        pattern's set is non-empty iff the result is ``feasible`` with ``margin > 0``.

    Returns
    -------
    Witness
        ``margin`` (radius in box-normalised coordinates, capped at 1) and ``point``.

    References
    ----------
    Serra, Tjandraatmadja, Ramalingam, "Bounding and counting linear regions of deep neural
    networks", ICML 2018, Sec. 4 (the margin ``f`` of the region MILP).
    """
    return max_margin(pattern_inequalities(network, pattern, box, closed_inactive))


def is_region(network, pattern, box=None) -> bool:
    """True when the LP finds a positive margin for ``pattern`` (its region has interior)."""
    return witness_lp(network, pattern, box).is_region
