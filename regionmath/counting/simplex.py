"""A small dense dual simplex for the enumerator's feasibility LPs, compiled with numba.

The enumerator (:mod:`regionmath.counting.enumerate`) asks, tens of thousands of times per
second, whether the region cut out of the box ``[-1, 1]^n0`` by a few signed rows has a point
with every slack at least ``margin``:

    u in [-1, 1]^n0,    s_r (a_r . u + g_r) >= margin   for every row r switched on (s_r = +-1).

HiGHS answers each such LP in a few simplex iterations, but pays ~100 us per call at 64
inputs whatever the iterations (its set-up and checks scale with the model, measured in
``bench/bench_speed.md``). This module solves the same LP on a dense *dictionary* kept between
calls (warm start), in the rows' activity variables ``w_r = a_r . u``:

    x_B = D x_N       (basic variables as a linear function of the nonbasic ones),

every variable with bounds (``u_j`` in [-1, 1]; ``w_r`` bounded by its sign and margin, free
when the row is off): the box is the columns' bounds, not rows. The LP has no costs; each
solve gives the nonbasic variables at a bound small distinct costs of the sign that makes the
warm basis dual feasible (0 to one strictly inside its bounds), so that the bounded dual
simplex has a dual objective to raise (a cycle needs a run of zero dual steps). A basic variable out of its bounds
(the worst) leaves at the violated bound; the bound-flipping ratio test (Fourer 1994; Koberstein
2005, Sec. 3.2) takes the nonbasic variables that can move it the right way in the order of
their dual ratios, moves each to its far bound while what is left of the gap exceeds what the
next can close, and lets that one enter, inside its bounds. With hundreds of box columns
(784 at MNIST's inputs) one column closes a few percent of a gap: the earlier kernel let the
largest coefficient enter and overshoot its box, left a new infeasibility at every pivot,
and failed on 40% of these LPs. When even all of them cannot reach the bound, the
dictionary row is a Farkas certificate: with ``y_r = |D_{i, w_r}|`` on the rows against it
(and 1 on the leaving row),

    sum_r y_r s_r (a_r . u + g_r - margin) < 0      for every u in the box,

which the enumerator checks with a rigorous float filter or exactly
(:meth:`~regionmath.counting.enumerate.Enumerator._filter_proves`).

Nothing this module says is trusted: a point it returns is re-checked against the rows
(every slack at least ``check`` computed afresh from the rows), an infeasibility is believed
only through its certificate, and a call that does not converge in ``max_iter`` pivots, or
whose answer fails its check after one restart from the slack basis, returns
:data:`FAILED`: the enumerator then asks HiGHS as before.

Examples
--------
Two rows on the square: ``u_1 >= 1/2`` and ``u_1 + u_2 <= 0`` (signs +1, -1) meet; adding
``u_2 >= 0`` makes the region empty.

>>> import numpy as np
>>> A, g = np.array([[1, 0], [1, 1], [0, 1]], float), np.array([-0.5, 0, 0])
>>> norms = np.linalg.norm(A, axis=1)
>>> rows = (A, g, norms, np.abs(A).sum(axis=1) + np.abs(g), np.zeros(3))  # for the filter
>>> lp = DenseLP(3, 2, rows=rows)
>>> lp.A[:], lp.g[:] = A / norms[:, None], g / norms
>>> lp.reset()
>>> sign = np.array([1.0, -1.0, 0.0])
>>> lp.solve(sign, 1e-7) == FEASIBLE, bool(lp.x[0] >= 0.5 and lp.x[0] + lp.x[1] <= 0)
(True, True)
>>> sign[2] = 1.0
>>> lp.solve(sign, 1e-7) == INFEASIBLE
True
>>> bool((lp.ray * sign >= 0).all() and lp.ray[0] > 0)   # the certificate, checked by the filter
True

References
----------
.. [1] R. Fourer, "Notes on the dual simplex method", 1994 (the bound-flipping ratio test).
.. [2] A. Koberstein, "The dual simplex method, techniques for a fast and stable
   implementation", PhD thesis, Paderborn, 2005, Sec. 3.2 (bounded dual simplex, bound flipping).
"""

from __future__ import annotations

import numpy as np

from . import tolerances as tol

try:
    import numba
except ImportError:  # pragma: no cover - numba is a dependency; without it the enumerator uses HiGHS only
    numba = None

__all__ = ["FEASIBLE", "INFEASIBLE", "FAILED", "DenseLP", "available", "compiled_on_disk", "tie_cache", "KERNELS"]

#: statuses: a point; empty, proved by the float filter; failed (ask HiGHS); a ray the filter
#: does not prove (ask HiGHS, whose ray goes the exact way)
FEASIBLE, INFEASIBLE, FAILED, UNPROVED = 0, 1, 2, 3
FILTER_TINY, FILTER_SAFETY, UNIT_ROUNDOFF = tol.FILTER_TINY, tol.FILTER_SAFETY, tol.UNIT_ROUNDOFF


def available() -> bool:
    """True when the compiled kernel can be used (numba imports)."""
    return numba is not None


def compiled_on_disk(dispatchers=None) -> bool:
    """True when numba's disk cache holds a fresh copy of every kernel in ``dispatchers``
    (default :data:`KERNELS`): loading them then takes about a second, compiling them afresh
    15-50 s. An index another numba version or an older source wrote is not fresh."""
    if numba is None:
        return False
    try:
        return all(bool(d._cache._cache_file._load_index()) for d in (dispatchers or KERNELS))
    except (AttributeError, OSError, ValueError, EOFError):   # numba's private layout moved: a compile is due
        return False


def tie_cache(dispatchers, sources) -> bool:
    """Make numba's disk cache of ``dispatchers`` go stale when the kernels in ``sources``
    change, not only when the dispatchers' own file does.

    numba keys a cached kernel on its own source file; kernels it calls from another file are
    compiled into it, so editing only that file would keep running the old code (numba issue
    #6845). The cache's source stamp becomes the pair (own stamp, stamps of ``sources``).
    Returns False when numba's private cache layout moved (the cache is then left as numba
    keeps it)."""
    try:
        extra = tuple(d._cache._impl.locator.get_source_stamp() for d in sources)
        for d in dispatchers:
            cf = d._cache._cache_file
            cf._source_stamp = (cf._source_stamp, extra)
    except AttributeError:
        return False
    return True


def _filter(ray, sign, Gu, gu, rnorm, rbound, rK):
    """The enumerator's float filter on a Farkas ray (the same computation as
    :meth:`~regionmath.counting.enumerate.Enumerator._filter_proves`, summed in the same
    order bound: recursive sums, K roundings on every path): True when it proves emptiness."""
    m, n = Gu.shape
    U, M, Kmax, rows = 0.0, 0.0, 0.0, 0
    d = np.zeros(n)
    for r in range(m):
        s = sign[r]
        if s == 0.0:
            continue
        rows += 1
        if rK[r] > Kmax:
            Kmax = rK[r]
        mu = ray[r] * s
        if mu <= 0.0 or rnorm[r] <= 0.0:
            continue
        mu = mu / rnorm[r]
        w = mu * s
        for j in range(n):
            d[j] += w * Gu[r, j]
        U += w * gu[r]
        M += mu * rbound[r]
    for j in range(n):
        U += abs(d[j])
    if not (M > FILTER_TINY and U < 0.0):
        return False
    ku = (Kmax + rows + n + 4) * UNIT_ROUNDOFF
    return U + FILTER_SAFETY * (ku / (1.0 - ku)) * M < 0.0


def _dot(a, b, n):
    """``sum_j a_j b_j`` over ``j < n`` in four interleaved partial sums: a plain loop is one
    dependent addition per term (its latency, not the arithmetic, cost most of a solve at
    784 columns); no BLAS call, whose threads would compete with the count's processes."""
    s0 = s1 = s2 = s3 = 0.0
    k = n - n % 4
    for j in range(0, k, 4):
        s0 += a[j] * b[j]
        s1 += a[j + 1] * b[j + 1]
        s2 += a[j + 2] * b[j + 2]
        s3 += a[j + 3] * b[j + 3]
    for j in range(k, n):
        s0 += a[j] * b[j]
    return (s0 + s1) + (s2 + s3)


def _solve(A, g, sign, margin, check, feastol, D, basic, where, x, lb, ub, ray, order, max_iter, work,
           Gu, gu, rnorm, rbound, rK):
    """One feasibility LP on the dictionary ``D`` (in place); see the module docstring.

    Variables ``0..n-1`` are ``u``, ``n + r`` is row ``r``'s activity. ``basic[i]`` is the
    variable of dictionary row ``i``, ``where[v]`` its row or -1. Returns the status; the
    point is ``x[:n]`` (clipped to the box), the certificate ``ray`` (one value per row,
    ``ray_r s_r >= 0``).
    """
    m, n = A.shape
    N = n + m
    inf = np.inf
    for r in range(m):
        s = sign[r]
        if s > 0:
            lb[n + r], ub[n + r] = -g[r] + margin, inf
        elif s < 0:
            lb[n + r], ub[n + r] = -inf, -g[r] - margin
        else:
            lb[n + r], ub[n + r] = -inf, inf
    piv_tol = 1e-11
    # nonbasic values inside their bounds (a row just switched on may cut its nonbasic
    # value), and a cost for each that makes the basis dual feasible: the problem has no
    # costs, so this solve picks them; distinct costs make every dual step positive, which
    # is what stops the dual simplex from cycling (a nonbasic variable strictly inside its
    # bounds, as the warm point leaves them, gets cost 0 and leaves that state at its first move)
    dj = np.empty(N)
    for v in range(N):
        dj[v] = 0.0
        if where[v] < 0:
            if x[v] <= lb[v]:
                x[v] = lb[v]
                dj[v] = 1.0 + ((v * 2654435761) % 1000003) * 1e-6
            elif x[v] >= ub[v]:
                x[v] = ub[v]
                dj[v] = -1.0 - ((v * 2654435761) % 1000003) * 1e-6
    # basic values from the nonbasic ones (afterwards kept up to date move by move); the
    # basic columns of D are 0
    for i in range(m):
        x[basic[i]] = _dot(D[i], x, N)
    keys = np.empty(N)
    for it in range(max_iter + 1):
        # the worst violation relative to the norm of its row of B^-1 leaves (dual steepest
        # edge, Forrest and Goldfarb 1992, with weights computed afresh)
        worst, leave, target = 0.0, -1, 0.0
        for i in range(m):
            b = basic[i]
            t = x[b]
            if t < lb[b] - feastol:
                viol, bound = lb[b] - t, lb[b]
            elif t > ub[b] + feastol:
                viol, bound = t - ub[b], ub[b]
            else:
                continue
            # the squared norm of row i of B^-1: the rows' activities have unit columns,
            # so it is read off the dictionary's columns of the nonbasic activities
            w = 1.0 if b >= n else 1e-12
            for r in range(m):
                if where[n + r] < 0:
                    d = D[i, n + r]
                    w += d * d
            if viol * viol > worst * w:
                worst, leave, target = viol * viol / w, i, bound
        if leave < 0:
            # a point: check it against the rows themselves, not the dictionary
            for j in range(n):
                if x[j] < -1.0:
                    x[j] = -1.0
                elif x[j] > 1.0:
                    x[j] = 1.0
            for r in range(m):
                sg = sign[r]
                if sg != 0.0:
                    t = g[r] + _dot(A[r], x, n)
                    if sg * t < check:
                        return FAILED
            return FEASIBLE
        if it == max_iter:
            return FAILED
        i = leave
        b = basic[i]
        delta = target - x[b]          # the change the leaving variable needs
        up = 1.0 if delta > 0 else -1.0
        # the dual ratio test with bound flipping: the nonbasic variables that can move x_b
        # the right way (a variable at a bound only away from it), by ratio |d_v| / |D_iv|;
        # they are passed in that order, each moved to its far bound, while what is left of
        # the gap exceeds what the next one can close; that one enters. All of them together
        # falling short proves the row infeasible.
        nc = 0
        total = 0.0
        for v in range(N):
            d = D[i, v]
            if where[v] >= 0 or abs(d) <= piv_tol:
                continue
            du = d * up
            if du > 0:
                if x[v] >= ub[v] or dj[v] < 0.0:
                    continue
                room = ub[v] - x[v]
            else:
                if x[v] <= lb[v] or dj[v] > 0.0:
                    continue
                room = x[v] - lb[v]
            total += abs(d) * room
            order[nc] = v
            keys[nc] = abs(dj[v]) / abs(d)
            nc += 1
        if total < abs(delta) - feastol or nc == 0:
            # infeasible: x_b cannot reach its bound; dictionary row i is the certificate
            for r in range(m):
                ray[r] = 0.0
            for r in range(m):
                v = n + r
                if where[v] < 0:
                    d = D[i, v]
                    if d != 0.0:
                        ray[r] = sign[r] * abs(d)
            if b >= n:
                ray[b - n] = sign[b - n]
            if _filter(ray, sign, Gu, gu, rnorm, rbound, rK):
                return INFEASIBLE
            return UNPROVED
        # the candidates in the order of their ratios: a few are passed before one enters,
        # so the least is selected afresh each time (sorting all ~400 cost more than the pivot)
        need = abs(delta)
        enter = -1
        for c in range(nc):
            k, kmin = c, keys[c]
            for t in range(c + 1, nc):
                if keys[t] < kmin:
                    k, kmin = t, keys[t]
            v = order[k]
            order[k], keys[k] = order[c], keys[c]
            order[c], keys[c] = v, kmin
            d = D[i, v]
            room = ub[v] - x[v] if d * up > 0 else x[v] - lb[v]
            if abs(d) * room >= need or c == nc - 1:
                enter = v
                break
            # flip v to its far bound
            step = room if d * up > 0 else -room
            x[v] += step
            for q in range(m):
                f = D[q, v]
                if f != 0.0:
                    x[basic[q]] += f * step
            need -= abs(d) * room
        theta = abs(dj[enter]) / abs(D[i, enter])   # the dual step
        # reduced costs: d_v -= theta' D_iv with theta' = d_enter / D_i,enter (sign up)
        tq = dj[enter] / D[i, enter]
        if tq != 0.0:
            for v in range(N):
                if where[v] < 0:
                    d = D[i, v]
                    if d != 0.0:
                        dj[v] -= tq * d
        dj[enter] = 0.0
        dj[b] = tq
        # pivot: enter replaces b in row i; x_b leaves at its bound
        delta = target - x[b]
        d = D[i, enter]
        step = delta / d                # change of x_enter that brings x_b to the target
        x[enter] += step
        for q in range(m):
            if q != i:
                x[basic[q]] += D[q, enter] * step
        x[b] = target
        inv = 1.0 / d
        for v in range(N):
            D[i, v] = -D[i, v] * inv
        D[i, b] = inv
        D[i, enter] = 0.0
        for q in range(m):
            if q == i:
                continue
            f = D[q, enter]
            if f != 0.0:
                Dq, Di = D[q], D[i]
                for v in range(N):
                    Dq[v] += f * Di[v]
                D[q, enter] = 0.0
        basic[i] = enter
        where[enter] = i
        where[b] = -1
        work[0] += 1
    return FAILED


def _reset(A, D, basic, where, x, work):
    """The slack basis: every row's activity basic, ``u`` nonbasic where it is (in the box)."""
    m, n = A.shape
    for i in range(m):
        for j in range(n):
            D[i, j] = A[i, j]
        for j in range(n, n + m):
            D[i, j] = 0.0
        basic[i] = n + i
    for j in range(n):
        where[j] = -1
        if x[j] < -1.0:
            x[j] = -1.0
        elif x[j] > 1.0:
            x[j] = 1.0
    for i in range(m):
        where[n + i] = i
    work[0] = 0.0


def _solve_retry(A, g, sign, margin, check, feastol, D, basic, where, x, lb, ub, ray, order, max_iter, work,
                 refactor, Gu, gu, rnorm, rbound, rK):
    """:func:`_solve` from a dictionary refactored every ``refactor`` pivots, once more from
    the slack basis if it fails."""
    if work[0] > refactor:    # the dictionary's rounding grows with its pivots
        _reset(A, D, basic, where, x, work)
    status = _solve(A, g, sign, margin, check, feastol, D, basic, where, x, lb, ub, ray, order, max_iter, work,
                    Gu, gu, rnorm, rbound, rK)
    if status == FAILED:
        _reset(A, D, basic, where, x, work)
        status = _solve(A, g, sign, margin, check, feastol, D, basic, where, x, lb, ub, ray, order, max_iter,
                        work, Gu, gu, rnorm, rbound, rK)
        if status == FAILED:
            _reset(A, D, basic, where, x, work)
    return status


if numba is not None:
    _dot = numba.njit(cache=True, nogil=True)(_dot)
    _filter = numba.njit(cache=True, nogil=True)(_filter)
    _solve = numba.njit(cache=True, nogil=True)(_solve)
    _reset = numba.njit(cache=True, nogil=True)(_reset)
    _solve_retry = numba.njit(cache=True, nogil=True)(_solve_retry)

#: the compiled functions (numba dispatchers when numba imports)
KERNELS = (_dot, _filter, _solve, _reset, _solve_retry)


class DenseLP:
    """The enumerator's LP ``u in [-1, 1]^n, s_r (A_r u + g_r) >= margin`` on a warm dictionary.

    Parameters
    ----------
    m, n : int
        Rows (every unit row of the network) and inputs.

    Attributes
    ----------
    A, g : ndarray
        The rows, unit-normalised (written by the caller; call :meth:`reset` after changing
        a row that is in use).
    x : ndarray
        After :data:`FEASIBLE`, ``x[:n]`` is the point.
    ray : ndarray
        After :data:`INFEASIBLE`, a Farkas certificate in HiGHS's convention (``ray_r s_r >= 0``).
    """

    def __init__(self, m, n, A=None, g=None, rows=None):
        self.m, self.n = m, n
        N = n + m
        self.A = np.zeros((m, n)) if A is None else A
        self.g = np.zeros(m) if g is None else g
        self.D = np.zeros((m, N))
        self.basic = np.zeros(m, dtype=np.int64)
        self.where = np.full(N, -1, dtype=np.int64)
        self.x = np.zeros(N)
        self.lb = np.full(N, -1.0)     # u in the box [-1, 1]^n; the rows' bounds are set per solve
        self.ub = np.full(N, 1.0)
        self.ray = np.zeros(m)
        self.order = np.zeros(N, dtype=np.int64)
        self.max_iter = 60 + 4 * m
        # the unnormalised rows the filter checks a ray against (enumerate.py's _Gu, _gu,
        # _rnorm, _rbound, _rK); without them no ray is proved here
        self.rows = rows if rows is not None else (np.zeros((m, n)), np.zeros(m), np.zeros(m), np.zeros(m),
                                                    np.zeros(m))
        self.work = np.zeros(1)    # pivots since the last reset
        self.refactor_pivots = 10 * (m + n)
        self.reset()

    def reset(self, point=None):
        """The slack basis (every row's activity basic), ``u`` nonbasic at ``point`` (or kept)."""
        if point is not None:
            self.x[:self.n] = point
        _reset(self.A, self.D, self.basic, self.where, self.x, self.work)

    def args(self, margin, check=None):
        """The kernel's arguments for :func:`_solve_retry` after ``sign`` (for compiled callers)."""
        check = tol.POINT_MARGIN_FRACTION * margin if check is None else check
        return (margin, check, tol.LP_FEASTOL, self.D, self.basic, self.where, self.x, self.lb, self.ub, self.ray,
                self.order, self.max_iter, self.work, self.refactor_pivots, *self.rows)

    def solve(self, sign, margin, check=None):
        """Status of the LP with rows ``sign`` (0 off, +-1 on); a failed warm solve is
        retried once from the slack basis."""
        return _solve_retry(self.A, self.g, sign, *self.args(margin, check))
