"""The ``regionmath`` command: parses, calls the library, prints. No mathematics here.

Exit codes: 0 success; 1 a verification that disagrees or a count that did not complete;
2 bad input (one line on stderr saying what is wrong and what is allowed).
"""

from __future__ import annotations

import argparse
import json
import sys

from .errors import RegionmathError


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2
        raise RegionmathError(f"{self.prog}: {message}")


def _int_list(text):
    try:
        values = [int(v) for v in text.split(",") if v.strip() != ""]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated positive integers, got {text!r}") from None
    if not values:
        raise argparse.ArgumentTypeError("expected at least one width")
    return values


def _arch_args(p, widths_required=True):
    p.add_argument("--n0", type=int, required=widths_required, help="input dimension")
    p.add_argument("--widths", type=_int_list, required=widths_required, help="hidden widths, e.g. 10,12")
    p.add_argument("--rank", type=int, default=None, help="maxout rank k (makes it a maxout network)")


def _architecture(args):
    from .architecture import Architecture
    if args.rank is None:
        return Architecture(args.n0, tuple(args.widths))
    return Architecture(args.n0, tuple(args.widths), activation="maxout", rank=args.rank)


def _print_json(obj):
    print(json.dumps(obj, indent=2))


# -- bounds ---------------------------------------------------------------------------------
def _bound_record(bound, arch):
    violated = bound.hypotheses(arch)
    rec = {"id": bound.id, "kind": bound.kind, "value": None, "source": str(bound.source),
           "hypotheses_hold": not violated}
    if violated:
        rec["violated"] = violated
    elif bound.has_value:
        rec["value"] = str(bound.value(arch))
    else:
        rec["asymptotic"] = str(bound.asymptotic("n"))
    return rec


def cmd_bounds(args):
    from . import bounds
    arch = _architecture(args)
    records = [_bound_record(b, arch) for b in bounds.all_bounds(arch.activation) if not b.needs_weights]
    if args.json:
        _print_json(records)
        return 0
    print(f"bounds for {arch}")
    for r in records:
        if not r["hypotheses_hold"]:
            shown = "n/a: " + "; ".join(r["violated"])
        else:
            shown = r["value"] if r["value"] is not None else r.get("asymptotic", "")
        print(f"  {r['id']:<24} {r['kind']:<6} {shown}")
        print(f"  {'':<24} {'':<6} ({r['source']})")
    return 0


def cmd_bound(args):
    from . import bounds
    bound = bounds.get(args.id)
    if args.asymptotic:
        form = bound.asymptotic(args.variable)
        if args.json:
            _print_json({"id": bound.id, "kind": bound.kind, "source": str(bound.source),
                         "order": form.order, "term": str(form.term), "variable": str(form.variable),
                         "constant": None if form.constant is None else str(form.constant)})
        else:
            print(form)
        return 0
    if args.widths is None or args.n0 is None:
        raise RegionmathError("--n0 and --widths are required unless --asymptotic is given")
    arch = _architecture(args)
    if bound.needs_weights:
        raise RegionmathError(f"{bound.id} needs a network's weights, not only an architecture; from Python use "
                              f"regionmath.bounds.get({bound.id!r}).value(...) (its docstring says what it takes)")
    if args.symbolic:
        import sympy as sp
        expr = bound.expr(arch)
        if args.json:
            _print_json({"id": bound.id, "kind": bound.kind, "source": str(bound.source), "expr": sp.sstr(expr),
                         "latex": sp.latex(expr)})
        else:
            print(sp.pretty(expr, use_unicode=False))
        return 0
    value = bound.value(arch)   # raises, naming the violated hypotheses
    if args.json:
        _print_json({"id": bound.id, "kind": bound.kind, "value": str(value), "source": str(bound.source),
                     "hypotheses_hold": True})
    else:
        print(value)
    return 0


def cmd_compare(args):
    from .asymptotics import compare
    rec = compare(args.n0, by=args.by, width=args.width, depth=args.depth, deep=args.deep)
    if args.json:
        _print_json(rec)
        return 0
    print(rec["summary"])
    if rec["ratio"] is not None:
        print(f"deep/shallow leading terms in {rec['variable']}: {rec['ratio']} -> {rec['ratio_limit']}")
    return 0


# -- constructions, counting, verification ------------------------------------------------------
def cmd_construct(args):
    from .constructions import build
    construction = build(args.id, _architecture(args))
    construction.network.save(args.output)
    print(f"wrote {args.output}: {construction.id} on {construction.network.architecture}, "
          f"claimed {construction.claimed} regions")
    return 0


def _progress_printer(enabled):
    if not enabled:
        return None
    import time
    last = [0.0]

    def show(info):
        now = time.monotonic()
        if now - last[0] >= 1.0:
            last[0] = now
            rate = info.get("rate")
            extra = f" ({rate:,.0f} regions/s)" if rate else ""
            print(f"\r  {info.get('count', 0):,} regions, {info.get('seconds', 0):.0f} s{extra}",
                  end="", file=sys.stderr, flush=True)
    return show


def cmd_count(args):
    from .counting import count_regions
    from .network import Network
    net = Network.load(args.network)
    result = count_regions(net, method=args.method, time_limit=args.time_limit, definition=args.definition,
                           progress=_progress_printer(not args.json and sys.stderr.isatty()))
    if args.json:
        _print_json(result.as_dict())
    else:
        state = "complete" if result.complete else "INCOMPLETE (a lower bound)"
        cert = {True: "certified", False: "NOT certified", None: "not certified"}[result.certified]
        print(f"{result.count} regions ({state}; {result.method}; {cert}; {result.seconds:.2f} s)")
    return 0 if result.complete else 1


def cmd_verify(args):
    from .constructions import build
    from .verify import verify
    construction = build(args.id, _architecture(args))
    report = verify(construction, method=args.method, time_limit=args.time_limit)
    if args.json:
        _print_json(report.as_dict())
    else:
        print(report)
    return 0 if report.agrees else 1


def cmd_search(args):
    from .search import search_max_regions
    show = None
    if not args.json and sys.stderr.isatty():
        def show(info):
            print(f"\r  best {info['best']} (upper {info['upper']}), {info['evaluations']} evaluations, "
                  f"{info['restarts']} restarts, {info['seconds']:.0f} s", end="", file=sys.stderr, flush=True)
    result = search_max_regions(_architecture(args), time_limit=args.time_limit, seed=args.seed,
                                max_evals=args.evals, use_constructions=not args.no_constructions, progress=show)
    if show is not None:
        print(file=sys.stderr)
    result.network.save(args.output)
    if args.json:
        _print_json(result.as_dict())
    else:
        state = "settled: meets the upper bound" if result.settled else \
            ("complete" if result.complete else "INCOMPLETE (time limit): best so far")
        up = f"{result.upper[1]} ({result.upper[0]})" if result.upper else "none"
        print(f"wrote {args.output}: {result.count} regions in R^n0 "
              f"({'certified' if result.certified else 'NOT certified'}; {state}; upper bound {up}; "
              f"{result.evaluations} evaluations, {result.seconds:.1f} s)")
    return 0 if result.complete else 1


# -- arrangements, tables -----------------------------------------------------------------------
def cmd_arrangement(args):
    from . import arrangements
    if args.file:
        if args.name or args.N is not None:
            raise RegionmathError("give either an arrangement NAME N or --file, not both")
        arr = arrangements.Arrangement.from_json_file(args.file)
    else:
        if not args.name or args.N is None:
            raise RegionmathError("give an arrangement NAME N (shi, catalan, braid, generic) or --file hyperplanes.json")
        arr = arrangements.named(args.name, args.N, dim=args.dim)
    summary = arr.summary()
    if args.json:
        _print_json({k: (str(v) if isinstance(v, int) and not isinstance(v, bool) else v) for k, v in summary.items()})
    else:
        for key, v in summary.items():
            print(f"{key}: {v}")
    return 0


def cmd_tables(args):
    from .tables import generate
    generate(args.out, names=args.names or None, progress=not args.quiet)
    return 0


def build_parser():
    p = _Parser(prog="regionmath", description="Linear regions of piecewise-linear networks: "
                                               "bounds, constructions, counting.")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)
    sub.required = True

    q = sub.add_parser("bounds", help="all bounds that apply to an architecture")
    _arch_args(q)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_bounds)

    q = sub.add_parser("bound", help="one bound: exact value, sympy expression or asymptotic form")
    q.add_argument("id")
    _arch_args(q, widths_required=False)
    g = q.add_mutually_exclusive_group()
    g.add_argument("--symbolic", action="store_true")
    g.add_argument("--asymptotic", action="store_true")
    q.add_argument("--variable", default="n", choices=["n", "L"], help="with --asymptotic: width n or depth L")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_bound)

    q = sub.add_parser("compare", help="deep lower bound vs shallow maximum: crossover and asymptotic ratio")
    q.add_argument("--n0", type=int, required=True, help="input dimension")
    q.add_argument("--by", default="units", choices=["units", "parameters"], help="same units or same parameters")
    q.add_argument("--width", type=int, default=None, help="fixed width; the depth is searched (default: the narrowest width at "
                   "which the deep bound grows with depth, 2*n0 for Thm 4)")
    q.add_argument("--depth", type=int, default=None, help="fixed depth; the width is searched")
    q.add_argument("--deep", default="montufar2014-thm4", help="registry id of the deep lower bound")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_compare)

    q = sub.add_parser("construct", help="write a published construction's network")
    q.add_argument("id")
    _arch_args(q)
    q.add_argument("-o", "--output", required=True)
    q.set_defaults(func=cmd_construct)

    from .counting import METHODS as methods
    q = sub.add_parser("count", help="count the regions of a network file")
    q.add_argument("network")
    q.add_argument("--method", default="auto", choices=methods)
    q.add_argument("--time-limit", type=float, default=None)
    q.add_argument("--definition", default="interior", choices=["interior", "serra2018"])
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_count)

    q = sub.add_parser("verify", help="build a construction, count it, certify it")
    q.add_argument("id")
    _arch_args(q)
    q.add_argument("--method", default="auto", choices=methods)
    q.add_argument("--time-limit", type=float, default=None)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_verify)

    q = sub.add_parser("search", help="search the weights for many regions in R^n0; write the best network")
    _arch_args(q)
    q.add_argument("--time-limit", type=float, default=60.0, help="seconds (default 60)")
    q.add_argument("--evals", type=int, default=None, help="budget of region counts")
    q.add_argument("--seed", type=int, default=0)
    q.add_argument("--no-constructions", action="store_true", help="do not start from the published constructions")
    q.add_argument("-o", "--output", required=True)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_search)

    q = sub.add_parser("arrangement", help="a hyperplane arrangement's regions and characteristic polynomial")
    q.add_argument("name", nargs="?", choices=["shi", "catalan", "braid", "generic"])
    q.add_argument("N", nargs="?", type=int)
    q.add_argument("--dim", type=int, default=None)
    q.add_argument("--file", default=None)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_arrangement)

    q = sub.add_parser("tables", help="regenerate every table and figure")
    q.add_argument("names", nargs="*", help="only these tables")
    q.add_argument("--out", default="tables")
    q.add_argument("--quiet", action="store_true")
    q.set_defaults(func=cmd_tables)
    return p


def main(argv=None):
    sys.set_int_max_str_digits(0)   # exact counts are printed in full, however many digits
    try:
        args = build_parser().parse_args(argv)
        return args.func(args)
    except RegionmathError as e:
        print(f"regionmath: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("regionmath: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head`: stop quietly
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
