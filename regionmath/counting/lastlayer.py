"""The enumerator's search inside the last layer of a ReLU network, compiled with numba.

Once the search of :mod:`regionmath.counting.enumerate` has entered the last layer at a
region, no layer is left to enter: what remains is to find the cells that the last layer's
hyperplanes (affine on that region) cut from it. That subtree holds almost every node of the
search, and in Python each node costs ~100 us of bookkeeping. :func:`search` runs the same
depth-first search as :meth:`Enumerator._explore_relu` (known points carried down as their
values on every row, one LP per side no point proves, a one-sided unit fixed for the whole
subtree, a split by the first two-sided unit) in compiled code, calling the dense simplex
kernel (:mod:`regionmath.counting.simplex`) directly.

It decides nothing the Python search would not: a side is dropped only when the kernel's
Farkas ray passed the float filter (:func:`regionmath.counting.simplex._filter`). Whenever
that does not hold (the kernel fails, or a ray the filter does not prove) or the leaf buffer
is full, it stops with :data:`ABORT` and the caller searches the same subtree again in
Python, where HiGHS and the exact fallback decide. At the deadline it stops with
:data:`TIMEOUT`, keeping the regions found.
"""

from __future__ import annotations

import time

import numpy as np

from . import simplex

__all__ = ["OK", "ABORT", "TIMEOUT", "KERNELS", "search", "available"]

OK, ABORT, TIMEOUT = 0, 1, 2


def available() -> bool:
    return simplex.numba is not None


def _now():
    return time.time()


def _node(units, Q, base, start, R, tol, H, hg, pattern, sign, leaves_p, leaves_x, counts, deadline,
          A, g, margin, check, feastol, D, basic, where, x, lb, ub, ray, order, max_iter, work, refactor,
          Gu, gu, rnorm, rbound, rK):
    """One node; ``counts`` = [leaves, lps, pruned, nodes]. Returns OK, ABORT or TIMEOUT."""
    counts[3] += 1
    if counts[3] % 64 == 0 and deadline < np.inf:
        with numba.objmode(now="float64"):
            now = _now()
        if now >= deadline:
            return TIMEOUT
    k = Q.shape[0]
    W = Q.shape[1]
    nu = units.shape[0]
    if nu == 0:
        return _leaf(Q, R, pattern, sign, leaves_p, leaves_x, counts)
    Qn = np.empty((k + 2 * nu, W))
    Qn[:k] = Q
    kk = k
    split = np.empty(nu, dtype=np.int64)
    ns = 0
    fixed_u = np.empty(nu, dtype=np.int64)
    fixed_j = np.empty(nu, dtype=np.int64)
    nf = 0
    rows_on = np.empty(nu, dtype=np.int64)
    non = 0
    for a in range(nu):
        u = units[a]
        c = base + u
        off = False
        on = False
        for p in range(kk):
            v = Qn[p, c]
            if v < -tol:
                off = True
            elif v > tol:
                on = True
            if off and on:
                break
        if off and on:
            split[ns] = u
            ns += 1
            continue
        r = base + u
        for j in range(2):
            if (j == 1 and on) or (j == 0 and off):
                continue
            sign[r] = 1.0 if j == 1 else -1.0
            counts[1] += 1
            st = simplex._solve_retry(A, g, sign, margin, check, feastol, D, basic, where, x, lb, ub, ray, order,
                                      max_iter, work, refactor, Gu, gu, rnorm, rbound, rK)
            if st == simplex.FEASIBLE:
                sign[r] = 0.0
                _lift(H, hg, x, R, Qn[kk])
                kk += 1
                if j == 1:
                    on = True
                else:
                    off = True
            elif st == simplex.INFEASIBLE:
                counts[2] += 1
                if (j == 1 and off) or (j == 0 and on):
                    sign[r] = -1.0 if j == 1 else 1.0     # the other side, for the whole subtree
                    rows_on[non] = r
                    non += 1
                else:
                    sign[r] = 0.0
            else:
                sign[r] = 0.0
                for b in range(non):
                    sign[rows_on[b]] = 0.0
                return ABORT
        if off and on:
            split[ns] = u
            ns += 1
        elif off or on:
            fixed_u[nf] = u
            fixed_j[nf] = 1 if on else 0
            nf += 1
        else:   # too thin to count
            for b in range(non):
                sign[rows_on[b]] = 0.0
            return OK
    Q = Qn[:kk].copy()
    status = OK
    if nf > 0:
        keep = np.ones(kk, dtype=np.bool_)
        nk = kk
        for f in range(nf):
            u = fixed_u[f]
            r = base + u
            s = 1.0 if fixed_j[f] == 1 else -1.0
            if sign[r] == 0.0:
                sign[r] = s
                rows_on[non] = r
                non += 1
            pattern[start + u] = fixed_j[f]
            for p in range(kk):
                if keep[p] and not (s * Q[p, r] > tol):
                    keep[p] = False
                    nk -= 1
        if nk > 0:
            Q = Q[keep]
        else:
            counts[1] += 1
            st = simplex._solve_retry(A, g, sign, margin, check, feastol, D, basic, where, x, lb, ub, ray, order,
                                      max_iter, work, refactor, Gu, gu, rnorm, rbound, rK)
            if st == simplex.FEASIBLE:
                Q = np.empty((1, W))
                _lift(H, hg, x, R, Q[0])
            elif st == simplex.INFEASIBLE:
                counts[2] += 1
                for b in range(non):
                    sign[rows_on[b]] = 0.0
                return OK
            else:
                for b in range(non):
                    sign[rows_on[b]] = 0.0
                return ABORT
    if ns == 0:
        status = _leaf(Q, R, pattern, sign, leaves_p, leaves_x, counts)
    else:
        u = split[0]
        rest = split[1:ns].copy()
        r = base + u
        for j in range(2):
            s = 1.0 if j == 1 else -1.0
            sign[r] = s
            sel = np.empty(Q.shape[0], dtype=np.bool_)
            nsel = 0
            for p in range(Q.shape[0]):
                sel[p] = s * Q[p, r] > tol
                if sel[p]:
                    nsel += 1
            if nsel > 0:
                Qc = Q[sel]
            else:
                counts[1] += 1
                st = simplex._solve_retry(A, g, sign, margin, check, feastol, D, basic, where, x, lb, ub, ray,
                                          order, max_iter, work, refactor, Gu, gu, rnorm, rbound, rK)
                if st == simplex.INFEASIBLE:
                    counts[2] += 1
                    continue
                if st != simplex.FEASIBLE:
                    status = ABORT
                    break
                Qc = np.empty((1, W))
                _lift(H, hg, x, R, Qc[0])
            pattern[start + u] = j
            status = _node(rest, Qc, base, start, R, tol, H, hg, pattern, sign, leaves_p, leaves_x, counts,
                           deadline, A, g, margin, check, feastol, D, basic, where, x, lb, ub, ray, order,
                           max_iter, work, refactor, Gu, gu, rnorm, rbound, rK)
            if status != OK:
                break
        sign[r] = 0.0
    for b in range(non):
        sign[rows_on[b]] = 0.0
    return status


def _lift(H, hg, x, R, out):
    """``out = [G x + g, x]``: a point's values on every row, then the point (H = [G; I])."""
    n0 = out.shape[0] - R
    for i in range(R):
        out[i] = hg[i] + simplex._dot(H[i], x, n0)
    for j in range(n0):
        out[R + j] = x[j]


def _leaf(Q, R, pattern, sign, leaves_p, leaves_x, counts):
    """Record the current region, its witness the known point deepest inside."""
    c = counts[0]
    if c >= leaves_p.shape[0]:
        return ABORT          # the buffer is full: the caller grows it and searches again
    best, best_m = 0, -np.inf
    if Q.shape[0] > 1:
        for p in range(Q.shape[0]):
            m = np.inf
            for r in range(R):
                s = sign[r]
                if s != 0.0:
                    v = s * Q[p, r]
                    if v < m:
                        m = v
            if m > best_m:
                best, best_m = p, m
    for i in range(pattern.shape[0]):
        leaves_p[c, i] = pattern[i]
    for i in range(Q.shape[1] - R):
        leaves_x[c, i] = Q[best, R + i]
    counts[0] = c + 1
    return OK


numba = simplex.numba
if numba is not None:
    _lift = numba.njit(cache=True, nogil=True)(_lift)
    _leaf = numba.njit(cache=True, nogil=True)(_leaf)
    _node = numba.njit(cache=True)(_node)   # objmode reads the clock: no nogil
    # _node compiles the simplex kernels into itself: its cache must follow simplex.py too
    simplex.tie_cache((_lift, _leaf, _node), simplex.KERNELS)

#: every compiled function the last-layer search runs
KERNELS = simplex.KERNELS + (_lift, _leaf, _node)


def search(units, Q, base, start, R, tol, H, hg, pattern, sign, leaves_p, leaves_x, deadline, lp, margin):
    """Search the subtree of the current region in the last layer (see the module docstring).

    Returns ``(status, leaves, lps, pruned)``; ``leaves_p[:leaves]``, ``leaves_x[:leaves]``
    hold the regions' patterns and witnesses (box coordinates ``u``).
    """
    counts = np.zeros(4, dtype=np.int64)
    status = _node(np.asarray(units, dtype=np.int64), Q, base, start, R, tol, H, hg, pattern, sign, leaves_p,
                   leaves_x, counts, np.inf if deadline is None else float(deadline), lp.A, lp.g,
                   *lp.args(margin))
    return status, int(counts[0]), int(counts[1]), int(counts[2])
