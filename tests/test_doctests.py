"""Every runnable example in the package's docstrings runs and gives what it shows."""

import doctest
import importlib
import pkgutil

import pytest

import regionmath

MODULES = sorted(m.name for m in pkgutil.walk_packages(regionmath.__path__, "regionmath."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    try:
        module = importlib.import_module(name)
    except ImportError as e:  # an optional extra (torch, dask) that is not installed
        pytest.skip(f"{name}: {e}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring examples failed in {name}"
