"""The catalog: every named object of the library -- bounds, constructions, tables and
figures, named arrangements -- with its kind, source and a one-line summary, readable without
importing sympy, numpy or a solver.

The registries are the one source: :data:`regionmath.bounds.REGISTRY`,
:data:`regionmath.constructions.REGISTRY`, :data:`regionmath.tables.TABLES` and
:data:`~regionmath.tables.FIGURES`, :data:`regionmath.arrangements.NAMED`. Importing them
loads sympy (about a second), which ``regionmath list`` and the command line's ``--help``
should not wait for. So this module reads a copy, ``regionmath/_catalog_data.py``, generated
from the registries by :func:`collect` (``python -m regionmath.catalog`` rewrites it), and the
test suite checks that the copy equals what the registries say now; a new registry entry
without a regenerated copy fails that test, naming the command.

Examples
--------
>>> from regionmath import catalog
>>> catalog.KINDS
('bounds', 'constructions', 'tables', 'arrangements')
>>> e = catalog.get("bounds", "montufar2014-prop3")
>>> e.kind, e.source
('upper bound, relu', 'Montúfar, Pascanu, Cho, Bengio 2014, Proposition 3')
>>> "shi" in catalog.ids("arrangements")
True
>>> catalog.get("bounds", "no-such-bound")
Traceback (most recent call last):
...
regionmath.errors.RegionmathError: unknown bounds id 'no-such-bound'; known ids: ...
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import NamedTuple

from .errors import RegionmathError

__all__ = ["KINDS", "Entry", "entries", "ids", "get", "collect", "render", "DATA_FILE"]

#: what the catalog lists (``regionmath list KIND``)
KINDS = ("bounds", "constructions", "tables", "arrangements")

#: the generated copy read by :func:`entries`
DATA_FILE = Path(__file__).with_name("_catalog_data.py")


class Entry(NamedTuple):
    """One named object: ``id``, ``kind`` (e.g. "upper bound, relu"), ``source`` (the paper
    and where in it; empty when the library itself is the source) and ``summary`` (one line)."""

    id: str
    kind: str
    source: str
    summary: str


def _check_kind(what):
    if what not in KINDS:
        raise RegionmathError(f"unknown catalog kind {what!r}; allowed: {', '.join(KINDS)}")


def entries(what: str) -> tuple:
    """The :class:`Entry` rows of one kind (one of :data:`KINDS`), in registry order."""
    _check_kind(what)
    from ._catalog_data import ENTRIES
    return tuple(Entry(*row) for row in ENTRIES[what])


def ids(what: str) -> tuple:
    """The ids of one kind, in registry order."""
    return tuple(e.id for e in entries(what))


def get(what: str, name: str) -> Entry:
    """The entry ``name`` of kind ``what``; an unknown id raises with the known ids."""
    for e in entries(what):
        if e.id == name:
            return e
    raise RegionmathError(f"unknown {what} id {name!r}; known ids: {', '.join(ids(what))}")


# -- generating the copy from the registries (imports them all) --------------------------------
def _one_line(text) -> str:
    """The first paragraph of a docstring or statement, on one line, without reST markup."""
    paragraph = (text or "").strip().split("\n\n")[0]
    return " ".join(paragraph.replace("``", "").split())


def _references(doc) -> str:
    """The first line of a numpydoc References section, or ''."""
    m = re.search(r"\n\s*References\s*\n\s*-+\s*\n(.*?)(?:\n\s*\n|$)", doc or "", re.S)
    return " ".join(m.group(1).split()).split(";")[0].rstrip(".") if m else ""


def collect(what: str) -> tuple:
    """The :class:`Entry` rows of one kind, read from the live registries."""
    _check_kind(what)
    if what == "bounds":
        from . import bounds
        return tuple(Entry(b.id, f"{b.kind} bound, {b.activation}", str(b.source), _one_line(b.statement))
                     for b in bounds.all_bounds())
    if what == "constructions":
        from . import bounds, constructions
        rows = []
        for cid in constructions.ids():
            fn, b = constructions.REGISTRY[cid], bounds.REGISTRY.get(cid)
            if b is not None:
                kind = f"construction for {'an' if b.kind in ('upper', 'exact') else 'a'} {b.kind} bound, {b.activation}"
                source = str(b.source)
            else:
                kind, source = "construction of a named arrangement", _references(fn.__doc__)
            rows.append(Entry(cid, kind, source, _one_line(fn.__doc__)))
        return tuple(rows)
    if what == "tables":
        from .tables import FIGURES, TABLES
        return (tuple(Entry(n, "table", "", _one_line(f.__doc__)) for n, f in TABLES.items())
                + tuple(Entry(n, "figure", "", _one_line(f.__doc__)) for n, f in FIGURES.items()))
    from .arrangements import NAMED
    return tuple(Entry(n, f"arrangement, parameters {', '.join(a.parameters)}", a.source, _one_line(a.build.__doc__))
                 for n, a in NAMED.items())


def render() -> str:
    """The text of ``_catalog_data.py`` for the registries as they are now."""
    lines = ["# generated by `python -m regionmath.catalog` from the library's registries; do not edit by hand",
             "# (regionmath/catalog.py says why it exists; tests/test_catalog.py checks it is current)", "",
             "ENTRIES = {"]
    for what in KINDS:
        lines.append(f"    {what!r}: (")
        lines += [f"        {tuple(e)!r}," for e in collect(what)]
        lines.append("    ),")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    """``python -m regionmath.catalog``: rewrite the copy; ``--check``: exit 1 if it is stale."""
    argv = sys.argv[1:] if argv is None else argv
    text = render()
    if "--check" in argv:
        stale = DATA_FILE.read_text(encoding="utf-8") != text
        if stale:
            print(f"{DATA_FILE} is stale: run python -m regionmath.catalog", file=sys.stderr)
        return int(stale)
    DATA_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {DATA_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
