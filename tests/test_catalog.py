"""The catalog (regionmath.catalog): the registries' ids, kinds, sources and summaries read
without importing sympy, so that `regionmath --help` and `regionmath list` start at once."""

import json
import subprocess
import sys

import pytest

from regionmath import catalog


def test_the_copy_is_what_the_registries_say():
    """One source of truth: the stored copy equals the copy generated from the live registries
    now (a bound, construction, table or arrangement added without regenerating fails here)."""
    assert catalog.DATA_FILE.read_text(encoding="utf-8") == catalog.render(), \
        "regionmath/_catalog_data.py is stale: run `python -m regionmath.catalog`"


def test_entries_agree_with_the_full_registry_entries():
    from regionmath import arrangements, bounds, constructions, tables
    assert catalog.ids("bounds") == tuple(bounds.REGISTRY)
    for e in catalog.entries("bounds"):
        b = bounds.get(e.id)
        assert e.kind == f"{b.kind} bound, {b.activation}" and e.source == str(b.source)
        assert e.summary and " ".join(b.statement.split()).startswith(e.summary)
    assert catalog.ids("constructions") == tuple(constructions.ids())
    assert catalog.ids("tables") == tuple(tables.TABLES) + tuple(tables.FIGURES)
    assert catalog.ids("arrangements") == tuple(arrangements.NAMED)
    # a construction without a bound of its id names its source from its docstring
    shi = catalog.get("constructions", "shi")
    assert "Example 9" in shi.source and shi.kind == "construction of a named arrangement"


def test_unknown_kind_or_id_raises_one_line():
    from regionmath.errors import RegionmathError
    with pytest.raises(RegionmathError, match="allowed: bounds, constructions, tables, arrangements"):
        catalog.entries("bound")
    with pytest.raises(RegionmathError, match="known ids: .*zaslavsky"):
        catalog.get("bounds", "zaslavski")


def _imported(args):
    """The modules a fresh `python -m regionmath ARGS` imports (from -X importtime on stderr)."""
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "regionmath", *map(str, args)],
                       capture_output=True, text=True, timeout=300)
    names = {line.rsplit("|", 1)[1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")}
    assert "regionmath.cli" in names, r.stderr[-2000:]
    return r, names


@pytest.mark.parametrize("args", [["--help"], ["list"], ["list", "bounds"], ["list", "constructions", "--json"],
                                  ["count", "--help"], ["verify", "--help"]])
def test_help_and_list_import_neither_sympy_nor_numpy(args):
    r, names = _imported(args)
    assert r.returncode == 0 and r.stdout
    heavy = {"sympy", "numpy", "mpmath", "scipy", "matplotlib", "highspy", "pyscipopt", "gmpy2", "json",
             "dataclasses", "inspect", "regionmath.architecture"}
    if "--json" in args:
        heavy.discard("json")
    if args[0] in ("count", "verify"):   # their --method choices: the counting package's dataclasses
        heavy -= {"dataclasses", "inspect"}
    assert not names & heavy, sorted(names & heavy)


#: what no count of a tiny network (< KERNEL_MIN_UNITS units) may load: symbolic maths, plots,
#: SCIP, the progress bar (stderr is not a terminal here), the numba kernels, python-flint,
#: process pools, numpy.ma (np.unique) and numpy.random
_NOT_FOR_A_TINY_COUNT = {"sympy", "mpmath", "scipy", "matplotlib", "pyscipopt", "tqdm", "numba", "llvmlite", "flint",
                         "multiprocessing", "concurrent.futures", "numpy.ma", "numpy.random"}
#: gmpy2 (whose start-up imports importlib.metadata and its email parser, ~50 ms) loads only
#: when a witness or an empty branch needs an exact proof in rationals
_EXACT_ONLY = {"gmpy2", "importlib.metadata", "email", "regionmath.counting.exact_lp"}


def _thm4_net(path):
    """Montufar et al. 2014, Thm 4 on 2 -> 2 -> 2: 4 regions, claimed by its construction; its
    witnesses and empty branches are all proved by the float filters (no exact LP)."""
    from regionmath.architecture import Architecture
    from regionmath.constructions import build
    c = build("montufar2014-thm4", Architecture(2, (2, 2)))
    c.network.save(path)
    return c.claimed


@pytest.mark.parametrize("json_out", [False, True])
def test_count_imports_what_counting_needs_only(tmp_path, json_out):
    from regionmath.network import Network
    net = tmp_path / "abs.npz"
    Network.from_exact([[[1], [-1]]], [[0, 0]], box=([-1], [1])).save(net)   # |x|: 2 regions on [-1, 1]
    r, names = _imported(["count", net] + ["--json"] * json_out)
    assert r.returncode == 0
    assert json.loads(r.stdout)["count"] == "2" if json_out else r.stdout.startswith("2 regions (complete")
    assert not names & _NOT_FOR_A_TINY_COUNT, sorted(names & _NOT_FOR_A_TINY_COUNT)


@pytest.mark.parametrize("json_out", [False, True])
def test_a_tiny_count_proved_in_floats_loads_no_exact_arithmetic(tmp_path, json_out):
    net = tmp_path / "thm4.npz"
    claimed = _thm4_net(net)
    assert claimed == 4      # floor(n1 / n0)^(n0 (L-1)) * sum_{j<=n0} C(n2, j) = 1 * (1 + 2 + 1)
    r, names = _imported(["count", net] + ["--json"] * json_out)
    assert r.returncode == 0
    if json_out:
        doc = json.loads(r.stdout)
        assert doc["count"] == "4" and doc["certified"] is True
    else:
        assert r.stdout.startswith("4 regions (complete; enumerate; certified")
    assert not names & (_NOT_FOR_A_TINY_COUNT | _EXACT_ONLY), sorted(names & (_NOT_FOR_A_TINY_COUNT | _EXACT_ONLY))
