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
    spec = re.search(r"\\begin\{(?:tabular|longtable|tabularx|xltabular)\}(?:\{\\linewidth\})?"
                     r"\{((?:[lrcX]|>\{[^{}]*\})+)\}", body)
    if spec is None:
        return problems + ["no tabular, longtable, tabularx or xltabular with a column spec"]
    ncols = len(re.findall(r"[lrcX]", re.sub(r">\{[^{}]*\}", "", spec.group(1))))
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


def test_tables_fit_the_page_by_construction():
    """What makes a table fit: prose wraps (tabularx X columns, xltabular over pages), a table
    of short cells too wide for the page is scaled down (only when wider), long column names
    are stacked, products in math may break, a landscape table says so."""
    words = "a long sentence of prose that has to wrap inside its column"
    prose = tables.to_latex(tables.Table("p", "P", ["id", "note"], [["a", words]]))
    assert r"\begin{tabularx}{\linewidth}{l>{\hsize=1.00\hsize}>{\raggedright\arraybackslash}X}" in prose
    assert "tabularx" in prose.splitlines()[1] and not latex_problems(prose)
    wide = tables.to_latex(tables.Table("w", "W", [f"montufar2014-thm{i}" for i in range(16)], [list(range(16))]))
    assert r"\resizebox{\ifdim\width>\linewidth\linewidth\else\width\fi}{!}{%" in wide and "graphicx" in wide
    assert r"\begin{tabular}[b]{@{}r@{}}montufar2014-\\thm0\end{tabular}" in wide and not latex_problems(wide)
    long = tables.to_latex(tables.Table("l", "L", ["id", "note"], [[str(i), words] for i in range(50)], landscape=True))
    assert r"\begin{xltabular}{\linewidth}" in long and r"\begin{landscape}" in long and not latex_problems(long)
    assert "xltabular" in long.splitlines()[1] and "pdflscape" in long.splitlines()[1]
    math = tables.to_latex(tables.Table("m", "M", ["id", "expression"],
                                        [["a", "$" + r"\left(a + 1\right) " * 20 + "$"]]))
    assert r"(a + 1) \* (a + 1)" in math and not latex_problems(math)
    assert tables.tex_text("$n_0$ > 2 & n_1") == r"$n_0$ \textgreater{} 2 \& n\_1"


def _overfull(log: str) -> list:
    """The "Overfull \\hbox" and "Float too large" warnings of a pdflatex log."""
    return re.findall(r"Overfull \\hbox \([\d.]+pt too wide\)[^\n]*|Float too large[^\n]*", log)


def _compile(tmp_path, name, inputs, packages):
    doc = [r"\documentclass{article}", r"\usepackage{" + ",".join(sorted(packages)) + "}",
           r"\usepackage[margin=1.5cm]{geometry}", r"\begin{document}"]
    doc += [rf"\input{{{p}}}" + "\n" + r"\clearpage" for p in inputs]
    doc.append(r"\end{document}")
    (tmp_path / f"{name}.tex").write_text("\n".join(doc))
    for _ in range(3):   # longtable settles its column widths over runs ("Rerun LaTeX")
        run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"], cwd=tmp_path,
                             capture_output=True, text=True, timeout=600)
        log = (tmp_path / f"{name}.log").read_text(errors="replace")
        if run.returncode != 0 or "Rerun" not in log:
            break
    return run, log


@pytest.mark.heavy
def test_every_tex_table_compiles_and_fits_the_page(tmp_path):
    """pdflatex (Debian: texlive-latex-recommended, texlive-latex-extra) compiles a document
    that \\input s every table, with the packages each table's second line names, on pages
    with 1.5 cm margins: any error fails, and so does any overfull line (a table or a cell
    running into the margin) or float taller than the page. The check itself is shown to
    fail on a table made too wide."""
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed (apt-get install texlive-latex-recommended texlive-latex-extra)")
    packages = set()
    for p in TEX:
        packages |= set(re.search(r"% needs \\usepackage\{(.*)\}", p.read_text()).group(1).split(","))
    run, log = _compile(tmp_path, "all", [p.as_posix() for p in TEX], packages)
    assert run.returncode == 0, run.stdout[-3000:]
    assert "Undefined control sequence" not in run.stdout and "Missing $" not in run.stdout, run.stdout[-3000:]
    assert (tmp_path / "all.pdf").stat().st_size > 0
    assert not _overfull(log), _overfull(log)[:10]
    # mutation: the widest table without what makes it fit runs into the margin, and the check sees it
    wide = (ROOT / "serra2018-experiment.tex").read_text()
    unfitted = wide.replace(r"\resizebox{\ifdim\width>\linewidth\linewidth\else\width\fi}{!}{%", "{%")
    assert unfitted != wide
    (tmp_path / "unfitted.tex").write_text(unfitted.replace(r"\scriptsize", r"\normalsize"))
    run, log = _compile(tmp_path, "mutant", ["unfitted.tex"], packages)
    assert run.returncode == 0 and _overfull(log)
