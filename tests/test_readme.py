"""README's Python examples run as written, and what its prose quotes is what the code says."""

import re
import warnings
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
TEXT = README.read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", TEXT, re.S)


def test_readme_python_blocks_run(tmp_path, monkeypatch):
    """Every ```python block, in order, in one namespace (later blocks use earlier names)."""
    pytest.importorskip("sklearn")
    import matplotlib
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    assert len(BLOCKS) >= 3
    ns = {}
    for i, block in enumerate(BLOCKS):
        exec(compile(block, f"README.md python block {i + 1}", "exec"), ns)
    # the imported model: the enumerator's count against the exact polygon partition (a
    # second method), both in the stated domain
    result, polygons, net = ns["result"], ns["polygons"], ns["net"]
    assert result.complete and result.certified and result.count == len(polygons) > 1
    assert [float(v) for v in net.box[0]] == [-1.0, -1.0] and [float(v) for v in net.box[1]] == [1.0, 1.0]
    assert (tmp_path / "regions.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "net.npz").exists()

    # the DomainWarning the prose quotes is the one from_sklearn(model, X=X) gives
    import regionmath
    quoted = " ".join(re.search(r'warns\s+"(.*?)"', TEXT, re.S).group(1).split())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        regionmath.from_sklearn(ns["model"], X=ns["X"])
    messages = [str(w.message) for w in caught if issubclass(w.category, regionmath.DomainWarning)]
    assert messages == [quoted]
