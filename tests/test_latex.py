"""The LaTeX tables a paper can paste: every .tex in tables/ is checked for syntax (default
run) and compiled by pdflatex (heavy; skipped where pdflatex is absent)."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from regionmath import tables

ROOT = Path(__file__).resolve().parent.parent / "tables"
TEX = sorted(ROOT.glob("*.tex"))


def _cells(row: str) -> list:
    """A table row split at its column separators: unescaped & outside math (a matrix inside
    $...$ has its own &)."""
    cells, cur, math, prev = [], "", False, ""
    for ch in row:
        if ch == "$" and prev != "\\":
            math = not math
        if ch == "&" and prev != "\\" and not math:
            cells.append(cur)
            cur = ""
        else:
            cur += ch
        prev = ch
    return cells + [cur]


def latex_problems(text: str) -> list:
    """Syntax problems of a generated table: unbalanced braces or math, unmatched
    environments, rows with the wrong number of cells, unescaped special characters."""
    problems = []
    body = "\n".join(l for l in text.splitlines() if not l.startswith("%"))
    depth = 0
    for ch in re.sub(r"\\[{}$&%#_]", "", body):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            problems.append("a } closes nothing")
            break
    if depth > 0:
        problems.append(f"{depth} unclosed {{")
    stack = []
    for kind, env in re.findall(r"\\(begin|end)\{(\w+)\}", body):
        if kind == "begin":
            stack.append(env)
        elif not stack or stack.pop() != env:
            problems.append(f"\\end{{{env}}} does not match")
    if stack:
        problems.append(f"unclosed environments {stack}")
    spec = re.search(r"\\begin\{(?:tabular|longtable)\}\{([lrc]+)\}", body)
    if spec is None:
        return problems + ["no tabular or longtable with a column spec"]
    ncols = len(spec.group(1))
    for line in body.splitlines():
        if not line.endswith(r"\\") or line.startswith(r"\caption"):
            continue
        cells = _cells(line[:-2])
        if len(cells) != ncols:
            problems.append(f"{len(cells)} cells, {ncols} columns: {line[:60]}")
        for cell in cells:
            text_part = re.sub(r"(?<!\\)\$.*?(?<!\\)\$", "", cell)       # outside math
            if text_part.count("$") - text_part.count(r"\$"):
                problems.append(f"unbalanced $ in {cell.strip()[:40]!r}")
            if re.search(r"(?<!\\)[#_^%]", text_part):
                problems.append(f"unescaped special character in {cell.strip()[:40]!r}")
    return problems


def test_tex_tables_exist():
    assert {p.stem for p in TEX} == set(tables.TABLES)


@pytest.mark.parametrize("path", TEX, ids=[p.stem for p in TEX])
def test_tex_table_syntax(path):
    text = path.read_text()
    assert not latex_problems(text), latex_problems(text)
    assert re.search(r"\\caption\{.+\}", text) and rf"\label{{tab:{path.stem}}}" in text


def test_the_syntax_check_can_fail():
    good = tables.to_latex(tables.Table("t", "T", ["a", "b"], [[1, "x_y"]]))
    assert not latex_problems(good)
    for bad in (good.replace(r"x\_y", "x_y"), good.replace(r"1 &", "1 & 2 &"), good.replace(r"\end{tabular}", ""),
                good.replace(r"\caption{", r"\caption{{")):
        assert latex_problems(bad), bad


def test_numbers_are_right_aligned_and_grouped():
    t = tables.Table("t", "T", ["id", "regions", "mean"],
                     [["a", 16777216, tables.AtLeast("1234.5")], ["b", "n/a", "7.0"]])
    tex = tables.to_latex(t)
    assert r"\begin{tabular}{lrr}" in tex
    assert r"16\,777\,216" in tex and r"$\geq$\,1234.5" in tex
    assert "lower bound only" in tex          # the note that explains >=
    md = tables.to_markdown(t)
    assert "|---|---:|---:|" in md and "≥ 1234.5" in md
    assert "16777216" in tables.to_csv(t) and ">=" not in tables.to_csv(t) and "≥" not in tables.to_csv(t)
    assert tables.tex_number("12345") == r"12\,345" and tables.tex_number("1234") == "1234"
    assert tables.tex_number("1000000") == r"1\,000\,000" and tables.tex_number("-12345.5") == r"$-$12\,345.5"


@pytest.mark.heavy
def test_every_tex_table_compiles(tmp_path):
    """pdflatex (Debian: texlive-latex-recommended, texlive-latex-extra) compiles a document
    that \\input s every table; any error fails."""
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed (apt-get install texlive-latex-recommended texlive-latex-extra)")
    doc = [r"\documentclass{article}", r"\usepackage{booktabs,longtable,amsmath}",
           r"\usepackage[margin=1.5cm]{geometry}", r"\begin{document}"]
    doc += [rf"\input{{{p.as_posix()}}}" + "\n" + r"\clearpage" for p in TEX]
    doc.append(r"\end{document}")
    (tmp_path / "all.tex").write_text("\n".join(doc))
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "all.tex"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    log = run.stdout[-3000:]
    assert run.returncode == 0, log
    assert "Undefined control sequence" not in run.stdout and "Missing $" not in run.stdout, log
    assert (tmp_path / "all.pdf").stat().st_size > 0
