"""Architecture validation, the registry's conventions, and the CLI's error contract."""

import subprocess
import sys

import pytest

from regionmath import Architecture, RegionmathError, bounds


@pytest.mark.parametrize("args, word", [
    ((0, (3,)), "n0"), ((2, ()), "at least one"), ((2, (3, 0)), "layer 2"), ((2, (3,), "tanh"), "activation"),
    ((2, (3,), "maxout", 1), "rank >= 2"), ((2, (3,), "relu", 2), "rank 1"), ((2.5, (3,)), "n0"),
])
def test_architecture_rejects_bad_input(args, word):
    with pytest.raises(RegionmathError, match=word):
        Architecture(*args)


def test_architecture_counts():
    a = Architecture(3, (4, 5))
    assert (a.N, a.L, a.layer_sizes) == (9, 2, (3, 4, 5))
    # weights + biases counted by hand: 4*3+4 + 5*4+5
    assert a.parameter_count() == 41
    assert a.parameter_count(outputs=2) == 41 + 2 * 6
    m = Architecture(3, (4,), "maxout", 3)
    assert m.parameter_count() == 3 * 4 * (3 + 1)


def test_every_entry_has_provenance():
    for b in bounds.all_bounds():
        assert b.kind in ("upper", "lower", "exact")
        assert b.source is not None and b.source.citation and b.source.where
        assert b.statement


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "regionmath.cli", *args], capture_output=True, text=True)


@pytest.mark.parametrize("args", [
    ["bound", "montufar2014-prop3", "--n0", "2", "--widths", "0,3"],
    ["bound", "montufar2014-prop3", "--n0", "-1", "--widths", "3"],
    ["bound", "no-such-bound", "--n0", "2", "--widths", "3"],
    ["bounds", "--n0", "2", "--widths", "a,b"],
    ["frobnicate"],
])
def test_cli_bad_input_is_one_line_exit_2(args):
    r = run_cli(*args)
    assert r.returncode == 2
    assert r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "Traceback" not in r.stderr
