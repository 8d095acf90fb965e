"""The MILP counter (SCIP counting mode) against brute force, grid sampling and hand counts.

References are independent of the MILP: brute force tests every pattern by the witness LP
(counting/brute.py), grid sampling evaluates the network at many points, and the degenerate
networks carry counts worked out by hand (tests/random_nets.py).
"""

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from random_nets import degenerate_nets, random_maxout_nets, random_relu_nets  # noqa: E402

from regionmath import RegionmathError  # noqa: E402
from regionmath.counting import count_regions  # noqa: E402
from regionmath.counting.brute import count_brute  # noqa: E402
from regionmath.counting.certify import certify_witness  # noqa: E402
from regionmath.counting.lp import witness_lp  # noqa: E402
from regionmath.counting.milp import count_milp  # noqa: E402
from regionmath.counting.propagation import interval_bounds, lp_bounds  # noqa: E402
from regionmath.network import Network  # noqa: E402

RELU_NETS = random_relu_nets(200, seed=0)
MAXOUT_NETS = random_maxout_nets(40, seed=0)


def _grid_patterns(net, per_axis):
    """Distinct patterns at the points of a dense grid strictly inside the box, shifted by an
    irrational fraction of a cell so that no point lies on a rational hyperplane."""
    lo, hi = net.box
    frac = (np.arange(per_axis) + 0.5 + 1e-3 / np.pi) / per_axis
    axes = [a + (b - a) * frac for a, b in zip(lo, hi)]
    pts = np.stack(np.meshgrid(*axes), axis=-1).reshape(-1, net.n0)
    pats = net.pattern(pts)
    return {tuple(row) for row in np.concatenate([p.reshape(len(pts), -1) for p in pats], axis=1).tolist()}


def _patterns(result):
    return {r.pattern for r in result.regions}


# -- against brute force and grid sampling ------------------------------------------------------
def test_milp_equals_brute_force_relu(heavy):
    nets = RELU_NETS if heavy else RELU_NETS[:20]
    for i, net in enumerate(nets):
        milp = count_regions(net, method="milp")
        brute = count_brute(net)
        assert milp.complete and brute.complete
        assert _patterns(milp) == _patterns(brute), f"net {i}: {net}"
        assert milp.count == len(milp.regions) == brute.count
        assert milp.certified, f"net {i}: a witness failed the exact check"
        if net.n0 <= 2:   # dense grid sampling can only find real regions
            grid = _grid_patterns(net, 600 if net.n0 == 2 else 20000)
            assert grid <= _patterns(milp), f"net {i}: grid found a region the MILP missed"


def test_grid_never_exceeds_milp_in_2d(heavy):
    nets = [n for n in RELU_NETS if n.n0 == 2]
    assert len(nets) >= 15
    for net in nets if heavy else nets[:6]:
        milp = count_milp(net)
        grid = _grid_patterns(net, 700 if heavy else 400)
        assert grid <= _patterns(milp)
        assert milp.count >= len(grid)


def test_milp_equals_brute_force_maxout(heavy):
    nets = MAXOUT_NETS if heavy else MAXOUT_NETS[:15]
    for i, net in enumerate(nets):
        milp = count_regions(net, method="milp")
        brute = count_brute(net)
        assert _patterns(milp) == _patterns(brute), f"maxout net {i}: {net}"
        assert milp.certified
        if net.n0 <= 2:
            assert _grid_patterns(net, 500 if net.n0 == 2 else 20000) <= _patterns(milp)


# -- scale invariance ---------------------------------------------------------------------------
def _scaled(net, c):
    """Layer l gets weights * c and biases * c^l: every pre-activation of layer l is c^l times
    the original, so the pattern set is unchanged (exact rational scaling)."""
    Ws = [W * c for W in net.exact_weights]
    bs = [b * c ** (l + 1) for l, b in enumerate(net.exact_biases)]
    return Network.from_exact(Ws, bs, net.activation, net.rank, box=net.box)


def _rescaled_box(net, c):
    """The same function of x / c on the box scaled by c."""
    Ws = [net.exact_weights[0] / c] + list(net.exact_weights[1:])
    box = (net.box[0] * float(c), net.box[1] * float(c))
    return Network.from_exact(Ws, net.exact_biases, net.activation, net.rank, box=box)


@pytest.mark.parametrize("c", [Fraction(1, 10 ** 6), Fraction(10 ** 6)])
def test_counts_do_not_depend_on_the_scale_of_the_weights(c, heavy):
    nets = RELU_NETS[:30] + MAXOUT_NETS[:10] if heavy else RELU_NETS[:6] + MAXOUT_NETS[:3]
    for net in nets:
        base = _patterns(count_milp(net))
        scaled = count_regions(_scaled(net, c), method="milp")
        assert _patterns(scaled) == base
        assert scaled.certified
        boxed = count_regions(_rescaled_box(net, c), method="milp")
        assert _patterns(boxed) == base
        assert boxed.certified


# -- the two definitions on degenerate networks --------------------------------------------------
@pytest.mark.parametrize("case", degenerate_nets(), ids=lambda d: d.name)
def test_degenerate_networks_match_hand_counts(case):
    interior = count_regions(case.network, method="milp")
    assert interior.count == case.interior, case.why
    assert interior.certified
    assert _patterns(interior) == _patterns(count_brute(case.network))
    if case.serra2018 is not None:
        serra = count_milp(case.network, definition="serra2018")
        assert serra.count == case.serra2018, case.why
        assert _patterns(serra) == _patterns(count_brute(case.network, definition="serra2018"))
        assert _patterns(interior) <= _patterns(serra)


def test_serra2018_adds_exactly_the_flat_patterns_predicted_by_hand():
    # units x and -x on [-1, 1]: the only flat pattern is (0, 0), the point x = 0
    net = Network.from_exact([[[1], [-1]]], [[0, 0]], box=([-1], [1]))
    assert _patterns(count_milp(net, definition="serra2018")) - _patterns(count_milp(net)) == {(0, 0)}
    # x1, -x1, x2 and a dead unit: the flat patterns are the line x1 = 0 split by x2
    net = next(d.network for d in degenerate_nets() if d.name == "opposite_pair_2d")
    extra = _patterns(count_milp(net, definition="serra2018")) - _patterns(count_milp(net))
    assert extra == {(0, 0, 0, 0), (0, 0, 1, 0)}
    for p in extra:   # flat: no interior point, yet Serra's closed form is non-empty
        assert witness_lp(net, p).margin <= 1e-9
        assert witness_lp(net, p, closed_inactive=True).feasible


def test_general_position_lines_hand_count():
    # three lines in general position, each meeting the square: 1 + 3 + 3 = 7 regions
    net = Network.from_exact([[[1, 0], [0, 1], [1, 1]]], [[0, 0, "1/2"]], box=([-1, -1], [1, 1]))
    assert count_milp(net).count == 7


# -- thin regions, tolerances, the recheck -------------------------------------------------------
def test_scip_default_tolerance_loses_thin_regions_and_recheck_recovers_them():
    # found by a search of the random set: 88 regions, one of them thin (radius < 1e-5)
    net = RELU_NETS[55]
    truth = _patterns(count_brute(net))
    loose = count_milp(net, eps=1e-5, feastol=1e-6)       # SCIP's default tolerance
    assert _patterns(loose) < truth
    assert _patterns(count_milp(net, eps=1e-5, feastol=1e-6, recheck=True)) == truth
    assert _patterns(count_milp(net)) == truth            # the default tolerances find them
    for p in truth - _patterns(loose):
        w = witness_lp(net, p)
        assert 0 < w.margin < 1e-4 and certify_witness(net, p, w.point)   # thin, yet a region


def test_recheck_adds_nothing_when_the_count_is_right(heavy):
    for net in RELU_NETS[:30] if heavy else RELU_NETS[:5]:
        r = count_milp(net, recheck=True)
        assert r.info["recheck_found"] == 0
        assert _patterns(r) == _patterns(count_milp(net))


# -- bounds -------------------------------------------------------------------------------------
def test_bounds_contain_every_sampled_preactivation():
    rng = np.random.default_rng(5)
    for net in RELU_NETS[:30] + MAXOUT_NETS[:10]:
        lo, hi = net.box
        pts = lo + (hi - lo) * rng.random((3000, net.n0))
        pts = np.vstack([pts, lo, hi])
        zs = net.preactivations(pts)
        for (ilo, ihi), (llo, lhi), z in zip(interval_bounds(net), lp_bounds(net), zs):
            assert np.all(z >= ilo - 1e-9) and np.all(z <= ihi + 1e-9)
            assert np.all(z >= llo - 1e-9) and np.all(z <= lhi + 1e-9)
            assert np.all(llo >= ilo - 1e-9) and np.all(lhi <= ihi + 1e-9)


def test_interval_bounds_of_the_first_layer_are_attained():
    net = RELU_NETS[3]
    lo, hi = interval_bounds(net)[0]
    W, b = net.weights[0], net.biases[0]
    corner_hi = np.where(W > 0, net.box[1], net.box[0])
    assert np.allclose(np.einsum("ij,ij->i", W, corner_hi) + b, hi)


# -- time limit and progress --------------------------------------------------------------------
def test_time_limit_returns_a_certified_partial_count_and_progress_is_reported():
    rng = np.random.default_rng(1)
    net = Network([rng.normal(size=(8, 8)), rng.normal(size=(8, 8))], [rng.normal(size=8), rng.normal(size=8)])
    calls = []
    r = count_regions(net, method="milp", time_limit=2.0, progress=calls.append)
    assert not r.complete
    assert 0 < r.count < 9000 and r.certified
    assert r.seconds < 2.0 + 10   # the limit plus certification of what was found
    assert calls and {"count", "seconds"} <= set(calls[-1])


# -- bad input ----------------------------------------------------------------------------------
def test_bad_arguments_raise_one_line_errors():
    net = RELU_NETS[0]
    with pytest.raises(RegionmathError, match="definition"):
        count_milp(net, definition="closure")
    with pytest.raises(RegionmathError, match="relu networks only"):
        count_milp(MAXOUT_NETS[0], definition="serra2018")
    with pytest.raises(RegionmathError, match="unknown option"):
        count_milp(net, colour="red")
    with pytest.raises(RegionmathError, match="eps"):
        count_milp(net, eps=0)
    with pytest.raises(RegionmathError, match="bounds"):
        count_milp(net, bounds="guess")


def _run(*args):
    return subprocess.run([sys.executable, "-m", "regionmath.cli", *args], capture_output=True, text=True)


def test_cli_count_json(tmp_path):
    net = RELU_NETS[5]
    path = tmp_path / "net.npz"
    net.save(path)
    out = _run("count", str(path), "--method", "milp", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {"count", "method", "complete", "seconds"} <= set(data)
    assert int(data["count"]) == count_brute(net).count
    assert data["method"] == "milp" and data["complete"] is True


def _write(path, **arrays):
    np.savez(path, **arrays)
    return str(path)


@pytest.mark.parametrize("name, arrays, word", [
    ("no_w1", {"b1": np.zeros(2)}, "W1"),
    ("no_b1", {"W1": np.eye(2)}, "b1"),
    ("wrong_shape", {"W1": np.eye(2), "b1": np.zeros(3)}, "b1"),
    ("layers_disagree", {"W1": np.eye(2), "b1": np.zeros(2), "W2": np.ones((1, 3)), "b2": np.zeros(1)}, "W2"),
    ("nan", {"W1": np.array([[np.nan, 1.0]]), "b1": np.zeros(1)}, "NaN"),
    ("empty_domain", {"W1": np.eye(2), "b1": np.zeros(2), "box_lo": np.zeros(2), "box_hi": np.array([1.0, 0.0])},
     "box"),
])
def test_cli_bad_network_files_exit_2_with_one_line(tmp_path, capsys, name, arrays, word):
    from regionmath.cli import main
    path = _write(tmp_path / f"{name}.npz", **arrays)
    assert main(["count", path, "--method", "milp"]) == 2
    out = capsys.readouterr()
    lines = out.err.strip().splitlines()
    assert len(lines) == 1 and word in lines[0], out.err
    assert out.out == ""


def test_cli_missing_and_unreadable_files_exit_2(tmp_path):
    out = _run("count", str(tmp_path / "none.npz"))      # the real command, end to end
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1 and out.stdout == ""
    bad = tmp_path / "bad.npz"
    bad.write_text("not a zip")
    out = _run("count", str(bad), "--method", "milp")
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1 and out.stdout == ""
