"""The first hour with the command line (issue 19): discoverable commands and ids, help with
units and examples, one-line errors naming the program once, progress on stderr that a log
file can read, and `plot`."""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from regionmath import bounds
from regionmath.catalog import KINDS
from regionmath.cli import build_parser, main
from regionmath.network import Network

CLI = [sys.executable, "-m", "regionmath"]


def run(*args, env=None, timeout=300):
    return subprocess.run(CLI + [str(a) for a in args], capture_output=True, text=True, timeout=timeout,
                          env=None if env is None else {**os.environ, **env})


def test_version_and_python_dash_m():
    import regionmath
    r = run("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"regionmath {regionmath.__version__}"


def test_bare_command_prints_usage_and_the_commands(capsys):
    assert main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: regionmath")
    for command in ("bounds", "count", "verify", "list", "plot", "tables"):
        assert command in err


def test_list_bounds_has_one_line_per_registry_entry(capsys):
    assert main(["list", "bounds"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(bounds.REGISTRY)
    for line, b in zip(lines, bounds.all_bounds()):
        assert line.split()[0] == b.id and b.kind in line and b.source.citation.split(",")[0] in line


def test_list_everything_as_json(capsys):
    assert main(["list", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert list(doc) == list(KINDS)
    from regionmath.constructions import ids
    from regionmath.tables import FIGURES, TABLES
    assert [r["id"] for r in doc["constructions"]] == ids()
    assert [r["id"] for r in doc["tables"]] == list(TABLES) + list(FIGURES)
    assert {"shi", "catalan", "braid", "generic"} <= {r["id"] for r in doc["arrangements"]}


def test_construct_and_verify_help_list_the_ids(capsys):
    from regionmath.constructions import ids
    for command in ("construct", "verify"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        out = capsys.readouterr().out
        assert all(i in out for i in ids()) and "Examples:" in out


def test_every_option_has_help_and_every_command_an_example():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name, command in sub.choices.items():
        assert "Examples:" in (command.epilog or ""), f"{name} has no example"
        for action in command._actions:
            if action.option_strings and action.dest != "help":
                assert action.help, f"regionmath {name} {action.option_strings[0]} has no help"
    count = sub.choices["count"].format_help()
    assert "--time-limit SECONDS" in count and "interior" in count and "serra2018" in count


def test_an_error_names_the_program_once():
    r = run("bounds", "--n0", "x", "--widths", "2")
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2 and len(lines) == 1 and r.stdout == ""
    assert lines[0].startswith("regionmath bounds: error:") and lines[0].count("regionmath") == 1


def _slow_net(path):
    rng = np.random.default_rng(3)
    Network([rng.normal(size=(14, 5)), rng.normal(size=(14, 14))],   # ~2 s: long enough to estimate
            [rng.normal(size=14) * 0.3, rng.normal(size=14) * 0.3]).save(path)


def test_progress_off_a_terminal_goes_to_stderr_in_lines(tmp_path):
    """A count whose stderr is a file: progress lines (here every 0.2 s), no carriage returns,
    and standard output holds only the result, on its own line."""
    net = tmp_path / "net.npz"
    _slow_net(net)
    r = run("count", net, "--jobs", "1", env={"REGIONMATH_PROGRESS_SECONDS": "0.2"})
    assert r.returncode == 0, r.stderr
    assert "\r" not in r.stderr
    progress = [l for l in r.stderr.splitlines() if "regions/s" in l]
    assert progress and all(l.startswith(f"regionmath count {net}: ") for l in progress)
    out = r.stdout.splitlines()
    assert len(out) == 1 and out[0].split()[1] == "regions" and "complete" in out[0]
    # what the lines tell: regions, rate, LPs solved, and (once subtrees finished) an
    # estimate of the total and of the time left, each labelled as an estimate
    assert all(" LPs, " in l and l.endswith(" elapsed") for l in progress)
    estimated = [l for l in progress if "estimated total" in l]
    assert estimated and all("subtrees sampled at random" in l for l in estimated)
    assert any("estimated time left" in l for l in estimated)   # none once the estimate is reached
    quiet = run("count", net, "--jobs", "1", "--quiet", env={"REGIONMATH_PROGRESS_SECONDS": "0.2"})
    assert "regions/s" not in quiet.stderr and quiet.stdout == r.stdout.replace(
        r.stdout.split("; ")[-1], quiet.stdout.split("; ")[-1])


def test_progress_and_result_in_one_log_keep_their_own_lines(tmp_path):
    """`regionmath count net.npz > log 2>&1`: every progress line is whole, and the result is
    the last line, alone (it was once glued to the last progress line)."""
    net = tmp_path / "net.npz"
    _slow_net(net)
    log = tmp_path / "count.log"
    with open(log, "w") as f:
        r = subprocess.run(CLI + ["count", str(net), "--jobs", "1"], stdout=f, stderr=subprocess.STDOUT, text=True,
                           timeout=300, env={**os.environ, "REGIONMATH_PROGRESS_SECONDS": "0.2"})
    assert r.returncode == 0
    lines = log.read_text().splitlines()
    assert len(lines) >= 2 and all(l.startswith(f"regionmath count {net}: ") and " LPs, " in l for l in lines[:-1])
    assert lines[-1].split(" regions (complete; enumerate; certified; ")[0].isdigit()


def test_verify_shows_progress_against_the_claim():
    r = run("verify", "montufar2014-thm4", "--n0", 2, "--widths", "4,4", env={"REGIONMATH_PROGRESS_SECONDS": "0"})
    assert r.returncode == 0, r.stderr
    lines = [l for l in r.stderr.splitlines() if l.startswith("regionmath verify montufar2014-thm4: ")]
    claimed = r.stdout.split("claimed ")[1].split(",")[0]      # the report: "claimed 36, counted 36 ..."
    assert lines and all(f" of {int(claimed):,} claimed, " in l and " LPs, " in l for l in lines)
    assert len(r.stdout.splitlines()) == 1


def test_plot_writes_the_picture_and_refuses_bad_input(tmp_path):
    net = tmp_path / "abs.npz"
    Network.from_exact([[[1, 0], [-1, 0], [0, 1], [0, -1]]], [[0, 0, 0, 0]], output=([[1, 1, 1, 1]], ["-1"])).save(net)
    out = tmp_path / "regions.png"
    r = run("plot", net, "-o", out)
    assert r.returncode == 0, r.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert r.stdout.strip() == f"wrote {out}: 4 activation regions, with its decision boundary"
    net3 = tmp_path / "three.npz"
    Network.from_exact([[[1, 0, 0], [0, 1, 0], [0, 0, 1]]], [[0, 0, 0]]).save(net3)
    r = run("plot", net3, "-o", tmp_path / "slice.pdf", "--slice", "0:0:0,1:0:0,0:1:1/2")
    assert r.returncode == 0 and "regions" in r.stdout and (tmp_path / "slice.pdf").exists()
    for args, message in (((net3, "-o", tmp_path / "a.png"), "3 inputs"),
                          ((net, "-o", tmp_path / "a.jpg"), ".png, .pdf or .svg"),
                          ((net3, "-o", tmp_path / "a.png", "--slice", "0:0,1:0:0,0:1:0"), "P0 has 2 coordinates")):
        r = run("plot", *args)
        assert r.returncode == 2 and message in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "a.png").exists() and not (tmp_path / "a.jpg").exists()


def test_start_up_collects_garbage_less_often_until_the_work_begins():
    """The command line raises Python's youngest-generation threshold while it starts
    (imports make many objects and little garbage) and restores it when a long command's
    progress report begins (cli._start_quickly, cli._work_begins)."""
    import gc

    from regionmath import cli
    usual = gc.get_threshold()
    try:
        cli._start_quickly()
        assert gc.get_threshold() == (usual[0] * cli.START_GC_FACTOR, *usual[1:])
        with cli._progress(argparse.Namespace(quiet=True), "test"):
            assert gc.get_threshold() == usual and gc.get_freeze_count() > 0
    finally:
        gc.set_threshold(*usual)
        gc.unfreeze()


@pytest.mark.parametrize("preset", [None, "8"])
def test_the_command_line_keeps_openblas_threads_from_spinning(monkeypatch, preset):
    """As the command (argv from the process), main() sets OPENBLAS_THREAD_TIMEOUT before
    numpy loads, unless the user set it (docs/cli.rst, Environment)."""
    import gc

    from regionmath import cli
    monkeypatch.setenv("OPENBLAS_THREAD_TIMEOUT", "x")    # recorded, so that teardown restores it
    if preset is None:
        monkeypatch.delenv("OPENBLAS_THREAD_TIMEOUT")
    else:
        monkeypatch.setenv("OPENBLAS_THREAD_TIMEOUT", preset)
    monkeypatch.setattr(sys, "argv", ["regionmath", "--version"])
    monkeypatch.setattr(cli, "_GC_THRESHOLDS", None)      # main() sets it: no later test inherits it
    usual = gc.get_threshold()
    try:
        with pytest.raises(SystemExit):
            cli.main()
    finally:
        gc.set_threshold(*usual)
        gc.unfreeze()
    assert os.environ["OPENBLAS_THREAD_TIMEOUT"] == (preset or cli.BLAS_THREAD_TIMEOUT)
