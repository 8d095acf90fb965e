"""The depth-first enumerator (regionmath.counting.enumerate) and its parallel driver.

Expected values never come from the enumerator itself: they come from the MILP counter (a
different algorithm), an independent brute force over every pattern written here (one scipy
LP per pattern), Zaslavsky's formula, hand counts of the degenerate networks, the
constructions' designed counts, and random points whose patterns must all be found.
"""

import itertools
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy.optimize import linprog

sys.path.insert(0, os.path.dirname(__file__))
from random_nets import degenerate_nets, random_maxout_nets, random_relu_nets  # noqa: E402

from regionmath import Architecture, RegionmathError  # noqa: E402
from regionmath.combinatorics import phi  # noqa: E402
from regionmath.counting import count_regions  # noqa: E402
from regionmath.counting.certify import certify_arrays, certify_witness  # noqa: E402
from regionmath.counting.parallel import count_enumerate  # noqa: E402
from regionmath.network import Network  # noqa: E402

RELU_NETS = random_relu_nets(200, seed=0)      # the random test set shared with the MILP's tests
MAXOUT_NETS = random_maxout_nets(40, seed=0)


def random_float_net(n0, widths, seed, activation="relu", rank=1, box=None):
    rng = np.random.default_rng(seed)
    Ws, bs, prev = [], [], n0
    for w in widths:
        Ws.append(rng.normal(size=(w * rank, prev)))
        bs.append(rng.normal(size=w * rank) * 0.5)
        prev = w
    return Network(Ws, bs, activation, rank, box=box)


def brute_patterns(net, unbounded=False, margin=1e-7):
    """Every pattern whose region holds a ball of radius > margin: one Chebyshev LP per pattern
    (scipy), written independently of the enumerator."""
    k, n0, relu = net.rank, net.n0, net.activation == "relu"
    found = set()
    for pat in itertools.product(*([range(2 if relu else k)] * net.N)):
        A, c, rows, ok, i = np.eye(n0), np.zeros(n0), [], True, 0
        for W, b, w in zip(net.weights, net.biases, net.widths):
            Az, cz, st_ = W @ A, W @ c + b, pat[i:i + w]
            i += w
            pieces = [(u, s, m) for u, s in enumerate(st_) for m in ([None] if relu else range(k)) if m != s]
            for u, s, m in pieces:
                a, cc = (Az[u], cz[u]) if relu else (Az[u * k + s] - Az[u * k + m], cz[u * k + s] - cz[u * k + m])
                sign = 1 if (not relu or s == 1) else -1
                if np.linalg.norm(a) < 1e-12:       # identically constant: no cut; zero means inactive / lower piece
                    ok &= sign * cc > 1e-12 or (abs(cc) <= 1e-12 and (s == 0 if relu else s < m))
                else:
                    rows.append((sign * a, sign * cc))
            sel = np.array(st_, dtype=bool) if relu else np.arange(w) * k + np.array(st_)
            A, c = (Az * sel[:, None], cz * sel) if relu else (Az[sel], cz[sel])
        if not ok:
            continue
        if rows:
            A_ub = np.array([np.r_[-a, np.linalg.norm(a)] for a, _ in rows])
            b_ub = np.array([cc for _, cc in rows])
            bounds = [(None, None)] * n0 if unbounded else list(zip(net.box[0], net.box[1]))
            res = linprog(np.r_[np.zeros(n0), -1.0], A_ub=A_ub, b_ub=b_ub, bounds=bounds + [(None, 1.0)], method="highs")
            if res.status != 0 or -res.fun <= margin:
                continue
        found.add(pat)
    return found


def patterns_of(result):
    return {r.pattern for r in result.regions}


# -- agreement with other counters --------------------------------------------------------------
def test_equals_milp_on_the_random_test_set(heavy):
    from regionmath.counting.milp import count_milp
    nets = RELU_NETS + MAXOUT_NETS if heavy else RELU_NETS[:25] + MAXOUT_NETS[:10]
    for net in nets:
        e = count_regions(net, method="enumerate", jobs=1)
        m = count_milp(net, exhaustive=False)    # SCIP's own set, not checked against the enumerator
        assert e.complete and e.certified is True
        assert e.count == m.count, net
        assert patterns_of(e) == {r.pattern for r in m.regions}, net


@pytest.mark.parametrize("net", [random_float_net(2, (3, 3), 1), random_float_net(3, (3, 3, 2), 2),
                                 random_float_net(1, (4, 4), 3), random_float_net(2, (2, 2), 4, "maxout", 3),
                                 random_float_net(3, (3,), 5, "maxout", 2)], ids=str)
@pytest.mark.parametrize("unbounded", [False, True])
def test_equals_brute_force_patterns(net, unbounded):
    e = count_enumerate(net, jobs=1, unbounded=unbounded)
    assert patterns_of(e) == brute_patterns(net, unbounded)
    assert e.count == len(e.regions)
    assert certify_arrays(net, e.regions.patterns, e.regions.witnesses, bounded=not unbounded).all()


@pytest.mark.parametrize("case", degenerate_nets(), ids=lambda d: d.name)
def test_degenerate_networks_hand_counts(case):
    result = count_regions(case.network, method="enumerate", jobs=1)
    assert result.complete and result.certified is True
    assert result.count == case.interior, case.why


CONSTRUCTIONS = [("zaslavsky", Architecture(3, (6,))), ("montufar2014-thm4", Architecture(1, (3, 4, 3))),
                 ("montufar2014-thm4-eq7", Architecture(3, (4, 5, 3))), ("pascanu2013", Architecture(3, (7, 3))),
                 ("serra2018-exact-1d", Architecture(1, (3, 4, 3))), ("serra2018-lower", Architecture(2, (6, 3))),
                 ("montufar2014-prop7-lower", Architecture(3, (2,), "maxout", 4)),
                 ("montufar2014-thm8", Architecture(2, (2, 2), "maxout", 4)), ("shi", Architecture(4, (6,), "maxout", 3)),
                 ("catalan", Architecture(3, (3,), "maxout", 4))]


@pytest.mark.parametrize("cid, arch", CONSTRUCTIONS, ids=[f"{c}-{a}" for c, a in CONSTRUCTIONS])
def test_constructions_designed_counts(cid, arch):
    build = pytest.importorskip("regionmath.constructions").build
    c = build(cid, arch)
    result = count_regions(c.network, method="enumerate", jobs=1)
    assert result.complete and result.certified is True
    assert result.count == c.designed


# -- the whole of R^n0 ------------------------------------------------------------------------------
@given(seed=st.integers(0, 10 ** 6), n0=st.integers(1, 4), m=st.integers(1, 7))
@settings(max_examples=25, deadline=None)
def test_one_layer_on_all_of_space_is_zaslavsky(seed, n0, m):
    """m random hyperplanes are in general position (probability 1): Phi(m, n0) regions."""
    net = random_float_net(n0, (m,), seed)
    assert count_enumerate(net, jobs=1, unbounded=True).count == phi(m, n0)


def test_all_of_space_equals_a_box_holding_every_vertex():
    net = random_float_net(2, (4, 3), 11)
    big = net.with_box([-1e4, -1e4], [1e4, 1e4])
    assert count_enumerate(net, jobs=1, unbounded=True).count == count_enumerate(big, jobs=1).count
    result = count_regions(net, method="enumerate", jobs=1, unbounded=True)
    assert result.certified is True and result.info["domain"] == "R^n0"
    assert any(np.abs(r.witness).max() > 1 for r in result.regions)   # regions outside the default box


# -- every pattern met by a random point is found -------------------------------------------------
@given(seed=st.integers(0, 10 ** 6), act=st.sampled_from(["relu", "maxout"]))
@settings(max_examples=15, deadline=None)
def test_random_points_patterns_are_all_found(seed, act):
    rng = np.random.default_rng(seed)
    n0 = int(rng.integers(1, 4))
    widths = tuple(int(w) for w in rng.integers(1, 5, size=int(rng.integers(1, 4))))
    net = random_float_net(n0, widths, seed, act, 1 if act == "relu" else int(rng.integers(2, 4)))
    result = count_enumerate(net, jobs=1)
    X = rng.uniform(-1, 1, size=(3000, n0))
    seen = {net.pattern_key(x) for x in X}
    assert seen <= patterns_of(result)
    assert len(set(patterns_of(result))) == result.count       # no pattern twice
    assert certify_arrays(net, result.regions.patterns, result.regions.witnesses).all()


# -- parallel runs, Dask, checkpoints ---------------------------------------------------------------
MID = random_float_net(5, (7, 6), 3)


def test_two_processes_find_the_same_regions(monkeypatch):
    from regionmath.counting import parallel
    one = count_enumerate(MID, jobs=1)
    monkeypatch.setattr(parallel, "SERIAL_SECONDS", 0.0)   # every subtree goes to the workers
    two = count_enumerate(MID, jobs=2)
    assert two.info["subtrees"] > 1 and two.info["jobs"] == 2
    assert two.info["subtrees_in_workers"] == two.info["subtrees"]
    assert two.complete and two.count == one.count
    assert patterns_of(two) == patterns_of(one)


def test_the_search_runs_blas_on_one_thread(monkeypatch):
    """OpenBLAS's idle threads spun in every worker of a count (40% of the CPU at 784 inputs
    with 2 processes): the search runs BLAS on one thread (forked workers inherit it, and
    their initializer sets it again), and the caller's setting is back afterwards."""
    threadpoolctl = pytest.importorskip("threadpoolctl")
    from regionmath.counting import parallel

    def blas_threads():
        return {i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"}
    seen = []
    run = parallel.run_enumeration

    def spy_run(*args, **kwargs):
        seen.append(blas_threads())
        return run(*args, **kwargs)
    monkeypatch.setattr(parallel, "run_enumeration", spy_run)
    with threadpoolctl.threadpool_limits(limits=2, user_api="blas"):
        before = blas_threads()
        count_enumerate(MID, jobs=1)
        assert blas_threads() == before
    assert seen == [{1}]


def test_dask_local_cluster_same_count():
    distributed = pytest.importorskip("distributed")
    one = count_enumerate(MID, jobs=1)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        result = count_enumerate(MID, client=client)
    assert result.complete and result.count == one.count
    assert patterns_of(result) == patterns_of(one)


def test_interrupted_count_resumes_without_double_counting(tmp_path, monkeypatch):
    from regionmath.counting import parallel
    full = count_enumerate(MID, jobs=1)
    path = tmp_path / "count.json"
    calls, run_subtree = [], parallel._serial

    def ctrl_c_in_the_fourth_subtree(*args, **kwargs):
        calls.append(1)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return run_subtree(*args, **kwargs)

    monkeypatch.setattr(parallel, "_serial", ctrl_c_in_the_fourth_subtree)
    first = count_enumerate(MID, jobs=1, checkpoint=path, split_depth=4)
    monkeypatch.setattr(parallel, "_serial", run_subtree)
    assert not first.complete and first.info.get("interrupted")
    assert 0 < first.count < full.count
    done = json.loads(path.read_text())["done"]
    assert len(done) == 3
    # a crash between appending regions and rewriting the JSON leaves stray bytes: ignored
    with open(str(path) + ".regions", "ab") as f:
        f.write(b"\x01" * 37)
    second = count_enumerate(MID, jobs=2, checkpoint=path, split_depth=4)
    assert second.complete and second.info["resumed_subtrees"] == len(done)
    assert second.count == full.count
    assert len(second.regions) == full.count and patterns_of(second) == patterns_of(full)
    assert certify_arrays(MID, second.regions.patterns, second.regions.witnesses).all()


def test_time_limit_keeps_what_was_found_and_resume_finishes(tmp_path, heavy, monkeypatch):
    from regionmath.counting import parallel
    monkeypatch.setattr(parallel, "SERIAL_SECONDS", 0.0)   # the workers meet the time limit
    net = random_float_net(6, (8, 8), 5) if heavy else MID
    full = count_enumerate(net, jobs=1)
    path = tmp_path / "tl.json"
    part = count_enumerate(net, jobs=2, checkpoint=path, time_limit=0.2)
    assert part.count <= full.count
    if part.complete:                          # a very fast machine: nothing to resume
        return
    assert certify_arrays(net, part.regions.patterns, part.regions.witnesses).all()
    rest = count_enumerate(net, jobs=2, checkpoint=path)
    assert rest.complete and rest.count == full.count


def test_checkpoint_of_another_network_is_refused(tmp_path):
    path = tmp_path / "c.json"
    count_enumerate(MID, jobs=1, checkpoint=path)
    other = random_float_net(5, (7, 6), 4)
    with pytest.raises(RegionmathError, match="another network"):
        count_enumerate(other, jobs=1, checkpoint=path)
    (tmp_path / "junk.json").write_text("{not json")
    with pytest.raises(RegionmathError, match="not a regionmath"):
        count_enumerate(MID, jobs=1, checkpoint=tmp_path / "junk.json")


def test_progress_reports_count_seconds_rate():
    seen = []
    count_enumerate(random_float_net(6, (7, 7), 8), jobs=1, progress=seen.append)
    assert seen and all({"count", "seconds", "rate"} <= set(s) for s in seen)
    assert seen[-1]["count"] > 0 and seen[-1]["rate"] > 0


# -- certification in bulk agrees with the one-by-one check ---------------------------------------
def test_bulk_certificates_equal_single_ones():
    rng = np.random.default_rng(0)
    nets = [d.network for d in degenerate_nets()] + RELU_NETS[:5] + MAXOUT_NETS[:3] + [MID]
    for net in nets:
        r = count_enumerate(net, jobs=1)
        P, X = r.regions.patterns.copy(), r.regions.witnesses.copy()
        wrong = P.copy()
        if net.activation == "relu":
            wrong[:, rng.integers(net.N)] ^= 1
        points = rng.uniform(net.box[0], net.box[1], size=X.shape)
        for pats, wits in ((P, X), (wrong, X), (P, points)):
            bulk = certify_arrays(net, pats, wits)
            single = [certify_witness(net, tuple(int(v) for v in p), x) for p, x in zip(pats, wits)]
            assert bulk.tolist() == single


# -- bad input -------------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, word", [
    ({"definition": "serra2018"}, "interior"), ({"jobs": 0}, "jobs"), ({"min_margin": 2}, "min_margin"),
    ({"frobnicate": 1}, "unknown option"), ({"split_depth": -1}, "split_depth"),
])
def test_bad_options_are_one_line_errors(kwargs, word):
    with pytest.raises(RegionmathError, match=word) as info:
        count_enumerate(MID, **kwargs)
    assert "\n" not in str(info.value)


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "regionmath.cli", *args], capture_output=True, text=True)


def test_cli_count_enumerate(tmp_path):
    net = random_float_net(3, (4, 4), 6)
    path = tmp_path / "net.npz"
    net.save(path)
    r = run_cli("count", str(path), "--method", "enumerate", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["method"] == "enumerate" and out["complete"] is True and out["certified"] is True
    assert int(out["count"]) == len(brute_patterns(net))
    auto = json.loads(run_cli("count", str(path), "--json").stdout)
    assert auto["count"] == out["count"]
