"""tables/ is what `regionmath tables` writes today: byte for byte for the tables, and for the
data behind every figure."""

from pathlib import Path

import pytest

from regionmath import tables
from regionmath.errors import RegionmathError

ROOT = Path(__file__).resolve().parent.parent / "tables"


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("tables")
    tables.generate(out, progress=False)
    return out


def _compared(folder):
    # PNG/PDF bytes depend on the matplotlib and freetype build; the data they plot does not
    return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.suffix in (".md", ".tex", ".csv"))


def test_tables_are_current(regenerated):
    fresh, committed = _compared(regenerated), _compared(ROOT)
    assert fresh == committed, "tables/ lists other files than `regionmath tables` writes: regenerate it"
    stale = [str(p) for p in fresh if (regenerated / p).read_bytes() != (ROOT / p).read_bytes()]
    assert not stale, f"stale tables (run `regionmath tables`): {stale}"


def test_every_figure_has_png_and_pdf(regenerated):
    for name in tables.FIGURES:
        for ext in ("png", "pdf", "csv"):
            assert (regenerated / "figures" / f"{name}.{ext}").stat().st_size > 0
            assert (ROOT / "figures" / f"{name}.{ext}").exists(), f"figures/{name}.{ext} is not committed"


def test_every_file_says_how_to_regenerate(regenerated):
    for p in _compared(regenerated):
        assert "regionmath tables" in (regenerated / p).read_text().splitlines()[0]


def test_unknown_table_is_refused(tmp_path):
    with pytest.raises(RegionmathError, match="unknown table"):
        tables.generate(tmp_path, names=["no-such-table"], progress=False)
    assert not any(tmp_path.iterdir())


def test_tables_are_deterministic(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        tables.generate(out, names=["serra2018-sweep", "bounds-vs-depth"], progress=False)
    for p in _compared(a):
        assert (a / p).read_bytes() == (b / p).read_bytes()


def test_readme_table_is_current():
    readme = (ROOT.parent / "README.md").read_text()
    start = readme.index("<!-- table: deep-beats-shallow-threshold")
    shown = [l for l in readme[start:readme.index("<!-- end table -->", start)].splitlines() if l.startswith("|")]
    table = [l for l in (ROOT / "deep-beats-shallow-threshold.md").read_text().splitlines() if l.startswith("|")]
    assert shown == table, "README's inline table differs from tables/deep-beats-shallow-threshold.md"


def _renderer_matches():
    import matplotlib
    recorded = (ROOT / "figures" / tables.FIGURE_RENDERER_FILE).read_text().split()
    return recorded == ["matplotlib", matplotlib.__version__], " ".join(recorded)


def test_committed_figures_are_what_this_matplotlib_draws(regenerated):
    """`regionmath tables` leaves `git status` clean: PNG and PDF bytes equal the committed ones
    (for the matplotlib release that drew them; others may differ in pixels, not in data)."""
    same, recorded = _renderer_matches()
    if not same:
        pytest.skip(f"figures were drawn by {recorded}; byte comparison needs that release")
    differ = [f"{name}.{ext}" for name in tables.FIGURES for ext in ("png", "pdf")
              if (regenerated / "figures" / f"{name}.{ext}").read_bytes() != (ROOT / "figures" / f"{name}.{ext}").read_bytes()]
    assert not differ, f"figures differ from the committed ones (run `regionmath tables`): {differ}"


def test_figures_ignore_the_users_matplotlib_settings(tmp_path):
    """The same bytes twice, the second time under a hostile matplotlibrc; no date or software
    name in the files."""
    import matplotlib
    a, b = tmp_path / "a", tmp_path / "b"
    tables.generate(a, names=["serra2018-sweep-plot"], progress=False)
    with matplotlib.rc_context({"font.size": 20, "lines.linewidth": 5, "axes.prop_cycle": matplotlib.cycler(color="k"),
                                "savefig.dpi": 37, "pdf.fonttype": 3}):
        tables.generate(b, names=["serra2018-sweep-plot"], progress=False)
    for ext in ("png", "pdf"):
        data = (a / "figures" / f"serra2018-sweep-plot.{ext}").read_bytes()
        assert data == (b / "figures" / f"serra2018-sweep-plot.{ext}").read_bytes()
        assert b"matplotlib" not in data.lower() and b"CreationDate" not in data
    pdf = (a / "figures" / "serra2018-sweep-plot.pdf").read_bytes()
    assert b"/FontFile2" in pdf and b"/Type3" not in pdf, "PDF fonts must be TrueType (Type 42), not Type 3"
