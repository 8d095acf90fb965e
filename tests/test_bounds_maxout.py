"""Maxout bounds: values vs expressions, lower <= upper, asymptotics, and counts.

The counts come from :func:`count_maxout_layer`, written here independently of the toolkit:
a depth-first search over the units' pieces with one HiGHS LP per extension (maximise the
margin by which the chosen pieces win, on all of R^n0), every counted region's witness
checked in exact rational arithmetic.
"""

import itertools
from fractions import Fraction
from math import comb, prod

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st
from scipy.optimize import linprog

from regionmath import Architecture, RegionmathError, bounds
from regionmath.arrangements import Arrangement, catalan, shi
from regionmath.bounds.maxout import montufar2014_thm8_hypotheses
from regionmath.network import Network

MAXOUT_IDS = ["montufar2014-prop7-lower", "montufar2014-prop7-upper", "montufar2014-thm8",
              "serra2018-maxout", "mrz2022-shallow"]


# -- an independent counter for one maxout layer on R^n0 ----------------------------------------
def count_maxout_layer(W, b, k):
    """Activation regions (patterns with interior) of one rank-k maxout layer on all of R^n0."""
    Wq = [[Fraction(v) for v in row] for row in W]
    bq = [Fraction(v) for v in b]
    W = np.array([[float(v) for v in row] for row in Wq])
    b = np.array([float(v) for v in bq])
    n0, units = W.shape[1], W.shape[0] // k
    count, stack = 0, [()]
    while stack:
        pat = stack.pop()
        if len(pat) == units:
            count += 1
            continue
        for s in range(k):
            new = pat + (s,)
            rows, rhs = [], []
            for u, su in enumerate(new):
                for l in range(k):
                    if l != su:  # (f_su - f_l)(x) >= t  <=>  -(w_su - w_l).x + t <= b_su - b_l
                        rows.append(np.append(W[u * k + l] - W[u * k + su], 1.0))
                        rhs.append(b[u * k + su] - b[u * k + l])
            res = linprog(np.append(np.zeros(n0), -1.0), A_ub=np.array(rows), b_ub=np.array(rhs),
                          bounds=[(None, None)] * n0 + [(None, 1.0)], method="highs")
            if res.status == 0 and -res.fun > 1e-9:
                x = [Fraction(v) for v in res.x[:n0]]
                for u, su in enumerate(new):
                    f = [sum(w * xi for w, xi in zip(Wq[u * k + l], x)) + bq[u * k + l] for l in range(k)]
                    assert all(f[su] > f[l] for l in range(k) if l != su), "witness failed the exact check"
                stack.append(new)
    return count


def parallel_family_weights(rng, n0, n, k):
    """Unit u: pieces i * (d_u . x) - (beta_1 + ... + beta_i), i = 0..k-1: its regions are the
    slabs between the k-1 parallel hyperplanes d_u . x = beta_i (a convex staircase)."""
    W, b = [], []
    for _ in range(n):
        d = rng.integers(-5, 6, size=n0)
        while not d.any():
            d = rng.integers(-5, 6, size=n0)
        brk = np.sort(rng.choice(np.arange(-20, 21), size=k - 1, replace=False))
        W.append([0] * n0)
        b.append(0)
        for i in range(1, k):
            W.append([int(i * v) for v in d])
            b.append(-int(brk[:i].sum()))
    return W, b


def mrz(n0, n, k):  # the claimed maximum, typed from the paper's statement
    return sum(comb(n, j) * (k - 1) ** j for j in range(n0 + 1))


# -- registry, values, expressions ---------------------------------------------------------------
def test_entries_registered_with_provenance():
    for i in MAXOUT_IDS:
        b = bounds.get(i)
        assert b.activation == "maxout" and b.kind in ("lower", "upper", "exact")
        assert b.source.citation and b.source.where and b.statement
    assert "proof_montufar2014_thm8.py" in bounds.get("montufar2014-thm8").source.note
    assert bounds.get("mrz2022-shallow").kind == "exact"
    assert bounds.get("serra2018-maxout").kind == "upper"


@pytest.mark.parametrize("bid", MAXOUT_IDS)
def test_relu_architecture_rejected(bid):
    with pytest.raises(RegionmathError, match="maxout"):
        bounds.get(bid).value(Architecture(2, (2,)))


def test_hypotheses():
    deep = Architecture.maxout(2, (3, 3), 3)
    for bid in ("montufar2014-prop7-lower", "montufar2014-prop7-upper", "mrz2022-shallow"):
        assert bounds.get(bid).hypotheses(deep), bid
        with pytest.raises(RegionmathError, match="one hidden layer"):
            bounds.get(bid).value(deep)
    assert montufar2014_thm8_hypotheses(Architecture.maxout(2, (2, 2, 2), 3)) == []
    assert montufar2014_thm8_hypotheses(Architecture.maxout(2, (2, 3), 3))
    assert bounds.get("montufar2014-thm8").hypotheses(Architecture.maxout(2, (3,), 3))


def by_hand(bid, a):
    """Each statement typed independently from REFERENCES.md."""
    k, n0, w = a.rank, a.n0, a.widths

    def Phi(m, d):
        return sum(comb(m, j) for j in range(d + 1))
    if bid == "montufar2014-prop7-lower":
        return k ** min(n0, w[0])
    if bid == "montufar2014-prop7-upper":
        return min(Phi(k * k * w[0], n0), k ** w[0])
    if bid == "montufar2014-thm8":
        return k ** (a.L - 1) * k ** n0
    if bid == "serra2018-maxout":
        return prod(Phi(k * (k - 1) // 2 * w[l], min((n0,) + w[:l + 1])) for l in range(a.L))
    return mrz(n0, w[0], k)


archs = st.builds(lambda n0, ws, k: Architecture.maxout(n0, tuple(ws), k),
                  st.integers(1, 5), st.lists(st.integers(1, 6), min_size=1, max_size=3), st.integers(2, 5))


@settings(max_examples=60, deadline=None)
@given(archs)
def test_value_matches_statement_and_expr(a):
    for bid in MAXOUT_IDS:
        b = bounds.get(bid)
        if not b.applies(a):
            continue
        v = b.value(a)
        assert isinstance(v, int) and v == by_hand(bid, a)
        assert bounds.substitute(b.expr(a), a).doit() == v


def test_lower_le_upper_on_small_architectures():
    checked = 0
    for k in range(2, 6):
        for n0 in range(1, 5):
            for L in range(1, 4):
                for ws in itertools.product(range(1, 5), repeat=L):
                    a = Architecture.maxout(n0, ws, k)
                    vals = {b.id: (b.kind, b.value(a)) for b in bounds.all_bounds("maxout") if b.applies(a) and b.has_value}
                    lows = [v for kind, v in vals.values() if kind in ("lower", "exact")]
                    ups = [v for kind, v in vals.values() if kind in ("upper", "exact")]
                    for lo in lows:
                        for up in ups:
                            assert lo <= up, (a, vals)
                            checked += 1
    assert checked > 400


def test_serra_is_at_least_the_sharp_shallow_count():
    # C(k(k-1)/2 n, j) >= (k-1)^j C(n, j): the serra bound can never undercut the true maximum
    for k in range(2, 7):
        for n0 in range(1, 6):
            for n in range(1, 9):
                a = Architecture.maxout(n0, (n,), k)
                assert bounds.get("serra2018-maxout").value(a) >= bounds.get("mrz2022-shallow").value(a)
    a2 = Architecture.maxout(3, (5,), 2)  # rank 2 = one hyperplane per unit: both are Zaslavsky's Phi
    assert bounds.get("serra2018-maxout").value(a2) == bounds.get("mrz2022-shallow").value(a2) == 26


# -- asymptotics ---------------------------------------------------------------------------------
@pytest.mark.parametrize("bid, n0, L, k", [("montufar2014-prop7-upper", 2, 1, 3), ("serra2018-maxout", 2, 2, 3),
                                           ("serra2018-maxout", 3, 1, 4), ("mrz2022-shallow", 3, 1, 3),
                                           ("montufar2014-prop7-lower", 2, 1, 5)])
def test_width_asymptotic_constant(bid, n0, L, k):
    b = bounds.get(bid)
    form = b.asymptotic("n")
    subs = {bounds.n0: n0, bounds.L: L, bounds.k: k}
    c = sp.Rational(sp.nsimplify(form.constant.subs(subs)))
    ratios = []
    for n in (10 ** 4, 10 ** 5):
        term = form.term.subs(subs).subs(bounds.n, n)
        ratios.append(sp.Rational(b.value(Architecture.maxout(n0, (n,) * L, k)), 1) / term)
    # the ratio converges to the claimed constant at rate O(1/n)
    assert abs(ratios[1] - c) <= abs(c) * sp.Rational(1, 500)
    assert abs(ratios[1] - c) <= abs(ratios[0] - c)


def test_depth_asymptotic_of_thm8():
    form = bounds.get("montufar2014-thm8").asymptotic("L")
    for L in (1, 4, 9):
        a = Architecture.maxout(2, (2,) * L, 3)
        assert form.term.subs({bounds.L: L, bounds.n0: 2, bounds.k: 3}) == bounds.get("montufar2014-thm8").value(a)


# -- counted: the shallow maximum (mrz2022), Prop. 7, Example 9 -----------------------------------
SHALLOW = [(1, 3, 3), (1, 2, 4), (2, 2, 3), (2, 3, 3), (2, 4, 3), (2, 3, 4), (3, 4, 3)]


@pytest.mark.parametrize("n0, n, k", SHALLOW)
def test_mrz2022_shallow_equals_counted_maximum(n0, n, k, heavy):
    """Attained: parallel families (unit u cuts along k-1 parallel hyperplanes) in general
    position reach the formula. Not exceeded: random weights, Voronoi-type units and
    perturbations of the optimum all stay at or below it."""
    a = Architecture.maxout(n0, (n,), k)
    claimed = bounds.get("mrz2022-shallow").value(a)
    assert claimed == mrz(n0, n, k)
    rng = np.random.default_rng(100 * n0 + 10 * n + k)
    best = 0
    for _ in range(3):
        W, b = parallel_family_weights(rng, n0, n, k)
        best = max(best, count_maxout_layer(W, b, k))
    assert best == claimed
    draws = 12 if heavy else 4
    W0, b0 = parallel_family_weights(rng, n0, n, k)
    for trial in range(draws):
        W = rng.integers(-9, 10, size=(n * k, n0)).tolist()
        b = rng.integers(-9, 10, size=n * k).tolist()
        assert count_maxout_layer(W, b, k) <= claimed
        s = 0.1 * (trial + 1)
        Wp = (np.array(W0, float) + rng.normal(0, s, (n * k, n0))).tolist()
        bp = (np.array(b0, float) + rng.normal(0, 5 * s, n * k)).tolist()
        assert count_maxout_layer(Wp, bp, k) <= claimed


def test_parallel_families_are_an_arrangement():
    """The same optimum counted a second way: regions of the arrangement of the parallel
    families (one hyperplane per breakpoint), by the characteristic polynomial."""
    rng = np.random.default_rng(7)
    n0, n, k = 2, 4, 3
    W, b = parallel_family_weights(rng, n0, n, k)
    net = Network.from_exact([W], [b], activation="maxout", rank=k)
    arr = Arrangement.from_maxout_layer(net, pairs="boundaries")
    assert arr.n == n * (k - 1)
    assert arr.regions() == count_maxout_layer(W, b, k) == mrz(n0, n, k)


def test_prop7_lower_construction_counts():
    # one coordinate per unit, k-1 breakpoints at 1..k-1 (Montúfar 2014 Sec. 4)
    for n0, m, k in [(2, 2, 3), (2, 3, 3), (3, 2, 4), (1, 3, 3)]:
        W, b = [], []
        for u in range(m):
            e = [0] * n0
            e[u % n0] = 1
            for i in range(k):
                W.append([i * v for v in e])
                b.append(-i * (i + 1) // 2)  # breakpoints between pieces i-1 and i at x = i
        counted = count_maxout_layer(W, b, k)
        assert counted == bounds.get("montufar2014-prop7-lower").value(Architecture.maxout(n0, (m,), k))


def test_serra_poster_misreading_is_refuted():
    """The poster renders the binomial as C(k-1, j) * n_l; for k = 2, n0 = 2, three units that
    would cap the count at 2 * 3 = 6, but three rank-2 units in general position have 7 regions."""
    W = [[0, 0], [1, 0], [0, 0], [0, 1], [0, 0], [1, 1]]
    b = [0, 0, 0, 0, 0, -1]
    counted = count_maxout_layer(W, b, 2)
    assert counted == 7
    misread = sum(comb(1, j) * 3 for j in range(3))
    assert misread == 6 < counted <= bounds.get("serra2018-maxout").value(Architecture.maxout(2, (3,), 2))


def _shi_unit_rows(n, i, j, slopes_biases):
    rows, bias = [], []
    for slope, c in slopes_biases:
        e = [0] * n
        e[i], e[j] = slope, -slope
        rows.append(e)
        bias.append(c)
    return rows, bias


def _example9_layer(n, rank):
    # rank 3: pieces 0, s, 2s-1 (s = x_i - x_j) break at s = 0, 1 -> Shi
    # rank 4: pieces 0, s+1, 2s+1, 3s break at s = -1, 0, 1 -> Catalan
    pieces = {3: [(0, 0), (1, 0), (2, -1)], 4: [(0, 0), (1, 1), (2, 1), (3, 0)]}[rank]
    W, b = [], []
    for i in range(n):
        for j in range(i + 1, n):
            r, c = _shi_unit_rows(n, i, j, pieces)
            W += r
            b += c
    return W, b


@pytest.mark.parametrize("n, rank, family, closed", [(3, 3, shi, 16), (4, 3, shi, 125), (3, 4, catalan, 30)])
def test_montufar_example9_counted(n, rank, family, closed):
    """Example 9: a layer of n(n-1)/2 maxout units of rank 3 (4) realises the Shi (Catalan)
    arrangement; the layer's regions, counted, equal the closed form."""
    W, b = _example9_layer(n, rank)
    assert count_maxout_layer(W, b, rank) == closed
    net = Network.from_exact([W], [b], activation="maxout", rank=rank)
    arr = Arrangement.from_maxout_layer(net, pairs="boundaries")
    assert set(arr.hyperplanes) == set(family(n).hyperplanes)
    assert arr.regions() == closed
    # all pairwise differences add spurious hyperplanes: more regions than the layer has
    assert Arrangement.from_maxout_layer(net).regions() > closed


def test_upper_bounds_hold_on_counted_random_layers():
    rng = np.random.default_rng(3)
    for n0, n, k in [(2, 3, 3), (3, 3, 4), (1, 4, 3)]:
        a = Architecture.maxout(n0, (n,), k)
        ups = [bounds.get(i).value(a) for i in ("montufar2014-prop7-upper", "serra2018-maxout")]
        for _ in range(3):
            W = rng.integers(-9, 10, size=(n * k, n0)).tolist()
            b = rng.integers(-9, 10, size=n * k).tolist()
            c = count_maxout_layer(W, b, k)
            assert all(c <= u for u in ups)


def test_thm8_refused_where_refuted():
    # n0 = 1, k >= 3, L >= 2 is false (proofs/proof_montufar2014_thm8.py): the entry refuses it
    thm8 = bounds.get("montufar2014-thm8")
    for k, depth in ((3, 2), (4, 2), (3, 3)):
        bad = thm8.hypotheses(Architecture.maxout(1, (1,) * depth, k))
        assert any("refuted" in b for b in bad)
    for n0_, k, depth in ((1, 2, 3), (1, 5, 1), (2, 3, 2), (3, 9, 2)):
        assert thm8.applies(Architecture.maxout(n0_, (n0_,) * depth, k))
