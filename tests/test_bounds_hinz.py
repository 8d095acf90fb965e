"""Hinz and van de Geer's histogram framework (hinz2019) and Hinz 2021's histogram bounds.

Independent checks: the framework reproduces the three older bounds exactly (their own
registry code is separate); Hinz 2021's closed form against its defining recursion written
out here; published values; brute-force histograms of real arrangements and networks, which
must never exceed the framework's prediction in upper-tail order; records and constructions.
"""

import itertools
import json
import math
import random
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from regionmath import Architecture, bounds, constructions
from regionmath.bounds.hinz import gamma, histogram_after, histogram_bound, layer_matrix, serra_step
from regionmath.counting import count_regions
from regionmath.errors import RegionmathError
from regionmath.exact import exact_rank
from regionmath.network import Network

ROOT = Path(__file__).resolve().parents[1]
H19, H21, THM1 = bounds.get("hinz2019"), bounds.get("hinz2021"), bounds.get("serra2018-thm1")


def small_architectures(n0s=range(1, 5), widths=range(1, 9), depths=range(1, 4)):
    for n0 in n0s:
        for L in depths:
            for ws in itertools.product(widths, repeat=L):
                yield Architecture(n0, ws)


def test_framework_reproduces_older_bounds_exactly():
    """n0 <= 4, L <= 3, widths <= 8: the three special cases equal their registry entries."""
    older = {"serra2018": "serra2018-thm1", "montufar2017": "montufar2017", "montufar2014": "montufar2014-prop3"}
    for arch in small_architectures():
        for family, bound_id in older.items():
            assert histogram_bound(arch.n0, arch.widths, family) == bounds.get(bound_id).value(arch), (family, arch)
        v = [0] * arch.n0 + [1]
        for m in arch.widths:
            v = serra_step(v, m)
        assert sum(v) == THM1.value(arch)


@lru_cache(maxsize=None)
def recursion(d, m):
    """Hinz 2021's gamma_{d,m} by its defining recursion, written out independently."""
    if d >= m:
        return tuple(math.comb(m, k) for k in range(m + 1))
    if d == 0:
        return (1,) + (0,) * m
    if d == 1:
        return tuple(1 if k == m else 2 if (m + 1) // 2 <= k < m else 1 if (m % 2 and k == (m - 1) // 2) else 0
                     for k in range(m + 1))
    if d == 2:
        return tuple(1 if k == m else m if m // 2 <= k < m else m // 2 if (m % 2 == 0 and k == m // 2 - 1) else 0
                     for k in range(m + 1))
    up, down = recursion(d, m - 1), recursion(d - 1, m - 1)
    return tuple((up[k - 1] if k else 0) + (down[k] if k < m else 0) for k in range(m + 1))


def test_hinz2021_closed_form_is_the_recursion():
    for m in range(1, 36):
        for d in range(0, m + 3):
            g = [int(x) for x in gamma("hinz2021", d, m)]
            assert g == list(recursion(min(d, m), m)), (d, m)
            assert sum(g) == sum(math.comb(m, j) for j in range(min(d, m) + 1))      # Phi(m, d) cells
            cols = layer_matrix("hinz2021", d, m) if d <= 8 else None
            if cols:
                j = min(d, m)
                assert [int(cols[i][d]) for i in range(j + 1)] == g[:j] + [sum(g[j:])]


def _reference_gamma(family, d, m):
    """The per-layer histograms written out here: Hinz 2021 by its recursion, the others by their
    definitions (Serra: C(m, k) for k >= m - d; Montúfar 2017: Phi(m, d) at k = m; 2014: 2^m)."""
    if family == "hinz2021":
        return list(recursion(min(d, m), m))
    if family == "serra2018":
        return [math.comb(m, k) if k >= m - d else 0 for k in range(m + 1)]
    cells = sum(math.comb(m, j) for j in range(min(d, m) + 1)) if family == "montufar2017" else 2 ** m
    return [0] * m + [cells]


def reference_histogram(family, n0, widths):
    """The straightforward form: v <- B v with B's columns the clipped gammas, entry by entry."""
    v = [0] * n0 + [1]
    for m in widths:
        out = [0] * (n0 + 1)
        for d, x in enumerate(v):
            g = _reference_gamma(family, d, m)
            for k, c in enumerate(g):
                out[min(k, d)] += c * x
        v = out
    return v


def test_fast_histograms_equal_the_straightforward_form():
    """The structured layer (Serra part by running sums, sparse rest, both ends for the bound)
    against the dense product on a grid of small architectures, widths below, at and above n0."""
    rng = random.Random(20)
    cases = [(n0, ws) for n0 in range(1, 6) for ws in itertools.product(range(1, 9), repeat=2)]
    cases += [(n0, tuple(rng.randint(1, 14) for _ in range(rng.randint(1, 5)))) for n0 in range(1, 13) for _ in range(6)]
    cases += [(9, (40, 3, 25)), (12, (30,) * 4), (20, (12, 45, 20, 21))]
    for n0, ws in cases:
        for family in ("hinz2021", "serra2018", "montufar2017", "montufar2014"):
            ref = reference_histogram(family, n0, ws)
            assert [int(x) for x in histogram_after(family, n0, ws)] == ref, (family, n0, ws)
            assert histogram_bound(n0, ws, family) == sum(ref), (family, n0, ws)


def test_layer_columns_equal_gamma_at_larger_widths():
    """The layer's columns (binomials updated along the column) against gamma's closed form,
    itself checked against the recursion above, at widths beyond the recursion's reach."""
    from regionmath.bounds.hinz import _columns
    for m, top in ((50, 50), (101, 60), (160, 159)):
        cols = _columns("hinz2021", top, m)
        for j in range(top + 1):
            g = [int(x) for x in gamma("hinz2021", j, m)]
            column = [0] * (j + 1)
            for i in range(j):
                column[i] = math.comb(m, i) if i >= m - j and cols.tail else 0
            for i, c in cols.below[j]:
                column[i] += int(c)
            column[j] = int(cols.diag[j])
            assert column == g[:j] + [sum(g[j:])], (m, j)


def test_published_values():
    """From the issue (an independent implementation) and Hinz 2021's examples."""
    assert H21.value(Architecture(2, (4, 4))) == 109 and THM1.value(Architecture(2, (4, 4))) == 121
    assert H21.value(Architecture(3, (6, 6, 6))) == 60228 and THM1.value(Architecture(3, (6, 6, 6))) == 74088
    assert H21.value(Architecture(3, (4, 4, 4))) == 1559 and THM1.value(Architecture(3, (4, 4, 4))) == 1631
    assert [int(x) for x in histogram_after("hinz2021", 2, (4, 4))] == [0, 28, 81]


def test_hinz2021_against_theorem1_and_zaslavsky():
    zas = bounds.get("zaslavsky")
    strictly = 0
    for arch in small_architectures(widths=range(1, 8)):
        h, t = H21.value(arch), THM1.value(arch)
        assert h <= t
        strictly += h < t
        if arch.L == 1:
            assert h == t == zas.value(arch)
        if arch.n0 == 1 or (arch.L == 2 and arch.n0 >= arch.widths[0]):
            assert h == t, arch
        assert H19.value(arch) == t
    assert strictly > 100


def test_records_and_constructions(heavy):
    index = json.loads((ROOT / "records" / "index.json").read_text())
    settled = 0
    for key, r in index.items():
        if r["activation"] != "relu" or not r["certified"]:
            continue
        arch = Architecture(r["n0"], tuple(r["widths"]))
        value = H21.value(arch)
        assert int(r["count"]) <= value, key
        settled += int(r["count"]) == value
    assert settled > 100
    for cid in constructions.ids():
        for arch in small_architectures(range(1, 4), range(1, 8 if heavy else 6), range(1, 4 if heavy else 3)):
            try:
                c = constructions.build(cid, arch)
            except RegionmathError:
                continue
            if c.network.activation == "relu":
                assert c.claimed <= H21.value(arch), (cid, arch)


def _tails(hist):
    return [sum(hist[t:]) for t in range(len(hist))]


def _assert_dominated(actual, predicted):
    """Upper-tail order: for every t, no more regions at >= t than predicted."""
    size = max(len(actual), len(predicted))
    a = list(actual) + [0] * (size - len(actual))
    p = [int(x) for x in predicted] + [0] * (size - len(predicted))
    assert all(x <= y for x, y in zip(_tails(a), _tails(p))), (a, p)


def tangent_layer(rng, m, d):
    """m units whose hyperplanes are tangent to the unit sphere, random orientation."""
    W, b = [], []
    for _ in range(m):
        u = rng.normal(size=d)
        u /= np.linalg.norm(u)
        s = rng.choice([-1.0, 1.0])
        W.append(s * u)
        b.append(-s * 1.0)
    return np.round(np.array(W) * 64) / 64, np.round(np.array(b) * 64) / 64


def test_layer_histograms_never_exceed_gamma(heavy):
    """One layer in R^d (d = 1, 2, 3): cells by number of active units, random and tangent
    arrangements, against both Hinz 2021's and Serra's gamma."""
    rng = np.random.default_rng(5)
    cases = [(d, m) for d in (1, 2, 3) for m in range(2, (9 if heavy else 7) if d < 3 else 6)]
    for d, m in cases:
        for kind in ("random", "tangent"):
            if kind == "random":
                W, b = rng.integers(-5, 6, size=(m, d)).astype(float), rng.integers(-5, 6, size=m).astype(float)
            else:
                W, b = tangent_layer(rng, m, d)
            net = Network([W], [b])
            result = count_regions(net, domain="R^n0")
            assert result.complete
            actual = np.bincount(np.asarray(result.regions.patterns).sum(axis=1), minlength=m + 1)
            for family in ("hinz2021", "serra2018"):
                _assert_dominated(actual, gamma(family, d, m))


def _image_dimension(net, pattern, upto):
    """Rank of the affine map of the first ``upto`` layers on the region of ``pattern`` (exact)."""
    M, start = None, 0
    for W in net.exact_weights[:upto]:
        rows = W.shape[0]
        mask = pattern[start:start + rows]
        start += rows
        layer = np.array([[Fraction(x) * int(on) for x in row] for row, on in zip(W, mask)], dtype=object)
        M = layer if M is None else layer.dot(M)
    return exact_rank(M)


def test_network_histograms_by_image_dimension_never_exceed_prediction(heavy):
    """Small random deep nets: after every layer, the regions counted by image dimension are
    dominated (upper-tail order) by the framework's histogram for Hinz 2021 and for Serra."""
    rng = random.Random(19)
    for _ in range(12 if heavy else 4):
        n0 = rng.randint(1, 3)
        widths = tuple(rng.randint(2, 4) for _ in range(rng.randint(2, 3)))
        W, b, prev = [], [], n0
        for w in widths:
            W.append([[rng.randint(-4, 4) for _ in range(prev)] for _ in range(w)])
            b.append([rng.randint(-3, 3) for _ in range(w)])
            prev = w
        for upto in range(1, len(widths) + 1):
            net = Network.from_exact(W[:upto], b[:upto], box=([-4] * n0, [4] * n0))
            result = count_regions(net)
            assert result.complete
            dims = [_image_dimension(net, p, upto) for p in np.asarray(result.regions.patterns)]
            actual = np.bincount(dims, minlength=n0 + 1)
            for family in ("hinz2021", "serra2018"):
                _assert_dominated(actual, histogram_after(family, n0, widths[:upto]))


def test_expressions_are_matrix_products():
    for arch in (Architecture(2, (4, 4)), Architecture(3, (2, 5, 4)), Architecture(1, (3,))):
        for entry in (H19, H21):
            assert entry.expr(arch).doit() == entry.value(arch)
    with pytest.raises(RegionmathError, match="hinz2021: its expression is a product of 100 matrices"):
        H21.expr(Architecture(784, (1000,) * 100))


def test_depth_asymptotics_of_hinz2019():
    """value / term -> a positive constant (checked by the ratios at L = 200 and 400 agreeing
    to 1%; the p = 2 cases converge like 1/L)."""
    from regionmath.bounds import L as Lsym, n as nsym, n0 as n0sym
    form = H19.asymptotic("L")
    for n0, width in ((2, 4), (2, 5), (3, 5), (4, 7), (3, 3), (5, 4), (1, 6)):
        term = form.term.subs({nsym: width, n0sym: n0}).doit()
        ratios = [Fraction(H19.value(Architecture(n0, (width,) * depth)), int(term.subs(Lsym, depth)))
                  for depth in (200, 400)]
        assert 0 < ratios[1] < 2 and abs(ratios[0] - ratios[1]) < Fraction(1, 100) * ratios[1], (n0, width)


def test_bad_input():
    with pytest.raises(RegionmathError, match="histogram family"):
        histogram_bound(2, (3,), "nope")
    with pytest.raises(RegionmathError, match="d >= 0"):
        gamma("hinz2021", -1, 3)


def test_command_line_lists_the_histogram_and_weight_aware_entries(capfd):
    from regionmath.cli import main
    assert main(["bounds", "--n0", "2", "--widths", "3", "--json"]) == 0
    records = {r["id"]: r for r in json.loads(capfd.readouterr().out)}
    assert {"hinz2019", "hinz2021", "serra2020-weights", "charisopoulos2018"} <= set(records)
    assert records["hinz2021"]["value"] == records["zaslavsky"]["value"] == "7"
    weights = records["serra2020-weights"]
    assert weights["hypotheses_hold"] is False and "more than an architecture" in weights["violated"][0]
    assert main(["bound", "hinz2021", "--n0", "2", "--widths", "4,4", "--symbolic", "--json"]) == 0
    assert sp.sympify(json.loads(capfd.readouterr().out)["expr"]).doit() == 109
