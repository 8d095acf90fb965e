"""regionmath.estimate: the report's contract, its proved parts checked against exact counts,
the parity bound's failure rate against its stated probability, and the calibration of the
estimate's interval on networks whose exact count is known (tests/estimate_nets.py)."""

import json
import subprocess
import sys
import time

import numpy as np
import pytest
from scipy import stats

from estimate_nets import cached_counts, calibration_net
from random_nets import degenerate_nets
from subprocess_signals import default_sigint

from regionmath.counting import count_regions
from regionmath.errors import RegionmathError
from regionmath.estimate import estimate_regions, line_densities, parity_lower_bound, slice_counts, tree_estimate
from regionmath.network import Network

KEYS = {"certified_lower", "probabilistic_lower", "estimate", "weight_aware_upper", "architecture_upper",
        "line_density", "slice_counts", "seconds", "complete", "incomplete_reason"}


def test_small_net_is_counted_exactly_and_the_contract_holds():
    net = calibration_net(0)                                  # 80 regions
    brute = count_regions(net, method="brute").count         # a second, independent method
    result = estimate_regions(net, time_limit=30, seed=0)
    d = result.as_dict()
    assert set(d) == KEYS
    assert set(d["probabilistic_lower"]) == {"value", "probability"}
    assert set(d["estimate"]) == {"value", "interval", "confidence", "method"}
    assert set(d["architecture_upper"]) == {"id", "value"}
    json.dumps(d)
    assert result.complete and result.certified_lower == brute == 80
    assert d["estimate"]["method"] == "exact count" and float(d["estimate"]["value"]) == brute
    assert int(d["architecture_upper"]["value"]) >= brute


def test_bad_input_is_one_clear_error():
    net = calibration_net(0)
    for bad in (0, -1, "10", True):
        with pytest.raises(RegionmathError, match="time limit"):
            estimate_regions(net, time_limit=bad)
    with pytest.raises(RegionmathError, match="confidence"):
        parity_lower_bound(net, confidence=1.0)
    with pytest.raises(RegionmathError, match="trials"):
        parity_lower_bound(net, trials=0)


def test_tree_estimate_is_unbiased_on_a_known_tree():
    # many antithetic pairs on a net of 1,075 regions (brute force would need 2^16 LPs; the
    # exact count is cached, made by the certified enumerator): the mean is within 4 standard
    # errors of the truth, and a biased prober (one that misses a side) would not be
    net, exact = calibration_net(2), cached_counts()[2]
    est = tree_estimate(net, pairs=150, seed=3)
    half = est["interval"][1] - est["value"]
    se = half / stats.t.ppf(0.975, est["pairs"] - 1)
    assert abs(est["value"] - exact) < 4 * se


def test_one_pair_gets_markovs_interval():
    # one pair is too few for the t / log-normal interval: the lower end is 1 - confidence
    # times the estimate (Markov's inequality on an unbiased non-negative estimate), the upper
    # end the proved bound given. Over 30 single pairs on a net of 1,075 regions (cached exact
    # count) the lower end exceeds the count at most as often as Binomial(30, 0.05) allows at
    # the 99.9% level (bench/bench_estimate.md: 16 of 10,300 pair samples on 134 nets)
    net, exact = calibration_net(2), cached_counts()[2]
    wrong = 0
    for seed in range(30):
        est = tree_estimate(net, pairs=1, seed=seed, upper=10**6)
        assert "Markov" in est["method"] and est["walks"] == 2
        lo, hi = est["interval"]
        assert lo == pytest.approx(0.05 * est["value"]) and hi == 10**6
        wrong += lo > exact
    assert wrong <= stats.binom.ppf(0.999, 30, 0.05)


def test_depth_limited_walks_estimate_the_first_units_regions():
    # walks stopped after the first 12 units estimate the regions of those units alone: the
    # mean of 300 is within 4 standard errors of the certified count of the network cut to
    # its first 12 units (a second method), which lies below the whole network's count
    from regionmath.estimate import TreeProber
    net, exact = calibration_net(2), cached_counts()[2]           # 4 -> (8, 8), 1,075 regions
    cut = Network([net.weights[0], net.weights[1][:4]], [net.biases[0], net.biases[1][:4]], box=net.box)
    truth = count_regions(cut).count
    prober = TreeProber(net, seed=5)
    x = np.array([prober.walk(units=12) for _ in range(300)])
    assert prober.reached[1] == 12
    assert abs(x.mean() - truth) < 4 * x.std(ddof=1) / np.sqrt(len(x))
    assert truth < exact


def test_the_dual_judgement_never_changes_the_tree(monkeypatch):
    # the smoothed-dual judgement (used on big regions of wide nets) proves sides empty or
    # finds points; forced on every region of a 60-input net, walks that take the same sides
    # at the splits give the same estimates as walks deciding every side by the LP (a side
    # judged empty that is not would change the estimate), and both verdicts occur
    import regionmath.estimate as estimate
    from regionmath.estimate import TreeProber
    rng = np.random.default_rng(11)
    W1, W2 = rng.normal(0, 0.2, (14, 60)), rng.normal(0, 0.3, (14, 14))
    net = Network([W1, W2], [rng.uniform(-0.5, 0.5, 14), rng.uniform(-0.5, 0.5, 14)],
                  box=(np.zeros(60), np.ones(60)))
    monkeypatch.setattr(estimate, "PREDICT_SIZE", 0)
    judged, plain = TreeProber(net, seed=1, predict=True), TreeProber(net, seed=1, predict=False)
    for k in range(15):
        bits = np.random.default_rng(k).random(net.N)
        assert judged.walk(bits=bits) == plain.walk(bits=bits)
    assert judged.judged["empty"] > 0 and judged.judged["point"] > 0
    assert sum(plain.judged.values()) == 0


def test_a_walk_cut_by_the_time_gives_a_lower_estimate():
    # 784-64-64: one walk takes longer than 0.3 s, so the estimate is the walk cut short, a
    # lower estimate with Markov's interval up to the proved upper bound given
    net = _torch_784(64)
    est = tree_estimate(net, time_limit=0.3, seed=0, upper=10**60)
    assert est["pairs"] == 0 and "lower estimate" in est["method"]
    assert 0 < est["depth"] < net.N and est["value"] >= 1
    lo, hi = est["interval"]
    assert lo == pytest.approx(0.05 * est["value"]) and hi == 1e60


def _calibration_cases(heavy):
    counts = cached_counts()
    ids = sorted(counts) if heavy else sorted(counts)[:10]
    return [(calibration_net(i), counts[i]) for i in ids]


@pytest.mark.heavy
def test_intervals_are_calibrated(heavy):
    """95% intervals contain the exact count in at least 90% of the networks (all 72 cached
    random nets with --heavy; the first 10 by default; bench/bench_estimate.md adds the 40
    digits nets)."""
    cases = _calibration_cases(heavy)
    covered = 0
    for net, exact in cases:
        est = tree_estimate(net, pairs=100 if heavy else 40, seed=7)
        lo, hi = est["interval"]
        covered += lo <= exact <= hi
    assert covered >= 0.9 * len(cases), f"{covered} of {len(cases)} intervals contain the exact count"


test_intervals_are_calibrated._heavy_has_small_size = True


@pytest.mark.heavy
def test_parity_bound_fails_no_more_often_than_stated(heavy):
    """At confidence 1/2 with one trial per level (a wrong bound is then likely enough to be
    seen), the number of networks whose bound exceeds the exact count is at most the 99.9%
    quantile of Binomial(n, 1/2); at confidence 0.99 it is never exceeded here."""
    counts = cached_counts()
    ids = sorted(counts)[:40 if heavy else 10]
    wrong_half = wrong_99 = 0
    for i in ids:
        net, exact = calibration_net(i), counts[i]
        b = parity_lower_bound(net, confidence=0.5, trials=1, time_limit=60, seed=i)
        wrong_half += b["value"] is not None and b["value"] > exact
        b = parity_lower_bound(net, confidence=0.99, trials=3, time_limit=60, seed=i)
        assert b["probability"] == 0.99
        wrong_99 += b["value"] is not None and b["value"] > exact
    assert wrong_half <= stats.binom.ppf(0.999, len(ids), 0.5)
    assert wrong_99 == 0


test_parity_bound_fails_no_more_often_than_stated._heavy_has_small_size = True


def test_parity_bound_counts_interior_regions_only():
    # x and -x on [-1, 1]: 2 regions with interior; the MILP also accepts the flat pattern
    # (0, 0) at x = 0. A bound of 3 or more would mean a flat pattern was taken for a region.
    net = next(d.network for d in degenerate_nets() if d.name == "x_and_minus_x")
    for seed in range(12):
        b = parity_lower_bound(net, confidence=0.75, trials=1, start=1, time_limit=30, seed=seed)
        assert b["value"] is None or b["value"] <= 2


def test_parity_probability_is_the_stated_one():
    b = parity_lower_bound(calibration_net(0), confidence=0.9, trials=2, time_limit=30, seed=1)
    assert b["alpha"] == pytest.approx(np.log2(10) / 2)
    assert b["value"] is None or b["value"] <= cached_counts()[0]


def test_densities_match_direct_counts():
    net = calibration_net(3)
    ld = line_densities(net, lines=3, seed=5)
    assert ld["lines"] == 3 and ld["complete"]
    assert ld["mean"] == pytest.approx(np.mean(np.array(ld["counts"]) / np.array(ld["lengths"])), rel=1e-5)
    # a line of a 2-input net: the count equals the enumerator's on the same restriction
    from regionmath.estimate import _restricted
    rng = np.random.default_rng(5)
    lo, hi = net.box
    p = (lo + hi) / 2 + rng.uniform(-0.5, 0.5, size=2) * (hi - lo) / 2
    d = rng.standard_normal(2)
    d /= np.linalg.norm(d)
    ta, tb = (lo - p) / d, (hi - p) / d
    t0, t1 = np.minimum(ta, tb).max(), np.maximum(ta, tb).min()
    r = count_regions(_restricted(net, p, d, [t0], [t1]), method="enumerate", jobs=1)
    assert r.count == ld["counts"][0]
    sc = slice_counts(net, slices=2, seed=5)
    assert sc["slices"] == 2 and all(c >= 1 for c in sc["counts"])
    assert max(sc["counts"]) <= cached_counts()[3]


def _torch_784(width):
    """784-width-width(-10), PyTorch's default initialisation, box [0, 1]^784 (an MNIST MLP)."""
    torch = pytest.importorskip("torch")
    from regionmath.importers import from_torch
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(784, width), torch.nn.ReLU(), torch.nn.Linear(width, width),
                                torch.nn.ReLU(), torch.nn.Linear(width, 10))
    return from_torch(model, box=(np.zeros(784), np.ones(784)))


def _every_field_has_a_value(d):
    assert set(d) == KEYS
    assert int(d["certified_lower"]) >= 1
    est = d["estimate"]
    exact = est["method"] == "exact count"            # 784-8-8 is counted to the end since round 5
    assert d["probabilistic_lower"]["value"] is not None
    assert d["probabilistic_lower"]["probability"] == (1.0 if exact else 0.99)
    assert est["value"] is not None and est["interval"] is not None and est["method"]
    lo, hi = (float(v) for v in est["interval"])
    assert int(d["certified_lower"]) <= lo <= float(est["value"]) <= hi
    assert d["weight_aware_upper"]["value"] is not None and d["architecture_upper"]["value"] is not None
    assert hi <= int(d["weight_aware_upper"]["value"]) <= int(d["architecture_upper"]["value"])
    assert d["line_density"]["mean"] is not None and d["line_density"]["lines"] >= 1
    assert d["slice_counts"]["mean"] is not None and d["slice_counts"]["slices"] >= 1


@pytest.mark.heavy
def test_784_input_torch_net_report_in_time(heavy):
    """784-256-256 in 60 s with --heavy (784-8-8 in 20 s by default): every field has a
    value, and the report comes within the limit (plus a margin for a loaded machine)."""
    width, limit = (256, 60.0) if heavy else (8, 20.0)
    net = _torch_784(width)
    start = time.perf_counter()
    result = estimate_regions(net, time_limit=limit, seed=0)
    elapsed = time.perf_counter() - start
    assert elapsed <= 1.1 * limit + 3.0
    d = result.as_dict()
    _every_field_has_a_value(d)
    if heavy or not d["complete"]:   # 784-256-256 is far beyond exact reach; 784-8-8 may be counted to the end
        assert not d["complete"] and d["incomplete_reason"] == "time-limit"


test_784_input_torch_net_report_in_time._heavy_has_small_size = True


def test_ctrl_c_returns_the_partial_report():
    # a KeyboardInterrupt during the work (here from the progress callback, as Ctrl-C would
    # arrive) ends it: what was found comes back flagged, never a traceback
    net = _torch_784(8)

    def interrupt(info):
        if info["stage"] == "lines":
            raise KeyboardInterrupt

    start = time.perf_counter()
    result = estimate_regions(net, time_limit=20, seed=0, progress=interrupt)
    assert time.perf_counter() - start < 20
    d = result.as_dict()
    assert d["complete"] is False and d["incomplete_reason"] == "interrupted"
    assert int(d["certified_lower"]) >= 1 and d["line_density"]["lines"] >= 1
    assert d["architecture_upper"]["value"] is not None


def test_digits_mlp_64_64_64():
    pytest.importorskip("sklearn")
    import warnings
    from sklearn.datasets import load_digits
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from regionmath.importers import from_sklearn
    X, y = load_digits(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = MLPClassifier(hidden_layer_sizes=(64, 64, 64), max_iter=30, random_state=0).fit(X / 16, y)
    net = from_sklearn(model, box=(np.zeros(64), np.ones(64)))
    result = estimate_regions(net, time_limit=10, seed=0)
    d = result.as_dict()
    assert set(d) == KEYS and int(d["certified_lower"]) >= 1
    assert result.seconds <= 15
    upper = int(d["architecture_upper"]["value"])
    if d["estimate"]["interval"] is not None:
        lo, hi = (float(v) for v in d["estimate"]["interval"])
        assert int(d["certified_lower"]) <= lo <= hi <= upper


def test_weight_aware_upper_is_never_below_an_exact_count():
    from regionmath.bounds.weights import serra2020_weights
    counts = cached_counts()
    for i in sorted(counts)[:24]:
        assert serra2020_weights(calibration_net(i)) >= counts[i]
    # the report's weight-aware bound is the registry's, on the same box
    net = calibration_net(0)
    wa = estimate_regions(net, time_limit=10, seed=0).weight_aware_upper
    assert wa == {"id": "serra2020-weights", "value": serra2020_weights(net)}


def test_cli_json_is_one_document(tmp_path):
    path = tmp_path / "net.npz"
    calibration_net(0).save(path)
    out = subprocess.run([sys.executable, "-m", "regionmath.cli", "estimate", str(path), "--json", "--time-limit", "20"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert set(d) == KEYS and d["certified_lower"] == "80"
    bad = subprocess.run([sys.executable, "-m", "regionmath.cli", "estimate", str(path), "--time-limit", "0"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and bad.stdout == "" and len(bad.stderr.strip().splitlines()) == 1


def test_weight_aware_bound_on_trained_nets_lies_between_the_count_and_theorem_1():
    # trained Serra 2018 digits nets with cached exact counts (certified enumerator): the
    # weight-aware bound is never below the count and never above Theorem 1; strictly below
    # it on the first four (n1_16_seed1 has no stable unit on the box: equal)
    # (bench/bench_estimate.md has all 40 nets with 10^2 to 10^6 regions)
    from regionmath import bounds
    from regionmath.bounds.weights import serra2020_weights
    from regionmath.experiments import serra2018
    cache = json.loads(serra2018.COUNTS_FILE.read_text())
    for key in ("n1_03_seed0", "n1_06_seed1", "n1_08_seed2", "n1_12_seed1", "n1_16_seed1"):
        assert cache[key]["complete"]
        net = serra2018.network(int(key[3:5]), int(key[-1]))
        weight_aware = serra2020_weights(net)
        thm1 = bounds.get("serra2018-thm1").value(net.architecture)
        assert int(cache[key]["count"]) <= weight_aware <= thm1
        assert weight_aware < thm1 or key == "n1_16_seed1"


def test_cli_ctrl_c_prints_the_partial_report(tmp_path):
    # Ctrl-C (SIGINT) while `regionmath estimate --json` works: one JSON document, flagged
    # interrupted, soon after the signal; exit 1 like an incomplete count
    import os
    import signal
    rng = np.random.default_rng(0)
    path = tmp_path / "net.npz"
    bound = 1 / np.sqrt([784, 8])               # PyTorch's default initialisation, without torch
    Network([rng.uniform(-bound[0], bound[0], (8, 784)), rng.uniform(-bound[1], bound[1], (8, 8))],
            [rng.uniform(-bound[0], bound[0], 8), rng.uniform(-bound[1], bound[1], 8)],
            box=(np.zeros(784), np.ones(784))).save(path)
    env = {**os.environ, "REGIONMATH_PROGRESS_SECONDS": "0"}
    proc = subprocess.Popen([sys.executable, "-m", "regionmath.cli", "estimate", str(path), "--json",
                             "--time-limit", "120"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            preexec_fn=default_sigint)
    try:
        first = proc.stderr.readline()            # the first progress line: the work has begun
        assert "regionmath estimate" in first, first
        proc.send_signal(signal.SIGINT)
        sent = time.perf_counter()
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert time.perf_counter() - sent < 15
    assert proc.returncode == 1, err
    d = json.loads(out)
    assert d["complete"] is False and d["incomplete_reason"] == "interrupted"
    assert "interrupted" in err and "Traceback" not in err
