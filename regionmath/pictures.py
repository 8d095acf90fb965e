r"""Exact pictures of linear regions: polygons, not pixels.

For a network with two inputs, every activation region inside a polygonal domain is a convex
polygon: on a region the pre-activation of every unit is an affine function of the input, so
fixing the pattern of the first ``l`` layers leaves a convex set that the units of layer
``l + 1`` cut by straight lines. :func:`region_polygons` follows exactly that argument: it
starts from the domain polygon and, layer by layer and unit by unit, clips every piece by
the unit's line (for a maxout unit: by the lines where one of its pieces overtakes another),
carrying the exact affine map of the layer on each piece. Everything is exact rational
arithmetic (``gmpy2.mpq``): a float weight is a dyadic rational, and a network's exact
weights are used when it has them. A piece is kept only when its area is positive, so the
polygons are exactly the activation regions with non-empty interior, the regions that
:func:`regionmath.counting.count_regions` counts, and their number is that count.

A network with more inputs is pictured on the plane through three input points
``p0, p1, p2`` (:func:`slice_polygons`): the points ``p0 + s (p1 - p0) + t (p2 - p0)`` of the
domain box form a polygon in the ``(s, t)`` plane, and the network restricted to that plane
is a network with two inputs whose first layer is ``W1 [p1 - p0, p2 - p0]``.

A unit whose affine function vanishes identically on a piece is read as inactive there (a
ReLU tie goes to "off"; tied identical maxout pieces go to the lowest index), as in
:mod:`regionmath.counting.certify`.

Examples
--------
``|x| + |y|`` written with four ReLUs has four regions in the square, one per quadrant:

>>> from regionmath.network import Network
>>> net = Network.from_exact([[[1, 0], [-1, 0], [0, 1], [0, -1]]], [[0, 0, 0, 0]])
>>> polys = region_polygons(net)
>>> len(polys), sorted(p.pattern for p in polys)
(4, [(0, 1, 0, 1), (0, 1, 1, 0), (1, 0, 0, 1), (1, 0, 1, 0)])
>>> sum(p.area for p in polys) == 4          # the polygons tile the box [-1, 1]^2 exactly
True
>>> polys[0].pattern, polys[0].vertices[0], polys[0].witness    # x < 0, y < 0
((0, 1, 0, 1), (mpq(-1,1), mpq(-1,1)), (Fraction(-1, 2), Fraction(-1, 2)))

A second layer folds: ``relu(|x| - 1/2)`` adds a line in every quadrant.

>>> net2 = Network.from_exact([[[1, 0], [-1, 0]], [[1, 1]]], [[0, 0], ["-1/2"]])
>>> len(region_polygons(net2))
4

The plane through three points of a three-input network:

>>> net3 = Network.from_exact([[[1, 0, 0], [0, 1, 0], [0, 0, 1]]], [[0, 0, 0]])
>>> len(slice_polygons(net3, [0, 0, 0], [1, 0, 0], [0, 1, 0]))   # the plane z = 0: x, y split it
4

References
----------
.. [1] G. Montúfar, R. Pascanu, K. Cho, Y. Bengio, "On the number of linear regions of deep
   neural networks", NIPS 2014, Fig. 1 and Sec. 2 (regions as intersections of the
   arrangements of each layer, refined layer by layer).
.. [2] T. Serra, C. Tjandraatmadja, S. Ramalingam, "Bounding and counting linear regions of
   deep neural networks", ICML 2018, Sec. 2 (each layer partitions every region of the
   previous layers by the arrangement of its activation hyperplanes).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .errors import RegionmathError

from gmpy2 import mpq

from .exact import exact_layers, to_fraction
from .exact import to_mpq as _q

__all__ = ["RegionPolygon", "region_polygons", "slice_polygons", "slice_domain", "decision_boundary",
           "plot_regions", "exact_layers", "slice_point",
           "level_set", "linear_pieces"]

_ZERO = mpq(0)


@dataclass
class RegionPolygon:
    """One activation region of a two-input network (or of a plane slice): a convex polygon.

    ``vertices`` are exact rationals in counter-clockwise order; ``pattern`` is the flat
    activation pattern (relu 0/1, maxout piece index); ``A, c`` give the last hidden layer
    ``h = A (x, y) + c`` on the polygon exactly (lists of mpq).
    """

    vertices: list
    pattern: tuple
    A: list = field(repr=False, default=None)
    c: list = field(repr=False, default=None)

    @property
    def area(self):
        """The exact area (shoelace formula)."""
        return _area(self.vertices)

    @property
    def witness(self):
        """The average of the vertices: an interior point, exact (a tuple of Fractions)."""
        m = len(self.vertices)
        sx = sum((v[0] for v in self.vertices), _ZERO) / m
        sy = sum((v[1] for v in self.vertices), _ZERO) / m
        return (to_fraction(sx), to_fraction(sy))

    def as_array(self) -> np.ndarray:
        """The vertices as a float array of shape (m, 2), for plotting."""
        return np.array([[float(x), float(y)] for x, y in self.vertices])


def _area(poly):
    s = _ZERO
    m = len(poly)
    for i in range(m):
        x1, y1 = poly[i]
        x2, y2 = poly[(i + 1) % m]
        s += x1 * y2 - x2 * y1
    return s / 2


def _clip(poly, a, b, c):
    """The part of the convex polygon where ``a x + b y + c >= 0`` (Sutherland-Hodgman, exact)."""
    vals = [a * x + b * y + c for x, y in poly]
    if all(v >= 0 for v in vals):
        return poly
    if all(v <= 0 for v in vals):
        return []
    out = []
    m = len(poly)
    for i in range(m):
        p, vp = poly[i], vals[i]
        q, vq = poly[(i + 1) % m], vals[(i + 1) % m]
        if vp >= 0:
            out.append(p)
        if (vp > 0 and vq < 0) or (vp < 0 and vq > 0):
            t = vp / (vp - vq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    # drop repeated vertices (a vertex exactly on the line can be produced twice)
    clean = []
    for v in out:
        if not clean or v != clean[-1]:
            clean.append(v)
    if len(clean) > 1 and clean[0] == clean[-1]:
        clean.pop()
    return clean


def _box_polygon(lo, hi):
    x0, y0, x1, y1 = _q(lo[0]), _q(lo[1]), _q(hi[0]), _q(hi[1])
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def _partition(layers, activation, rank, domain, time_limit=None, progress=None):
    """Split ``domain`` (a convex polygon) into the activation regions of ``layers``."""
    one = mpq(1)
    # a piece: (polygon, pattern list, A rows (each [a_x, a_y]), c)
    pieces = [(domain, [], [[one, _ZERO], [_ZERO, one]], [_ZERO, _ZERO])]
    start = time.perf_counter()
    for l, (W, b) in enumerate(layers):
        rows_per_unit = 1 if activation == "relu" else rank
        units = len(W) // rows_per_unit
        new_pieces = []
        for poly, pat, A, c in pieces:
            # pre-activations of this layer on the piece: z_r = a_r . (x, y) + c_r
            zs = []
            for row, bb in zip(W, b):
                ax = sum((w * Ar[0] for w, Ar in zip(row, A)), _ZERO)
                ay = sum((w * Ar[1] for w, Ar in zip(row, A)), _ZERO)
                cz = sum((w * cr for w, cr in zip(row, c)), _ZERO) + bb
                zs.append((ax, ay, cz))
            sub = [(poly, [], [], [])]
            for u in range(units):
                if activation == "relu":
                    cands = [(_ZERO, _ZERO, _ZERO), zs[u]]      # relu(z) = max(0, z): piece 0 is "off"
                else:
                    cands = zs[u * rank:(u + 1) * rank]
                nxt = []
                for spoly, spat, sA, sc in sub:
                    for i, zi in enumerate(cands):
                        part = spoly
                        for r, zr in enumerate(cands):
                            if r == i:
                                continue
                            d = (zi[0] - zr[0], zi[1] - zr[1], zi[2] - zr[2])
                            if d[0] == 0 and d[1] == 0 and d[2] == 0:
                                if r < i:   # identical pieces: the lowest index wins
                                    part = []
                                    break
                                continue
                            part = _clip(part, *d)
                            if len(part) < 3:
                                break
                        if len(part) >= 3 and _area(part) > 0:
                            nxt.append((part, spat + [i], sA + [[zi[0], zi[1]]], sc + [zi[2]]))
                sub = nxt
            for spoly, spat, sA, sc in sub:
                new_pieces.append((spoly, pat + spat, sA, sc))
            if time_limit is not None and time.perf_counter() - start > time_limit:
                raise TimeoutError
        pieces = new_pieces
        if progress is not None:
            progress({"layer": l + 1, "count": len(pieces), "seconds": time.perf_counter() - start})
    return [RegionPolygon(_ccw(p), tuple(pat), A, c) for p, pat, A, c in pieces]


def _ccw(poly):
    return poly if _area(poly) > 0 else poly[::-1]


def _check_domain(domain):
    try:
        poly = [(_q(x), _q(y)) for x, y in domain]
    except (TypeError, ValueError):
        raise RegionmathError("a domain polygon is a list of (x, y) vertices") from None
    if len(poly) < 3 or _area(poly) == 0:
        raise RegionmathError("the domain polygon needs at least three vertices and positive area")
    poly = _ccw(poly)
    m = len(poly)
    for i in range(m):  # convex: every turn is to the left (or straight)
        (x0, y0), (x1, y1), (x2, y2) = poly[i], poly[(i + 1) % m], poly[(i + 2) % m]
        if (x1 - x0) * (y2 - y1) - (y1 - y0) * (x2 - x1) < 0:
            raise RegionmathError("the domain polygon must be convex with vertices in order")
    return poly


def region_polygons(network, domain=None, time_limit=None, progress=None) -> list:
    """The activation regions of a two-input network as exact convex polygons.

    Parameters
    ----------
    network : Network
        ``n0 == 2``; ReLU or maxout.
    domain : list of (x, y) or None
        A convex polygon (vertices in order); default the network's box.
    time_limit : float or None
        Seconds; past it a :class:`TimeoutError` is raised (a partial picture is not a picture).
    progress : callable or None
        Called after each layer with ``{"layer", "count", "seconds"}``.

    Returns
    -------
    list of RegionPolygon
        One polygon per activation pattern with non-empty interior; they tile the domain.

    References
    ----------
    Montúfar, Pascanu, Cho, Bengio 2014, Sec. 2; Serra, Tjandraatmadja, Ramalingam 2018, Sec. 2.
    """
    if network.n0 != 2:
        raise RegionmathError(f"region pictures need a network with 2 inputs, this one has {network.n0}; "
                              f"use slice_polygons for a plane through three inputs")
    poly = _box_polygon(*network.box) if domain is None else _check_domain(domain)
    return _partition(exact_layers(network), network.activation, network.rank, poly, time_limit, progress)


def slice_domain(network, p0, p1, p2):
    """The plane ``p0 + s (p1 - p0) + t (p2 - p0)`` inside the network's box, as an exact
    convex polygon in ``(s, t)``, with the exact directions ``(d1, d2)``.

    Raises RegionmathError when the three points are not affinely independent.
    """
    n0 = network.n0
    pts = []
    for name, p in (("p0", p0), ("p1", p1), ("p2", p2)):
        p = list(np.ravel(np.asarray(p, dtype=object)))
        if len(p) != n0:
            raise RegionmathError(f"{name} has {len(p)} coordinates, the network has {n0} inputs")
        pts.append([_q(v) for v in p])
    P0, P1, P2 = pts
    d1 = [a - b for a, b in zip(P1, P0)]
    d2 = [a - b for a, b in zip(P2, P0)]
    lo = [_q(v) for v in network.box[0]]
    hi = [_q(v) for v in network.box[1]]
    # two coordinates where (d1, d2) is invertible bound the plane: start from their parallelogram
    best = None
    for i in range(n0):
        for j in range(i + 1, n0):
            det = d1[i] * d2[j] - d2[i] * d1[j]
            if det != 0 and (best is None or abs(det) > abs(best[2])):
                best = (i, j, det)
    if best is None:
        raise RegionmathError("p0, p1, p2 lie on a line; a slice needs three affinely independent points")
    i, j, det = best

    def solve(xi, xj):  # (s, t) with P0 + s d1 + t d2 = (xi, xj) in coordinates i, j
        ri, rj = xi - P0[i], xj - P0[j]
        return ((ri * d2[j] - d2[i] * rj) / det, (d1[i] * rj - ri * d1[j]) / det)

    poly = _ccw([solve(lo[i], lo[j]), solve(hi[i], lo[j]), solve(hi[i], hi[j]), solve(lo[i], hi[j])])
    for m in range(n0):
        if m in (i, j):
            continue
        poly = _clip(poly, d1[m], d2[m], P0[m] - lo[m])     # x_m >= lo_m
        if len(poly) >= 3:
            poly = _clip(poly, -d1[m], -d2[m], hi[m] - P0[m])  # x_m <= hi_m
        if len(poly) < 3 or _area(poly) == 0:
            raise RegionmathError("the plane through p0, p1, p2 meets the domain box in no area")
    return poly, (P0, d1, d2)


def slice_polygons(network, p0, p1, p2, time_limit=None, progress=None) -> list:
    """The activation regions of ``network`` on the plane through ``p0, p1, p2`` (inside its box).

    Polygons live in the plane's coordinates ``(s, t)``: the input is ``p0 + s (p1 - p0) +
    t (p2 - p0)`` (:func:`slice_point`), so ``p0, p1, p2`` sit at ``(0, 0), (1, 0), (0, 1)``.
    Each polygon's pattern is the full network's pattern on that part of the plane.

    References
    ----------
    Montúfar, Pascanu, Cho, Bengio 2014, Sec. 2 (regions as the refinement of each layer's
    arrangement), here restricted to a plane.
    """
    poly, (P0, d1, d2) = slice_domain(network, p0, p1, p2)
    layers = exact_layers(network)
    W1, b1 = layers[0]
    W1s = [[sum((w * v for w, v in zip(row, d1)), _ZERO), sum((w * v for w, v in zip(row, d2)), _ZERO)] for row in W1]
    b1s = [sum((w * v for w, v in zip(row, P0)), _ZERO) + bb for row, bb in zip(W1, b1)]
    return _partition([(W1s, b1s)] + layers[1:], network.activation, network.rank, poly, time_limit, progress)


def slice_point(p0, p1, p2, s, t) -> list:
    """The input ``p0 + s (p1 - p0) + t (p2 - p0)`` as exact Fractions."""
    P = [[to_fraction(_q(v)) for v in np.ravel(np.asarray(p, dtype=object))] for p in (p0, p1, p2)]
    s, t = to_fraction(_q(s)), to_fraction(_q(t))
    return [a + s * (b - a) + t * (c - a) for a, b, c in zip(*P)]


def _zero_segments(polygons, affine):
    """Per polygon, the segment where the affine function ``affine(polygon) = (ax, ay, c)`` is 0."""
    segs = []
    for p in polygons:
        ax, ay, cc = affine(p)
        if ax == 0 and ay == 0:
            continue
        vals = [ax * x + ay * y + cc for x, y in p.vertices]
        pts = []
        m = len(p.vertices)
        for i in range(m):
            P, vp = p.vertices[i], vals[i]
            Q, vq = p.vertices[(i + 1) % m], vals[(i + 1) % m]
            if vp == 0:
                pts.append(P)
            elif (vp > 0 > vq) or (vp < 0 < vq):
                t = vp / (vp - vq)
                pts.append((P[0] + t * (Q[0] - P[0]), P[1] + t * (Q[1] - P[1])))
        pts = list(dict.fromkeys(pts))
        if len(pts) == 2:
            segs.append((pts[0], pts[1]))
    return segs


def _combine(w, b, p):
    """``w . h + b`` as an affine function of the polygon's coordinates, ``h = A x + c``."""
    ax = sum((wi * Ar[0] for wi, Ar in zip(w, p.A)), _ZERO)
    ay = sum((wi * Ar[1] for wi, Ar in zip(w, p.A)), _ZERO)
    return ax, ay, sum((wi * ci for wi, ci in zip(w, p.c)), _ZERO) + b


def decision_boundary(network, polygons) -> list:
    """The exact decision boundary of a binary classifier drawn on its region polygons.

    On each polygon the output is affine, so the boundary is one straight segment per
    polygon it crosses. The boundary is where the logit is 0 (one output) or where the two
    outputs are equal (two outputs).

    Returns
    -------
    list of ((x0, y0), (x1, y1))
        Exact segments (mpq); plane coordinates for a slice.
    """
    if network.output is None or network.output[0].shape[0] not in (1, 2):
        raise RegionmathError("a decision boundary needs an output layer with 1 or 2 outputs")
    Wo, bo = network.output
    w = [_q(v) for v in Wo[0]]
    b = _q(bo[0])
    if Wo.shape[0] == 2:
        w = [_q(x) - _q(y) for x, y in zip(Wo[1], Wo[0])]
        b = _q(bo[1]) - _q(bo[0])
    return _zero_segments(polygons, lambda p: _combine(w, b, p))


def level_set(network, polygons, layer, unit, value) -> list:
    """The exact segments where unit ``unit`` of the last hidden layer outputs ``value > 0``.

    (Where the unit is active its output is its affine pre-activation; elsewhere it is 0.)
    """
    if layer != network.L or network.activation != "relu":
        raise RegionmathError(f"level sets are drawn for relu units of the last hidden layer ({network.L}), got layer {layer}")
    value = _q(value)
    if not value > 0:
        raise RegionmathError("a level set is drawn for a positive value (a relu unit is 0 on whole regions)")
    return _zero_segments(polygons, lambda p: (p.A[unit][0], p.A[unit][1], p.c[unit] - value))


def linear_pieces(network, polygons) -> int:
    """Montúfar's count: the maximal connected pieces on which the network's function is affine.

    Activation regions (the polygons) with the same affine output map that share an edge of
    positive length are merged (union-find); the output is ``(Wout, bout)`` applied to the last
    hidden layer, or the last hidden layer itself when there is no output layer. This count
    is at most the number of activation regions, and can be smaller: neighbouring regions
    can compute the same function (a unit that is switched off adds nothing downstream).

    References
    ----------
    Montúfar, Pascanu, Cho, Bengio 2014, Sec. 2 (linear regions of the function F).
    """
    if network.output is not None:
        Wo = [[_q(v) for v in row] for row in network.output[0]]
        bo = [_q(v) for v in network.output[1]]
        keys = [tuple(_combine(w, b, p) for w, b in zip(Wo, bo)) for p in polygons]
    else:
        keys = [tuple((a[0], a[1], c) for a, c in zip(p.A, p.c)) for p in polygons]
    parent = list(range(len(polygons)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    groups = {}
    for i, key in enumerate(keys):
        groups.setdefault(key, []).append(i)
    for members in groups.values():
        for a_i, a in enumerate(members):
            for b in members[a_i + 1:]:
                if find(a) != find(b) and _share_edge(polygons[a].vertices, polygons[b].vertices):
                    parent[find(a)] = find(b)
    return len({find(i) for i in range(len(polygons))})


def _share_edge(P, Q):
    """True when convex polygons P and Q share a boundary segment of positive length (exact)."""
    def edges(V):
        return [(V[i], V[(i + 1) % len(V)]) for i in range(len(V))]
    for p, q in edges(P):
        dx, dy = q[0] - p[0], q[1] - p[1]
        for r, s in edges(Q):
            if dx * (r[1] - p[1]) - dy * (r[0] - p[0]) != 0 or dx * (s[1] - p[1]) - dy * (s[0] - p[0]) != 0:
                continue
            # collinear: overlap of the parameter intervals along p -> q
            norm = dx * dx + dy * dy
            tr = (dx * (r[0] - p[0]) + dy * (r[1] - p[1])) / norm
            ts = (dx * (s[0] - p[0]) + dy * (s[1] - p[1])) / norm
            if min(1, max(tr, ts)) - max(0, min(tr, ts)) > 0:
                return True
    return False


def plot_regions(polygons, ax=None, boundary=None, points=None, labels=None, cmap="tab20", edgecolor="white",
                 linewidth=0.3, seed=0):
    """Draw region polygons, each a colour, with an optional boundary and labelled points.

    Parameters
    ----------
    polygons : list of RegionPolygon
    ax : matplotlib Axes or None
    boundary : list of segments or None
        From :func:`decision_boundary`; drawn in black.
    points, labels : arrays or None
        Data points (shape (m, 2)) drawn as small markers coloured by label.
    seed : int
        Colours are assigned in a shuffled order so that neighbours differ.
    """
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection, PolyCollection

    if ax is None:
        _, ax = plt.subplots(figsize=(5, 5))
    colours = plt.get_cmap(cmap)(np.random.default_rng(seed).permutation(len(polygons)) % 20 / 19 if cmap == "tab20"
                                 else np.random.default_rng(seed).random(len(polygons)))
    ax.add_collection(PolyCollection([p.as_array() for p in polygons], facecolors=colours, edgecolors=edgecolor,
                                     linewidths=linewidth))
    if boundary:
        ax.add_collection(LineCollection([[(float(a[0]), float(a[1])), (float(b[0]), float(b[1]))] for a, b in boundary],
                                         colors="black", linewidths=1.5))
    if points is not None:
        pts = np.asarray(points, dtype=float)
        ax.scatter(pts[:, 0], pts[:, 1], c=labels if labels is not None else "k", s=3, cmap="coolwarm",
                   linewidths=0)
    allv = np.vstack([p.as_array() for p in polygons])
    ax.set_xlim(allv[:, 0].min(), allv[:, 0].max())
    ax.set_ylim(allv[:, 1].min(), allv[:, 1].max())
    ax.set_aspect("equal", adjustable="box")
    return ax
