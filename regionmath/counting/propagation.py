"""Bounds on every pre-activation over the input box: interval arithmetic tightened by LPs.

The MILP needs, per unit, numbers ``lo <= z(x) <= hi`` valid on the whole box (its big-M
constants), and enumerators use the same bounds to skip hyperplanes that cannot cut. Two
methods, each sound (the true range lies inside the returned interval):

* :func:`interval_bounds`: interval arithmetic layer by layer (exact for the first layer);
* :func:`lp_bounds`: for every unit of layer ``l >= 2``, minimise and maximise its
  pre-activation over the LP relaxation of layers ``1 .. l-1`` (relu: the triangle relaxation
  ``h >= 0, h >= z, h <= hi (z - lo) / (hi - lo)``; maxout: ``h >= z_r`` and
  ``h <= z_r + max_j hi_j - lo_r`` for each piece ``r``), starting from the interval
  bounds; one HiGHS model per layer, warm-started between objectives.

LP optima are floats; the bounds are widened by a small relative safety margin
(:data:`SAFETY`) so that rounding cannot make them invalid.

Examples
--------
>>> from regionmath.network import Network
>>> net = Network.from_exact([[[1], [-1]], [[1, 1]]], [[0, 0], [-1]], box=([-1], [1]))  # |x| - 1
>>> [(lo.tolist(), hi.tolist()) for lo, hi in interval_bounds(net)]
[([-1.0, -1.0], [1.0, 1.0]), ([-1.0], [1.0])]
>>> b = lp_bounds(net)[1]; bool(-1.0 <= b[0][0] and b[1][0] <= 1.0)
True
"""

from __future__ import annotations

import numpy as np

from .tolerances import BOUND_SAFETY as SAFETY  # noqa: E402 - the one home of tolerances


__all__ = ["SAFETY", "interval_bounds", "lp_bounds"]


def _box(network, box):
    if box is None:
        return network.box
    return np.asarray(box[0], float), np.asarray(box[1], float)


def _post(network, lo, hi):
    """Bounds of the layer's outputs from bounds of its pre-activations."""
    if network.activation == "relu":
        return np.maximum(lo, 0.0), np.maximum(hi, 0.0)
    k = network.rank
    return lo.reshape(-1, k).max(axis=1), hi.reshape(-1, k).max(axis=1)


def _affine_interval(W, b, lo, hi):
    Wp, Wn = np.maximum(W, 0.0), np.minimum(W, 0.0)
    return Wp @ lo + Wn @ hi + b, Wp @ hi + Wn @ lo + b


def interval_bounds(network, box=None) -> list:
    """Per hidden layer, ``(lo, hi)`` arrays bounding each pre-activation row over the box.

    References
    ----------
    Serra, Tjandraatmadja, Ramalingam, ICML 2018, Sec. 4 (big-M constants from bounds).
    """
    lo, hi = _box(network, box)
    out = []
    for W, b in zip(network.weights, network.biases):
        zlo, zhi = _affine_interval(W, b, lo, hi)
        out.append((zlo, zhi))
        lo, hi = _post(network, zlo, zhi)
    return out


def lp_bounds(network, box=None, layers=None, progress=None) -> list:
    """Like :func:`interval_bounds`, each unit of layer ``>= 2`` tightened by two LPs over the
    relaxation of the earlier layers (built with the tightened bounds).

    ``layers``: tighten only layers up to this number (default all).
    """
    import highspy
    from .solvers import new_highs
    lo0, hi0 = _box(network, box)
    n0 = network.n0
    last = network.L if layers is None else min(layers, network.L)
    h = new_highs()
    inf = highspy.kHighsInf
    h.addVars(n0, lo0, hi0)
    prev = np.arange(n0)                        # columns of the previous layer's outputs
    plo, phi = lo0.copy(), hi0.copy()
    out = []
    k = network.rank
    for l, (W, b) in enumerate(zip(network.weights, network.biases), 1):
        zlo, zhi = _affine_interval(W, b, plo, phi)
        if 2 <= l <= last:
            ncol = h.getNumCol()
            for i in range(W.shape[0]):
                cost = np.zeros(ncol)
                cost[prev] = W[i]
                for sense, dest in ((1.0, zlo), (-1.0, zhi)):
                    h.changeColsCost(ncol, np.arange(ncol, dtype=np.int32), sense * cost)
                    h.run()
                    if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
                        val = sense * h.getInfo().objective_function_value + b[i]
                        slack = SAFETY * (1.0 + np.abs(W[i]) @ np.maximum(np.abs(plo), np.abs(phi)) + abs(b[i]))
                        if sense > 0:
                            dest[i] = max(dest[i], val - slack)
                        else:
                            dest[i] = min(dest[i], val + slack)
                if progress is not None:
                    progress({"layer": l, "unit": i})
        out.append((zlo, zhi))
        if l == network.L:
            break
        # add this layer's relaxation: z columns tied to the previous outputs, then h columns
        ncol = h.getNumCol()
        rows = W.shape[0]
        h.addVars(rows, zlo, zhi)
        zcols = np.arange(ncol, ncol + rows)
        for i in range(rows):  # z_i - W_i prev = b_i
            idx = np.r_[zcols[i], prev].astype(np.int32)
            h.addRow(b[i], b[i], len(idx), idx, np.r_[1.0, -W[i]])
        olo, ohi = _post(network, zlo, zhi)
        units = len(olo)
        base = h.getNumCol()
        h.addVars(units, olo, ohi)
        hcols = np.arange(base, base + units)
        if network.activation == "relu":
            for i in range(units):
                z, y = int(zcols[i]), int(hcols[i])
                if zlo[i] >= 0:
                    h.addRow(0.0, 0.0, 2, np.array([y, z], np.int32), np.array([1.0, -1.0]))
                elif zhi[i] <= 0:
                    h.changeColBounds(y, 0.0, 0.0)
                else:
                    h.addRow(0.0, inf, 2, np.array([y, z], np.int32), np.array([1.0, -1.0]))
                    s = zhi[i] / (zhi[i] - zlo[i])      # h <= s (z - lo)
                    h.addRow(-inf, -s * zlo[i], 2, np.array([y, z], np.int32), np.array([1.0, -s]))
        else:
            for u in range(units):
                y = int(hcols[u])
                top = zhi[u * k:(u + 1) * k].max()
                for r in range(u * k, (u + 1) * k):
                    z = int(zcols[r])
                    idx = np.array([y, z], np.int32)
                    h.addRow(0.0, inf, 2, idx, np.array([1.0, -1.0]))
                    h.addRow(-inf, top - zlo[r], 2, idx, np.array([1.0, -1.0]))
        prev, plo, phi = hcols, olo, ohi
    return out
