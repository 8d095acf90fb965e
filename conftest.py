"""pytest options shared by tests/ and proofs/.

``--heavy`` runs the large checks (marked ``@pytest.mark.heavy``) at full size; the default
run uses smaller sizes of the same assertions and skips nothing else. Use the ``heavy``
fixture to choose a size: ``n = 200 if heavy else 40``.
"""

import pytest


def pytest_addoption(parser):
    parser.addoption("--heavy", action="store_true", default=False, help="run heavy checks at full size")


@pytest.fixture
def heavy(request):
    return request.config.getoption("--heavy")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--heavy"):
        return
    skip = pytest.mark.skip(reason="heavy: run with --heavy")
    for item in items:
        if "heavy" in item.keywords and not getattr(item, "_heavy_has_small_size", False):
            item.add_marker(skip)
