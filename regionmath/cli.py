"""The ``regionmath`` command: parses, calls the library, prints. No mathematics here.

Standard output belongs to the result. For the whole command, file descriptor 1 and
``sys.stdout`` point at stderr, so that nothing a library prints -- a solver's banner, a
warning written by C code -- can reach the result; the result is written by :func:`emit`
alone, to a private copy of the original standard output.

Exit codes: 0 success; 1 a verification that disagrees or is inconclusive, or a count that
did not complete (the message says why); 2 bad input (one line on stderr saying what is
wrong and what is allowed, before any long work).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys

from .errors import RegionmathError

_RESULT = None   # the result stream while main() runs (see _result_channel)
_STARTED = None  # time.monotonic() when main() started: a --time-limit counts from there


def emit(text="") -> None:
    """Write one piece of the result (a line, or a whole JSON document) to standard output."""
    out = _RESULT if _RESULT is not None else sys.stdout
    out.write(text + "\n")
    out.flush()


@contextlib.contextmanager
def _result_channel():
    """Keep the real standard output for :func:`emit`; send fd 1 and ``sys.stdout`` to stderr."""
    global _RESULT
    original = sys.stdout
    result = original          # an in-memory stream (no descriptor) is written directly
    with contextlib.suppress(AttributeError, OSError, ValueError):
        original.flush()
        result = os.fdopen(os.dup(original.fileno()), "w", errors="backslashreplace",
                           encoding=getattr(original, "encoding", None) or "utf-8")
    saved_fd1 = None
    with contextlib.suppress(AttributeError, OSError, ValueError):
        stderr_fd = sys.stderr.fileno()
        saved_fd1 = os.dup(1)
        os.dup2(stderr_fd, 1)    # C libraries writing to fd 1 now write to stderr
    previous, _RESULT = _RESULT, result
    sys.stdout = sys.stderr      # and so does Python code that prints
    try:
        yield
    finally:
        sys.stdout, _RESULT = original, previous
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.flush()
        if result is not original:
            with contextlib.suppress(OSError, ValueError):   # a closed pipe: nothing more to say
                result.close()
        if saved_fd1 is not None:
            os.dup2(saved_fd1, 1)
            os.close(saved_fd1)


class UsageError(RegionmathError):
    """A command line argparse refused; ``prog`` is the (sub)command that refused it."""

    def __init__(self, prog, message):
        self.prog = prog
        super().__init__(message)


class _Formatter(argparse.HelpFormatter):
    """Wraps prose; keeps text with line breaks (examples, lists) as written."""

    def _fill_text(self, text, width, indent):
        if "\n" in text:
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def _definitions():
    from .counting import DEFINITIONS   # the library's list: interior, serra2018, pieces
    return DEFINITIONS


class _Command:
    """A command's parser, built when the command is chosen or its help shown (building every
    command's parser cost ~4 ms of CPU at each start). ``arguments(parser)`` adds the
    command's options; every other attribute is the built parser's."""

    def __init__(self, arguments, **kwargs):
        self._arguments, self._kwargs, self._parser = arguments, kwargs, None

    def _built(self):
        if self._parser is None:
            self._parser = _Parser(**self._kwargs)
            self._arguments(self._parser)
        return self._parser

    def __getattr__(self, name):   # parse_known_args, format_help, epilog, _actions, ...
        if name.startswith("__") or name in ("_arguments", "_kwargs", "_parser"):
            raise AttributeError(name)   # copy and pickle probe before __init__ ran
        return getattr(self._built(), name)


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors and help texts that may be computed when shown (so that
    building the parser imports nothing heavy)."""

    def __init__(self, *a, lazy_epilog=None, lazy_description=None, **kw):
        kw.setdefault("formatter_class", _Formatter)
        super().__init__(*a, **kw)
        self.lazy_epilog, self.lazy_description = lazy_epilog, lazy_description

    def format_help(self):
        if self.lazy_description is not None:
            self.description = self.lazy_description()
        if self.lazy_epilog is not None:
            self.epilog = self.lazy_epilog()
        return super().format_help()

    def error(self, message):  # one line, exit 2
        raise UsageError(self.prog, message)

    def _print_message(self, message, file=None):
        # argparse prints only --help and --version here (errors come through error()):
        # they are the command's result
        if message:
            emit(message.rstrip("\n"))


def _int_list(text):
    try:
        values = [int(v) for v in text.split(",") if v.strip() != ""]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated positive integers, got {text!r}") from None
    if not values:
        raise argparse.ArgumentTypeError("expected at least one width")
    return values


def _number(convert, ok, expected):
    """An argparse type: ``convert(text)``, refused unless ``ok(value)``, in one message."""
    def parse(text):
        try:
            value = convert(text)
        except ValueError:
            value = None
        if value is None or not ok(value):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return value
    return parse


_positive_int = _number(int, lambda v: v >= 1, "a positive integer")
_nonnegative_int = _number(int, lambda v: v >= 0, "a non-negative integer")
_seconds = _number(float, lambda v: 0 < v < float("inf"), "a positive number of seconds")   # no nan, no inf


def _named_expand_limit():
    from .arrangements import NAMED_EXPAND_LIMIT
    return NAMED_EXPAND_LIMIT


def _arch_args(p, widths_required=True):
    p.add_argument("--n0", type=int, required=widths_required, metavar="N0", help="input dimension n0 (number of inputs)")
    p.add_argument("--widths", type=_int_list, required=widths_required, metavar="N1,N2,...",
                   help="hidden-layer widths in units, comma-separated, e.g. 10,12")
    p.add_argument("--rank", type=int, default=None, metavar="K",
                   help="maxout rank k, pieces per unit (makes it a maxout network; default: ReLU)")


def _conv_args(p):
    p.add_argument("--input", default=None, metavar="CxHxW",
                   help="a convolutional network's input image: channels x height x width, e.g. 1x28x28 "
                        "(instead of --n0; then --conv, and --widths for dense layers after the convolutions)")
    p.add_argument("--conv", action="append", default=None, metavar="F:KHxKW[:sS][:pP]",
                   help="a convolutional layer on the current image: F filters of KH x KW, stride S and zero "
                        "padding P (N or NxM; default 1 and 0), e.g. 2:2x2 or 4:3x3:s2:p1; repeat for more layers")


def _architecture(args):
    from .architecture import Architecture
    if getattr(args, "input", None) is not None or getattr(args, "conv", None):
        from .convolution import parse_input_shape
        if args.input is None:
            raise RegionmathError("--conv needs --input CxHxW, the shape of the input image")
        if args.n0 is not None:
            raise RegionmathError("give --input CxHxW or --n0, not both (the input dimension is C*H*W)")
        if args.rank is not None:
            raise RegionmathError("convolutional layers are supported for relu networks only; drop --rank")
        if not args.conv:
            raise RegionmathError("--input needs at least one --conv layer (without convolutions use --n0 and --widths)")
        return Architecture.cnn(parse_input_shape(args.input), list(args.conv) + list(args.widths or ()))
    if args.n0 is None or args.widths is None:
        raise RegionmathError("--n0 and --widths are required (or, for a convolutional network, --input and --conv)")
    if args.rank is None:
        return Architecture(args.n0, tuple(args.widths))
    return Architecture(args.n0, tuple(args.widths), activation="maxout", rank=args.rank)


def _emit_json(obj):
    import json   # only for --json (a start-up cost otherwise)
    emit(json.dumps(obj, indent=2))


def _digits(n) -> str:
    from .exact import decimal_string
    return decimal_string(n)


# -- bounds ---------------------------------------------------------------------------------
def _bound_record(bound, arch):
    violated = bound.hypotheses(arch)
    if bound.needs_weights and not violated:
        violated = [f"it needs more than an architecture (from Python: regionmath.bounds.get({bound.id!r})"
                    ".value(...); its docstring says what it takes)"]
    rec = {"id": bound.id, "kind": bound.kind, "value": None, "source": str(bound.source),
           "hypotheses_hold": not violated}
    if violated:
        rec["violated"] = violated
    elif bound.has_value:
        rec["value"] = _digits(bound.value(arch))
    else:
        rec["asymptotic"] = str(bound.asymptotic("n"))
    return rec


def cmd_bounds(args):
    from . import bounds
    arch = _architecture(args)
    records = [_bound_record(b, arch) for b in bounds.all_bounds(arch.activation)]
    if args.json:
        _emit_json(records)
        return 0
    lines = [f"bounds for {arch}"]
    for r in records:
        if not r["hypotheses_hold"]:
            shown = "n/a: " + "; ".join(r["violated"])
        else:
            shown = r["value"] if r["value"] is not None else r.get("asymptotic", "")
        lines.append(f"  {r['id']:<24} {r['kind']:<6} {shown}")
        lines.append(f"  {'':<24} {'':<6} ({r['source']})")
    emit("\n".join(lines))
    return 0


def cmd_bound(args):
    from . import bounds
    bound = bounds.get(args.id)
    if args.asymptotic:
        form = bound.asymptotic(args.variable)
        if args.json:
            _emit_json({"id": bound.id, "kind": bound.kind, "source": str(bound.source),
                        "order": form.order, "term": str(form.term), "variable": str(form.variable),
                        "constant": None if form.constant is None else str(form.constant)})
        else:
            emit(str(form))
        return 0
    if (args.widths is None or args.n0 is None) and args.input is None:
        raise RegionmathError("--n0 and --widths (or --input and --conv) are required unless --asymptotic is given")
    arch = _architecture(args)
    if bound.needs_weights:
        raise RegionmathError(f"{bound.id} needs a network's weights, not only an architecture; from Python use "
                              f"regionmath.bounds.get({bound.id!r}).value(...) (its docstring says what it takes)")
    if args.symbolic:
        import sympy as sp
        expr = bound.expr(arch)
        if args.json:
            _emit_json({"id": bound.id, "kind": bound.kind, "source": str(bound.source), "expr": sp.sstr(expr),
                        "latex": sp.latex(expr)})
        else:
            emit(sp.pretty(expr, use_unicode=False))
        return 0
    value = bound.value(arch)   # raises, naming the violated hypotheses
    if args.json:
        _emit_json({"id": bound.id, "kind": bound.kind, "value": _digits(value), "source": str(bound.source),
                    "hypotheses_hold": True})
    else:
        emit(_digits(value))
    return 0


def cmd_compare(args):
    from .asymptotics import compare
    rec = compare(args.n0, by=args.by, width=args.width, depth=args.depth, deep=args.deep)
    if args.json:
        _emit_json(rec)
        return 0
    emit(rec["summary"])
    if rec["ratio"] is not None:
        emit(f"deep/shallow leading terms in {rec['variable']}: {rec['ratio']} -> {rec['ratio_limit']}")
    return 0


# -- constructions, counting, verification ------------------------------------------------------
def _output_file(path):
    from .outputs import check_output_file
    return check_output_file(path)


def cmd_construct(args):
    from .constructions import build
    _output_file(args.output)          # before any work
    construction = build(args.id, _architecture(args))
    construction.network.save(args.output)
    emit(f"wrote {args.output}: {construction.id} on {construction.network.architecture}, "
         f"claimed {construction.claimed} regions")
    return 0


def _progress(args, label, **options):
    """The progress callback of a long command: a bar on a terminal, a line every ~10 s
    otherwise (a log), nothing with --quiet (regionmath.progress)."""
    _work_begins()
    from .progress import ProgressReport
    return ProgressReport(label, stream=sys.stderr, quiet=getattr(args, "quiet", False), **options)


#: how each incompleteness reads in a sentence
_WHY = {"time-limit": "time limit reached", "interrupted": "interrupted",
        "undecided-lp": "an LP the solver could not decide", "solver-failure": "a solver or worker failed"}


def _why(reason, info=None):
    text = _WHY.get(reason, reason or "stopped early")
    if reason == "undecided-lp" and info and info.get("undecided_subtrees"):
        n = info["undecided_subtrees"]
        text += f" in {n} subtree{'s' if n != 1 else ''}"
    return text


def _process_age() -> float:
    """Seconds since this process started (Linux; 0 elsewhere): interpreter start-up and the
    package's imports (sympy) take seconds on a loaded machine, and they are part of what a
    user's --time-limit measures."""
    try:
        with open("/proc/self/stat") as f:
            start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])   # field 22, starttime
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
        return max(uptime - start_ticks / os.sysconf("SC_CLK_TCK"), 0.0)
    except (OSError, ValueError, IndexError, AttributeError):
        return 0.0


def _time_left(limit):
    """What is left of a --time-limit once loading and setting up took their share."""
    if limit is None or _STARTED is None:
        return limit
    import time
    return max(limit - (time.monotonic() - _STARTED), 0.01)


def _counter_options(args):
    options = {}
    if args.jobs is not None:
        options["jobs"] = args.jobs
    if args.checkpoint is not None:
        options["checkpoint"] = args.checkpoint
    if options and args.method not in ("auto", "enumerate"):
        raise RegionmathError(f"--jobs and --checkpoint belong to the enumerator; method {args.method} has neither "
                              "(use --method enumerate)")
    if args.checkpoint is not None:
        _output_file(args.checkpoint)
    return options


def cmd_count(args):
    from .counting import count_regions
    from .network import Network
    net = Network.load(args.network)
    options = _counter_options(args)
    method = args.method
    if options and method == "auto":
        method = "enumerate"
    with _progress(args, f"regionmath count {args.network}") as show:
        result = count_regions(net, method=method, time_limit=_time_left(args.time_limit),
                               definition=args.definition, progress=show, **options)
    if args.json:
        _emit_json(result.as_dict())
    else:
        state = "complete" if result.complete else \
            f"INCOMPLETE ({_why(result.incomplete_reason, result.info)}): a lower bound"
        cert = {True: "certified", False: "NOT certified", None: "not certified"}[result.certified]
        if result.info.get("certification") == "interrupted":
            cert = "certification interrupted"
        emit(f"{_digits(result.count)} regions ({state}; {result.method}; {cert}; {result.seconds:.2f} s)")
        if result.info.get("checkpoint") and not result.complete:
            print(f"regionmath: resume with --checkpoint {result.info['checkpoint']}", file=sys.stderr)
    return 0 if result.complete and result.info.get("certification") != "interrupted" else 1


def cmd_estimate(args):
    from .estimate import estimate_regions
    from .network import Network
    net = Network.load(args.network)
    with _progress(args, f"regionmath estimate {args.network}") as show:
        result = estimate_regions(net, time_limit=_time_left(args.time_limit), seed=args.seed, progress=show)
    if not result.complete:
        print(f"regionmath: incomplete ({_why(result.incomplete_reason)}): {'; '.join(result.notes)}",
              file=sys.stderr)
    if args.json:
        _emit_json(result.as_dict())
    else:
        emit(str(result))
    return 0 if result.complete else 1


def cmd_verify(args):
    from .constructions import build
    from .verify import verify
    construction = build(args.id, _architecture(args))
    with _progress(args, f"regionmath verify {args.id}", target=construction.claimed,
                   target_label="claimed" if construction.exact else "claimed as a lower bound") as show:
        report = verify(construction, method=args.method, time_limit=_time_left(args.time_limit), progress=show)
    if args.json:
        _emit_json(report.as_dict())
    else:
        emit(str(report))
    return 0 if report.agrees else 1


def cmd_search(args):
    from .search import search_max_regions
    _output_file(args.output)          # before the search, not after it
    show = None
    if not args.json and sys.stderr.isatty():
        def show(info):
            print(f"\r  best {info['best']} (upper {info['upper']}), {info['evaluations']} evaluations, "
                  f"{info['restarts']} restarts, {info['seconds']:.0f} s", end="", file=sys.stderr, flush=True)
    result = search_max_regions(_architecture(args), time_limit=_time_left(args.time_limit), seed=args.seed,
                                max_evals=args.evals, use_constructions=not args.no_constructions, progress=show,
                                definition=args.definition)
    if show is not None:
        print(file=sys.stderr)
    result.network.save(args.output)
    if result.undecided:
        print(f"regionmath: {result.undecided} candidate network(s) skipped: an LP of their count was undecided",
              file=sys.stderr)
    if args.json:
        _emit_json(result.as_dict())
    else:
        if result.settled:
            state = "settled: meets the upper bound"
        elif result.complete:
            state = "complete: the evaluation budget was spent"
        else:
            state = f"INCOMPLETE ({_why(result.stop_reason)}): best so far"
        up = f"{result.upper[1]} ({result.upper[0]})" if result.upper else "none"
        emit(f"wrote {args.output}: {result.count} regions in R^n0 "
             f"({'certified' if result.certified else 'NOT certified'}; {state}; upper bound {up}; "
             f"{result.evaluations} evaluations, {result.seconds:.1f} s)")
    return 0 if result.complete else 1


# -- arrangements, tables -----------------------------------------------------------------------
def cmd_arrangement(args):
    from . import arrangements
    if args.file:
        if args.name or args.N is not None:
            raise RegionmathError("give either an arrangement NAME N or --file, not both")
        summary = arrangements.Arrangement.from_json_file(args.file).summary()
    else:
        if not args.name or args.N is None:
            from .catalog import ids
            raise RegionmathError(f"give an arrangement NAME N ({', '.join(ids('arrangements'))}) "
                                  "or --file hyperplanes.json")
        summary = arrangements.named_summary(args.name, args.N, dim=args.dim)
    if args.json:
        _emit_json({k: (_digits(v) if isinstance(v, int) and not isinstance(v, bool) else v)
                    for k, v in summary.items()})
    else:
        emit("\n".join(f"{key}: {_digits(v) if isinstance(v, int) and not isinstance(v, bool) else v}"
                       for key, v in summary.items()))
    return 0


def cmd_list(args):
    from . import catalog   # the registries' metadata without importing them (no sympy)
    kinds = [args.what] if args.what else list(catalog.KINDS)
    listed = {kind: catalog.entries(kind) for kind in kinds}
    if args.json:
        _emit_json({kind: [e._asdict() for e in rows] for kind, rows in listed.items()})
        return 0
    lines = []
    for kind, rows in listed.items():
        if len(kinds) > 1:
            lines += ([""] if lines else []) + [f"{kind}:"]
        width = max(len(e.id) for e in rows)
        kw = max(len(e.kind) for e in rows)
        lines += [f"  {e.id:<{width}}  {e.kind:<{kw}}  {e.source or e.summary}" for e in rows]
    emit("\n".join(lines))
    return 0


def _slice_points(text, n0):
    """``P0,P1,P2`` with each point ``n0`` numbers joined by ``:`` (int, decimal or p/q)."""
    from fractions import Fraction
    points = text.split(",")
    if len(points) != 3:
        raise RegionmathError(f"--slice takes three points P0,P1,P2, got {len(points)}: {text!r}")
    out = []
    for name, p in zip(("P0", "P1", "P2"), points):
        try:
            coords = [Fraction(v) for v in p.split(":")]
        except (ValueError, ZeroDivisionError):
            raise RegionmathError(f"--slice: {name} = {p!r} is not numbers joined by ':' (e.g. 0:1/2:0.25)") from None
        if len(coords) != n0:
            raise RegionmathError(f"--slice: {name} has {len(coords)} coordinates, the network has {n0} inputs")
        out.append(coords)
    return out


def cmd_plot(args):
    from .network import Network
    from .pictures import check_figure_path, plot_network
    check_figure_path(args.output)        # before any work
    net = Network.load(args.network)
    points = _slice_points(args.slice, net.n0) if args.slice else None
    if points is None and net.n0 != 2:
        raise RegionmathError(f"{args.network} has {net.n0} inputs; a picture needs 2, or --slice P0,P1,P2 "
                              f"(three points of {net.n0} coordinates joined by ':')")
    try:
        info = plot_network(net, args.output, slice_points=points, time_limit=_time_left(args.time_limit))
    except TimeoutError:
        print(f"regionmath plot: the time limit was reached before the regions were found; no file written",
              file=sys.stderr)
        return 1
    boundary = ", with its decision boundary" if info["boundary"] else ""
    emit(f"wrote {args.output}: {info['regions']} activation regions{boundary}")
    return 0


def cmd_tables(args):
    from .outputs import check_output_dir
    from .tables import generate
    check_output_dir(args.out)         # before any table is computed
    generate(args.out, names=args.names or None, progress=not args.quiet)
    return 0


def _construction_ids():
    from .catalog import ids
    return "Constructions (ids): " + ", ".join(ids("constructions")) + ".\nEach realises the registry bound of the same id (regionmath list constructions)."


def _arrangement_description():
    return ("Regions, bounded regions and characteristic polynomial of a named "
            "arrangement (from its closed form, any N; the polynomial is written expanded "
            f"up to N = {_named_expand_limit()} and factored beyond) or of the hyperplanes "
            "of a file (by the intersection lattice: tens of hyperplanes in small dimension).")


def build_parser():
    p = _Parser(prog="regionmath", description="Linear regions of piecewise-linear networks: "
                                               "bounds, constructions, counting.",
                epilog="Examples:\n  regionmath list bounds\n  regionmath bounds --n0 2 --widths 4,4\n"
                       "  regionmath construct montufar2014-thm4 --n0 2 --widths 6,6 -o net.npz\n"
                       "  regionmath count net.npz\n  regionmath plot net.npz -o regions.png\n\n"
                       "regionmath COMMAND --help describes a command. Docs: docs/ (file format, what is "
                       "counted, exit codes).")
    from . import __version__
    p.add_argument("--version", action="version", version=f"regionmath {__version__}")
    sub = p.add_subparsers(dest="command", parser_class=_Command, metavar="COMMAND")
    sub.required = True

    def _bounds_arguments(q):
        _arch_args(q, widths_required=False)
        _conv_args(q)
        q.add_argument("--json", action="store_true", help="print one JSON document")
        q.set_defaults(func=cmd_bounds)

    sub.add_parser("bounds", arguments=_bounds_arguments, epilog="Examples:\n  regionmath bounds --n0 784 --widths 10,12\n  regionmath bounds --n0 2 --widths 3,3 --rank 3 --json\n  regionmath bounds --input 1x4x4 --conv 2:2x2:s2 --widths 3", help="all bounds that apply to an architecture",
                   description="All bounds of the registry for an architecture, as exact integers printed in "
                               "full. Limits: any n0 and widths whose values fit in memory; Theorem 1's sum "
                               "costs O(L min(n0, width)) big-integer operations, so n0 = 10^8 with small widths "
                               "is instant, and values of 10^8 digits take seconds to print. A convolutional "
                               "network: --input CxHxW --conv F:KHxKW ... [--widths dense layers after].")

    def _bound_arguments(q):
        q.add_argument("id")
        _arch_args(q, widths_required=False)
        _conv_args(q)
        g = q.add_mutually_exclusive_group()
        g.add_argument("--symbolic", action="store_true", help="the sympy expression in n0, n_1, ..., n_L (and k; d_l "
                                                              "the filters of a convolutional layer l)")
        g.add_argument("--asymptotic", action="store_true",
                       help="the leading growth as the width n (or, with --variable L, the depth) grows")
        q.add_argument("--variable", default="n", choices=["n", "L"], help="with --asymptotic: width n or depth L")
        q.add_argument("--json", action="store_true", help="print one JSON document")
        q.set_defaults(func=cmd_bound)

    sub.add_parser("bound", arguments=_bound_arguments, epilog="Examples:\n  regionmath bound serra2018-thm1 --n0 784 --widths 10,12\n  regionmath bound montufar2017 --n0 2 --widths 3,3 --symbolic\n  regionmath bound montufar2014-cor5 --asymptotic\n  regionmath bound xiong2020-one-layer --input 1x3x3 --conv 2:2x2", help="one bound: exact value, sympy expression or asymptotic form",
                   description="One bound of the registry (regionmath list bounds). The exact value is "
                               "printed in full (limits as for `regionmath bounds`).")

    def _compare_arguments(q):
        q.add_argument("--n0", type=int, required=True, metavar="N0", help="input dimension n0 (number of inputs)")
        q.add_argument("--by", default="units", choices=["units", "parameters"], help="same units or same parameters")
        q.add_argument("--width", type=int, default=None, help="fixed width; the depth is searched (default: the narrowest width at "
                       "which the deep bound grows with depth, 2*n0 for Thm 4)")
        q.add_argument("--depth", type=int, default=None, help="fixed depth; the width is searched")
        q.add_argument("--deep", default="montufar2014-thm4", help="registry id of the deep lower bound")
        q.add_argument("--json", action="store_true", help="print one JSON document")
        q.set_defaults(func=cmd_compare)

    sub.add_parser("compare", arguments=_compare_arguments, epilog="Examples:\n  regionmath compare --n0 2 --by parameters", help="deep lower bound vs shallow maximum: crossover and asymptotic ratio")

    def _construct_arguments(q):
        q.add_argument("id")
        _arch_args(q, widths_required=False)
        _conv_args(q)
        q.add_argument("-o", "--output", required=True, metavar="FILE",
                       help="the network file to write (.npz, docs/network-format.rst); checked before any work")
        q.set_defaults(func=cmd_construct)

    sub.add_parser("construct", arguments=_construct_arguments, lazy_description=_construction_ids, epilog="Examples:\n  regionmath construct montufar2014-thm4 --n0 2 --widths 6,6 -o net.npz\n  regionmath construct xiong2020-deep-lower --input 1x2x2 --conv 2:1x1 --conv 2:2x2:s2 -o cnn.npz", help="write a published construction's network")

    def _count_arguments(q):
        from .counting import METHODS as methods
        q.add_argument("network")
        q.add_argument("--method", default="auto", choices=methods,
                       help="counting algorithm (default %(default)s: the enumerator; see regionmath.counting)")
        q.add_argument("--time-limit", type=_seconds, default=None, metavar="SECONDS",
                       help="stop after SECONDS seconds (within 5%% or 2 s) with the regions found so far")
        q.add_argument("--definition", default="interior", choices=list(_definitions()),
                       help="interior: activation regions; serra2018: the MILP as printed; pieces: the linear "
                            "regions of the network's function (Montufar 2014); docs/counting.rst")
        q.add_argument("--jobs", type=_positive_int, default=None, metavar="N",
                       help="worker processes of the enumerator (default: every core)")
        q.add_argument("--checkpoint", default=None, metavar="FILE",
                       help="record finished subtrees in FILE; run again with the same FILE to resume (enumerator)")
        q.add_argument("--json", action="store_true", help="print one JSON document")
        q.add_argument("--quiet", action="store_true", help="no progress on stderr")
        q.set_defaults(func=cmd_count)

    sub.add_parser("count", arguments=_count_arguments, epilog="Examples:\n  regionmath count net.npz\n  regionmath count net.npz --time-limit 600 --checkpoint net.ckpt --json 2> count.log", help="count the regions of a network file",
                   description="Count the activation regions of a network file in its box. Exit 0 when the "
                               "count is complete, 1 when it stopped early (time limit, Ctrl-C, an undecided "
                               "LP: the count is then a lower bound and says why), 2 on bad input.")

    def _estimate_arguments(q):
        q.add_argument("network", help="a network file (.npz, docs/network-format.rst)")
        q.add_argument("--time-limit", type=_seconds, default=60.0, metavar="SECONDS",
                       help="wall-clock seconds in all (default %(default)s)")
        q.add_argument("--seed", type=int, default=0, help="random seed of the probes (default %(default)s)")
        q.add_argument("--json", action="store_true", help="print one JSON document")
        q.add_argument("--quiet", action="store_true", help="no progress on stderr")
        q.set_defaults(func=cmd_estimate)

    sub.add_parser("estimate", arguments=_estimate_arguments, help="a network too big to count: certified and probabilistic bounds, "
                                    "an estimate with its interval, densities",
                   epilog="Examples:\n  regionmath estimate net.npz --time-limit 120 --json")

    def _verify_arguments(q):
        from .counting import METHODS as methods
        q.add_argument("id")
        _arch_args(q, widths_required=False)
        _conv_args(q)
        q.add_argument("--method", default="auto", choices=methods,
                       help="counting algorithm (default %(default)s: the enumerator; see regionmath.counting)")
        q.add_argument("--time-limit", type=_seconds, default=None, metavar="SECONDS",
                       help="stop counting after SECONDS seconds; an incomplete count is inconclusive unless it already "
                            "reaches a lower-bound claim")
        q.add_argument("--json", action="store_true", help="print one JSON document")
        q.add_argument("--quiet", action="store_true", help="no progress on stderr")
        q.set_defaults(func=cmd_verify)

    sub.add_parser("verify", arguments=_verify_arguments, lazy_description=_construction_ids, epilog="Examples:\n  regionmath verify serra2018-lower --n0 1 --widths 3,4 --json\n  regionmath verify xiong2020-deep-lower --input 1x2x2 --conv 2:1x1 --conv 2:2x2:s2", help="build a construction, count it, certify it")

    def _search_arguments(q):
        _arch_args(q)
        q.add_argument("--time-limit", type=_seconds, default=60.0, metavar="SECONDS",
                       help="wall-clock seconds for the search (default %(default)s)")
        q.add_argument("--evals", type=_positive_int, default=None, metavar="N",
                       help="budget: at most N region counts (default: until the time limit)")
        q.add_argument("--seed", type=_nonnegative_int, default=0, help="random seed (default %(default)s)")
        q.add_argument("--no-constructions", action="store_true", help="do not start from the published constructions")
        q.add_argument("--definition", default="interior", choices=["interior", "pieces"],
                       help="maximise activation regions (interior) or the function's linear pieces")
        q.add_argument("-o", "--output", required=True, metavar="FILE",
                       help="where the best network is written (.npz); checked before the search")
        q.add_argument("--json", action="store_true", help="print one JSON document")
        q.set_defaults(func=cmd_search)

    sub.add_parser("search", arguments=_search_arguments, epilog="Examples:\n  regionmath search --n0 2 --widths 3,3 --time-limit 60 -o best.npz", help="search the weights for many regions in R^n0; write the best network")

    def _arrangement_arguments(q):
        from . import catalog
        q.add_argument("name", nargs="?", choices=catalog.ids("arrangements"))
        q.add_argument("N", nargs="?", type=int)
        q.add_argument("--dim", type=int, default=None, metavar="D",
                       help="ambient dimension of a generic arrangement (default: N)")
        q.add_argument("--file", default=None, metavar="FILE",
                       help="hyperplanes.json: rows [c, a_1, ..., a_d], each the hyperplane c + a.x = 0")
        q.add_argument("--json", action="store_true", help="print one JSON document")
        q.set_defaults(func=cmd_arrangement)

    sub.add_parser("arrangement", arguments=_arrangement_arguments, epilog="Examples:\n  regionmath arrangement shi 4\n  regionmath arrangement --file hyperplanes.json --json", help="a hyperplane arrangement's regions and characteristic polynomial",
                   lazy_description=_arrangement_description)

    def _list_arguments(q):
        from . import catalog
        q.add_argument("what", nargs="?", choices=catalog.KINDS, help="what to list (default: everything)")
        q.add_argument("--json", action="store_true", help="print one JSON document")
        q.set_defaults(func=cmd_list)

    sub.add_parser("list", arguments=_list_arguments, help="the ids of bounds, constructions, tables, arrangements",
                   description="One line per id: id, kind, source. Read from the library's registries.",
                   epilog="Examples:\n  regionmath list\n  regionmath list bounds --json")

    def _plot_arguments(q):
        q.add_argument("network", help="a network file (.npz, docs/network-format.rst)")
        q.add_argument("-o", "--output", required=True, metavar="FILE", help="the picture: .png, .pdf or .svg")
        q.add_argument("--slice", default=None, metavar="P0,P1,P2",
                       help="three input points, each n0 numbers joined by ':' (int, decimal or p/q); the plane "
                            "through them is drawn in coordinates (s, t) with P0, P1, P2 at (0,0), (1,0), (0,1)")
        q.add_argument("--time-limit", type=_seconds, default=None, metavar="SECONDS",
                       help="give up after SECONDS seconds (no file is written)")
        q.set_defaults(func=cmd_plot)

    sub.add_parser("plot", arguments=_plot_arguments, help="draw a network's regions (exact polygons) to a PNG, PDF or SVG",
                   description="The activation regions of a network with 2 inputs as exact polygons, "
                               "neighbours in different colours, with the decision boundary when the network "
                               "has an output layer of 1 or 2 outputs. For more inputs, --slice draws the plane "
                               "through three input points.",
                   epilog="Examples:\n  regionmath plot net.npz -o regions.png\n"
                          "  regionmath plot net3.npz -o slice.pdf --slice 0:0:0,1:0:0,0:1:0")

    def _tables_arguments(q):
        q.add_argument("names", nargs="*", help="only these tables")
        q.add_argument("--out", default="tables", help="output directory (checked before any table is computed)")
        q.add_argument("--quiet", action="store_true", help="no progress on stderr")
        q.set_defaults(func=cmd_tables)

    sub.add_parser("tables", arguments=_tables_arguments, epilog="Examples:\n  regionmath tables\n  regionmath tables serra2018-sweep bounds-vs-depth --out /tmp/tables", help="regenerate every table and figure")

    return p


#: OpenBLAS, numpy's BLAS, lets its worker threads spin for work 2^28 cycles (~0.1 s) before
#: they sleep, from the moment numpy loads: on 2 shared cores that spin took a third of a tiny
#: count's wall time, and it takes a core from the enumerator's worker processes. The command
#: line sets 2^16 cycles (~25 us) unless OPENBLAS_THREAD_TIMEOUT is already set (4 to 30).
BLAS_THREAD_TIMEOUT = "16"

#: while the command line starts (imports, parsing, reading the input) Python's youngest
#: generation is collected this many times less often: the imports make some 100,000 objects
#: and almost no garbage, and collecting them took ~5% of a tiny count's start-up
START_GC_FACTOR = 50
_GC_THRESHOLDS = None   # the usual thresholds, restored when the long work begins


def _start_quickly():
    global _GC_THRESHOLDS
    import gc
    _GC_THRESHOLDS = gc.get_threshold()
    gc.set_threshold(_GC_THRESHOLDS[0] * START_GC_FACTOR, *_GC_THRESHOLDS[1:])


def _work_begins():
    """The usual garbage collection again, and the start-up's objects (modules, parser)
    frozen: no later collection walks them, and forked workers share their pages."""
    global _GC_THRESHOLDS
    if _GC_THRESHOLDS is not None:
        import gc
        gc.set_threshold(*_GC_THRESHOLDS)
        gc.freeze()
        _GC_THRESHOLDS = None


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def _terminate_like_ctrl_c():
    """SIGTERM (``kill PID``) stops the command as Ctrl-C does: the partial result, flagged
    ``interrupted``, exit 1. A command started in the background by a shell without job
    control inherits SIGINT ignored (POSIX), so ``kill`` is how a script stops it."""
    import signal
    with contextlib.suppress(ValueError, OSError, AttributeError):   # not the main thread; no SIGTERM
        signal.signal(signal.SIGTERM, _raise_interrupt)
        # a forked worker is stopped by its parent with SIGTERM (estimate's counter, a broken
        # pool): there it must end the process, as by default, not raise in the worker
        os.register_at_fork(after_in_child=lambda: signal.signal(signal.SIGTERM, signal.SIG_DFL))


def main(argv=None):
    """Run one command; returns the exit code (0, 1 or 2, see the module docstring)."""
    global _STARTED
    import time
    # the command line's clock starts with the process; a call from Python starts it here
    _STARTED = time.monotonic() - (_process_age() if argv is None else 0.0)
    sys.set_int_max_str_digits(0)   # exact counts are printed in full, however many digits
    if argv is None:
        os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", BLAS_THREAD_TIMEOUT)   # before numpy loads
        _start_quickly()
        _terminate_like_ctrl_c()
    try:
        return _run(argv)
    finally:
        if argv is None:
            # the process ends now: Python's garbage collections at exit walk every object
            # numpy and the solvers made (50-100 ms, more than a tiny count); frozen objects
            # are skipped. Streams are still flushed and atexit handlers still run.
            import gc
            gc.freeze()


def _run(argv):
    with _result_channel():
        try:
            parser = build_parser()
            if not (sys.argv[1:] if argv is None else argv):
                print(parser.format_help(), file=sys.stderr, end="")
                return 2
            args = parser.parse_args(argv)
            return args.func(args)
        except UsageError as e:
            print(f"{e.prog}: error: {e}", file=sys.stderr)
            return 2
        except RegionmathError as e:
            print(f"regionmath: error: {e}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print("regionmath: interrupted", file=sys.stderr)
            return 130
        except BrokenPipeError:  # output piped into `head`: stop quietly
            return 0


if __name__ == "__main__":
    sys.exit(main())
