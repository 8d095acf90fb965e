"""Exact region pictures: the polygons are exactly the activation regions."""

from fractions import Fraction
from math import comb

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from regionmath import RegionmathError
from regionmath.counting.certify import certify_witness
from regionmath.network import Network
from regionmath.pictures import (decision_boundary, plot_regions, region_polygons, slice_domain, slice_point,
                                 slice_polygons)


def _random_net(seed, n0, widths, activation="relu", rank=1, box=None, output=0):
    rng = np.random.default_rng(seed)
    Ws, bs, prev = [], [], n0
    for w in widths:
        Ws.append(rng.normal(size=(w * rank, prev)))
        bs.append(rng.normal(scale=0.5, size=w * rank))
        prev = w
    out = (rng.normal(size=(output, prev)), rng.normal(size=output)) if output else None
    return Network(Ws, bs, activation, rank, output=out, box=box)


def _check_is_partition(net, polys, domain_area, rng, samples=300, to_input=None):
    """Polygons tile the domain, have distinct certified patterns, and contain what they claim."""
    assert sum(p.area for p in polys) == domain_area
    assert len({p.pattern for p in polys}) == len(polys)
    for p in polys:
        x = p.witness if to_input is None else to_input(*p.witness)
        assert certify_witness(net, p.pattern, x), p.pattern
    # random points of random polygons: the float pattern there is the polygon's
    for p in [polys[i] for i in rng.integers(0, len(polys), samples)]:
        V = p.as_array()
        w = rng.dirichlet(np.ones(len(V)))
        s, t = w @ V
        x = np.array([s, t]) if to_input is None else np.array([float(v) for v in to_input(s, t)])
        assert net.pattern_key(x) == p.pattern


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), widths=st.lists(st.integers(1, 5), min_size=1, max_size=3),
       maxout=st.booleans())
def test_polygons_are_the_regions(seed, widths, maxout):
    activation, rank = ("maxout", 2 + seed % 2) if maxout else ("relu", 1)
    net = _random_net(seed, 2, widths, activation, rank)
    polys = region_polygons(net)
    _check_is_partition(net, polys, 4, np.random.default_rng(seed))


@settings(max_examples=20, deadline=None)
@given(m=st.integers(1, 9), seed=st.integers(0, 10_000))
def test_one_layer_in_general_position_gives_zaslavsky(m, seed):
    """m lines in general position: 1 + m + C(m, 2) regions (Zaslavsky) once the box holds every crossing."""
    rng = np.random.default_rng(seed)
    W, b = rng.normal(size=(m, 2)), rng.normal(size=m)
    crossings = [np.linalg.solve(W[[i, j]], -b[[i, j]]) for i in range(m) for j in range(i + 1, m)]
    feet = [-b[i] * W[i] / (W[i] @ W[i]) for i in range(m)]   # each line's point nearest 0
    R = 1 + max(np.abs(c).max() for c in crossings + feet)
    net = Network([W], [b], box=([-R, -R], [R, R]))
    assert len(region_polygons(net)) == 1 + m + comb(m, 2)


def test_degenerate_units_follow_the_counting_convention():
    # opposite copies of one line, a zero unit and a repeated unit: still the two half-planes
    net = Network.from_exact([[[1, 1], [-1, -1], [0, 0], [1, 1]]], [[0, 0, 0, 0]])
    polys = region_polygons(net)
    assert sorted(p.pattern for p in polys) == [(0, 1, 0, 0), (1, 0, 0, 1)]
    # a second-layer unit that vanishes identically on a region: read as off there
    net2 = Network.from_exact([[[1, 0]], [[1], [-1]]], [[0], [0, 0]])
    assert sorted(p.pattern for p in region_polygons(net2)) == [(0, 0, 0), (1, 1, 0)]


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 10_000), widths=st.lists(st.integers(1, 4), min_size=1, max_size=3),
       maxout=st.booleans())
def test_polygon_count_equals_count_regions(seed, widths, maxout):
    """The number of polygons is count_regions' count, by brute force and by enumeration."""
    from regionmath.counting import count_regions
    activation, rank = ("maxout", 2) if maxout else ("relu", 1)
    net = _random_net(seed, 2, widths, activation, rank)
    n = len(region_polygons(net))
    for method, options in (("brute", {}), ("enumerate", {"jobs": 1})):
        result = count_regions(net, method=method, time_limit=60, **options)
        assert result.complete and result.count == n, method


def test_slice_of_a_higher_dimensional_net():
    rng = np.random.default_rng(5)
    net = _random_net(5, 5, (4, 3), box=(np.zeros(5), np.ones(5)))
    p0, p1, p2 = rng.random((3, 5))
    dom, _ = slice_domain(net, p0, p1, p2)
    from regionmath.pictures import _area
    polys = slice_polygons(net, p0, p1, p2)
    _check_is_partition(net, polys, _area(dom), rng, to_input=lambda s, t: slice_point(p0, p1, p2, s, t))
    # the three points are where the plane coordinates say
    assert slice_point(p0, p1, p2, 1, 0) == [Fraction(v) for v in p1]


def test_slice_through_the_coordinate_plane_is_the_two_input_picture():
    net3 = _random_net(9, 3, (5, 4), box=(-np.ones(3), np.ones(3)))
    # restricted to x3 = 0 the net is the 2-input net with W1[:, :2]
    net2 = Network([net3.weights[0][:, :2]] + net3.weights[1:], net3.biases)
    sliced = slice_polygons(net3, [-1, -1, 0], [1, -1, 0], [-1, 1, 0])   # s, t in [0, 1]
    assert sorted(p.pattern for p in sliced) == sorted(p.pattern for p in region_polygons(net2))


def test_decision_boundary_segments_lie_on_the_zero_set():
    net = _random_net(3, 2, (6, 6), output=1)
    net.output = (net.output[0], net.output[1] - net.forward([0.0, 0.0]))   # the boundary passes through 0
    polys = region_polygons(net)
    segs = decision_boundary(net, polys)
    assert segs
    for a, b in segs:
        for pt in (a, b, ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)):
            assert abs(net.forward([float(pt[0]), float(pt[1])])[0]) < 1e-9
    # sign changes of the output along a fine grid happen only near the segments: count crossings
    xs = np.linspace(-1, 1, 401)
    out = np.array([net.forward(np.column_stack([xs, np.full_like(xs, y)]))[:, 0] for y in (-0.5, 0.3)])
    crossings = int(np.sum(np.diff(np.sign(out), axis=1) != 0))
    hits = 0
    for y in (-0.5, 0.3):
        for a, b in segs:
            ya, yb = float(a[1]), float(b[1])
            if min(ya, yb) <= y <= max(ya, yb) and ya != yb:
                hits += 1
    assert hits == crossings


def test_bad_input():
    with pytest.raises(RegionmathError, match="2 inputs"):
        region_polygons(_random_net(0, 3, (2,)))
    net = _random_net(0, 3, (2,))
    with pytest.raises(RegionmathError, match="on a line"):
        slice_polygons(net, [0, 0, 0], [1, 1, 1], [0.5, 0.5, 0.5])
    with pytest.raises(RegionmathError, match="coordinates"):
        slice_polygons(net, [0, 0], [1, 1, 1], [0.5, 0.5, 0.5])
    with pytest.raises(RegionmathError, match="convex"):
        region_polygons(_random_net(0, 2, (2,)), domain=[(0, 0), (2, 0), (1, 1), (2, 2), (0, 2)])
    with pytest.raises(RegionmathError, match="1 or 2 outputs"):
        decision_boundary(_random_net(0, 2, (2,)), [])


def test_plot_draws_one_patch_per_region(tmp_path):
    import matplotlib
    matplotlib.use("Agg")
    net = _random_net(1, 2, (4, 4), output=1)
    polys = region_polygons(net)
    ax = plot_regions(polys, boundary=decision_boundary(net, polys))
    assert len(ax.collections[0].get_paths()) == len(polys)
    ax.figure.savefig(tmp_path / "r.png")


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), m=st.integers(2, 7))
def test_linear_pieces_of_one_layer(seed, m):
    """One layer: every region has its own map (pieces = regions); a unit the output ignores
    draws no piece boundary (pieces = the regions of the net without that unit)."""
    rng = np.random.default_rng(seed)
    W, b = rng.normal(size=(m, 2)), rng.normal(scale=0.5, size=m)
    wout = rng.normal(size=(1, m))
    net = Network([W], [b], output=(wout, [0.0]))
    from regionmath.pictures import linear_pieces
    polys = region_polygons(net)
    assert linear_pieces(net, polys) == len(polys)
    wout[0, 0] = 0.0
    net0 = Network([W], [b], output=(wout, [0.0]))
    assert linear_pieces(net0, region_polygons(net0)) == len(region_polygons(Network([W[1:]], [b[1:]])))


def test_level_set_of_a_last_layer_unit():
    from regionmath.pictures import level_set
    net = _random_net(11, 2, (5, 4))
    polys = region_polygons(net)
    H = net.hidden(np.random.default_rng(0).uniform(-1, 1, (500, 2)))
    unit = int(np.argmax((H > 0).sum(axis=0)))
    value = float(np.median(H[H[:, unit] > 0, unit]))
    segs = level_set(net, polys, 2, unit, value)
    assert segs
    for a, b in segs:
        for pt in (a, b):
            assert abs(net.hidden([float(pt[0]), float(pt[1])])[unit] - value) < 1e-9
    with pytest.raises(RegionmathError, match="last hidden layer"):
        level_set(net, polys, 1, 0, value)


def test_neighbouring_regions_get_different_colours():
    """adjacency() (edges grouped by line) agrees with the pairwise exact edge test, and the
    colouring gives neighbours different colours."""
    from regionmath.pictures import _share_edge, adjacency, region_colours
    for seed, widths in ((3, (5,)), (4, (4, 4)), (5, (3, 3, 3))):
        polys = region_polygons(_random_net(seed, 2, widths))
        nb = adjacency(polys)
        brute = [{j for j, q in enumerate(polys) if j != i and _share_edge(p.vertices, q.vertices)}
                 for i, p in enumerate(polys)]
        assert nb == brute
        colours = region_colours(polys)
        assert all(colours[i] != colours[j] for i in range(len(polys)) for j in nb[i])
        assert len(set(colours)) > 2   # balanced: not a chessboard


def test_plot_network_writes_the_picture(tmp_path):
    """A file with one patch per region (their number equals the exact count); a slice for
    n0 = 3; bad paths and a missing slice refused before any work, leaving no file."""
    import matplotlib
    matplotlib.use("Agg")
    from regionmath.counting import count_regions
    from regionmath.pictures import plot_network
    net = _random_net(11, 2, (4, 3), output=1)     # its decision boundary crosses the box
    info = plot_network(net, tmp_path / "r.png")
    assert (tmp_path / "r.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert info["regions"] == count_regions(net).count and info["boundary"] > 0
    net3 = _random_net(3, 3, (4,), output=2)
    info3 = plot_network(net3, tmp_path / "s.pdf", slice_points=[[0, 0, 0], [1, 0, 0], [0, 1, 0]])
    assert (tmp_path / "s.pdf").read_bytes()[:5] == b"%PDF-" and info3["regions"] >= 1
    for args, match in (((net, tmp_path / "r.jpg"), r"\.png, \.pdf or \.svg"),
                        ((net, tmp_path / "nowhere" / "r.png"), "does not exist"),
                        ((net3, tmp_path / "t.png"), "3 inputs")):
        with pytest.raises(RegionmathError, match=match):
            plot_network(*args)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.png", "s.pdf"]
