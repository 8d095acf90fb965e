"""The enumerator's entry into a ReLU layer, compiled with numba.

When the search of :mod:`regionmath.counting.enumerate` enters layer ``l`` at a region, each
unit's pre-activation is affine there: ``W_l (D_{l-1} A_{l-1}) u + ...`` with ``D_{l-1}`` the
0/1 diagonal of the previous layer's states. :meth:`Enumerator._enter_layer` computes these
rows, their magnitudes (the float filter's rounding bound), their unit-normalised copies for
the LPs, and which units are one-signed on the whole box, in some sixty numpy calls: ~100 us,
half the time of a network whose last layer is narrow (a 64-input (21, 1) net enters its
second layer at each of its 2 million first-layer regions). :func:`enter_relu` does the same
arithmetic in one compiled call and writes the rows where the enumerator keeps them.

It decides nothing the numpy code would not: the formulas are the same (a sum in another
order keeps Higham's bound, which holds for every order), and a row that the float data
cannot tell from zero (the numpy code's ``maybe_zero``, decided in exact arithmetic) makes it
return ``False`` before it writes anything, so that the caller takes the numpy path.

Examples
--------
A first layer on the box ``u in [-1, 1]`` (the identity map before it): ``u + 1/2`` cuts the
box, ``u - 3`` is negative on all of it, ``u/2 + 2`` positive.

>>> import numpy as np
>>> W, b = np.array([[1.0], [1.0], [0.5]]), np.array([0.5, -3.0, 2.0])
>>> rows = tuple(np.zeros(s) for s in ((3, 1), 3, 3, 3, 3, 3, 3, (3, 2), (3, 1), 3, 3))
>>> out = enter_relu(W, b, abs(W), abs(b), np.eye(1), np.zeros(1), np.eye(1), np.zeros(1),
...                  np.ones(1, dtype=np.int8), 1e-15, 1e-300, True, 1e-7, 0, 5, rows)
>>> out[-1]                       # state: 2 a cut, -1 negative, 1 positive on the box
array([ 2, -1,  1])
>>> rows[7][0]                    # the cut's LP bounds: Gh u >= -gh + margin (on), <= -gh - margin (off)
array([-0.4999999, -0.5000001])

A unit the float data cannot tell from zero is left to exact arithmetic:

>>> enter_relu(np.zeros((1, 1)), np.ones(1), np.zeros((1, 1)), np.ones(1), np.eye(1), np.zeros(1),
...            np.eye(1), np.zeros(1), np.ones(1, dtype=np.int8), 1e-15, 1e-300, True, 1e-7, 0, 5,
...            rows) is None
True
"""

from __future__ import annotations

import math

import numpy as np

from . import simplex

__all__ = ["KERNELS", "enter_relu"]


def _enter_relu(W, b, absW, absb, A, c, mA, mc, on, gam, tiny, bounded, margin, base, K,
                Gu, gu, rmag_o, cmag_o, rK_o, rnorm_o, rbound_o, row_on, Gs, gs, hs_sign):
    n, p = W.shape
    n0 = A.shape[1]
    Az = np.zeros((n, n0))
    mAz = np.zeros((n, n0))
    cz = np.zeros(n)
    mcz = np.zeros(n)
    for i in range(n):
        s = 0.0
        ms = 0.0
        for k in range(p):
            if on[k] == 0:
                continue
            w = W[i, k]
            aw = absW[i, k]
            s += w * c[k]
            ms += aw * mc[k]
            for j in range(n0):
                Az[i, j] += w * A[k, j]
                mAz[i, j] += aw * mA[k, j]
        cz[i] = s + b[i]
        mcz[i] = ms + absb[i]
    rmag = np.zeros(n)
    l1 = np.zeros(n)
    nrm = np.zeros(n)
    for i in range(n):
        a = 0.0
        q = 0.0
        r = 0.0
        for j in range(n0):
            v = Az[i, j]
            a += mAz[i, j]
            q += abs(v)
            r += v * v
        rmag[i], l1[i], nrm[i] = a, q, math.sqrt(r)
        if q <= gam * a or a + mcz[i] < tiny or not math.isfinite(q):
            return False, Az, cz, mAz, mcz, Az, cz, np.zeros(n, dtype=np.int64)   # exact rows: numpy path
    Gh = np.empty((n, n0))
    gh = np.empty(n)
    state = np.empty(n, dtype=np.int64)
    for i in range(n):
        g = cz[i]
        safe = nrm[i] if nrm[i] != 0.0 else 1.0
        for j in range(n0):
            Gh[i, j] = Az[i, j] / safe
        gh[i] = g / safe
        err = gam * (rmag[i] + mcz[i])
        st = 2
        if bounded:
            if g - l1[i] - err > 0:
                st = 1
            if g + l1[i] + err < 0:
                st = -1
        state[i] = st
        r = base + i
        for j in range(n0):
            Gu[r, j] = Az[i, j]
            Gs[r, j] = Gh[i, j]
        gu[r] = g
        gs[r] = gh[i]
        rmag_o[r] = rmag[i]
        cmag_o[r] = mcz[i]
        rK_o[r] = K
        rnorm_o[r] = nrm[i]
        rbound_o[r] = rmag[i] + mcz[i]
        if st == 2:
            row_on[r, 0] = -gh[i] + margin
            row_on[r, 1] = -gh[i] - margin
        hs_sign[r] = np.nan
    return True, Az, cz, mAz, mcz, Gh, gh, state


numba = simplex.numba
if numba is not None:
    _enter_relu = numba.njit(cache=True, nogil=True)(_enter_relu)

#: the compiled functions of this module
KERNELS = (_enter_relu,)


def enter_relu(W, b, absW, absb, A, c, mA, mc, on, gam, tiny, bounded, margin, base, K, rows):
    """Layer ``l``'s rows on the current region (see the module docstring).

    ``W, b`` and their absolute values are layer ``l``'s weights; ``A, c`` (magnitudes
    ``mA, mc``) the previous layer's affine map on the region, of which the rows with
    ``on[k] == 0`` are switched off; ``rows`` the enumerator's arrays ``(Gu, gu, rmag, cmag,
    rK, rnorm, rbound, row_on, G, g, hs_sign)``, written at rows ``base:base + n``.

    Returns ``(Az, cz, mAz, mcz, Gh, gh, state)`` (``state``: 2 a cut, 1 positive on the
    box, -1 negative), or None when a row needs exact arithmetic (nothing is written then).
    """
    ok, Az, cz, mAz, mcz, Gh, gh, state = _enter_relu(W, b, absW, absb, A, c, mA, mc, on, gam, tiny, bounded,
                                                       margin, base, K, *rows)
    return (Az, cz, mAz, mcz, Gh, gh, state) if ok else None
