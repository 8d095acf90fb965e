"""Counting on a line: the exact count of a one-input network, ReLU or maxout, on an interval or
all of ``R^1``.

On ``R^1`` every activation pattern's set is an interval (it is cut out by half-lines), so the
regions are the maximal intervals of constant pattern. :func:`count_line` finds them layer by
layer in exact rational arithmetic: on each interval of the earlier layers every unit is affine,
so its breakpoint (relu: its zero; maxout: where two pieces tie) is an exact rational root;
sorting the roots inside the interval splits it. Each region's witness is its interval's
midpoint (the nearest float when that is still inside, else a Fraction), checked exactly like
any other counter's
(:mod:`regionmath.counting.certify`). No LP, no tolerance.

:func:`line_breakpoints` is the float version for relu networks given as parameter lists:
vectorised, 35-120x faster than the enumerator (bench/bench_search.md), and used only as the
search's objective (:mod:`regionmath.search`), whose results are recounted exactly.

Examples
--------
>>> from regionmath.network import Network
>>> net = Network.from_exact([[[1], [1], [1]]], [[-100, 0, 100]])   # breakpoints -100, 0, 100
>>> count_line(net).count                                          # on the box [-1, 1]: x = 0 only
2
>>> count_line(net, unbounded=True).count
4

References
----------
.. [1] T. Serra, C. Tjandraatmadja, S. Ramalingam, "Bounding and Counting Linear Regions of
   Deep Neural Networks", ICML 2018, Sec. 3 (the exact maximum for one input).
"""

from __future__ import annotations

import time
import numpy as np

from ..errors import RegionmathError
from ..exact import exact_layers, to_fraction, to_mpq
from .result import CountResult, Region, RegionArray

__all__ = ["count_line", "line_breakpoints", "line_points", "count_line_float", "LINE_GAP"]


def count_line(network, time_limit=None, definition="interior", progress=None, unbounded=False) -> CountResult:
    """Exact activation regions of a one-input network on its box (or all of ``R^1``).

    Parameters
    ----------
    network : Network
        One input, relu or maxout; exact weights when it has them, else its floats (exact
        dyadic rationals).
    time_limit : float or None
        Seconds; when reached the result has ``complete=False`` and keeps only whole intervals
        of the earlier layers (none is counted twice).
    definition : {"interior"}
    progress : callable or None
        Called once with ``{"count", "seconds"}`` at the end.
    unbounded : bool
        Count in all of ``R^1`` instead of the box.

    Returns
    -------
    CountResult
        Method ``"line"``; each region's witness is its interval's midpoint, rounded to the
        nearest float when that stays strictly inside the interval (else an exact Fraction).

    Raises
    ------
    RegionmathError
        When the network has more than one input or another definition is asked for.
    """
    if network.n0 != 1:
        raise RegionmathError(f"method line counts networks with one input; this one has {network.n0}")
    if definition != "interior":
        raise RegionmathError(f"method line counts regions with non-empty interior only (definition 'interior'), "
                              f"got {definition!r}")
    start = time.perf_counter()
    k = network.rank
    zero = to_mpq(0)
    if unbounded:
        lo = hi = None                    # None: the interval is unbounded on that side
    else:
        lo, hi = to_mpq(network.box[0][0]), to_mpq(network.box[1][0])
    # a piece: (left, right, pattern so far, slope, offset of every current activation)
    pieces = [(lo, hi, (), [to_mpq(1)], [zero])]
    complete = True
    for W, b in exact_layers(network):
        out = []
        pres = _pre_activations(W, b, pieces)
        for (left, right, pat, al, be), pre in zip(pieces, pres):
            if time_limit is not None and time.perf_counter() - start > time_limit:
                complete = False
                break
            cuts = set()
            if network.activation == "relu":
                cands = [((a, o), (zero, zero)) for a, o in pre]
            else:
                cands = [(pre[u + i], pre[u + j]) for u in range(0, len(pre), k) for i in range(k) for j in range(i + 1, k)]
            for (a1, b1), (a2, b2) in cands:
                if a1 != a2:
                    r = (b2 - b1) / (a1 - a2)
                    if (left is None or left < r) and (right is None or r < right):
                        cuts.add(r)
            ends = [left] + sorted(cuts) + [right]
            for x0, x1 in zip(ends, ends[1:]):
                mid = _inside(x0, x1)
                z = [a * mid + o for a, o in pre]
                if network.activation == "relu":
                    bits = tuple(int(v > 0) for v in z)
                    na = [a if s else zero for (a, _), s in zip(pre, bits)]
                    nb = [o if s else zero for (_, o), s in zip(pre, bits)]
                else:
                    bits, na, nb = [], [], []
                    for u in range(0, len(z), k):
                        vals = z[u:u + k]
                        j = max(range(k), key=lambda i: (vals[i], -i))
                        bits.append(j)
                        na.append(pre[u + j][0])
                        nb.append(pre[u + j][1])
                    bits = tuple(bits)
                if out and out[-1][2] == pat + (bits,) and out[-1][1] == x0:
                    out[-1] = (out[-1][0], x1, out[-1][2], na, nb)
                else:
                    out.append((x0, x1, pat + (bits,), na, nb))
        pieces = out
        if not complete:
            break
    regions = RegionArray.from_regions(
        [Region(tuple(v for layer in p[2] for v in layer), [_witness(p[0], p[1])]) for p in pieces],
        N=network.N, n0=1)
    if progress is not None:
        progress({"count": len(regions), "seconds": time.perf_counter() - start})
    return CountResult(count=len(regions), method="line", complete=complete,
                       seconds=time.perf_counter() - start, regions=regions,
                       info={"domain": "R^n0" if unbounded else "box"})


def _pre_activations(W, b, pieces):
    """Per piece, every unit's ``(slope, offset)`` on it: ``W al`` and ``W be + b``, exact.

    One product of rational matrices for all pieces (python-flint's ``fmpq_mat``, in C)
    instead of a Python sum per unit and piece: a layer of 256 units on 100 pieces went from
    seconds to milliseconds."""
    from flint import fmpq, fmpq_mat
    from gmpy2 import mpq
    rows, cols, n = len(W), len(W[0]) if W else 0, len(pieces)
    if not (rows and cols and n):
        return [[(mpq(0), bb) for bb in b] for _ in pieces]
    Wm = fmpq_mat(rows, cols, [fmpq(int(v.numerator), int(v.denominator)) for row in W for v in row])
    A = fmpq_mat(cols, 2 * n, [fmpq(int(v.numerator), int(v.denominator))
                               for j in range(cols) for piece in pieces for v in (piece[3][j], piece[4][j])])
    back = [[mpq(int(e.p), int(e.q)) for e in row] for row in (Wm * A).table()]
    return [[(back[i][2 * k], back[i][2 * k + 1] + b[i]) for i in range(rows)] for k in range(n)]


def _witness(left, right):
    """The interval's witness: the float nearest its midpoint when that float (an exact dyadic
    rational) is still strictly inside -- then the witnesses certify in bulk -- else the exact
    midpoint as a Fraction."""
    mid = _inside(left, right)
    f = float(mid)
    q = to_mpq(f)
    if (left is None or left < q) and (right is None or q < right):
        return f
    return to_fraction(mid)


def _inside(left, right):
    """A rational point of the open interval (left, right); None is an unbounded end."""
    if left is None and right is None:
        return to_mpq(0)
    if left is None:
        return right - 1
    if right is None:
        return left + 1
    return (left + right) / 2


# -- the float objective of the search ----------------------------------------------------------
from .tolerances import LINE_GAP  # noqa: E402 - breakpoints closer than this are one (reason there)


def line_breakpoints(params):
    """The sorted points of R^1 where some unit of a relu network changes sign.

    ``params`` is a list of ``(W, b)`` float arrays. Layer by layer, each unit is affine on
    each interval of the earlier layers' breakpoints; its zero inside an interval (if any) is
    a new breakpoint. Float arithmetic: a fast search objective only (a searched network is
    recounted by :func:`count_line` and certified).
    """
    bps = np.empty(0)
    for l in range(len(params)):
        reps = line_points(bps)
        h, dh = reps[:, None], np.ones((len(reps), 1))
        for W, b in params[:l + 1]:
            z, dz = h @ W.T + b, dh @ W.T
            h, dh = np.maximum(z, 0), dz * (z > 0)
        s, c = dz, z - dz * reps[:, None]          # z = s x + c on each interval
        left = np.r_[-np.inf, bps][:, None]
        right = np.r_[bps, np.inf][:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            x = -c / s
            tol = LINE_GAP * np.maximum(1.0, np.abs(x))
            inside = (s != 0) & (x > left + tol) & (x < right - tol)
        new = np.sort(x[inside])
        if len(new):
            allx = np.sort(np.r_[bps, new])
            keep = np.r_[True, np.diff(allx) > LINE_GAP * np.maximum(1.0, np.abs(allx[1:]))]
            bps = allx[keep]
    return bps


def line_points(bps):
    """One point inside each interval between the breakpoints (the rays included)."""
    if not len(bps):
        return np.zeros(1)
    span = max(1.0, bps[-1] - bps[0])
    return np.r_[bps[0] - span, (bps[:-1] + bps[1:]) / 2, bps[-1] + span]


def count_line_float(params):
    """The float count of a relu network on the line, and one point per region (shape (R, 1))."""
    bps = line_breakpoints(params)
    return len(bps) + 1, line_points(bps)[:, None]
