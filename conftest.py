"""pytest options shared by tests/ and proofs/.

``--heavy`` runs the large checks at full size; the default run uses smaller sizes of the
same assertions; a test marked ``heavy`` by hand (a larger parameter beside a default one)
is skipped without ``--heavy``. Use the ``heavy`` fixture to choose a size:
``n = 200 if heavy else 40``; a test that does is marked ``heavy`` (select with ``-m heavy``).
"""

import pytest


def pytest_addoption(parser):
    parser.addoption("--heavy", action="store_true", default=False, help="run heavy checks at full size")


@pytest.fixture
def heavy(request):
    return request.config.getoption("--heavy")


def pytest_collection_modifyitems(config, items):
    # a test marked ``@pytest.mark.heavy`` by hand runs only with --heavy (its default-size twin
    # is another parameter or test); a test that sizes itself with the ``heavy`` fixture runs
    # always and gets the marker, so ``-m heavy`` selects both kinds
    run_heavy = config.getoption("--heavy")
    skip = pytest.mark.skip(reason="heavy: run with --heavy")
    for item in items:
        sizes_itself = "heavy" in getattr(item, "fixturenames", ())
        if item.get_closest_marker("heavy") is not None and not sizes_itself and not run_heavy:
            item.add_marker(skip)
        if sizes_itself:
            item.add_marker(pytest.mark.heavy)
