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
    assert len(meta) == len(serra2018.N1) * len(serra2018.SEEDS)
    Xtr, Xte, ytr, yte = serra2018.load_data()
    for n1 in (1, 8, 15, 21):
        for seed in serra2018.SEEDS:
            net = serra2018.network(n1, seed)
            assert net.widths == (n1, 22 - n1) and net.n0 == 64
            assert np.array_equal(net.box[0], np.zeros(64)) and np.array_equal(net.box[1], np.ones(64))
            rec = meta[serra2018.name(n1, seed)]
            for X, y, key in ((Xtr, ytr, "train_error"), (Xte, yte, "test_error")):
                err = np.mean(net.forward(X).argmax(axis=1) != y)
                assert abs(err - rec[key]) < 1e-6


def test_cached_counts_are_reproduced(heavy):
    """Recount some cached networks: a finished count must come out the same, an unfinished
    one must not exceed what a finished count gives."""
    from regionmath.counting import count_regions
    counts = json.loads(serra2018.COUNTS_FILE.read_text())
    n1s = (1, 2, 3, 4, 5) if heavy else (1, 2)
    checked = 0
    for n1 in n1s:
        key = serra2018.name(n1, 0)
        if key not in counts or not counts[key]["complete"]:
            continue
        result = count_regions(serra2018.network(n1, 0), time_limit=120)
        assert result.complete and result.count == int(counts[key]["count"])
        checked += 1
    assert checked >= 1


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


def test_serra_bad_input():
    with pytest.raises(RegionmathError, match="n1 must be"):
        serra2018.train_one(22, 0)
    with pytest.raises(RegionmathError, match="no cached network"):
        serra2018.network(3, 99)


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
    total = sum(p.stat().st_size for p in WEIGHTS.rglob("*") if p.is_file())
    assert total < 3_000_000


def test_slice_figure_is_written(tmp_path):
    assert serra2018.slice_figure(tmp_path / "slice.png").stat().st_size > 10_000
