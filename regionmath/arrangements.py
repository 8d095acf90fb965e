r"""Hyperplane arrangements: characteristic polynomial, regions, bounded regions.

An *arrangement* is a finite set of affine hyperplanes ``c + a.x = 0`` in ``R^d``. Its
*intersection poset* ``L(A)`` holds the non-empty intersections of its hyperplanes (the
*flats*), ``R^d`` itself included, ordered by reverse inclusion; the Möbius function is
``mu(R^d) = 1`` and ``mu(X) = -sum_{Y strictly containing X} mu(Y)``. The *characteristic
polynomial* is

.. math:: \chi_A(t) = \sum_{X \in L(A)} \mu(X)\, t^{\dim X},

and Zaslavsky's theorem (1975) counts the regions (connected components of the complement)
and the relatively bounded ones (bounded once the lineality space is factored out; bounded
when the arrangement is essential):

.. math:: r(A) = (-1)^d \chi_A(-1), \qquad b(A) = (-1)^{\mathrm{rank}\,A} \chi_A(1).

The hyperplanes of a one-layer ReLU network are an arrangement whose regions are the
network's activation regions (:meth:`Arrangement.from_network`); a maxout layer's regions
are cut by pieces of the hyperplanes ``f_i = f_j`` (:meth:`Arrangement.from_maxout_layer`),
and for special weights they are exactly the regions of the Shi or Catalan arrangement
(Montúfar et al. 2014, App. D, Example 9).

Examples
--------
Three lines in general position in the plane:

>>> from regionmath.arrangements import Arrangement, named
>>> A = Arrangement([[0, 1, 0], [0, 0, 1], [-1, 1, 1]])       # x = 0, y = 0, x + y = 1
>>> A.characteristic_polynomial().as_expr()
t**2 - 3*t + 3
>>> A.regions(), A.bounded_regions()
(7, 1)

Repeated and opposite copies of a hyperplane cut nothing new; parallel lines meet nowhere
and concurrent lines share a flat, which the Möbius function accounts for:

>>> B = Arrangement([[0, 1, 0], ["0", -2, 0], [-1, 1, 0], [0, 0, 1], [0, 1, 1]])   # x = 0 twice
>>> B.n                     # x = 0, x = 1, y = 0, x + y = 0; three meet at the origin (mu = 2)
4
>>> B.characteristic_polynomial().as_expr(), B.regions(), B.bounded_regions()
(t**2 - 4*t + 4, 9, 1)

The Shi arrangement ``x_i - x_j in {0, 1}`` has ``(n+1)^(n-1)`` regions:

>>> S = named("shi", 3)
>>> S.characteristic_polynomial().factor_list()
(1, [(Poly(t, t, domain='ZZ'), 1), (Poly(t - 3, t, domain='ZZ'), 2)])
>>> S.regions(), S.bounded_regions(), S.closed_form()["regions"]
(16, 4, (n + 1)**(n - 1))

Algorithm
---------
The flats are enumerated rank by rank in exact integer arithmetic: each flat ``X`` carries the
restriction ``A^X`` of every hyperplane to ``X`` (integer rows in coordinates of ``X``, kept
primitive by dividing out the gcd); the flats covering ``X`` are the distinct hyperplanes of
``A^X``. A flat is named by the set of hyperplanes containing it (a bit mask), which makes
deduplication exact. A flat contained in exactly ``rank`` hyperplanes has ``mu = (-1)^rank``;
for the others the Möbius recursion sums over the flats whose masks are subsets. Whole
levels are processed as numpy arrays; entries switch to Python integers when they could
exceed 64 bits. SageMath instead uses deletion-restriction; see ``bench/bench_arrangements.md``.

References
----------
T. Zaslavsky, Facing up to arrangements: face-count formulas for partitions of space by
hyperplanes, Mem. AMS 154, 1975 (Theorem A).
R. P. Stanley, An introduction to hyperplane arrangements, 2004 (Thm 2.4 Whitney; Cor. 5.1
Shi; Prop. 5.15 Catalan).
G. Montúfar, R. Pascanu, K. Cho, Y. Bengio, On the number of linear regions of deep neural
networks, NIPS 2014, App. D, Example 9.
"""

from __future__ import annotations

import functools
import json
import math
import numbers
import time
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Callable, Optional

import numpy as np
import sympy as sp

from .bounds.base import AsymptoticForm
from .errors import RegionmathError
from .exact import fraction_layers, to_fraction

t = sp.Symbol("t")
n_sym = sp.Symbol("n", positive=True, integer=True)
m_sym = sp.Symbol("m", positive=True, integer=True)
d_sym = sp.Symbol("d", positive=True, integer=True)

_SAFE = 2 ** 62          # int64 arithmetic is exact below this
_CHUNK = 1 << 21         # elements per vectorised block


# -- input ---------------------------------------------------------------------------------------
def _integer_row(row, index) -> tuple:
    """A row of exact numbers scaled to a primitive integer row with the first non-zero normal
    coefficient positive (so that repeated and opposite copies coincide)."""
    q = [to_fraction(v) for v in row]
    if all(v == 0 for v in q[1:]):
        raise RegionmathError(f"row {index + 1} has a = 0: c + 0.x = 0 is empty or all of space, not a hyperplane; "
                              "every row [c, a_1, ..., a_d] needs some a_i != 0")
    den = math.lcm(*(v.denominator for v in q))
    ints = [int(v * den) for v in q]
    g = math.gcd(*ints)
    ints = [v // g for v in ints]
    lead = next(v for v in ints[1:] if v)
    return tuple(-v for v in ints) if lead < 0 else tuple(ints)


@dataclass
class LatticeResult:
    """The Whitney numbers of the first kind, ``whitney[r] = sum of mu over the flats of rank r``,
    and the number of flats of each rank. ``complete`` is False when a time limit stopped the
    enumeration: the ranks listed are then exact but the higher ones are missing."""

    whitney: list
    flats: list
    complete: bool
    seconds: float
    info: dict = field(default_factory=dict)


class Arrangement:
    """A finite arrangement of affine hyperplanes ``c + a.x = 0`` in ``R^dim``, exact.

    Parameters
    ----------
    rows : sequence of sequences
        Rows ``[c, a_1, ..., a_d]``: ints, Fractions, sympy Rationals, ``"p/q"`` or decimal
        strings, or floats (taken at their exact binary value). Repeated and opposite copies of
        a hyperplane are merged. A row with ``a = 0`` is rejected (it is no hyperplane).
    dim : int, optional
        The ambient dimension; needed only for an empty arrangement.
    name : str, optional

    Notes
    -----
    ``hyperplanes`` holds the distinct hyperplanes as primitive integer rows in the order they
    first appear.
    """

    def __init__(self, rows, dim=None, name=None):
        try:
            rows = [list(r) for r in rows]
        except TypeError:
            raise RegionmathError("an arrangement is a list of rows [c, a_1, ..., a_d]") from None
        if not rows and dim is None:
            raise RegionmathError("an empty arrangement needs its dimension: Arrangement([], dim=d)")
        if dim is not None and (isinstance(dim, bool) or not isinstance(dim, numbers.Integral) or dim < 1):
            raise RegionmathError(f"dim must be a positive integer, got {dim!r}")
        width = len(rows[0]) if rows else int(dim) + 1
        if width < 2:
            raise RegionmathError("a row [c, a_1, ..., a_d] needs at least two entries (d >= 1)")
        if dim is not None and width != int(dim) + 1:
            raise RegionmathError(f"rows have {width} entries but dim = {dim} needs {int(dim) + 1}")
        seen, hyperplanes = set(), []
        for i, r in enumerate(rows):
            if len(r) != width:
                raise RegionmathError(f"row {i + 1} has {len(r)} entries, row 1 has {width}: "
                                      "every row is [c, a_1, ..., a_d]")
            h = _integer_row(r, i)
            if h not in seen:
                seen.add(h)
                hyperplanes.append(h)
        self.dim = width - 1
        self.hyperplanes = tuple(hyperplanes)
        self.rows_given = len(rows)
        self.name = name or "explicit"
        self._lattice = None

    # -- constructors --------------------------------------------------------------------------
    @classmethod
    def from_json_file(cls, path) -> "Arrangement":
        """Read a JSON list of rows ``[c, a_1, ..., a_d]`` (integers, ``"p/q"`` or decimal strings;
        a JSON number with a decimal point means the decimal it spells, ``0.1 = 1/10``)."""
        path = Path(path)
        if not path.is_file():
            raise RegionmathError(f"no hyperplane file at {path}")
        try:
            data = json.loads(path.read_text(), parse_float=Fraction)
        except (json.JSONDecodeError, UnicodeDecodeError, ValueError) as e:
            raise RegionmathError(f"{path} is not valid JSON ({str(e).splitlines()[0]}); "
                                  "expected a list of rows [c, a_1, ..., a_d]") from None
        if not isinstance(data, list) or not all(isinstance(r, list) for r in data):
            raise RegionmathError(f"{path} must hold a JSON list of rows [c, a_1, ..., a_d]")
        if not data:
            raise RegionmathError(f"{path} holds no rows; give at least one hyperplane [c, a_1, ..., a_d]")
        return cls(data, name=path.stem)

    @classmethod
    def from_network(cls, network) -> "Arrangement":
        """The hyperplanes ``b_i + W_i.x = 0`` of a one-layer ReLU network.

        Its regions are the network's activation regions in all of ``R^n0`` (the network's box
        is ignored). Units with ``W_i = 0`` are constant and cut nothing; they are left out.
        The exact weights are used when the network has them, else the floats' exact values.
        """
        if network.activation != "relu" or network.L != 1:
            raise RegionmathError("from_network needs a one-layer relu network; for maxout use from_maxout_layer")
        W, b = fraction_layers(network)[0]
        rows = [[bi] + list(wi) for wi, bi in zip(W, b) if any(v != 0 for v in wi)]
        return cls(rows, dim=network.n0, name="relu layer")

    @classmethod
    def from_maxout_layer(cls, network, pairs="all") -> "Arrangement":
        """Hyperplanes ``f_i = f_j`` between the pieces of each unit of a maxout network's first layer.

        A rank-``k`` unit with pieces ``f_1..f_k`` changes its maximising piece only on
        hyperplanes ``f_i(x) = f_j(x)``, so extending every such boundary to a full hyperplane
        refines the layer's regions (Montúfar et al. 2014, proof of Prop. 7, which counts these
        hyperplanes).

        Parameters
        ----------
        network : Network
            A maxout network; its first hidden layer is used.
        pairs : {"all", "boundaries"}
            ``"all"``: every pair ``i < j`` with ``f_i - f_j`` non-constant, ``C(k, 2)`` per unit.
            ``"boundaries"``: only the pairs whose tie ``f_i = f_j`` is maximal on a piece of
            dimension ``n0 - 1`` (decided by an exact rational LP). When every unit's pieces depend
            on the input through one direction, the regions of this arrangement are exactly
            the layer's activation regions.

        Notes
        -----
        Montúfar et al. 2014, App. D, Example 9: the ``n(n-1)/2`` rank-3 units labelled by
        pairs ``i < j`` with pieces ``0, x_i - x_j, 2(x_i - x_j) - 1`` have boundaries
        ``x_i - x_j in {0, 1}``: the Shi arrangement, ``(n+1)^(n-1)`` regions. With all pairs
        the spurious ``x_i - x_j = 1/2`` is added. Rank-4 units with boundaries
        ``x_i - x_j in {-1, 0, 1}`` give the Catalan arrangement, ``n! C_n`` regions.

        >>> from regionmath.network import Network
        >>> W, b = [], []
        >>> for i, j in [(0, 1), (0, 2), (1, 2)]:
        ...     e = [0, 0, 0]; e[i], e[j] = 1, -1
        ...     W += [[0, 0, 0], e, [2 * v for v in e]]; b += [0, 0, -1]
        >>> net = Network.from_exact([W], [b], activation="maxout", rank=3)
        >>> Arrangement.from_maxout_layer(net, pairs="boundaries").regions()      # Shi S_3
        16
        >>> Arrangement.from_maxout_layer(net).regions()                         # with x_i - x_j = 1/2
        31
        """
        if pairs not in ("all", "boundaries"):
            raise RegionmathError(f"pairs must be 'all' or 'boundaries', got {pairs!r}")
        if network.activation != "maxout":
            raise RegionmathError("from_maxout_layer needs a maxout network; for relu use from_network")
        W, b = fraction_layers(network)[0]
        k, rows = network.rank, []
        for u in range(len(W) // k):
            pieces = []
            for r in range(u * k, u * k + k):
                p = (b[r],) + tuple(W[r])
                if p not in pieces:  # identical pieces tie everywhere and cut nothing
                    pieces.append(p)
            for i in range(len(pieces)):
                for j in range(i + 1, len(pieces)):
                    diff = [p - q for p, q in zip(pieces[i], pieces[j])]
                    if all(v == 0 for v in diff[1:]):
                        continue  # parallel pieces never tie
                    if pairs == "boundaries" and not _tie_is_facet(pieces, i, j):
                        continue
                    rows.append(diff)
        return cls(rows, dim=network.n0, name="maxout layer" + (" boundaries" if pairs == "boundaries" else ""))

    # -- shape ---------------------------------------------------------------------------------
    @property
    def n(self) -> int:
        """Number of distinct hyperplanes."""
        return len(self.hyperplanes)

    def __len__(self):
        return self.n

    @property
    def rank(self) -> int:
        """Dimension of the span of the normals (``dim`` when the arrangement is essential)."""
        if not self.hyperplanes:
            return 0
        return sp.Matrix([h[1:] for h in self.hyperplanes]).rank()

    def __repr__(self):
        return f"<Arrangement {self.name}: {self.n} hyperplanes in R^{self.dim}>"

    # -- the intersection poset ----------------------------------------------------------------
    def lattice(self, time_limit=None, progress=None) -> LatticeResult:
        """Enumerate the flats rank by rank; the Whitney numbers and flat counts per rank.

        Parameters
        ----------
        time_limit : float, optional
            Seconds; when exceeded the result holds the ranks finished and ``complete=False``.
        progress : callable, optional
            Called after each rank with a dict ``rank``, ``flats``, ``seconds``.
        """
        if self._lattice is not None:
            return self._lattice
        res = _whitney_numbers(self.hyperplanes, self.dim, time_limit=time_limit, progress=progress)
        if res.complete:
            self._lattice = res
        return res

    def _complete_lattice(self):
        res = self.lattice()
        return res.whitney

    def characteristic_polynomial(self) -> sp.Poly:
        """``chi(t) = sum over flats X of mu(X) t^dim X`` as a sympy Poly over ZZ in ``t``."""
        w = self._complete_lattice()
        coeffs = w + [0] * (self.dim + 1 - len(w))  # coefficient of t^(dim - r)
        return sp.Poly(coeffs, t, domain="ZZ")

    def regions(self) -> int:
        """Number of regions, ``(-1)^dim chi(-1)`` (Zaslavsky)."""
        return sum((-1) ** r * w for r, w in enumerate(self._complete_lattice()))

    def bounded_regions(self) -> int:
        """Number of relatively bounded regions, ``(-1)^rank chi(1)`` (Zaslavsky).

        Bounded modulo the lineality space: for an essential arrangement (``rank == dim``) they
        are the bounded regions; otherwise no region is bounded and this counts the bounded
        regions of the essentialisation (an empty arrangement has one).
        """
        w = self._complete_lattice()
        return (-1) ** (len(w) - 1) * sum(w)

    def flat_counts(self) -> list:
        """Number of flats of each rank ``0..rank`` (``[1, n, ...]``)."""
        return list(self.lattice().flats)

    def summary(self) -> dict:
        """``name, n, dim, regions, bounded_regions, characteristic_polynomial`` (the CLI's record)."""
        return {"name": self.name, "n": self.n, "dim": self.dim, "regions": self.regions(),
                "bounded_regions": self.bounded_regions(),
                "characteristic_polynomial": str(self.characteristic_polynomial().as_expr())}

    def closed_form(self) -> Optional[dict]:
        """For a named arrangement, its closed forms (sympy) and asymptotic; None otherwise."""
        return getattr(self, "_closed_form", None)


# -- the algorithm --------------------------------------------------------------------------------
def _as_int64_or_object(rows):
    big = max((abs(v) for r in rows for v in r), default=0)
    arr = np.array(rows, dtype=object)
    return arr.astype(np.int64) if big < _SAFE else arr


def _normalise(T):
    """Divide every row of ``T`` (..., e+1) by its gcd and make the first non-zero normal
    coefficient positive (rows with zero normal: constant sign +). In place-safe copy."""
    g = np.gcd.reduce(T, axis=-1)
    g = np.where(g == 0, 1, g)
    T = T // g[..., None]
    A = T[..., 1:]
    nz = A != 0
    first = np.argmax(nz, axis=-1)
    lead = np.take_along_axis(A, first[..., None], axis=-1)[..., 0]
    lead = np.where(nz.any(axis=-1), lead, T[..., 0])
    sign = np.where(lead < 0, -1, 1)
    if T.dtype == object:
        sign = sign.astype(object)
    return T * sign[..., None]


def _group_rows(keys):
    """Group equal rows of a 2-D integer array: (first index of each group, group id per row).

    Groups are numbered in lexicographic order of their rows; lexsort on integer columns is
    much faster than ``np.unique(axis=0)``, which sorts opaque byte strings.
    """
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if keys.dtype != object:
        lo = keys.min(axis=0)
        span = [int(v) + 1 for v in keys.max(axis=0) - lo] if keys.shape[1] > 1 else None
        if span is not None and math.prod(span) < _SAFE:
            # pack the columns into one int64 (mixed radix): one sort instead of a lexsort
            packed = np.zeros(len(keys), dtype=np.int64)
            for col, s in zip(range(keys.shape[1]), span):
                packed = packed * s + (keys[:, col] - lo[col])
            keys = packed[:, None]
        if keys.shape[1] == 1:
            _, first, inverse = np.unique(keys[:, 0], return_index=True, return_inverse=True)
            return first, inverse.reshape(-1)
        order = np.lexsort(keys.T[::-1])
        srt = keys[order]
        new = np.ones(len(keys), dtype=bool)
        new[1:] = (srt[1:] != srt[:-1]).any(axis=1)
        gid = np.cumsum(new) - 1
        inverse = np.empty(len(keys), dtype=np.int64)
        inverse[order] = gid
        return order[new], inverse  # lexsort is stable: order[new] are first occurrences
    ids, first, inverse = {}, [], np.empty(len(keys), dtype=np.int64)
    for i, row in enumerate(map(tuple, keys)):
        g = ids.get(row)
        if g is None:
            g = ids[row] = len(first)
            first.append(i)
        inverse[i] = g
    return np.array(first, dtype=np.int64), inverse


def _popcount(masks):
    return np.bitwise_count(masks).sum(axis=-1).astype(np.int64)


def _whitney_numbers(hyperplanes, dim, time_limit=None, progress=None) -> LatticeResult:
    start = time.perf_counter()
    m = len(hyperplanes)
    if m == 0:
        return LatticeResult([1], [1], True, 0.0)
    words = (m + 63) // 64
    bits = np.zeros((m, words), dtype=np.uint64)
    for i in range(m):
        bits[i, i // 64] = np.uint64(1) << np.uint64(i % 64)
    T = _normalise(_as_int64_or_object([list(h) for h in hyperplanes])[None, :, :])
    masks = np.zeros((1, words), dtype=np.uint64)
    mus = np.ones(1, dtype=object)
    levels = [(masks, mus)]
    whitney, flats = [1], [1]
    nonboolean_total = 0
    r = 0
    while T is not None and T.shape[2] > 1:
        if time_limit is not None and time.perf_counter() - start > time_limit:
            return LatticeResult(whitney, flats, False, time.perf_counter() - start,
                                 {"nonboolean_flats": nonboolean_total})
        r += 1
        last = T.shape[2] == 2  # children are points of their parents' lines: no restriction needed
        child_masks, reps = _children(T, masks, bits)
        if len(child_masks) == 0:
            break
        pop = _popcount(child_masks)
        mu = np.full(len(child_masks), (-1) ** r, dtype=object)
        nonboolean = np.nonzero(pop > r)[0]
        nonboolean_total += len(nonboolean)
        if len(nonboolean):
            mu[nonboolean] = -_upset_sums(child_masks[nonboolean], levels)
        whitney.append(int(mu.sum()))
        flats.append(len(child_masks))
        if progress is not None:
            progress({"rank": r, "flats": len(child_masks), "seconds": time.perf_counter() - start})
        levels.append((child_masks, mu))
        masks = child_masks
        T = None if last else _restrict(T, reps)
    return LatticeResult(whitney, flats, True, time.perf_counter() - start, {"nonboolean_flats": nonboolean_total})


def _children(T, masks, bits):
    """The flats covering each flat of a level: distinct child masks and, per child, one
    (parent flat, hyperplane) pair that generates it."""
    F, m, e1 = T.shape
    proper = (T[:, :, 1:] != 0).any(axis=2)
    fi, hi = np.nonzero(proper)
    if len(fi) == 0:
        return np.zeros((0, masks.shape[1]), dtype=np.uint64), (fi, hi)
    keys = np.concatenate([fi[:, None].astype(T.dtype), T[fi, hi]], axis=1)
    first, group = _group_rows(keys)
    # the mask of a group: the parent's mask and the bits of every hyperplane restricting to it
    order = np.argsort(group, kind="stable")
    starts = np.searchsorted(group[order], np.arange(len(first)))
    gmask = np.bitwise_or.reduceat(bits[hi[order]], starts, axis=0) | masks[fi[first]]
    uidx, _ = _group_rows(gmask.view(np.int64))
    uidx.sort()
    child_masks = gmask[uidx]
    rep = first[uidx]
    return child_masks, (fi[rep], hi[rep])


def _restrict(T, reps):
    """The restricted arrangements of the children: eliminate the pivot coordinate of the
    generating hyperplane from every row of the parent's restricted arrangement."""
    pf, ph = reps
    out = []
    e1 = T.shape[2]
    step = max(1, _CHUNK // (T.shape[1] * e1))
    for s in range(0, len(pf), step):
        f, h = pf[s:s + step], ph[s:s + step]
        G = T[f]                               # (C, m, e+1)
        H = T[f, h]                            # (C, e+1)
        piv = np.argmax(H[:, 1:] != 0, axis=1) + 1
        hp = H[np.arange(len(f)), piv]
        gp = np.take_along_axis(G, piv[:, None, None], axis=2)[:, :, 0]
        if G.dtype != object:
            big = int(np.abs(G).max()) * int(np.abs(H).max()) * 2
            if big >= 2 ** 63:
                G, H, hp, gp = (x.astype(object) for x in (G, H, hp, gp))
        Gn = hp[:, None, None] * G - gp[:, :, None] * H[:, None, :]
        keep = np.arange(e1)[None, :] != piv[:, None]
        idx = np.nonzero(keep)[1].reshape(len(f), e1 - 1)
        Gn = np.take_along_axis(Gn, idx[:, None, :].repeat(Gn.shape[1], axis=1), axis=2)
        out.append(_normalise(Gn))
    if any(o.dtype == object for o in out):
        out = [o.astype(object) for o in out]
    T = np.concatenate(out, axis=0)
    if T.dtype == object and int(np.abs(T).max()) < _SAFE:
        T = T.astype(np.int64)
    return T


def _upset_sums(Y, levels):
    """For each mask in ``Y``: the sum of mu over the flats of earlier levels whose masks are
    subsets (the flats strictly containing that flat)."""
    notY = ~Y
    total = np.zeros(len(Y), dtype=object)
    for M, mu in levels:
        small = max(abs(int(mu.max())), abs(int(mu.min()))) * len(mu) < _SAFE
        mu64 = mu.astype(np.int64) if small else None
        step = max(1, _CHUNK // max(1, len(M) * M.shape[1]))
        for s in range(0, len(Y), step):
            sub = ((M[None, :, :] & notY[s:s + step, None, :]) == 0).all(axis=2)
            if mu64 is not None:
                total[s:s + step] += (sub.astype(np.int64) @ mu64).astype(object)
            else:
                total[s:s + step] += np.array([sum(mu[row]) for row in sub], dtype=object)
    return total


def deletion_restriction(arrangement) -> sp.Poly:
    """The characteristic polynomial by deletion-restriction, ``chi_A = chi_{A - H} - chi_{A^H}``.

    The textbook recursion (what SageMath uses), memoised on the set of hyperplanes; a
    reference for small arrangements only, exponential in general.

    References
    ----------
    R. P. Stanley, An introduction to hyperplane arrangements, 2004, Lemma 2.2.
    """
    memo = {}

    def restrict(rows, h):
        p = next(i for i in range(1, len(h)) if h[i])
        out = set()
        for g in rows:
            if g == h:
                continue
            r = [h[p] * gi - g[p] * hi for gi, hi in zip(g, h)]
            del r[p]
            if all(v == 0 for v in r[1:]):
                continue  # parallel to h: no intersection
            out.add(_integer_row(r, 0))
        return frozenset(out)

    def chi(rows, d):
        key = (rows, d)
        if key not in memo:
            if not rows:
                memo[key] = [1] + [0] * d
            else:
                h = min(rows)
                a = chi(rows - {h}, d)
                b = chi(restrict(rows, h), d - 1)
                memo[key] = [x - y for x, y in zip(a, [0] + b)]
        return memo[key]

    return sp.Poly(chi(frozenset(arrangement.hyperplanes), arrangement.dim), t, domain="ZZ")


def _tie_is_facet(pieces, i, j) -> bool:
    """Exact LP: is there an x with f_i(x) = f_j(x) > f_l(x) for every other piece l?"""
    from sympy.solvers.simplex import lpmax
    d = len(pieces[0]) - 1
    xs = sp.symbols(f"x0:{d}")
    s = sp.Symbol("s")

    def f(p):
        return sp.Rational(p[0]) + sum(sp.Rational(a) * x for a, x in zip(p[1:], xs))

    cons = [sp.Eq(f(pieces[i]), f(pieces[j])), s <= 1]
    cons += [f(pieces[i]) - f(pieces[l]) - s >= 0 for l in range(len(pieces)) if l not in (i, j)]
    best, _ = lpmax(s, cons)
    return best > 0


# -- named arrangements ---------------------------------------------------------------------------
@dataclass(frozen=True)
class NamedArrangement:
    """A named family of arrangements: how to build a member, and its closed forms.

    ``parameters`` is ``("n",)`` for a family living in ``R^n`` (one size) or ``("m", "d")``
    for ``m`` hyperplanes in ``R^d``; ``closed_form()`` gives ``characteristic_polynomial`` (in
    ``t``), ``regions``, ``bounded_regions`` (sympy, in those symbols) and ``asymptotic``.
    """

    name: str
    build: Callable
    closed_form: Callable
    parameters: tuple
    source: str


#: every named family, by name (filled by :func:`named_arrangement`)
NAMED: dict = {}


def named_arrangement(name: str, *, closed_form, source: str, parameters=("n",)):
    """Register a function building a named arrangement, with its closed forms and source.

    The decorated function gets its arguments checked (positive integers) and its result
    carries the closed forms (:meth:`Arrangement.closed_form`).
    """
    def register(build):
        @functools.wraps(build)
        def checked(*args):
            A = build(*(_positive(v, p) for v, p in zip(args, parameters)))
            A._closed_form = closed_form()
            return A
        NAMED[name] = NamedArrangement(name, checked, closed_form, tuple(parameters), source)
        return checked
    return register


def _differences(n, shifts):
    rows = []
    for i in range(n):
        for j in range(i + 1, n):
            for s in shifts:
                row = [-s] + [0] * n
                row[1 + i], row[1 + j] = 1, -1
                rows.append(row)
    return rows


@named_arrangement("shi", source="Stanley 2004, Cor. 5.1: chi = t (t-n)^(n-1)", closed_form=lambda: {
    "characteristic_polynomial": t * (t - n_sym) ** (n_sym - 1), "regions": (n_sym + 1) ** (n_sym - 1),
    "bounded_regions": (n_sym - 1) ** (n_sym - 1),
    "asymptotic": AsymptoticForm("Theta", sp.E * n_sym ** (n_sym - 1), n_sym, constant=sp.Integer(1),
                                 note="(1 + 1/n)^(n-1) -> e")})
def shi(n: int) -> Arrangement:
    """The Shi arrangement ``x_i - x_j in {0, 1}`` in ``R^n``: ``(n+1)^(n-1)`` regions."""
    return Arrangement(_differences(n, (0, 1)), dim=n, name=f"shi({n})")


@named_arrangement("catalan", source="Stanley 2004, Prop. 5.15: chi = t (t-n-1)(t-n-2)...(t-2n+1)",
                   closed_form=lambda: {
    "characteristic_polynomial": t * sp.ff(t - n_sym - 1, n_sym - 1),
    "regions": sp.factorial(n_sym) * sp.catalan(n_sym),
    "bounded_regions": sp.factorial(2 * n_sym - 2) / sp.factorial(n_sym - 1),
    "asymptotic": AsymptoticForm("Theta", sp.sqrt(2) * (4 * n_sym / sp.E) ** n_sym / n_sym, n_sym,
                                 constant=sp.Integer(1), note="(2n)!/(n+1)!, Stirling")})
def catalan(n: int) -> Arrangement:
    """The Catalan arrangement ``x_i - x_j in {-1, 0, 1}`` in ``R^n``: ``n! C_n`` regions."""
    return Arrangement(_differences(n, (-1, 0, 1)), dim=n, name=f"catalan({n})")


@named_arrangement("braid", source="Stanley 2004, Prop. 2.4 and Thm 2.5: chi = t (t-1)...(t-n+1)",
                   closed_form=lambda: {
    "characteristic_polynomial": sp.ff(t, n_sym), "regions": sp.factorial(n_sym),
    "bounded_regions": sp.KroneckerDelta(n_sym, 1),
    "asymptotic": AsymptoticForm("Theta", sp.sqrt(2 * sp.pi * n_sym) * (n_sym / sp.E) ** n_sym, n_sym,
                                 constant=sp.Integer(1), note="Stirling")})
def braid(n: int) -> Arrangement:
    """The braid arrangement ``x_i = x_j`` (``i < j``) in ``R^n``: ``n!`` regions."""
    return Arrangement(_differences(n, (0,)), dim=n, name=f"braid({n})")


_j = sp.Symbol("j", integer=True, nonnegative=True)


@named_arrangement("generic", parameters=("m (the number of hyperplanes)", "d (the dimension)"),
                   source="Zaslavsky 1975: Phi(m, d) regions in general position", closed_form=lambda: {
    "characteristic_polynomial": sp.Sum((-1) ** _j * sp.binomial(m_sym, _j) * t ** (d_sym - _j), (_j, 0, d_sym)),
    "regions": sp.Sum(sp.binomial(m_sym, _j), (_j, 0, d_sym)),
    "bounded_regions": sp.binomial(m_sym - 1, d_sym),
    "asymptotic": AsymptoticForm("Theta", m_sym ** d_sym / sp.factorial(d_sym), m_sym, constant=sp.Integer(1),
                                 fixed=(d_sym,), note="Phi(m, d) ~ m^d / d!")})
def generic(m: int, d: int) -> Arrangement:
    """``m`` hyperplanes in general position in ``R^d``: ``1 + s x_1 + ... + s^d x_d = 0`` for
    ``s = 1..m`` (any ``d + 1`` rows form a Vandermonde matrix), ``Phi(m, d)`` regions."""
    return Arrangement([[s ** p for p in range(d + 1)] for s in range(1, m + 1)], dim=d, name=f"generic({m}, {d})")


#: the names of the registered families
NAMES = tuple(NAMED)


def named(name: str, N: int, dim: Optional[int] = None) -> Arrangement:
    """A named arrangement: a family of one size (``shi``, ``catalan``, ``braid``) in ``R^N``
    (``dim``, if given, must be ``N``), or ``generic``: ``N`` hyperplanes in general position
    in ``R^dim``."""
    entry = NAMED.get(name)
    if entry is None:
        raise RegionmathError(f"unknown arrangement {name!r}; known: {', '.join(NAMES)}")
    if len(entry.parameters) == 2:
        if dim is None:
            raise RegionmathError(f"{name} N needs --dim D (N hyperplanes in general position in R^D)")
        return entry.build(N, dim)
    if dim is not None and dim != N:
        raise RegionmathError(f"{name} N lives in R^N: --dim must be {N} or omitted, got {dim}")
    return entry.build(N)


def _positive(v, what):
    if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 1:
        raise RegionmathError(f"{what} must be a positive integer, got {v!r}")
    return int(v)


def closed_form(name: str) -> dict:
    """Closed forms of a named family (:data:`NAMED`): ``characteristic_polynomial`` (in ``t``),
    ``regions``, ``bounded_regions`` (sympy, in ``n``; in ``m, d`` for generic) and
    ``asymptotic`` (Stirling; ``n -> oo``, or ``m -> oo`` with ``d`` fixed for generic).

    Sources: each family's ``source`` (Stanley 2004; Zaslavsky 1975).
    """
    entry = NAMED.get(name)
    if entry is None:
        raise RegionmathError(f"unknown arrangement {name!r}; known: {', '.join(NAMES)}")
    return entry.closed_form()


#: up to this N the characteristic polynomial of a named arrangement is written expanded; beyond
#: it stays in its closed (factored) form, whose expansion has N huge coefficients
NAMED_EXPAND_LIMIT = 200


def named_summary(name: str, N: int, dim: Optional[int] = None) -> dict:
    """:meth:`Arrangement.summary` of a named arrangement from its closed forms
    (:func:`closed_form`), without building its hyperplanes: fast for any ``N`` whose numbers
    fit in memory (``braid 100000``: 100000! has 456,574 digits). The characteristic polynomial
    is expanded up to ``N =`` :data:`NAMED_EXPAND_LIMIT` and given as a sympy-readable closed
    form beyond (``FallingFactorial(t, N)`` for braid).

    Examples
    --------
    >>> named_summary("braid", 3) == named("braid", 3).summary()
    True
    >>> named_summary("shi", 1000)["characteristic_polynomial"]
    't*(t - 1000)**999'
    """
    if name not in NAMES:
        raise RegionmathError(f"unknown arrangement {name!r}; known: {', '.join(NAMES)}")
    import math
    if name == "generic":
        if dim is None:
            raise RegionmathError("generic N needs --dim D (N hyperplanes in general position in R^D)")
        m, d = _positive(N, "m (the number of hyperplanes)"), _positive(dim, "d (the dimension)")
        coeffs = [1]
        for j in range(1, min(m, d) + 1):          # C(m, j) by the recurrence, exact
            coeffs.append(coeffs[-1] * (m - j + 1) // j)
        regions = sum(coeffs)
        bounded = math.comb(m - 1, d)
        if d <= NAMED_EXPAND_LIMIT:
            poly = sum((-1) ** j * c * t ** (d - j) for j, c in enumerate(coeffs))
            chi = str(sp.Poly(poly, t, domain="ZZ").as_expr())
        else:
            chi = f"Sum((-1)**j*binomial({m}, j)*t**({d} - j), (j, 0, {d}))"
        return {"name": f"generic({m}, {d})", "n": m, "dim": d, "regions": regions,
                "bounded_regions": bounded, "characteristic_polynomial": chi}
    n = _positive(N, "n")
    if dim is not None and dim != n:
        raise RegionmathError(f"{name} N lives in R^N: --dim must be {n} or omitted, got {dim}")
    # chi(t) = prod (t - r) over its roots r (Stanley 2004, Prop. 2.4, Cor. 5.1, Prop. 5.15)
    if name == "braid":
        count, regions, bounded = n * (n - 1) // 2, math.factorial(n), int(n == 1)
        closed, roots = f"FallingFactorial(t, {n})", range(n)
    elif name == "shi":
        count, regions, bounded = n * (n - 1), (n + 1) ** (n - 1), (n - 1) ** (n - 1)
        closed, roots = f"t*(t - {n})**{n - 1}", [0] + [n] * (n - 1)
    else:  # catalan: n! C_n = (2n)!/(n+1)!
        count = 3 * n * (n - 1) // 2
        regions = math.factorial(2 * n) // math.factorial(n + 1)
        bounded = math.factorial(2 * n - 2) // math.factorial(n - 1)
        closed, roots = f"t*FallingFactorial(t - {n + 1}, {n - 1})", [0] + list(range(n + 1, 2 * n))
    if n <= NAMED_EXPAND_LIMIT:
        coeffs = [1]                                # highest power first
        for r in roots:
            coeffs = [a - r * b for a, b in zip(coeffs + [0], [0] + coeffs)]
        chi = str(sp.Poly(coeffs, t, domain="ZZ").as_expr())
    else:
        chi = closed
    return {"name": f"{name}({n})", "n": count, "dim": n, "regions": regions, "bounded_regions": bounded,
            "characteristic_polynomial": chi}
