"""Constructions realise their bounds: counted, certified exactly, compared with the claim.

Expected counts are derived here independently of the toolkit: the papers' closed forms
written out with math.comb (the construction's own bookkeeping is not trusted), and for one
input a second counting method (exact breakpoints vs one LP per pattern).
"""

import json
import math
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from regionmath import Architecture, HypothesisError, RegionmathError, bounds
from regionmath.constructions import build, ids
from regionmath.network import Network
from regionmath.verify import DEFAULT_CASES, count, verification_rows, verify


def phi(m, d):
    return sum(math.comb(m, j) for j in range(d + 1))


def prod(xs):
    out = 1
    for x in xs:
        out *= x
    return out


def registered(bound_id):
    if bound_id not in bounds.REGISTRY:
        pytest.skip(f"registry entry {bound_id} has not landed")


# the papers' counts, written out independently of regionmath
def thm4(a):
    return prod((w // a.n0) ** a.n0 for w in a.widths[:-1]) * phi(a.widths[-1], a.n0)


def eq7(a):
    n0 = a.n0
    return prod((w // n0) ** (n0 - w % n0) * (w // n0 + 1) ** (w % n0) for w in a.widths[:-1]) * phi(a.widths[-1], n0)


def pascanu(a):
    return prod(w // a.n0 for w in a.widths[:-1]) * phi(a.widths[-1], a.n0)


def serra_lower(a):
    return prod((w // a.n0 + 1) ** a.n0 for w in a.widths[:-1]) * phi(a.widths[-1], a.n0)


EXPECTED = {"montufar2014-thm4": thm4, "montufar2014-thm4-eq7": eq7, "pascanu2013": pascanu,
            "serra2018-lower": serra_lower, "serra2018-exact-1d": serra_lower,
            "zaslavsky": lambda a: phi(a.widths[0], a.n0)}

RELU_CASES = [
    ("zaslavsky", Architecture(1, (4,))), ("zaslavsky", Architecture(2, (5,))), ("zaslavsky", Architecture(3, (6,))),
    ("zaslavsky", Architecture(3, (2,))),
    ("montufar2014-thm4", Architecture(1, (3, 4, 3))), ("montufar2014-thm4", Architecture(2, (4, 3))),
    ("montufar2014-thm4", Architecture(2, (5, 2, 3))), ("montufar2014-thm4", Architecture(3, (7, 4))),
    ("montufar2014-thm4-eq7", Architecture(2, (5, 3))), ("montufar2014-thm4-eq7", Architecture(3, (4, 5, 3))),
    ("montufar2014-thm4-eq7", Architecture(2, (3, 3, 2))),
    ("pascanu2013", Architecture(2, (5, 4))), ("pascanu2013", Architecture(1, (3, 2, 2))), ("pascanu2013", Architecture(3, (7, 3))),
    ("serra2018-exact-1d", Architecture(1, (3, 4, 3))), ("serra2018-exact-1d", Architecture(1, (5, 3))),
    ("serra2018-lower", Architecture(2, (6, 3))), ("serra2018-lower", Architecture(2, (7, 2))),
    ("serra2018-lower", Architecture(1, (4, 3, 2))),
]


def method_for(net):
    return "line" if net.n0 == 1 else "auto"


@pytest.mark.parametrize("cid, arch", RELU_CASES, ids=[f"{c}-{a}" for c, a in RELU_CASES])
def test_relu_construction_counts_exactly_the_bound(cid, arch):
    registered(cid)
    c = build(cid, arch)
    expected = EXPECTED[cid](arch)
    assert c.claimed == expected                  # the registry agrees with the paper's formula
    assert c.exact and c.network.is_exact and c.network.box[0].tolist() == [0.0] * arch.n0
    report = verify(c, method=method_for(c.network))
    assert report.complete and report.certified is True
    assert report.counted == expected
    assert report.agrees


ARORA_CASES = [Architecture(1, (2, 3)), Architecture(2, (6, 3)), Architecture(2, (4, 3, 3)), Architecture(3, (8, 3)),
               Architecture(3, (4, 4)), Architecture(2, (2, 3, 3))]


@pytest.mark.parametrize("arch", ARORA_CASES, ids=str)
@pytest.mark.parametrize("cid, extra", [("arora2018", 0), ("serra2018-arora-improved", 1)])
def test_zonotope_constructions_reach_the_bound(cid, extra, arch):
    """2 sum_{j<n0} C(m-1, j) (w + extra)^(L-1), written out here (Arora et al. 2018, Thm 2.11(i))."""
    registered(cid)
    m, w = arch.widths[0] // 2, arch.widths[1]
    claim = 2 * sum(math.comb(m - 1, j) for j in range(arch.n0)) * (w + extra) ** (arch.L - 1)
    c = build(cid, arch)
    assert c.claimed == claim
    report = verify(c)
    assert report.complete and report.certified is True and report.agrees
    assert report.counted >= claim


def test_turned_zonotope_needs_three_units_per_fold():
    registered("serra2018-arora-improved")
    with pytest.raises(HypothesisError, match="w >= 3"):
        build("serra2018-arora-improved", Architecture(2, (4, 2, 2)))
    build("serra2018-arora-improved", Architecture(2, (4, 2)))     # L = 2: no fold, allowed


@pytest.mark.parametrize("cid, arch", [c for c in RELU_CASES if c[1].n0 == 1])
def test_line_count_matches_lp_count(cid, arch):
    """Two methods on the same one-input network: exact breakpoints and one LP per pattern."""
    registered(cid)
    net = build(cid, arch).network
    a, b = count(net, method="line"), count(net, method="brute")
    assert a.count == b.count
    assert {r.pattern for r in a.regions} == {tuple(r.pattern) for r in b.regions}


@settings(max_examples=25, deadline=None)
@given(widths=st.lists(st.integers(1, 5), min_size=1, max_size=3), turned=st.booleans())
def test_one_input_folds_property(widths, turned):
    """n0 = 1: prod of the pieces per layer times (n_L + 1), for random widths."""
    cid = "serra2018-exact-1d" if turned else "montufar2014-thm4"
    arch = Architecture(1, tuple(widths))
    if cid not in bounds.REGISTRY:
        return
    if turned and any(w < 3 for w in widths[:-1]):
        with pytest.raises(HypothesisError):
            build(cid, arch)
        return
    c = build(cid, arch)
    pieces = [w + 1 if turned else w for w in widths[:-1]]
    assert count(c.network, method="line").count == prod(pieces) * (widths[-1] + 1)


@pytest.mark.parametrize("cid, arch", list(DEFAULT_CASES) + [("serra2018-lower", Architecture(2, (6, 7, 3))),
                                                           ("montufar2014-thm8", Architecture(2, (2, 2, 2), "maxout", 7))])
def test_weights_exact_and_float_images_are_the_same_numbers(cid, arch):
    """Every weight is a dyadic Fraction, so the float network the LPs see is the exact one."""
    if cid not in ("shi", "catalan"):
        registered(cid)
    net = build(cid, arch).network
    for Wq, Wf, bq, bf in zip(net.exact_weights, net.weights, net.exact_biases, net.biases):
        assert all(isinstance(q, Fraction) for q in Wq.ravel())
        assert all(Fraction(f) == q for q, f in zip(Wq.ravel(), Wf.ravel()))
        assert all(Fraction(f) == q for q, f in zip(bq.ravel(), bf.ravel()))


def test_exact_forward_pass_agrees():
    registered("serra2018-lower")
    net = build("serra2018-lower", Architecture(2, (6, 7, 3))).network
    # a forward pass in exact arithmetic agrees with the float one at a rational point
    x = [Fraction(1, 3), Fraction(2, 7)]
    h = x
    for Wq, bq in zip(net.exact_weights, net.exact_biases):
        h = [max(Fraction(0), sum(w * v for w, v in zip(row, h)) + b) for row, b in zip(Wq, bq)]
    assert np.allclose([float(v) for v in h], net.hidden(np.array([1 / 3, 2 / 7])))


# -- maxout --------------------------------------------------------------------------------
MAXOUT_CASES = [
    ("montufar2014-prop7-lower", Architecture(2, (3,), "maxout", 3), lambda a: 3 ** 2),
    ("montufar2014-prop7-lower", Architecture(3, (2,), "maxout", 4), lambda a: 4 ** 2),
    ("montufar2014-prop7-lower", Architecture(1, (2,), "maxout", 5), lambda a: 5),
    ("montufar2014-thm8", Architecture(2, (2, 2), "maxout", 3), lambda a: 4 * 9),      # 2^(n0(L-1)) k^n0
    ("montufar2014-thm8", Architecture(2, (2, 2), "maxout", 4), lambda a: 4 * 16),
    ("montufar2014-thm8", Architecture(1, (1, 1, 1), "maxout", 2), lambda a: 8),
    ("montufar2014-thm8", Architecture(3, (3,), "maxout", 5), lambda a: 125),
    ("shi", Architecture(3, (3,), "maxout", 3), lambda a: 4 ** 2),                    # (n+1)^(n-1)
    ("shi", Architecture(4, (6,), "maxout", 3), lambda a: 5 ** 3),
    ("catalan", Architecture(3, (3,), "maxout", 4), lambda a: math.factorial(3) * math.comb(6, 3) // 4),
]


@pytest.mark.parametrize("cid, arch, designed", MAXOUT_CASES, ids=[f"{c}-{a}" for c, a, _ in MAXOUT_CASES])
def test_maxout_construction_counts(cid, arch, designed):
    if cid not in ("shi", "catalan"):
        registered(cid)
    c = build(cid, arch)
    report = verify(c, method=method_for(c.network))
    assert report.complete and report.certified is True
    assert report.counted == designed(arch)
    assert report.counted >= c.claimed
    assert report.agrees
    if cid == "montufar2014-thm8":   # the printed claim k^(L-1) k^n0, written out here
        assert c.claimed == arch.rank ** (arch.L - 1 + arch.n0)
        assert c.exact == (report.counted == c.claimed)


@pytest.mark.parametrize("arch", [Architecture(2, (2, 2), "maxout", 5), Architecture(2, (2, 2, 2), "maxout", 5)])
def test_thm8_beyond_abs_folds_polygon_identification(arch):
    """n0 = 2, k > 2^n0: interleaved k-gons identify 2k regions per layer, so at least
    (2k)^(L-1) k^2 regions; Theorem 8 claims k^(L-1) k^2."""
    registered("montufar2014-thm8")
    c = build("montufar2014-thm8", arch)
    k, L = arch.rank, arch.L
    assert not c.exact and c.claimed == k ** (L - 1) * k ** 2
    report = verify(c)
    assert report.complete and report.certified is True and report.agrees
    assert report.counted >= (2 * k) ** (L - 1) * k ** 2 > c.claimed


def test_catalan_and_shi_larger(heavy):
    """Catalan: n! C_n regions (Stanley 2004, Prop. 5.15); Shi: (n+1)^(n-1) (Cor. 5.1)."""
    n = 5 if heavy else 4
    pairs = n * (n - 1) // 2
    c = build("catalan", Architecture(n, (pairs,), "maxout", 4))
    report = verify(c)
    assert report.complete and report.certified is True
    assert report.counted == math.factorial(n) * math.comb(2 * n, n) // (n + 1)
    report = verify(build("shi", Architecture(n, (pairs,), "maxout", 3)))
    assert report.complete and report.certified is True and report.counted == (n + 1) ** (n - 1)


def test_maxout_layer_regions_are_not_all_pairwise_hyperplanes():
    """A rank-3 Shi unit has 3 regions, not the 4 cut by its 3 tie hyperplanes t = 0, 1/2, 1."""
    c = build("shi", Architecture(2, (1,), "maxout", 3))
    assert count(c.network, method="line" if c.network.n0 == 1 else "auto").count == 3


# -- refusals --------------------------------------------------------------------------------
@pytest.mark.parametrize("cid, arch, word", [
    ("serra2018-lower", Architecture(2, (5, 4)), "3 n0"),
    ("serra2018-exact-1d", Architecture(2, (6, 3)), "n0 = 1"),
    ("montufar2014-thm8", Architecture(1, (1, 1), "maxout", 3), "refuted for n0 = 1"),
    ("montufar2014-thm8", Architecture(1, (1, 1, 1), "maxout", 4), "at most 1 \\+ \\(k-1\\)"),
    ("montufar2014-thm8", Architecture(2, (3, 2), "maxout", 3), "width"),
    ("shi", Architecture(3, (4,), "maxout", 3), "n0\\(n0-1\\)/2"),
    ("catalan", Architecture(3, (3,), "maxout", 3), "rank 4"),
    ("zaslavsky", Architecture(2, (3, 3)), "layer"),
])
def test_refused_where_hypotheses_fail(cid, arch, word):
    if cid not in ("shi", "catalan"):
        registered(cid)
    with pytest.raises(HypothesisError, match=word) as info:
        build(cid, arch)
    assert "\n" not in str(info.value)


def test_unknown_id_names_the_known_ones():
    with pytest.raises(RegionmathError, match="montufar2014-thm4"):
        build("no-such-bound", Architecture(2, (3,)))


def test_incomplete_count_never_confirms_equality():
    from regionmath.counting import CountResult
    c = build("shi", Architecture(3, (3,), "maxout", 3))
    import regionmath.verify as V
    real = V.count
    try:
        V.count = lambda *a, **k: CountResult(count=c.claimed, method="x", complete=False, seconds=0.0, certified=True)
        assert not verify(c).agrees
    finally:
        V.count = real


# -- command line ----------------------------------------------------------------------------
def run(*args):
    return subprocess.run([sys.executable, "-m", "regionmath.cli", *args], capture_output=True, text=True, timeout=120)


def test_cli_refuses_with_one_line_and_exit_2(tmp_path):
    registered("serra2018-lower")
    out = tmp_path / "net.npz"
    p = run("construct", "serra2018-lower", "--n0", "2", "--widths", "5,4", "-o", str(out))
    assert p.returncode == 2 and p.stdout == ""
    assert len(p.stderr.strip().splitlines()) == 1 and "3 n0" in p.stderr
    assert not out.exists()


def test_cli_construct_and_verify(tmp_path):
    out = tmp_path / "net.npz"
    p = run("construct", "montufar2014-thm8", "--n0", "2", "--widths", "2,2", "--rank", "3", "-o", str(out))
    assert p.returncode == 0, p.stderr
    net = Network.load(out)
    assert net.is_exact and net.activation == "maxout" and net.widths == (2, 2)
    p = run("verify", "montufar2014-thm8", "--n0", "2", "--widths", "2,2", "--rank", "3", "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert {"construction", "claimed", "counted", "method", "agrees", "certified"} <= set(d)
    assert d["claimed"] == str(3 ** 3) and int(d["counted"]) == 4 * 9 and d["agrees"] is True


# -- the table ---------------------------------------------------------------------------------
def test_verification_rows_default_cases_agree():
    rows = verification_rows()
    assert len(rows) == len(DEFAULT_CASES)
    for row in rows:
        if row.get("error"):
            assert "not in the registry" in row["error"], row
            continue
        assert row["agrees"] and row["certified"] and row["counted"] >= row["claimed"], row


@pytest.mark.parametrize("cid, arch", [("serra2018-lower", Architecture(2, (6, 3))), ("arora2018", Architecture(2, (6, 3, 3))),
                                       ("montufar2014-thm8", Architecture(2, (2, 2), "maxout", 5))], ids=str)
def test_counters_agree_on_constructions(cid, arch):
    """The folding constructions are degenerate on purpose (many units share fold points);
    every counter must find the same patterns."""
    registered(cid)
    pytest.importorskip("regionmath.counting.milp")
    net = build(cid, arch).network
    found = {}
    for method in ("brute", "enumerate", "milp"):
        r = count(net, method=method)
        assert r.complete and r.certified is True
        found[method] = {tuple(int(v) for v in g.pattern) for g in r.regions}
    assert found["brute"] == found["enumerate"] == found["milp"]


@settings(max_examples=12, deadline=None)
@given(m=st.integers(1, 8), d=st.integers(1, 3))
def test_general_position_layer_property(m, d):
    """Any m, d: one layer of the construction has Zaslavsky's Phi(m, d) regions in the cube."""
    if "zaslavsky" not in bounds.REGISTRY:
        return
    c = build("zaslavsky", Architecture(d, (m,)))
    r = count(c.network, method="line" if d == 1 else "auto")
    assert r.complete and r.certified is True and r.count == phi(m, d)
