"""Data flows one way: foundation -> theory -> constructions -> counting -> applications -> CLI.

Every import of every module of the package (at module level or inside a function: a lazy
import is still a dependency) is read from the source with ``ast``. A module may import only
modules of its own layer or a lower one, and no group of modules may import each other in a
cycle. A new top-level module must be given a layer here.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "regionmath"

#: the layers, lowest first; a module belongs to the layer of its longest listed prefix
LAYERS = (
    ("foundation", ("errors", "outputs", "convolution", "architecture", "exact", "combinatorics", "converters", "network",
                    "importers")),
    ("theory", ("bounds", "arrangements", "asymptotics")),
    ("constructions", ("constructions",)),
    ("counting", ("counting",)),
    ("applications", ("verify", "estimate", "search", "records", "pictures", "experiments", "tables", "progress",
                      "catalog", "_catalog_data")),
    ("cli", ("cli", "__main__")),
)


def _modules():
    """Module name (``regionmath.x.y``) -> source path; a package is its ``__init__``."""
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _layer(module):
    """The index of a module's layer, or None for the package itself (the facade)."""
    rest = module.split(".")[1:]
    if not rest:
        return None
    for i, (_, prefixes) in enumerate(LAYERS):
        if rest[0] in prefixes:
            return i
    raise AssertionError(f"regionmath.{rest[0]} has no layer: add it to LAYERS in tests/test_layering.py")


def _imports(module, path, modules):
    """The package modules ``module`` imports (anywhere in its source)."""
    tree = ast.parse(path.read_text(), str(path))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                base = ".".join(base + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
        else:
            continue
        for name in names:
            while name and name not in modules:       # "regionmath.counting.line.x" -> the module
                name = name.rpartition(".")[0]
            if name.startswith("regionmath") and name != module:
                found.add(name)
    return found


@pytest.fixture(scope="module")
def graph():
    modules = _modules()
    return {m: _imports(m, p, modules) for m, p in modules.items()}


def test_every_module_has_a_layer(graph):
    for m in graph:
        _layer(m)


def test_no_module_imports_a_higher_layer(graph):
    wrong = []
    for m, targets in graph.items():
        lm = _layer(m)
        for t in targets:
            lt = _layer(t)
            if lm is not None and lt is not None and lt > lm:
                wrong.append(f"{m} ({LAYERS[lm][0]}) imports {t} ({LAYERS[lt][0]})")
    assert not wrong, "imports against the flow:\n" + "\n".join(sorted(wrong))


def test_no_import_cycle(graph):
    # Tarjan's strongly connected components; the facade (the package __init__) re-exports and
    # is left out, as is a package's import of its own submodules' names through it
    index, low, stack, on, cycles = {}, {}, [], set(), []
    edges = {m: {t for t in ts if t != "regionmath"} for m, ts in graph.items() if m != "regionmath"}

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in edges:
        if v not in index:
            visit(v)
    assert not cycles, f"import cycles: {cycles}"


def test_the_checker_sees_a_lazy_wrong_way_import(tmp_path):
    """The test has power: lazy imports planted in a function are found."""
    modules = {"regionmath.network": None, "regionmath.importers": None, "regionmath.tables": None}
    probe = tmp_path / "network.py"
    probe.write_text("def f():\n    from .importers import from_numpy\n    from . import tables\n")
    found = _imports("regionmath.network", probe, modules)
    assert found == {"regionmath.importers", "regionmath.tables"}
    assert _layer("regionmath.tables") > _layer("regionmath.network")


def test_network_and_its_importer_classmethods_form_no_cycle(graph):
    """Network.from_torch / from_sklearn: the network module uses the converters, which must
    not import it back (directly or through another module)."""
    assert "regionmath.converters" in graph["regionmath.network"]
    assert "regionmath.network" not in graph["regionmath.converters"]
    assert "regionmath.importers" not in graph["regionmath.network"]
