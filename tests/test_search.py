"""Tests of regionmath.search: counting in R^n0, the weight search, rounding, records.

Expected maxima come from closed forms computed here (Zaslavsky's Phi, prod(n_l + 1) on the
line, a hand count for maxout on the line) and are checked against the registry, never from
the search itself. Searches use evaluation budgets (deterministic for a seed), with a time
limit only as a safety net.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from regionmath import Architecture, bounds
from regionmath.combinatorics import phi
from regionmath.counting import count_regions
from regionmath.errors import RegionmathError
from regionmath.network import Network
from regionmath.records import (RECORDS_COLUMNS, RECORDS_DIR, read_index, record_name, records_table,
                                scope_architectures)
from regionmath.search import (_count_line_relu, _make_network, _normalise, _random_params, _round_bits, count_in_rn0,
                               exact_network, search_max_regions)


# -- counting in R^n0 -------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["milp", "brute", "auto"])
def test_rn0_refuses_other_methods(method):
    net = Network.from_exact([[[1], [1]]], [[0, 1]])
    with pytest.raises(RegionmathError, match="bounded box"):
        count_in_rn0(net, method=method)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(-9, 9), st.integers(-9, 9), st.integers(-30, 30)), min_size=1, max_size=6))
def test_rn0_lines_in_general_position_make_phi(lines):
    """m lines of R^2 in general position (no two parallel, no three concurrent) cut it
    into Phi(m, 2) = 1 + m + C(m, 2) regions (Zaslavsky), far outside any box."""
    a = [(p, q, 97 * c) for p, q, c in lines]   # offsets far out: the regions leave [-1, 1]^2
    for i in range(len(a)):
        if a[i][0] == 0 and a[i][1] == 0:
            return
        for j in range(i):
            if a[i][0] * a[j][1] == a[i][1] * a[j][0]:
                return
            for m in range(j):
                det = np.linalg.det(np.array([a[i], a[j], a[m]], dtype=float))
                if abs(det) < 1e-9:
                    return
    net = Network.from_exact([[[p, q] for p, q, _ in a]], [[c for _, _, c in a]])
    res = count_in_rn0(net)
    assert res.complete and res.certified
    assert res.count == phi(len(a), 2)
    # a box holds at most as many; the unit box misses regions here unless all lines cross it
    assert count_regions(net, method="enumerate", jobs=1).count <= res.count


def test_rn0_witnesses_outside_the_box_are_certified():
    net = Network.from_exact([[[1], [1], [1]]], [[-100, 0, 100]])
    res = count_in_rn0(net)
    assert (res.count, res.certified) == (4, True)
    assert max(abs(float(r.witness[0])) for r in res.regions) > 1


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10 ** 6), st.lists(st.integers(1, 5), min_size=1, max_size=3))
def test_line_counter_agrees_with_enumerator(seed, widths):
    arch = Architecture(1, tuple(widths))
    rng = np.random.default_rng(seed)
    params = _random_params(arch, rng, rng.normal(size=(32, 1)))
    fast, points = _count_line_relu(params)
    assert fast == count_in_rn0(_make_network(arch, params), certify=False).count
    net = _make_network(arch, params)
    assert len({net.pattern_key(x) for x in points}) == fast   # one point per region
    line = count_in_rn0(net, method="line")
    assert (line.count, line.certified) == (fast, True)


def test_line_method_is_for_relu_on_the_line_only():
    with pytest.raises(RegionmathError, match="R\\^1 only"):
        count_in_rn0(Network([[[1, 0]]], [[0]]), method="line")


# -- normalising and rounding -------------------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10 ** 6), st.sampled_from([Architecture(2, (3, 2)), Architecture(1, (2, 2, 2)),
                                                 Architecture(2, (2, 2), "maxout", 3)]))
def test_normalise_keeps_every_pattern(seed, arch):
    rng = np.random.default_rng(seed)
    params = [(W * rng.uniform(0.1, 50), b * rng.uniform(0.1, 50)) for W, b in
              _random_params(arch, rng, rng.normal(size=(16, arch.n0)))]
    scaled = _normalise(arch, params)
    assert max(np.abs(W).max() for W, _ in scaled) <= 1 + 1e-12
    a, b = _make_network(arch, params), _make_network(arch, scaled)
    for x in rng.normal(scale=3, size=(50, arch.n0)):
        assert a.pattern_key(x) == b.pattern_key(x)


@given(st.floats(-1e12, 1e12, allow_nan=False).filter(lambda v: v != 0), st.integers(1, 53))
def test_round_bits_is_short_and_close(v, bits):
    q = _round_bits(v, bits)
    assert abs(q - Fraction(v)) <= abs(Fraction(v)) / 2 ** bits
    odd = abs(q.numerator)
    while odd and odd % 2 == 0:
        odd //= 2
    assert odd <= 2 ** bits and q.denominator & (q.denominator - 1) == 0   # m 2^e with |m| <= 2^bits


def test_exact_network_keeps_the_count():
    arch = Architecture(2, (3, 3))
    rng = np.random.default_rng(5)
    params = _random_params(arch, rng, rng.normal(size=(32, 2)))
    floats = count_in_rn0(_make_network(arch, params), certify=False).count
    net, count, certified, bits = exact_network(arch, params, floats)
    assert net.is_exact and certified and count >= floats and bits in range(1, 54)


# -- the search reproduces known maxima without seeding -----------------------------------------------
@pytest.mark.parametrize("n0,n1", [(1, 4), (2, 3), (2, 5), (3, 4), (3, 6)])
def test_search_shallow_maximum_is_phi(n0, n1):
    arch = Architecture(n0, (n1,))
    expected = phi(n1, n0)                                   # Zaslavsky: generic hyperplanes
    assert bounds.get("zaslavsky").value(arch) == expected
    r = search_max_regions(arch, time_limit=30, max_evals=50, seed=0, use_constructions=False)
    assert (r.count, r.certified, r.settled, r.complete) == (expected, True, True, True)
    assert count_in_rn0(r.network).count == expected          # the returned exact network


@pytest.mark.parametrize("widths,seed", [((3, 3), 0), ((3, 4), 1)])
def test_search_line_maximum_is_product(widths, seed, tmp_path):
    arch = Architecture(1, widths)
    expected = math.prod(w + 1 for w in widths)              # Serra et al. 2018: exact on R^1, n_l >= 3
    assert bounds.get("serra2018-exact-1d").value(arch) == expected
    r = search_max_regions(arch, time_limit=60, max_evals=3000, seed=seed, use_constructions=False)
    assert (r.count, r.certified, r.settled) == (expected, True, True)
    r.network.save(tmp_path / "best.npz")
    res = count_in_rn0(Network.load(tmp_path / "best.npz"))  # survives the file format, exactly
    assert (res.count, res.certified) == (expected, True)


def test_search_maxout_rank3_two_layers_on_the_line():
    """One rank-k maxout unit per layer on R^1: the first unit is convex with k pieces (k-1
    breakpoints); the second is convex in the first's value with k-1 breakpoints, and each
    level of a convex function is met at most twice, so at most 2(k-1) more: 3(k-1)+1 = 7."""
    k = 3
    arch = Architecture(1, (1, 1), "maxout", k)
    expected = 3 * (k - 1) + 1
    r = search_max_regions(arch, time_limit=60, max_evals=150, seed=0, use_constructions=False)
    assert (r.count, r.certified) == (expected, True)
    up = bounds.tightest_upper(arch)
    assert up is not None and r.count <= up[1] and not r.settled   # the published upper bound is not tight here


def test_search_time_limit_returns_best_so_far_incomplete():
    """The limit is honoured by the search's own clock (``seconds``: the search, before the
    exact rounding of the best network) and the best network so far comes back, certified.

    Robust under load: a (5, 5) network on R^2 counts in well under a second even on a busy
    machine, so counts finish before the limit (one count of a (6, 6) net on R^3 took several
    seconds at load 13, and the search then had nothing to return), and its upper bound (256)
    is far above what 3 s of search finds (records: 137), so the search cannot settle."""
    seen = []
    limit = 3.0
    start = time.time()
    r = search_max_regions(Architecture(2, (5, 5)), time_limit=limit, seed=0, use_constructions=False,
                           progress=seen.append)
    assert limit - 0.01 <= r.seconds < limit + 5   # stopped at the limit; a count under way is cut there
    assert time.time() - start < 120               # rounding and certifying the best follow the search
    assert not r.complete and r.stop_reason == "time-limit" and not r.settled and r.certified and r.count > 0
    assert seen and {"evaluations", "best", "seconds", "upper"} <= set(seen[-1])
    assert seen[-1]["best"] == r.float_count and seen[-1]["seconds"] <= r.seconds


def test_search_with_constructions_starts_at_least_there():
    arch = Architecture(2, (4, 4))
    low = bounds.best_lower(arch)[1]
    r = search_max_regions(arch, time_limit=60, max_evals=5, seed=0)
    assert r.count >= low and r.origin.startswith("construction:")


@pytest.mark.parametrize("kwargs,words", [({"time_limit": -1}, "time limit"), ({"time_limit": None}, "budget"),
                                          ({"max_evals": 0}, "max_evals"), ({"seed": -2}, "seed")])
def test_search_bad_input(kwargs, words):
    with pytest.raises(RegionmathError, match=words):
        search_max_regions(Architecture(2, (3,)), **kwargs)


# -- command line -------------------------------------------------------------------------------------------
def _cli(*args):
    return subprocess.run([sys.executable, "-m", "regionmath.cli", *args], capture_output=True, text=True, timeout=120)


def test_cli_search(tmp_path):
    out = tmp_path / "best.npz"
    p = _cli("search", "--n0", "2", "--widths", "4", "--no-constructions", "-o", str(out), "--json")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data["count"] == str(phi(4, 2)) and data["settled"] and data["certified"]
    assert count_in_rn0(Network.load(out)).count == phi(4, 2)


def test_cli_search_bad_input_writes_nothing(tmp_path):
    out = tmp_path / "best.npz"
    p = _cli("search", "--n0", "2", "--widths", "3,0", "-o", str(out))
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1 and not out.exists()


# -- records ------------------------------------------------------------------------------------------------------
def test_records_table_recounts_every_stored_network():
    index = read_index()
    if not index:
        pytest.skip("no records stored yet")
    names = {record_name(a): a for a in scope_architectures()}
    assert set(index) <= set(names)                          # every record is in scope
    for name, entry in index.items():
        assert (RECORDS_DIR / entry["file"]).is_file() and entry["certified"]
    archs = [names[n] for n in sorted(index)]
    table = records_table(archs)
    assert table.columns == RECORDS_COLUMNS
    col = {c: i for i, c in enumerate(RECORDS_COLUMNS)}
    for row, arch in zip(table.rows, archs):
        found, upper = row[col["best found"]], row[col["tightest upper"]]
        assert found is not None                              # recounted and certified (else it raises)
        net = Network.load(RECORDS_DIR / index[record_name(arch)]["file"])
        assert net.is_exact and net.architecture == arch
        assert found >= int(index[record_name(arch)]["count"])  # the stored count is reproduced
        low = bounds.best_lower(arch)
        status = row[col["status"]]
        if upper is not None:
            assert row[col["gap"]] == upper - found
            assert (found == upper) == status.startswith("settled")
            assert found <= upper, f"{arch}: {found} regions exceed the upper bound {upper}"
        if low is not None and found > low[1] and low[0].kind != "exact":
            assert "beats published lower bound" in status
        con = row[col["construction count"]]
        if con is not None:
            assert con >= 1


def test_records_table_marks_unsearched_rows(tmp_path):
    table = records_table([Architecture(2, (3, 3))], folder=tmp_path)
    row = dict(zip(RECORDS_COLUMNS, table.rows[0]))
    assert row["status"] == "not searched" and row["best found"] is None
    assert row["tightest upper"] == bounds.tightest_upper(Architecture(2, (3, 3)))[1]
