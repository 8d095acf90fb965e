"""docs/ builds with Sphinx with warnings as errors, and its examples run."""

import doctest
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.skipif(importlib.util.find_spec("sphinx") is None, reason="Sphinx is not installed (pip install -e '.[docs]')")
def test_docs_build_without_warnings(tmp_path):
    run = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", str(DOCS),
                          str(tmp_path / "html")], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    api = (tmp_path / "html" / "api.html").read_text()
    for name in ("count_regions", "from_sklearn", "region_polygons", "to_latex", "Arrangement"):
        assert name in api, f"{name} is missing from the API reference"


@pytest.mark.parametrize("page", sorted(p.name for p in DOCS.glob("*.rst")))
def test_docs_examples_run(page):
    result = doctest.testfile(str(DOCS / page), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_docs_cover_the_contract():
    cli = (DOCS / "cli.rst").read_text()
    for code in ("0 ", "1 ", "2 "):
        assert f"\n{code}" in cli.replace("\n====", "")
    fmt = (DOCS / "network-format.rst").read_text()
    for key in ("W1, b1", "Wout, bout", "activation", "rank", "box_lo, box_hi"):
        assert key in fmt
