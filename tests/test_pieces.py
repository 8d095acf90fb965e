"""The linear regions of the function ("pieces", Montúfar 2014 Sec. 2.1), counted in any dimension.

Expected values come from methods that share no code with regionmath.counting.pieces: an exact
breakpoint walk on the line (F evaluated in Fractions), the exact 2-D polygons of
regionmath.pictures merged edge by edge, hand counts, and the activation-region count.
"""

from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regionmath.counting import count_regions
from regionmath.network import Network


def pieces(net, **kw):
    r = count_regions(net, definition="pieces", jobs=1, **kw)
    assert r.complete and r.definition == "pieces"
    return r


def regions(net, **kw):
    return count_regions(net, jobs=1, **kw).count


# -- an independent reference on the line ----------------------------------------------------
def _exact_F(net, x):
    """F(x) in Fractions, by the plain forward pass."""
    h = [x]
    Ws, bs = net.exact_weights, net.exact_biases
    k = net.rank
    for W, b in zip(Ws, bs):
        z = [sum((w * v for w, v in zip(row, h)), F(0)) + bb for row, bb in zip(W, b)]
        h = [max(v, F(0)) for v in z] if net.activation == "relu" else [max(z[u:u + k]) for u in range(0, len(z), k)]
    if net.output is not None:
        Wo, bo = net.output
        h = [sum((F(float(w)) * v for w, v in zip(row, h)), F(0)) + F(float(c)) for row, c in zip(Wo, bo)]
    return tuple(h)


def _breakpoints(net, lo, hi):
    """Every point of (lo, hi) where some unit's pre-activation (or maxout tie) changes, exactly."""
    pieces_ = [(lo, hi, [F(1)], [F(0)])]
    k = net.rank
    for W, b in zip(net.exact_weights, net.exact_biases):
        out = []
        for left, right, al, be in pieces_:
            pre = [(sum((w * a for w, a in zip(row, al)), F(0)), sum((w * o for w, o in zip(row, be)), F(0)) + bb)
                   for row, bb in zip(W, b)]
            pairs = ([(p, (F(0), F(0))) for p in pre] if net.activation == "relu" else
                     [(pre[u + i], pre[u + j]) for u in range(0, len(pre), k) for i in range(k) for j in range(i + 1, k)])
            cuts = sorted({(b2 - b1) / (a1 - a2) for (a1, b1), (a2, b2) in pairs if a1 != a2
                           and left < (b2 - b1) / (a1 - a2) < right})
            ends = [left] + cuts + [right]
            for x0, x1 in zip(ends, ends[1:]):
                mid = (x0 + x1) / 2
                z = [a * mid + o for a, o in pre]
                if net.activation == "relu":
                    sel = [(a, o) if v > 0 else (F(0), F(0)) for (a, o), v in zip(pre, z)]
                else:
                    sel = [pre[u + max(range(k), key=lambda i: (z[u + i], -i))] for u in range(0, len(z), k)]
                out.append((x0, x1, [s[0] for s in sel], [s[1] for s in sel]))
        pieces_ = out
    return sorted({p[0] for p in pieces_[1:]})


def line_pieces(net):
    """Maximal open intervals of the box on which F is affine: 1 + the breakpoints where the slope changes."""
    lo, hi = F(float(net.box[0][0])), F(float(net.box[1][0]))
    ends = [lo] + _breakpoints(net, lo, hi) + [hi]
    slopes = []
    for x0, x1 in zip(ends, ends[1:]):
        a, b = x0 + (x1 - x0) / 3, x0 + 2 * (x1 - x0) / 3
        fa, fb = _exact_F(net, a), _exact_F(net, b)
        slopes.append(tuple((v - u) / (b - a) for u, v in zip(fa, fb)))
    return 1 + sum(s != t for s, t in zip(slopes, slopes[1:]))


# -- degenerate random networks: small integers make shared hyperplanes and dead units ------------
def _net(draw, n0, activation="relu"):
    L = draw(st.integers(1, 3))
    widths = [draw(st.integers(1, 3)) for _ in range(L)]
    k = 1 if activation == "relu" else draw(st.integers(2, 3))
    small = st.integers(-2, 2)
    Ws, bs, prev = [], [], n0
    for w in widths:
        Ws.append([[draw(small) for _ in range(prev)] for _ in range(w * k)])
        bs.append([F(draw(small), 2) for _ in range(w * k)])
        prev = w
    output = None
    if draw(st.booleans()):
        output = ([[draw(small) for _ in range(prev)]], [0])
    return Network.from_exact(Ws, bs, activation=activation, rank=k, output=output,
                              box=([-1] * n0, [1] * n0))


@st.composite
def nets(draw, n0=None, activation=None):
    n0 = draw(st.integers(1, 3)) if n0 is None else n0
    activation = draw(st.sampled_from(["relu", "relu", "maxout"])) if activation is None else activation
    return _net(draw, n0, activation)


SETTINGS = dict(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@settings(**SETTINGS)
@given(nets())
def test_pieces_at_most_activation_regions(net):
    r = pieces(net)
    assert 1 <= r.count <= r.info["activation_regions"] == regions(net)
    assert r.certified


@settings(**SETTINGS)
@given(nets(n0=1))
def test_pieces_on_the_line_equal_the_exact_breakpoint_walk(net):
    assert pieces(net).count == line_pieces(net)


@settings(**dict(SETTINGS, max_examples=15))
@given(nets(n0=2))
def test_pieces_on_the_plane_equal_the_polygon_merge(net):
    from regionmath.pictures import linear_pieces, region_polygons
    assert pieces(net).count == linear_pieces(net, region_polygons(net))


def test_an_output_layer_that_cancels_makes_one_piece():
    # relu(x) and relu(x - 1/2) on [-1, 1]^2 (lines x = 0, x = 1/2); out = relu(x) - 0*relu(x - 1/2)
    # reads only the first: three activation regions, two pieces (hand count)
    net = Network.from_exact([[[1, 0], [1, 0]]], [[0, "-1/2"]], output=([[1, 0]], [0]))
    r = pieces(net)
    assert (r.info["activation_regions"], r.count, r.info["joins"], r.certified) == (3, 2, 1, True)
    # without the output layer F = h_1 bends at both lines: three pieces
    bare = Network.from_exact([[[1, 0], [1, 0]]], [[0, "-1/2"]])
    assert pieces(bare).count == 3
    # an output that cancels the bend of relu(x - 1/2) against relu(-x + 1/2): x - 1/2 is affine
    net = Network.from_exact([[[1, 0], [-1, 0]]], [["-1/2", "1/2"]], output=([[1, -1]], [0]))
    assert (regions(net), pieces(net).count) == (2, 1)


def test_regions_touching_in_a_point_are_not_joined():
    # F = relu(x) + relu(y) - relu(x + y) on [-1, 1]^2 is 0 on the quadrants x, y > 0 and x, y < 0,
    # which meet only at the origin; the other two quadrants are cut by x + y = 0 into pieces where
    # F is -x, y, -y, x (hand count): 6 regions, 5 maps, 6 pieces (joining at a point would give 5)
    net = Network.from_exact([[[1, 0], [0, 1], [1, 1]]], [[0, 0, 0]], output=([[1, 1, -1]], [0]))
    from regionmath.pictures import linear_pieces, region_polygons
    r = pieces(net)
    assert r.count == linear_pieces(net, region_polygons(net)) == 6 == r.info["activation_regions"]
    assert r.info["joins"] == 0


def _gaussian(n0, widths, activation, rank, out, seed=7):
    rng = np.random.default_rng(seed)
    Ws, bs, prev = [], [], n0
    for w in widths:
        Ws.append(rng.standard_normal((w * rank, prev)))
        bs.append(0.3 * rng.standard_normal(w * rank))
        prev = w
    output = (rng.standard_normal((2, prev)), rng.standard_normal(2)) if out else None
    return Network(Ws, bs, activation, rank, output=output)


# Generic weights: two neighbours across unit u's facet have equal maps iff the output does not
# depend on u there (column u of dF/dh_l is 0). With random weights that happens only through
# units switched off: so a shallow ReLU net with a random output layer, and maxout nets (no unit
# is ever switched off), have exactly as many pieces as activation regions.
@pytest.mark.parametrize("n0,widths,activation,rank,out", [
    (2, (6,), "relu", 1, True), (3, (6,), "relu", 1, True), (1, (5,), "relu", 1, True),
    (2, (3, 3), "maxout", 2, True), (3, (3, 2), "maxout", 3, False), (1, (2, 2, 2), "maxout", 2, False)])
def test_generic_nets_have_as_many_pieces_as_regions(n0, widths, activation, rank, out):
    net = _gaussian(n0, widths, activation, rank, out)
    r = pieces(net)
    assert r.count == r.info["activation_regions"] == regions(net)
    assert r.info["joins"] == 0 and r.certified


@pytest.mark.parametrize("seed", range(3))
def test_deep_random_relu_nets_join_only_where_units_are_switched_off(seed):
    # deep random ReLU nets: where every unit of a layer is off, F is constant and neighbours join
    net = _gaussian(2, (5, 4), "relu", 1, True, seed=seed)
    from regionmath.pictures import linear_pieces, region_polygons
    assert pieces(net).count == linear_pieces(net, region_polygons(net))


@settings(**dict(SETTINGS, max_examples=10))
@given(nets(), st.integers(-3, 3))
def test_scaling_a_layer_by_a_power_of_two_keeps_the_pieces(net, e):
    # W_1 -> 2^e W_1 and every b_l -> 2^e b_l multiply every h_l by 2^e (positive homogeneity
    # of relu and max): F changes by an affine bijection of the output, its pieces do not change
    c = F(2) ** e
    Ws = [W * c if l == 0 else W for l, W in enumerate(net.exact_weights)]
    bs = [b * c for b in net.exact_biases]
    scaled = Network.from_exact(Ws, bs, net.activation, net.rank, output=net.output, box=net.box)
    assert pieces(scaled).count == pieces(net).count


def test_constructions_counted_under_both_definitions():
    # the figures, here derived by the breakpoint walk on the line (not by the counter)
    from regionmath import Architecture
    from regionmath.constructions import build
    for cid, arch, regs in [("montufar2014-thm4", Architecture(1, (3, 1)), 6),
                            ("montufar2014-thm4", Architecture(1, (3, 3, 2)), 27),
                            ("serra2018-exact-1d", Architecture(1, (6, 1)), 14),
                            ("montufar2014-thm8", Architecture(1, (1, 1), "maxout", 2), 4)]:
        net = build(cid, arch).network
        r = pieces(net)
        assert r.info["activation_regions"] == regs
        assert r.count == line_pieces(net) < regs


def test_unbounded_domain():
    # |x| - |x - 1| on R: constant on (-oo, 0) and (1, oo), slope 2 between: 3 pieces, 3 regions;
    # with a dead-ended unit relu(x - 2) whose output weight is 0: 4 regions, 3 pieces
    net = Network.from_exact([[[1], [-1], [1], [-1], [1]]], [[0, 0, -1, 1, -2]], output=([[1, 1, -1, -1, 0]], [0]))
    r = count_regions(net, definition="pieces", jobs=1, unbounded=True)
    assert (r.info["activation_regions"], r.count, r.certified) == (4, 3, True)


def test_bad_definition_is_refused():
    from regionmath.errors import RegionmathError
    net = Network([[[1.0]]], [[0.0]])
    with pytest.raises(RegionmathError, match="pieces"):
        count_regions(net, definition="piece")


def test_verify_reports_both_counts():
    # hand count (proofs/proof_pieces_folding.py): Theorem 4 at (3, 1) has 6 activation regions, and
    # the off end of the last unit is shared by fold copies 1 and 2: 5 pieces
    from regionmath import Architecture
    from regionmath.constructions import build
    from regionmath.verify import verify
    rep = verify(build("montufar2014-thm4", Architecture(1, (3, 1))))
    assert (rep.counted, rep.pieces, rep.agrees, rep.agrees_pieces, rep.about) == (6, 5, True, False, "pieces")
    d = rep.as_dict()
    assert d["pieces"] == "5" and d["agrees_pieces"] is False
    oriented = verify(build("montufar2014-thm4", Architecture(1, (3, 2)), for_pieces=True))
    assert (oriented.counted, oriented.pieces, oriented.agrees_pieces) == (9, 9, True)


def test_registry_says_which_count():
    from regionmath import Architecture, bounds
    assert all(b.about in ("activation regions", "pieces", "both") for b in bounds.all_bounds())
    a = Architecture(1, (6, 1))
    # an upper bound on activation regions holds for pieces; the pieces-only bound does not hold for regions
    assert bounds.get("serra2018-thm1").holds_for(a, "pieces")
    assert bounds.tightest_upper(a, "pieces")[1] == 11 < bounds.tightest_upper(a)[1]
    assert bounds.best_lower(a)[1] == 14 and bounds.best_lower(a, "pieces") is None


def test_search_maximises_pieces():
    # widths (3, 1) on the line: at most 3 + 2 + ceil(3/2) = 7 pieces (proofs/proof_pieces_line.py),
    # 8 activation regions; the search for pieces stops at the proved maximum, certified
    from regionmath import Architecture
    from regionmath.search import search_max_regions
    r = search_max_regions(Architecture(1, (3, 1)), time_limit=60, max_evals=400, definition="pieces")
    assert r.certified and r.count == 7 and r.settled
    assert r.upper == ("pieces-1d-one-unit", 7)
    again = count_regions(r.network, domain="R^n0", definition="pieces", jobs=1)
    assert again.count == 7 and again.info["activation_regions"] >= 7
