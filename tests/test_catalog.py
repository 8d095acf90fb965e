"""The catalog (regionmath.catalog): the registries' ids, kinds, sources and summaries read
without importing sympy, so that `regionmath --help` and `regionmath list` start at once."""

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
    assert not names & {"sympy", "numpy", "mpmath", "scipy", "matplotlib", "highspy", "pyscipopt"}, \
        sorted(names & {"sympy", "numpy", "mpmath", "scipy", "matplotlib", "highspy", "pyscipopt"})


def test_count_imports_what_counting_needs_only(tmp_path):
    from regionmath.network import Network
    net = tmp_path / "abs.npz"
    Network.from_exact([[[1], [-1]]], [[0, 0]], box=([-1], [1])).save(net)
    r, names = _imported(["count", net])
    assert r.returncode == 0 and r.stdout.startswith("2 regions (complete")
    assert not names & {"sympy", "mpmath", "scipy", "matplotlib", "pyscipopt", "tqdm"}
