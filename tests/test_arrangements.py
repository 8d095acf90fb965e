"""Arrangements: the characteristic polynomial against closed forms, Zaslavsky's Phi, an
independent LP enumeration of cells, and deletion-restriction; input handling; the CLI.

Closed forms are typed here from Stanley (2004) and checked against the polynomial computed
from the hyperplanes, never the other way round. :func:`cells_by_lp` is an independent
counter: it builds sign vectors hyperplane by hyperplane, keeping a partial sign vector when
an LP finds a point strictly on its sides (witness checked exactly), and tests each cell for
boundedness by the LP of its recession cone.
"""

import itertools
import json
import subprocess
import sys
from fractions import Fraction
from math import comb, factorial

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st
from scipy.optimize import linprog

from regionmath import RegionmathError
from regionmath.arrangements import (Arrangement, braid, catalan, closed_form, deletion_restriction, generic,
                                     named, shi, t)
from regionmath.combinatorics import phi
from regionmath.network import Network


# -- independent counters -----------------------------------------------------------------------
def cells_by_lp(rows):
    """(regions, relatively bounded regions) of the arrangement rows [c, a...], by sign vectors."""
    rows = [[Fraction(v) for v in r] for r in rows]
    F = np.array([[float(v) for v in r] for r in rows])
    F /= np.abs(F).max(axis=1, keepdims=True)  # same signs, well-scaled LPs
    d = F.shape[1] - 1
    cells = [()]
    for i in range(len(rows)):
        nxt = []
        for signs in cells:
            for s in (1, -1):
                sv = signs + (s,)
                # s_j (c_j + a_j.x) >= t  <=>  -s_j a_j.x + t <= s_j c_j ; maximise t <= 1
                A = np.array([np.append(-sj * F[j, 1:], 1.0) for j, sj in enumerate(sv)])
                b = np.array([sj * F[j, 0] for j, sj in enumerate(sv)])
                res = linprog(np.append(np.zeros(d), -1.0), A_ub=A, b_ub=b,
                              bounds=[(None, None)] * d + [(None, 1.0)], method="highs")
                if res.status == 0 and -res.fun > 1e-9:
                    x = [Fraction(v) for v in res.x[:d]]
                    assert all(sj * (rows[j][0] + sum(a * xi for a, xi in zip(rows[j][1:], x))) > 0
                               for j, sj in enumerate(sv))
                    nxt.append(sv)
        cells = nxt
    # relatively bounded iff the recession cone {y : s_j a_j.y >= 0} meets the span of the
    # normals (the essential part) only in 0; y = V z with V a basis of that span
    _, sing, Vt = np.linalg.svd(F[:, 1:])
    V = Vt[: int((sing > 1e-9).sum())].T
    bounded = 0
    for sv in cells:
        A = np.array([-sj * F[j, 1:] @ V for j, sj in enumerate(sv)])
        r = V.shape[1]
        unbounded = False
        for i, sgn in itertools.product(range(r), (1, -1)):
            c = np.zeros(r)
            c[i] = -sgn
            res = linprog(c, A_ub=A, b_ub=np.zeros(len(sv)), bounds=[(-1, 1)] * r, method="highs")
            if -res.fun > 1e-9:
                unbounded = True
                break
        bounded += not unbounded
    return len(cells), bounded


def in_general_position(rows):
    """Every <= d normals independent and every d+1 full rows independent (exact ranks)."""
    d = len(rows[0]) - 1
    for size in range(1, min(d, len(rows)) + 1):
        for S in itertools.combinations(rows, size):
            if sp.Matrix([r[1:] for r in S]).rank() < size:
                return False
    for S in itertools.combinations(rows, d + 1):
        if sp.Matrix(S).rank() < d + 1:
            return False
    return True


# -- closed forms ---------------------------------------------------------------------------------
def stanley(name, n):
    """Stanley 2004: braid t(t-1)...(t-n+1); Shi t(t-n)^(n-1); Catalan t(t-n-1)...(t-2n+1)."""
    if name == "braid":
        return sp.prod([t - i for i in range(n)])
    if name == "shi":
        return t * (t - n) ** (n - 1)
    return t * sp.prod([t - i for i in range(n + 1, 2 * n)])


REGIONS = {"braid": lambda n: factorial(n), "shi": lambda n: (n + 1) ** (n - 1),
           "catalan": lambda n: factorial(n) * comb(2 * n, n) // (n + 1)}
FAMILIES = {"braid": braid, "shi": shi, "catalan": catalan}


@pytest.mark.parametrize("name", ["braid", "shi", "catalan"])
@pytest.mark.parametrize("n", range(1, 7))
def test_named_families_match_closed_forms(name, n):
    A = FAMILIES[name](n)
    chi = A.characteristic_polynomial()
    assert chi == sp.Poly(stanley(name, n), t)
    assert A.regions() == REGIONS[name](n)
    cf = closed_form(name)
    n_ = sp.Symbol("n", positive=True, integer=True)
    assert sp.expand(sp.expand_func(cf["characteristic_polynomial"].subs(n_, n))) == chi.as_expr()
    assert cf["regions"].subs(n_, n) == A.regions()
    assert cf["bounded_regions"].subs(n_, n) == A.bounded_regions()
    assert A.n == {"braid": 1, "shi": 2, "catalan": 3}[name] * n * (n - 1) // 2


def test_small_named_by_lp():
    for A in (shi(3), catalan(3), braid(3)):
        assert cells_by_lp([list(h) for h in A.hyperplanes]) == (A.regions(), A.bounded_regions())


@pytest.mark.parametrize("m, d", [(1, 1), (5, 1), (3, 2), (6, 2), (5, 3), (9, 3), (3, 5), (10, 4), (12, 5)])
def test_generic_is_zaslavsky(m, d):
    A = generic(m, d)
    want = sp.Poly(sum((-1) ** j * comb(m, j) * t ** (d - j) for j in range(min(m, d) + 1)), t)
    assert A.characteristic_polynomial() == want
    assert A.regions() == phi(m, d) == sum(comb(m, j) for j in range(d + 1))
    if m >= d:
        assert A.bounded_regions() == comb(m - 1, d)
    cf = closed_form("generic")
    assert cf["regions"].subs({sp.Symbol("m", positive=True, integer=True): m,
                               sp.Symbol("d", positive=True, integer=True): d}).doit() == phi(m, d)


def test_generic_rows_are_in_general_position():
    assert in_general_position([list(h) for h in generic(7, 3).hyperplanes])


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10 ** 6), st.integers(2, 4))
def test_random_integer_arrangements_in_general_position_give_phi(seed, d):
    rng = np.random.default_rng(seed)
    m = int(rng.integers(d, d + 5))
    rows = rng.integers(-50, 51, size=(m, d + 1)).tolist()
    A = Arrangement(rows)
    if in_general_position(rows):
        assert A.regions() == phi(m, d)
        assert A.bounded_regions() == comb(m - 1, d)
    else:
        assert A.regions() <= phi(A.n, d)


# -- degenerate arrangements ----------------------------------------------------------------------
def test_parallel_and_concurrent_lines_hand_count():
    # x = 0, x = 1, x = 2 (parallel); y = 0; x + y = 1 and x - y = 1 meet y = 0 at (1, 0) with x = 1
    rows = [[0, 1, 0], [-1, 1, 0], [-2, 1, 0], [0, 0, 1], [-1, 1, 1], [-1, 1, -1]]
    A = Arrangement(rows)
    regions, bounded = cells_by_lp(rows)
    assert (A.regions(), A.bounded_regions()) == (regions, bounded)
    # by hand: (1, 0) lies on x = 1, y = 0, x + y = 1 and x - y = 1 (mu = 4 - 1 = 3); the other
    # crossings (0,0) (2,0) (0,1) (2,-1) (0,-1) (2,1) are simple (mu = 1); x = 0, 1, 2 never meet
    assert A.characteristic_polynomial() == sp.Poly(t ** 2 - 6 * t + 6 + 3, t)
    assert (regions, bounded) == (1 + 6 + 9, 1 - 6 + 9)


def test_concurrent_planes_in_3d():
    # four planes through the origin, three of them through a common line (the z axis)
    rows = [[0, 1, 0, 0], [0, 0, 1, 0], [0, 1, 1, 0], [0, 0, 0, 1], [-1, 1, 1, 1]]
    A = Arrangement(rows)
    assert (A.regions(), A.bounded_regions()) == cells_by_lp(rows)
    assert A.characteristic_polynomial() == deletion_restriction(A)


small_rows = st.lists(st.lists(st.integers(-2, 2), min_size=3, max_size=3).filter(lambda r: r[1] or r[2]),
                      min_size=1, max_size=7)


@settings(max_examples=25, deadline=None)
@given(small_rows)
def test_degenerate_plane_arrangements_by_lp(rows):
    """Coefficients in [-2, 2] make parallel, repeated and concurrent lines common."""
    A = Arrangement(rows)
    assert (A.regions(), A.bounded_regions()) == cells_by_lp(rows)
    assert A.characteristic_polynomial() == deletion_restriction(A)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.lists(st.integers(-2, 2), min_size=4, max_size=4).filter(lambda r: any(r[1:])),
                min_size=1, max_size=8))
def test_degenerate_space_arrangements(rows):
    A = Arrangement(rows)
    assert A.characteristic_polynomial() == deletion_restriction(A)
    assert A.characteristic_polynomial().LC() == 1 and A.characteristic_polynomial().degree() == 3


def test_big_integers_and_many_coincidences(heavy):
    """Rows scaled by huge factors (Python ints) and a degenerate 3-D arrangement with many
    concurrences: the lattice method and deletion-restriction agree."""
    rng = np.random.default_rng(5)
    rows = rng.integers(-3, 4, size=(16 if heavy else 11, 4)).tolist()
    rows = [r for r in rows if any(r[1:])]
    scaled = [[v * 10 ** 30 + 0 for v in r] for r in rows]
    A, B = Arrangement(rows), Arrangement(scaled)
    assert A.hyperplanes == B.hyperplanes
    assert A.characteristic_polynomial() == deletion_restriction(A)
    # a generic arrangement with coefficients near 10^12: exact big-integer path
    G = Arrangement([[10 ** 12 + s ** p for p in range(5)] for s in range(1, 10)])
    assert G.characteristic_polynomial() == deletion_restriction(G)


def test_random_arrangement_speed_target_shape():
    """40 random integer hyperplanes in R^4 (the benchmark's case): flats counted per rank match
    C(40, r) when in general position, and regions Phi(40, 4)."""
    rng = np.random.default_rng(0)
    A = Arrangement(rng.integers(-50, 51, size=(40, 5)).tolist())
    assert A.flat_counts() == [comb(40, r) for r in range(5)]
    assert A.regions() == phi(40, 4) == 102091


# -- input -------------------------------------------------------------------------------------------
def test_input_forms_and_deduplication():
    rows = [[0, 1, 0], ["0", "-2", "0"], [Fraction(1, 2), 0.5, 0], ["1/2", "0.5", 0], [sp.Rational(-1, 3), 0, 1],
            ["-0.25", 0, "3/4"], [0.1, 1, 1]]
    A = Arrangement(rows)
    # x = 0 twice (opposite), x = -1 twice, y = 1/3, y = 1/3, and x + y = -0.1 (exact binary value)
    assert A.rows_given == 7 and A.n == 4
    assert (0, 1, 0) in A.hyperplanes and (1, 1, 0) in A.hyperplanes and (-1, 0, 3) in A.hyperplanes
    q = Fraction(0.1)  # a float is taken at its exact binary value, not as 1/10
    assert (q.numerator, q.denominator, q.denominator) in A.hyperplanes
    assert A.regions() == cells_by_lp([list(h) for h in A.hyperplanes])[0]


@pytest.mark.parametrize("rows, word", [
    ([[1, 0, 0]], "a = 0"), ([[0, 0]], "a = 0"), ([[0, 1], [0, 1, 1]], "entries"), ([["x", 1]], "rational"),
    ([[True, 1]], "number"), ([[float("nan"), 1]], "finite"), ([], "dimension"), ([[1]], "two entries"),
])
def test_bad_rows_rejected(rows, word):
    with pytest.raises(RegionmathError, match=word):
        Arrangement(rows)


def test_empty_arrangement_with_dim():
    A = Arrangement([], dim=3)
    assert A.characteristic_polynomial() == sp.Poly(t ** 3, t)
    assert (A.regions(), A.bounded_regions()) == (1, 1)


def test_named_errors():
    for args, word in [(("nope", 3), "unknown"), (("shi", 0), "positive"), (("generic", 5), "--dim"),
                       (("shi", 3, 2), "dim"), (("braid", True), "positive")]:
        with pytest.raises(RegionmathError, match=word):
            named(*args)


# -- networks ----------------------------------------------------------------------------------------
def test_from_network_matches_brute_count():
    """A one-layer ReLU network: arrangement regions = activation regions counted by the toolkit's
    brute-force counter on a box holding every vertex (all regions then meet the box)."""
    rng = np.random.default_rng(11)
    W = rng.integers(-4, 5, size=(5, 2)).tolist()
    W[4] = [0, 0]  # a constant unit: cuts nothing
    b = rng.integers(-4, 5, size=5).tolist()
    net = Network.from_exact([W], [b], box=([-200, -200], [200, 200]))
    A = Arrangement.from_network(net)
    assert A.n <= 4
    from regionmath.counting import count_regions
    assert count_regions(net, method="brute").count == A.regions() == cells_by_lp([list(h) for h in A.hyperplanes])[0]


def test_from_network_rejects_deep_or_maxout():
    net = Network.from_exact([[[1, 0]], [[1]]], [[0], [0]])
    with pytest.raises(RegionmathError, match="one-layer"):
        Arrangement.from_network(net)


# -- time limit, progress, asymptotics --------------------------------------------------------------
def test_time_limit_and_progress():
    seen = []
    A = generic(30, 5)
    res = A.lattice(time_limit=1e-9, progress=seen.append)
    assert not res.complete and res.whitney == [1]
    full = A.lattice(progress=seen.append)
    assert full.complete and [s["rank"] for s in seen] == [1, 2, 3, 4, 5]
    assert full.whitney == [(-1) ** j * comb(30, j) for j in range(6)]


@pytest.mark.parametrize("name", ["braid", "shi", "catalan"])
def test_asymptotic_forms(name):
    cf = closed_form(name)
    n_ = sp.Symbol("n", positive=True, integer=True)
    form = cf["asymptotic"]
    ratio = [sp.N(cf["regions"].subs(n_, v) / form.term.subs(n_, v), 30) for v in (400, 4000)]
    assert abs(ratio[1] - 1) < abs(ratio[0] - 1) < 0.01


def test_generic_asymptotic():
    cf = closed_form("generic")
    m_, d_ = sp.Symbol("m", positive=True, integer=True), sp.Symbol("d", positive=True, integer=True)
    for d in (2, 4):
        ratio = [sp.Rational(phi(m, d)) / cf["asymptotic"].term.subs({d_: d, m_: m}) for m in (10 ** 4, 10 ** 6)]
        assert abs(ratio[1] - 1) < abs(ratio[0] - 1) < sp.Rational(1, 100)


# -- CLI ---------------------------------------------------------------------------------------------
def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "regionmath.cli", "arrangement", *args], capture_output=True, text=True)


def test_cli_named_json():
    r = run_cli("shi", "4", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["regions"] == str(5 ** 3) and out["bounded_regions"] == str(3 ** 3)
    assert out["n"] == "12" and out["dim"] == "4"
    assert sp.Poly(sp.sympify(out["characteristic_polynomial"]), t) == sp.Poly(t * (t - 4) ** 3, t)
    r = run_cli("generic", "7", "--dim", "3")
    assert r.returncode == 0 and f"regions: {phi(7, 3)}" in r.stdout


def test_cli_file(tmp_path):
    p = tmp_path / "h.json"
    p.write_text('[[0, 1, 0], ["1/2", "-0.5", 0], [0, 0, "2"], [-1, 1, 1], [0, -3, 0], [0.5, 0, 1]]')
    r = run_cli("--file", str(p), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    # x = 0, x = 1, y = 0, x + y = 1, y = -1/2 (0.5 in the file is the decimal 1/2)
    rows = [[0, 1, 0], [-1, 1, 0], [0, 0, 1], [-1, 1, 1], [1, 0, 2]]
    assert out["n"] == "5"
    assert out["regions"] == str(cells_by_lp(rows)[0])


@pytest.mark.parametrize("content, args", [
    (None, ["--file", "/nonexistent/h.json"]), ("[[1, 0, 0]]", None), ("not json", None), ("[[0, 1], [0, 1, 2]]", None),
    ("{}", None), ("[]", None), ('[["x", 1]]', None), (None, ["generic", "5"]), (None, ["shi", "4", "--dim", "3"]),
    (None, ["shi", "0"]), (None, ["shi"]), (None, ["frob", "3"]),
])
def test_cli_bad_input(tmp_path, capsys, content, args):
    from regionmath.cli import main
    if args is None:
        p = tmp_path / "bad.json"
        p.write_text(content)
        args = ["--file", str(p)]
    assert main(["arrangement", *args]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err


def test_cli_bad_input_process(tmp_path):
    p = tmp_path / "bad.json"
    p.write_text('[[0, 1, 0], [3, 0, 0]]')
    r = run_cli("--file", str(p))
    assert r.returncode == 2 and r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1 and "a = 0" in r.stderr and "Traceback" not in r.stderr
