"""pytest options shared by tests/ and proofs/.

``--heavy`` runs the large checks at full size; the default run uses smaller sizes of the
same assertions and skips nothing. Use the ``heavy`` fixture to choose a size:
``n = 200 if heavy else 40``; a test that does is marked ``heavy`` (select with ``-m heavy``).
"""

import pytest


def pytest_addoption(parser):
    parser.addoption("--heavy", action="store_true", default=False, help="run heavy checks at full size")


@pytest.fixture
def heavy(request):
    return request.config.getoption("--heavy")


def pytest_collection_modifyitems(config, items):
    # a test that sizes itself with the ``heavy`` fixture is a heavy check: it gets the marker,
    # so ``-m heavy`` selects these tests (and ``-m "not heavy"`` leaves them out)
    for item in items:
        if "heavy" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.heavy)
