"""Independent reference tools for the proof files (not part of the toolkit).

The proofs check the toolkit's registry entries, constructions and counters against
derivations that share no code with them. This module holds the few slow, simple,
obviously-correct reference computations they need:

* :func:`phi_literal` -- Zaslavsky's sum written out term by term with :func:`math.comb`;
* :func:`whitney_regions` -- regions and bounded regions of an explicit rational arrangement
  by Whitney's formula (a sum over central subsets, exact rank over the rationals);
* :func:`sweep_regions` -- regions of an arrangement by adding hyperplanes one at a time and
  testing both sides of every region with an LP; every region's witness is re-checked in
  exact arithmetic;
* :func:`regions_1d` -- the exact activation regions of a ReLU or maxout network on an
  interval of the real line (breakpoints found as exact rational roots);
* :func:`brute_patterns` -- every activation pattern of a small ReLU or maxout network tested
  by an LP, under the toolkit's definition ("interior") or the MILP's as printed in Serra et
  al. 2018 ("serra2018").

>>> phi_literal(3, 2)
7
>>> whitney_regions([[0, 1, 0], [0, 0, 1], [-1, 1, 1]])   # 3 lines in general position
(7, 1)
"""

from __future__ import annotations

import functools
import itertools
import json
import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import linprog


def registry_entry(bound_id):
    """``regionmath.bounds.get(bound_id)``; a missing id FAILS the test (a renamed id must not
    turn the checks into silent skips)."""
    from regionmath import bounds
    assert bound_id in bounds.REGISTRY, f"registry entry {bound_id!r} is missing"
    return bounds.get(bound_id)


def toolkit_module(name):
    """Import a toolkit module; a missing module FAILS the test."""
    import importlib
    try:
        return importlib.import_module(name)
    except ImportError as e:
        pytest.fail(f"{name} is not importable ({e})")


def phi_literal(m: int, d: int) -> int:
    """``sum_{j=0}^{d} C(m, j)`` term by term (``C(m, j) = 0`` for ``j > m``)."""
    return sum(math.comb(m, j) for j in range(d + 1))


# -- arrangements --------------------------------------------------------------------------
def _rank(rows):
    """Exact rank of a list of Fraction rows (Gaussian elimination)."""
    rows = [list(r) for r in rows]
    rank, col = 0, 0
    ncols = len(rows[0]) if rows else 0
    while rank < len(rows) and col < ncols:
        piv = next((i for i in range(rank, len(rows)) if rows[i][col] != 0), None)
        if piv is None:
            col += 1
            continue
        rows[rank], rows[piv] = rows[piv], rows[rank]
        for i in range(rank + 1, len(rows)):
            f = rows[i][col] / rows[rank][col]
            if f:
                rows[i] = [a - f * b for a, b in zip(rows[i], rows[rank])]
        rank += 1
        col += 1
    return rank


def whitney_regions(hyperplanes):
    """``(regions, relatively bounded regions)`` of the arrangement ``{c + a.x = 0}`` (rows ``[c, a...]``).

    Whitney: ``chi(t) = sum_{S central} (-1)^|S| t^(d - rank S)``; Zaslavsky: regions
    ``(-1)^d chi(-1)``, relatively bounded regions ``(-1)^r chi(1)`` (``r`` the rank of the
    arrangement; these are the bounded regions when ``r = d``).
    Exponential in the number of hyperplanes: for small arrangements only.
    """
    H = [[Fraction(v) for v in h] for h in hyperplanes]
    d = len(H[0]) - 1
    r = _rank([h[1:] for h in H])
    regions = bounded = 0

    def visit(start, chosen):
        nonlocal regions, bounded
        A = [H[i][1:] for i in chosen]
        rk = _rank(A)
        if _rank([H[i][1:] + [H[i][0]] for i in chosen]) != rk:
            return  # not central: no superset is central either
        regions += (-1) ** (len(chosen) - rk)   # (-1)^d * (-1)^|S| * (-1)^(d - rk)
        bounded += (-1) ** len(chosen) * (-1) ** r
        for i in range(start, len(H)):
            visit(i + 1, chosen + [i])

    visit(0, [])
    return regions, bounded


def _strict_point(A, c, signs, box=None):
    """A point with ``signs * (A x + c) > 0`` (maximising the slack), or None."""
    m, d = A.shape
    S = np.asarray(signs, dtype=float)[:, None]
    # variables (x, t): maximise t subject to -s(Ax + c) + t <= 0, t <= 1
    A_ub = np.hstack([-S * A, np.ones((m, 1))])
    b_ub = (S[:, 0] * c)
    bounds = [(None, None)] * d + [(None, 1.0)]
    if box is not None:
        bounds = [(float(lo), float(hi)) for lo, hi in zip(*box)] + [(None, 1.0)]
    res = linprog(np.r_[np.zeros(d), -1.0], A_ub=A_ub if m else None, b_ub=b_ub if m else None,
                  bounds=bounds, method="highs")
    if res.status != 0 or res.x[-1] <= 1e-9:
        return None
    return res.x[:d]


def sweep_regions(hyperplanes):
    """Regions of the arrangement found geometrically: ``(count, all_certified)``.

    Hyperplanes are added one at a time; each region (a sign vector) is split when an LP
    finds points strictly on both sides. Every final region's witness is re-checked
    exactly (each sign strict at the rational value of the float witness).
    """
    H = [[Fraction(v) for v in h] for h in hyperplanes]
    A = np.array([[float(v) for v in h[1:]] for h in H])
    c = np.array([float(h[0]) for h in H])
    d = A.shape[1]
    regions = [((), np.zeros(d))]
    for i in range(len(H)):
        new = []
        for signs, _ in regions:
            for s in (1, -1):
                x = _strict_point(A[: i + 1], c[: i + 1], signs + (s,))
                if x is not None:
                    new.append((signs + (s,), x))
        regions = new
    ok = all(all(s * (h[0] + sum(a * Fraction(float(v)) for a, v in zip(h[1:], x))) > 0
                 for s, h in zip(signs, H)) for signs, x in regions)
    return len(regions), ok


# -- exact regions on a line ---------------------------------------------------------------
def _unit_rows(W, b, rank):
    return [[(W[u * rank + j], b[u * rank + j]) for j in range(rank)] for u in range(len(W) // rank)]


def regions_1d(weights, biases, rank=1, lo=None, hi=None):
    """Activation regions of a network with one input on ``(lo, hi)`` (None: unbounded), exactly.

    ``weights[l]`` is a list of rows (lists of numbers), ``biases[l]`` a list; rank 1 is relu,
    rank >= 2 maxout (unit ``u`` owns rows ``u*rank .. u*rank+rank-1``). Returns the list of
    ``(pattern, (left, right))`` in order; a pattern is per-unit 0/1 (relu) or argmax index
    (maxout, lowest index among identical pieces), read at an interior point of the interval.
    """
    Ws = [[[Fraction(v) for v in row] for row in W] for W in weights]
    bs = [[Fraction(v) for v in b] for b in biases]
    # a piece: (left, right, pattern so far, slopes, offsets) with h(x) = slope*x + offset
    pieces = [(lo, hi, (), [Fraction(1)], [Fraction(0)])]
    for W, b in zip(Ws, bs):
        out = []
        for left, right, pat, al, be in pieces:
            pre = [(sum(w * a for w, a in zip(row, al)), sum(w * o for w, o in zip(row, be)) + bb)
                   for row, bb in zip(W, b)]
            # candidate breakpoints: roots of each pre-activation (relu) or of each pairwise difference
            pairs = ([(p, (Fraction(0), Fraction(0))) for p in pre] if rank == 1 else
                     [(u[i], u[j]) for u in _unit_rows([p[0] for p in pre], [p[1] for p in pre], rank)
                      for i, j in itertools.combinations(range(rank), 2)])
            cuts = set()
            for (a1, b1), (a2, b2) in pairs:
                if a1 != a2:
                    r = (b2 - b1) / (a1 - a2)
                    if (left is None or r > left) and (right is None or r < right):
                        cuts.add(r)
            ends = [left] + sorted(cuts) + [right]
            for x0, x1 in zip(ends, ends[1:]):
                mid = (x0 + x1) / 2 if x0 is not None and x1 is not None else (
                    x1 - 1 if x0 is None and x1 is not None else (x0 + 1 if x0 is not None else Fraction(0)))
                z = [a * mid + o for a, o in pre]
                if rank == 1:
                    bits = tuple(int(v > 0) for v in z)
                    na = [a if s else Fraction(0) for (a, _), s in zip(pre, bits)]
                    nb = [o if s else Fraction(0) for (_, o), s in zip(pre, bits)]
                else:
                    bits, na, nb = [], [], []
                    for u in range(len(pre) // rank):
                        vals = z[u * rank:(u + 1) * rank]
                        j = max(range(rank), key=lambda i: (vals[i], -i))
                        bits.append(j)
                        na.append(pre[u * rank + j][0])
                        nb.append(pre[u * rank + j][1])
                    bits = tuple(bits)
                if out and out[-1][2] == pat + (bits,) and out[-1][1] == x0:
                    out[-1] = (out[-1][0], x1, out[-1][2], na, nb)   # same pattern continues
                else:
                    out.append((x0, x1, pat + (bits,), na, nb))
        pieces = out
    return [(p[2], (p[0], p[1])) for p in pieces]


# -- every pattern by LP -----------------------------------------------------------------------
def brute_patterns(weights, biases, rank=1, box=None, definition="interior"):
    """The set of flat activation patterns of a small network found by one LP per pattern prefix.

    ``definition="interior"``: the pattern's region has non-empty interior in the box (units
    whose affine function on the region is identically zero count as inactive);
    ``"serra2018"``: the MILP of Serra et al. 2018 as printed: some point of the closed box
    has every active unit strictly positive and every inactive unit <= 0 (relu only).
    Returns ``{pattern: witness}``.
    """
    Ws = [np.asarray(W, dtype=float) for W in weights]
    bs = [np.asarray(b, dtype=float) for b in biases]
    n0 = Ws[0].shape[1]
    lo, hi = (np.full(n0, -1.0), np.full(n0, 1.0)) if box is None else (np.asarray(box[0], float), np.asarray(box[1], float))
    found = {}

    def lp(G, g, strict_mask):
        # rows: G x + g >= t (strict rows) or >= 0 (closed rows); maximise t <= 1 inside the box
        m = G.shape[0]
        tcol = np.where(strict_mask, 1.0, 0.0)[:, None]
        A_ub = np.hstack([-G, tcol]) if m else None
        b_ub = g if m else None
        if definition == "interior":  # stay strictly inside the box as well
            A_box = np.vstack([np.hstack([-np.eye(n0), np.ones((n0, 1))]), np.hstack([np.eye(n0), np.ones((n0, 1))])])
            b_box = np.r_[-lo, hi]
            A_ub = A_box if A_ub is None else np.vstack([A_ub, A_box])
            b_ub = b_box if b_ub is None else np.r_[b_ub, b_box]
        res = linprog(np.r_[np.zeros(n0), -1.0], A_ub=A_ub, b_ub=b_ub,
                      bounds=[(a, b) for a, b in zip(lo, hi)] + [(None, 1.0)], method="highs")
        if res.status != 0 or res.x[-1] <= 1e-9:
            return None
        return res.x[:n0]

    def rec(l, A, c, G, g, strict, prefix):
        if l == len(Ws):
            x = lp(G, g, strict)
            if x is not None:
                found[prefix] = x
            return
        Z, zc = Ws[l] @ A, Ws[l] @ c + bs[l]
        units = Z.shape[0] // rank
        for states in itertools.product(range(2 if rank == 1 else rank), repeat=units):
            rows, offs, strs = [], [], []
            if rank == 1:
                for i, s in enumerate(states):
                    zero = not np.any(Z[i]) and zc[i] == 0
                    if zero:
                        if s == 1:
                            break
                        continue
                    rows.append(Z[i] if s else -Z[i])
                    offs.append(zc[i] if s else -zc[i])
                    strs.append(s == 1 or definition == "interior")
                else:
                    sel = np.array(states, dtype=float)
                    nA, nc = Z * sel[:, None], zc * sel
                    G2 = np.vstack([G] + [np.array(rows)]) if rows else G
                    g2 = np.r_[g, offs]
                    st2 = np.r_[strict, strs].astype(bool)
                    if lp(G2, g2, st2) is not None:
                        rec(l + 1, nA, nc, G2, g2, st2, prefix + tuple(states))
            else:
                for u, s in enumerate(states):
                    top = u * rank + s
                    for j in range(rank):
                        r = u * rank + j
                        if j == s:
                            continue
                        diff, dc = Z[top] - Z[r], zc[top] - zc[r]
                        if not np.any(diff) and dc == 0:
                            if j < s:   # identical pieces: the lowest index wins
                                break
                            continue
                        rows.append(diff)
                        offs.append(dc)
                        strs.append(True)
                    else:
                        continue
                    break
                else:
                    idx = [u * rank + s for u, s in enumerate(states)]
                    G2 = np.vstack([G] + [np.array(rows)]) if rows else G
                    g2 = np.r_[g, offs]
                    st2 = np.r_[strict, strs].astype(bool)
                    if lp(G2, g2, st2) is not None:
                        rec(l + 1, Z[idx], zc[idx], G2, g2, st2, prefix + tuple(states))

    rec(0, np.eye(n0), np.zeros(n0), np.zeros((0, n0)), np.zeros(0), np.zeros(0, dtype=bool), ())
    return found


def exact_pattern_ok(weights, biases, pattern, x, rank=1):
    """True iff every unit at the rational point ``x`` is strictly on the side of ``pattern``
    (relu: active > 0, inactive < 0; maxout: the chosen piece strictly largest, except for
    pieces identical to it with a higher index)."""
    h = [Fraction(float(v)) for v in x]
    i = 0
    for W, b in zip(weights, biases):
        z = [sum(Fraction(w) * v for w, v in zip(row, h)) + Fraction(bb) for row, bb in zip(W, b)]
        if rank == 1:
            bits = pattern[i:i + len(z)]
            i += len(z)
            if any((s == 1) != (v > 0) or v == 0 for s, v in zip(bits, z)):
                return False
            h = [v if s else Fraction(0) for v, s in zip(z, bits)]
        else:
            units = len(z) // rank
            states = pattern[i:i + units]
            i += units
            h = []
            for u, s in enumerate(states):
                vals = z[u * rank:(u + 1) * rank]
                top = u * rank + s
                for j, v in enumerate(vals):
                    r = u * rank + j
                    same = list(W[r]) == list(W[top]) and b[r] == b[top]   # identical pieces tie everywhere
                    if j != s and (v > vals[s] or (v == vals[s] and not (same and j > s))):
                        return False
                h.append(vals[s])
    return True


def toolkit_count(network, **options):
    """``regionmath.counting.count_regions`` (an import failure fails the test)."""
    from regionmath.counting import count_regions
    return count_regions(network, **options)


def toolkit_build(construction_id, arch):
    """``regionmath.constructions.build``; a missing construction FAILS the test."""
    from regionmath.constructions import build
    return build(construction_id, arch)


def architectures(n0_range, width_range, depth_range):
    """Every relu Architecture with n0, widths and depth in the given ranges."""
    from regionmath import Architecture
    for n0 in n0_range:
        for L in depth_range:
            for widths in itertools.product(width_range, repeat=L):
                yield Architecture(n0, widths)


# -- the best certified networks (records/) ----------------------------------------------------
RECORDS_DIR = Path(__file__).resolve().parent.parent / "records"


@dataclass(frozen=True)
class Record:
    """One stored best network: its architecture and its certified count of activation
    regions in all of ``R^n0`` (a proved lower bound on the architecture's maximum)."""

    name: str
    arch: object
    count: int
    path: Path

    def network(self):
        from regionmath.network import Network
        return Network.load(self.path)

    def count_on_line(self):
        """Recount an ``n0 = 1`` record on the whole line with :func:`regions_1d` (exact)."""
        return _line_count(self.path, self.arch.rank)


@functools.lru_cache(maxsize=None)
def _line_count(path, rank):
    from regionmath.network import Network
    net = Network.load(path)
    return len(regions_1d(net.exact_weights, net.exact_biases, rank=rank))


def records(activation=None, n0=None, rank=None, depth=None):
    """The certified records of ``records/index.json`` (read with json, no toolkit code), filtered.

    A missing or empty index FAILS the test: the upper-bound checks have power only against
    these near-extremal networks.
    """
    from regionmath import Architecture
    index_path = RECORDS_DIR / "index.json"
    assert index_path.is_file(), f"{index_path} is missing"
    index = json.loads(index_path.read_text())
    out = []
    for name, e in sorted(index.items()):
        if not e.get("certified"):     # ("complete" is about the search's budget, not the count)
            continue
        act, k = e["activation"], e.get("rank") or (1 if e["activation"] == "relu" else None)
        arch = (Architecture(e["n0"], tuple(e["widths"])) if act == "relu"
                else Architecture.maxout(e["n0"], tuple(e["widths"]), k))
        if (activation is not None and act != activation) or (n0 is not None and arch.n0 != n0) \
                or (rank is not None and k != rank) or (depth is not None and arch.L != depth):
            continue
        out.append(Record(name, arch, int(e["count"]), RECORDS_DIR / e["file"]))
    assert out, f"no certified records for activation={activation}, n0={n0}, rank={rank}, depth={depth}"
    return out


def check_upper_on_records(bound, recs):
    """Assert ``record.count <= bound(record.arch)`` for every record (``None``: bound does not
    apply); return the names of the records that ATTAIN the bound: there ``bound - 1`` fails,
    elsewhere the bound is unchecked by records."""
    attained = []
    for r in recs:
        b = bound(r.arch)
        if b is None:
            continue
        assert r.count <= b, f"record {r.name} has {r.count} regions > claimed upper bound {b}"
        if r.count == b:
            attained.append(r.name)
    return attained


module_or_skip = toolkit_module    # the old name, kept for callers; it FAILS (never skips) as well
