"""The command line: its contract (DESIGN.md, "The command line") tried as a user would.

Most tests run :func:`regionmath.cli.main` in this process. The ``smoke`` tests run the
*installed console script* in a subprocess and parse its standard output with
``json.loads``: they are what CI's newest-versions step runs, to catch a dependency that
starts printing to stdout or changes its API.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from regionmath import Architecture, RegionmathError, bounds
from regionmath.cli import main
from regionmath.constructions import build
from regionmath.network import Network
from subprocess_signals import default_sigint  # noqa: E402


def run(capfd, *argv):
    """(exit code, stdout, stderr) of ``regionmath argv`` run in this process."""
    code = main([str(a) for a in argv])
    out, err = capfd.readouterr()
    return code, out, err


def assert_bad_input(code, out, err):
    """Exit 2, nothing on stdout, exactly one line on stderr, no traceback."""
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    # "regionmath: error: ..." or, for what argparse refuses, "regionmath COMMAND: error: ...":
    # the program named once
    m = re.match(r"regionmath( [a-z]+)?: error: ", lines[0])
    assert m and not lines[0][m.end():].startswith("regionmath"), lines[0]
    assert "Traceback" not in err


def files_in(folder):
    return sorted(p.name for p in Path(folder).iterdir())


@pytest.fixture
def thm4_999(tmp_path):
    """A network whose count takes 10-15 s on 2 cores since round 6 (1,224,704 regions; the
    (9, 9, 9) net's 94,770 count in a second): for time limits and Ctrl-C."""
    path = tmp_path / "thm4_999.npz"
    build("montufar2014-thm4", Architecture(3, (12, 12, 12))).network.save(path)
    return path


# -- 1. standard output belongs to the result ---------------------------------------------------
def test_a_library_writing_to_stdout_cannot_corrupt_the_json(capfd, monkeypatch):
    """A fake library prints to fd 1 (as C code does) and through Python's print during the
    command: the result on stdout is still one JSON document; the noise went to stderr."""
    real = bounds.all_bounds

    def noisy(*args, **kwargs):
        os.write(1, b"Running FakeSolver 9.9 (banner on fd 1)\n")
        print("a Python-level banner")
        return real(*args, **kwargs)

    monkeypatch.setattr(bounds, "all_bounds", noisy)
    code, out, err = run(capfd, "bounds", "--n0", 2, "--widths", "3,3", "--json")
    assert code == 0
    records = json.loads(out)
    assert {r["id"] for r in records} >= {"serra2018-thm1", "zaslavsky"}
    assert "FakeSolver" in err and "a Python-level banner" in err
    # fd 1 is given back afterwards
    os.write(1, b"after\n")
    assert capfd.readouterr().out == "after\n"


def test_help_and_version_go_to_stdout(capfd):
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0
    out, err = capfd.readouterr()
    assert out.startswith("regionmath ") and err == ""
    with pytest.raises(SystemExit):
        main(["count", "--help"])
    out, _ = capfd.readouterr()
    assert "--checkpoint" in out and "--jobs" in out


# -- 6. output paths are checked before any work; no partial file ------------------------------
@pytest.mark.parametrize("make, target", [
    (None, "missing_dir/x.npz"),            # the directory does not exist
    ("file", "net.npz/x.npz"),              # a file used as a directory
    ("dir", "existing_dir.npz"),            # a directory used as the file
])
def test_construct_refuses_bad_output_paths(tmp_path, capfd, monkeypatch, make, target):
    if make == "file":
        (tmp_path / "net.npz").write_bytes(b"not a directory")
    elif make == "dir":
        (tmp_path / "existing_dir.npz").mkdir()
    before = files_in(tmp_path)
    import regionmath.constructions as constructions
    monkeypatch.setattr(constructions, "build", lambda *a: pytest.fail("built before the path was checked"))
    assert_bad_input(*run(capfd, "construct", "montufar2014-thm4", "--n0", 2, "--widths", "4,4",
                          "-o", tmp_path / target))
    assert files_in(tmp_path) == before


def test_search_checks_its_output_path_before_searching(tmp_path, capfd, monkeypatch):
    import regionmath.search as search
    monkeypatch.setattr(search, "search_max_regions", lambda *a, **k: pytest.fail("searched before the check"))
    start = time.perf_counter()
    assert_bad_input(*run(capfd, "search", "--n0", 2, "--widths", "3,3", "--time-limit", 60,
                          "-o", tmp_path / "nonexistent_dir" / "s.npz"))
    assert time.perf_counter() - start < 5
    assert files_in(tmp_path) == []


@pytest.mark.parametrize("out", ["/proc/regionmath-tables", "existing_file"])
def test_tables_checks_its_output_directory_first(tmp_path, capfd, monkeypatch, out):
    import regionmath.tables as tables
    monkeypatch.setattr(tables, "generate", lambda *a, **k: pytest.fail("generated before the check"))
    if out == "existing_file":
        out = tmp_path / "existing_file"
        out.write_text("a file")
    before = files_in(tmp_path)
    assert_bad_input(*run(capfd, "tables", "registry", "--out", out))
    assert files_in(tmp_path) == before


def test_save_refuses_bad_paths_and_leaves_nothing(tmp_path):
    net = Network([[[1.0, 0.0], [0.0, 1.0]]], [[0.0, 0.5]])
    (tmp_path / "d.npz").mkdir()
    for bad in (tmp_path / "missing" / "x.npz", tmp_path / "d.npz"):
        with pytest.raises(RegionmathError):
            net.save(bad)
    assert files_in(tmp_path) == ["d.npz"]
    net.save(tmp_path / "ok.npz")
    assert files_in(tmp_path) == ["d.npz", "ok.npz"]
    assert np.array_equal(Network.load(tmp_path / "ok.npz").weights[0], net.weights[0])


# -- 8. bad-but-loadable networks; API arguments ---------------------------------------------------
def test_a_huge_weight_is_refused_in_one_line(tmp_path, capfd):
    path = tmp_path / "big.npz"
    np.savez(path, W1=np.array([[1.0, 2.0], [1e308, -1.0], [0.5, 0.5]]), b1=np.array([0.0, 0.1, -0.2]))
    code, out, err = run(capfd, "count", path)
    assert_bad_input(code, out, err)
    assert "too large" in err


def test_exact_and_float_weights_that_disagree_are_refused(tmp_path, capfd):
    good = tmp_path / "good.npz"
    Network.from_exact([[[1, 2], [3, -1]]], [[0, "1/3"]]).save(good)
    arrays = dict(np.load(good))
    arrays["W1"] = arrays["W1"] + 0.5            # the floats no longer are the exact weights
    bad = tmp_path / "bad.npz"
    np.savez(bad, **arrays)
    code, out, err = run(capfd, "count", bad)
    assert_bad_input(code, out, err)
    assert "disagree" in err
    assert run(capfd, "count", good, "--json")[0] == 0


def test_count_regions_arguments(tmp_path):
    from regionmath.counting import count_regions
    net = Network.from_exact([[[1], [1]]], [[0, "-1/2"]], box=([-1], [1]))
    path = tmp_path / "net.npz"
    net.save(path)
    assert count_regions(str(path), jobs=1).count == 3      # a path is read as a network file
    assert count_regions(path, jobs=1).count == 3
    for bad in (dict(time_limit="10"), dict(time_limit=-1), dict(time_limit=float("nan")),
                dict(domain=([0, 0], [1, 1])), dict(domain=5), dict(progress="yes")):
        with pytest.raises(RegionmathError):
            count_regions(net, **bad)
    with pytest.raises(RegionmathError):
        count_regions(42)
    with pytest.raises(RegionmathError):
        count_regions(str(tmp_path / "missing.npz"))


def test_domain_length_must_match_the_inputs():
    with pytest.raises(RegionmathError, match="2 inputs"):
        Network([[[1.0, 0.0]]], [[0.0]], box=([0, 0, 0], [1, 1, 1]))
    with pytest.raises(RegionmathError, match="2 inputs"):
        Network([[[1.0, 0.0]]], [[0.0]], box=([0], [1]))      # no silent broadcast of a 1-vector
    assert Network([[[1.0, 0.0]]], [[0.0]], box=(0, 1)).box[1].tolist() == [1.0, 1.0]


def test_a_bound_accepts_a_tuple_architecture():
    b = bounds.get("serra2018-thm1")
    # Zaslavsky: 3 lines in general position in the plane make 1 + 3 + 3 = 7 regions
    assert b.value((2, (3,))) == b.value(Architecture(2, (3,))) == 7
    with pytest.raises(RegionmathError):
        b.value("2,3")
    with pytest.raises(RegionmathError):
        b.value((2, (0,)))


# -- 7. huge but valid input -------------------------------------------------------------------------
def test_theorem_1_with_a_huge_input_dimension_is_instant(capfd):
    start = time.perf_counter()
    code, out, _ = run(capfd, "bound", "serra2018-thm1", "--n0", 10 ** 8, "--widths", "4,4")
    assert code == 0
    # n0 >= every width, so J is j1 <= 4, j2 <= 4 - j1: sum C(4, j1) C(4, j2), by hand
    assert int(out) == sum(math.comb(4, j1) * math.comb(4, j2) for j1 in range(5) for j2 in range(5 - j1)) == 163
    assert time.perf_counter() - start < 10


def test_huge_bounds_print_fast(capfd):
    import gmpy2
    start = time.perf_counter()
    code, out, _ = run(capfd, "bound", "zaslavsky", "--n0", 10 ** 6, "--widths", 10 ** 6)
    assert code == 0
    # n_1 <= n0 lines in general position: every sign vector occurs, 2^(10^6) regions (301,030 digits)
    assert gmpy2.mpz(out.strip()) == gmpy2.mpz(2) ** 10 ** 6
    assert time.perf_counter() - start < 20


def test_braid_100000_from_its_closed_form(capfd):
    start = time.perf_counter()
    code, out, _ = run(capfd, "arrangement", "braid", 100000, "--json")
    assert code == 0
    rec = json.loads(out)
    assert rec["regions"] == str(math.factorial(100000))       # n! regions (Stanley 2004, Prop. 2.4)
    assert rec["n"] == str(100000 * 99999 // 2)
    assert rec["characteristic_polynomial"] == "FallingFactorial(t, 100000)"
    assert time.perf_counter() - start < 30


@pytest.mark.parametrize("name, N, dim", [("braid", 4, None), ("shi", 3, None), ("catalan", 3, None),
                                           ("generic", 6, 3)])
def test_named_closed_forms_agree_with_the_intersection_lattice(name, N, dim):
    from regionmath.arrangements import named, named_summary
    assert named_summary(name, N, dim) == named(name, N, dim=dim).summary()


# -- 3, 4. why a count is incomplete; time limits; checkpoints ----------------------------------------
def test_count_time_limit_is_honoured_and_labelled(thm4_999, capfd):
    start = time.perf_counter()
    code, out, err = run(capfd, "count", thm4_999, "--time-limit", 3, "--json")
    elapsed = time.perf_counter() - start
    assert code == 1
    rec = json.loads(out)
    assert rec["complete"] is False and rec["incomplete_reason"] == "time-limit"
    assert 0 < int(rec["count"]) < 1224704
    # the limit, its 2 s slack, and loading and certification on a loaded machine (it used to
    # overrun by many seconds: queued subtrees each replayed their root before seeing the clock)
    assert elapsed < 3 + 6
    code, out, _ = run(capfd, "count", thm4_999, "--time-limit", 1)
    assert code == 1 and "INCOMPLETE (time limit reached)" in out


def test_checkpoint_resumes_a_count(tmp_path, capfd):
    # 94,770 regions (Montufar 2014 Thm 4's closed form): a few seconds at today's speed, so a
    # 2 s limit stops it after its split is on disk even on a loaded machine (a 0.5 s limit could
    # end before the split, leaving nothing to resume)
    construction = build("montufar2014-thm4", Architecture(3, (9, 9, 9)))
    path = tmp_path / "net.npz"
    construction.network.save(path)
    ck = tmp_path / "count.json"
    code, out, err = run(capfd, "count", path, "--jobs", 1, "--checkpoint", ck, "--time-limit", 2, "--json")
    first = json.loads(out)
    if code == 0:                    # a fast machine finished: nothing left to resume
        pytest.skip("counted within the first 2 s")
    assert first["incomplete_reason"] == "time-limit" and ck.exists(), err
    code, out, _ = run(capfd, "count", path, "--jobs", 1, "--checkpoint", ck, "--json")
    again = json.loads(out)
    assert code == 0 and again["complete"] and again["certified"]
    assert int(again["count"]) == construction.claimed == 94770
    assert again["resumed_subtrees"] >= 0


def test_jobs_and_checkpoint_need_the_enumerator(tmp_path, capfd):
    path = tmp_path / "net.npz"
    build("montufar2014-thm4", Architecture(2, (4, 4))).network.save(path)
    assert_bad_input(*run(capfd, "count", path, "--method", "milp", "--jobs", 2))
    assert_bad_input(*run(capfd, "count", path, "--jobs", 0))
    assert_bad_input(*run(capfd, "count", path, "--time-limit", "soon"))
    assert_bad_input(*run(capfd, "count", path, "--checkpoint", tmp_path / "no" / "ck.json"))


def test_an_undecided_lp_is_reported_as_such(monkeypatch):
    """HiGHS leaving an LP undecided (kUnknown three times) no longer stops the subtree: the
    branch is decided exactly and the count is the full count."""
    from regionmath.counting import count_regions
    from regionmath.counting import enumerate as enum_mod
    failure = getattr(enum_mod, "_SolverFailure", None)
    if failure is None:
        pytest.skip("the enumerator no longer has an undecided-LP path")
    import highspy
    # the HiGHS path: the dense kernel (counting/simplex.py) off, so that every LP goes to HiGHS
    monkeypatch.setattr(enum_mod.simplex, "available", lambda: False)
    net = build("montufar2014-thm4", Architecture(2, (6, 6))).network
    full = count_regions(net, jobs=1, split_depth=3)

    class Undecided:
        """HiGHS, except that three statuses in a row (an LP, its warm retry and its cold
        retry) come back kUnknown, as on the near-degenerate LP met by search."""

        def __init__(self, h):
            self._h, self._calls = h, 0

        def __getattr__(self, name):
            return getattr(self._h, name)

        def getModelStatus(self):
            self._calls += 1
            if 60 <= self._calls < 63:
                return highspy.HighsModelStatus.kUnknown
            return self._h.getModelStatus()

    real_build = enum_mod.Enumerator._build_lp

    def build_lp(self):
        real_build(self)
        self.h = Undecided(self.h)

    monkeypatch.setattr(enum_mod.Enumerator, "_build_lp", build_lp)
    res = count_regions(net, jobs=1, split_depth=3)
    # the enumerator now decides what HiGHS leaves undecided, exactly (issue 16): the count
    # completes with the same regions; "undecided-lp" remains for an exact decision past its time
    assert res.complete and res.incomplete_reason is None and res.certified
    assert res.count == full.count
    assert res.info["proofs"]["exact_lp"] >= 1


def test_milp_and_brute_say_why_they_stopped():
    from regionmath.counting import count_regions
    net = build("montufar2014-thm4", Architecture(2, (8, 8))).network
    res = count_regions(net, method="brute", time_limit=0.05)
    assert not res.complete and res.incomplete_reason == "time-limit"
    assert count_regions(net, method="enumerate", jobs=1).incomplete_reason is None


def test_search_is_not_stopped_by_an_undecided_candidate(tmp_path, capfd):
    """Seed 0 on 2->3-3 meets a near-degenerate candidate (two units with almost the same
    hyperplane) whose LP HiGHS 1.16 leaves undecided: the search skips it and goes on; it
    used to stop there, after 2 s of 60, reporting a time-out."""
    out_path = tmp_path / "best.npz"
    code, out, err = run(capfd, "search", "--n0", 2, "--widths", "3,3", "--time-limit", 600, "--evals", 150,
                         "-o", out_path, "--json")
    rec = json.loads(out)
    assert rec["stop_reason"] in ("evaluations", "settled")
    assert rec["evaluations"] >= 150 or rec["settled"]
    assert code == 0 and out_path.exists()


# -- 5. verify: an incomplete count is inconclusive ---------------------------------------------------
def test_verify_with_an_incomplete_count_is_inconclusive(capfd):
    code, out, err = run(capfd, "verify", "montufar2014-thm4", "--n0", 3, "--widths", "12,12,12", "--time-limit", 1,
                         "--json")
    assert code == 1
    rec = json.loads(out)
    assert rec["agrees"] is None and rec["verdict"] == "inconclusive" and rec["complete"] is False
    assert rec["incomplete_reason"] == "time-limit"
    code, out, _ = run(capfd, "verify", "montufar2014-thm4", "--n0", 3, "--widths", "12,12,12", "--time-limit", 1)
    assert code == 1
    assert "inconclusive (counted at least" in out and "of the claimed 1224704)" in out
    assert "DISAGREES" not in out


def test_verdicts():
    from regionmath.verify import verdict
    # exact claims: only a complete count can agree; a complete count off the claim disagrees
    assert verdict(10, 12, complete=False, certified=True, exact=True) is None
    assert verdict(12, 12, complete=True, certified=True, exact=True) is True
    assert verdict(12, 12, complete=True, certified=False, exact=True) is None
    assert verdict(11, 12, complete=True, certified=True, exact=True) is False
    assert verdict(13, 12, complete=False, certified=True, exact=True) is False
    # lower-bound claims: a certified partial count can reach them
    assert verdict(12, 12, complete=False, certified=True, exact=False) is True
    assert verdict(11, 12, complete=False, certified=True, exact=False) is None
    assert verdict(11, 12, complete=True, certified=True, exact=False) is False


# -- Ctrl-C ----------------------------------------------------------------------------------------
def _script():
    exe = shutil.which("regionmath", path=os.path.dirname(sys.executable)) or shutil.which("regionmath")
    if exe is None:
        pytest.skip("the regionmath console script is not installed")
    return exe


@pytest.mark.smoke
def test_ctrl_c_gives_the_partial_count_labelled_interrupted(thm4_999, tmp_path):
    ck = tmp_path / "ck.json"
    proc = subprocess.Popen([_script(), "count", str(thm4_999), "--json", "--checkpoint", str(ck)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=default_sigint)
    deadline = time.time() + 60
    while not ck.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.1)              # the checkpoint appears once the count has started
    time.sleep(3.0)   # past the pool's start: a signal that lands in fork's handlers is lost (left alone)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    rec = json.loads(out)
    assert rec["complete"] is False and rec["incomplete_reason"] == "interrupted"
    assert int(rec["count"]) > 0
    assert "Traceback" not in err


@pytest.mark.smoke
def test_sigterm_gives_the_partial_count_labelled_interrupted(thm4_999, tmp_path):
    """``kill PID`` stops a count as Ctrl-C does, also where SIGINT is ignored (a background
    job of a shell without job control): the child here keeps whatever SIGINT disposition
    the test runner has."""
    ck = tmp_path / "ck.json"
    proc = subprocess.Popen([_script(), "count", str(thm4_999), "--json", "--checkpoint", str(ck)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while not ck.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.1)
    time.sleep(3.0)   # past the pool's start: a signal that lands in fork's handlers is lost (left alone)
    proc.terminate()
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    rec = json.loads(out)
    assert rec["complete"] is False and rec["incomplete_reason"] == "interrupted"
    assert int(rec["count"]) > 0 and "Traceback" not in err


# -- the installed console script, parsed with json.loads (CI's newest-versions step) -------------------
def _json_of(*args, timeout=300):
    r = subprocess.run([_script(), *map(str, args), "--json"], capture_output=True, text=True, timeout=timeout)
    assert "Traceback" not in r.stderr, r.stderr
    return r.returncode, json.loads(r.stdout)


@pytest.mark.smoke
def test_script_bound_json():
    code, rec = _json_of("bound", "serra2018-thm1", "--n0", 2, "--widths", "3,3")
    assert code == 0 and rec["id"] == "serra2018-thm1" and rec["hypotheses_hold"] is True
    # 2 -> 3 -> 3: sum over j1 <= 2, j2 <= min(2, 3 - j1) of C(3, j1) C(3, j2), by hand
    expected = sum(math.comb(3, j1) * math.comb(3, j2) for j1 in range(3) for j2 in range(min(2, 3 - j1) + 1))
    assert rec["value"] == str(expected)


@pytest.mark.smoke
def test_script_count_json(tmp_path):
    path = tmp_path / "abs.npz"
    # |x| and |x - 1/2| on [-1, 1]: breakpoints 0 and 1/2 -> 4 patterns of 4 units, counted by hand:
    # x < 0, 0 < x < 1/2, x > 1/2 (3 regions)
    Network.from_exact([[[1], [-1], [1], [-1]]], [[0, 0, "-1/2", "1/2"]], box=([-1], [1])).save(path)
    code, rec = _json_of("count", path)
    assert code == 0 and rec["count"] == "3" and rec["complete"] is True and rec["certified"] is True
    assert rec["incomplete_reason"] is None
    code, rec = _json_of("count", path, "--method", "milp")
    assert code == 0 and rec["count"] == "3"


@pytest.mark.smoke
def test_script_verify_json():
    code, rec = _json_of("verify", "zaslavsky", "--n0", 2, "--widths", 4)
    # 4 lines in general position: 1 + 4 + 6 = 11 regions
    assert code == 0 and rec["claimed"] == "11" and rec["counted"] == "11" and rec["agrees"] is True


@pytest.mark.smoke
def test_script_search_json(tmp_path):
    out = tmp_path / "best.npz"
    code, rec = _json_of("search", "--n0", 2, "--widths", 3, "--time-limit", 30, "-o", out)
    # three lines in general position reach Zaslavsky's maximum 7: settled
    assert code == 0 and rec["count"] == "7" and rec["settled"] is True and out.exists()


@pytest.mark.smoke
def test_script_bad_input_is_one_line():
    r = subprocess.run([_script(), "bounds", "--n0", "2", "--widths", "3,x"], capture_output=True, text=True)
    assert r.returncode == 2 and r.stdout == "" and len(r.stderr.strip().splitlines()) == 1
