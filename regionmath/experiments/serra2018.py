r"""Serra, Tjandraatmadja, Ramalingam 2018, Sec. 5: counted regions of trained nets vs the bounds.

The paper trains ReLU networks with two hidden layers totalling 22 units, widths
``(n1, 22 - n1)``, ten per width, on MNIST (784 inputs), counts every activation region in
``[0, 1]^784`` with its MILP, and compares the counts (mean, min-max range) with three upper
bounds: ``2^22`` (Montúfar 2014, Prop. 3), Montúfar 2017 and its own Theorem 1; it also plots
the counts against the training and test errors.

What this module does differently, and why
------------------------------------------
* **Data set**: scikit-learn's bundled 8x8 digits (1,797 images, 64 inputs scaled to
  ``[0, 1]``; a stratified 70/30 train/test split), not MNIST: nothing may be downloaded at run
  time, and with 64 inputs the counts finish in minutes rather than the paper's hours. The
  input dimension enters the bounds: they are evaluated at ``n0 = 64``. Since ``64 >= 22``
  every bound is the same as at ``n0 = 784`` (each ``min(n0, ...)`` is decided by the widths).
* **Training**: scikit-learn's ``MLPClassifier`` (Adam, ``max_iter=300``), three seeds per
  width (:data:`SEEDS`) rather than ten; the weights are cached in
  ``experiments/weights/serra2018/`` (DESIGN.md's ``.npz`` format with the box ``[0, 1]^64``),
  so a count can be repeated with ``regionmath count FILE``.
* **Counting**: :func:`regionmath.counting.count_regions` (exact enumeration, every region
  with an exactly certified witness), not the paper's CPLEX MILP. Counts are cached in
  ``experiments/weights/serra2018_counts.json`` with whether each finished; a count that hit
  its time limit is a lower bound and is shown as one, never as a finished count. Recompute
  with ``python scripts/train_experiments.py serra2018-count --time-limit S [--n1 ...]``.
  The committed counts were made with limits of 60 to 300 s per network on a shared
  two-core machine: every net with ``n1 <= 14`` finished (up to 717,044 regions); those
  with ``n1 >= 15`` were stopped at 60-90 s and are lower bounds (over 100,000 each). A
  counter failure records nothing for that network (``counted`` tells how many finished).

Examples
--------
>>> rows = table_rows()
>>> rows[10]["n1"], rows[10]["n2"], rows[10]["montufar2014-prop3"]
(11, 11, 4194304)
>>> all(r["serra2018-thm1"] <= r["montufar2017"] <= r["montufar2014-prop3"] for r in rows)
True

References
----------
.. [1] T. Serra, C. Tjandraatmadja, S. Ramalingam, "Bounding and counting linear regions of
   deep neural networks", ICML 2018 (arXiv 1711.02114), Sec. 5 and Theorem 1.
.. [2] G. Montúfar, R. Pascanu, K. Cho, Y. Bengio, "On the number of linear regions of deep
   neural networks", NIPS 2014, Prop. 3.
.. [3] G. Montúfar, "Notes on the number of linear regions of deep neural networks", 2017.
"""

from __future__ import annotations

import json
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

from . import WEIGHTS
from ..architecture import Architecture
from ..errors import RegionmathError

UNITS = 22
N1 = tuple(range(1, UNITS))
SEEDS = (0, 1, 2)
N0 = 64
BOUNDS = ("montufar2014-prop3", "montufar2017", "serra2018-thm1", "hinz2021")
#: the bound for a given network (stable units on [0, 1]^64 and weight ranks), per width its maximum over the nets
WEIGHT_AWARE = "serra2020-weights"
NET_DIR = WEIGHTS / "serra2018"
META_FILE = WEIGHTS / "serra2018_training.json"
COUNTS_FILE = WEIGHTS / "serra2018_counts.json"

__all__ = ["load_data", "train_one", "train_all", "network", "count_all", "table_rows", "figure", "slice_figure",
           "UNITS", "N1",
           "SEEDS", "BOUNDS"]


def load_data():
    """The bundled 8x8 digits scaled to ``[0, 1]``: ``(X_train, X_test, y_train, y_test)``."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    return train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)


def name(n1, seed) -> str:
    """The cache key (and file stem) of the network of width ``(n1, 22 - n1)`` and ``seed``."""
    return f"n1_{n1:02d}_seed{seed}"


def train_one(n1, seed, data=None):
    """Train one ``(n1, 22 - n1)`` ReLU MLP; returns ``(network, train_error, test_error)``."""
    import warnings
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from ..importers import from_sklearn
    if not 1 <= n1 < UNITS:
        raise RegionmathError(f"n1 must be between 1 and {UNITS - 1}, got {n1}")
    Xtr, Xte, ytr, yte = load_data() if data is None else data
    model = MLPClassifier(hidden_layer_sizes=(n1, UNITS - n1), max_iter=300, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(Xtr, ytr)
    net = from_sklearn(model, domain=(np.zeros(N0), np.ones(N0)))
    return net, 1 - model.score(Xtr, ytr), 1 - model.score(Xte, yte)


def train_all(n1s=N1, seeds=SEEDS, progress=print):
    """Train every network and write its weights and errors to the cache (the committed files)."""
    NET_DIR.mkdir(parents=True, exist_ok=True)
    data = load_data()
    meta = _read(META_FILE)
    for n1 in n1s:
        for seed in seeds:
            net, tr, te = train_one(n1, seed, data)
            net.save(NET_DIR / f"{name(n1, seed)}.npz")
            meta[name(n1, seed)] = {"n1": n1, "n2": UNITS - n1, "seed": seed,
                                    "train_error": round(tr, 6), "test_error": round(te, 6)}
            if progress:
                progress(f"{name(n1, seed)}: train error {tr:.3f}, test error {te:.3f}")
    _write(META_FILE, meta)


def network(n1, seed):
    """The cached trained network of width ``(n1, 22 - n1)`` and ``seed``."""
    from ..network import Network
    path = NET_DIR / f"{name(n1, seed)}.npz"
    if not path.is_file():
        raise RegionmathError(f"no cached network {path.name}; widths n1 in 1..{UNITS - 1}, seeds {SEEDS}")
    return Network.load(path)


def count_all(time_limit=600.0, n1s=N1, seeds=SEEDS, redo_incomplete=True, progress=print, method="auto"):
    """Count the regions of every cached network in ``[0, 1]^64`` and cache the results.

    Finished counts are kept; unfinished ones are redone when ``redo_incomplete`` (with the
    new ``time_limit``) and kept only if the new count is larger. The cache is rewritten
    after every network, so an interrupted run loses nothing.
    """
    from ..counting import count_regions
    counts = _read(COUNTS_FILE)
    for n1 in n1s:
        for seed in seeds:
            key = name(n1, seed)
            old = counts.get(key)
            if old is not None and (old["complete"] or not redo_incomplete):
                continue
            start = time.perf_counter()
            try:
                result = count_regions(network(n1, seed), method=method, time_limit=time_limit)
            except (RuntimeError, RegionmathError) as e:  # a counter failure is not a count: record nothing
                if progress:
                    progress(f"{key}: counting failed ({type(e).__name__}: {e}); nothing recorded")
                continue
            rec = {"count": str(result.count), "complete": bool(result.complete),
                   "certified": bool(result.certified), "method": result.method,
                   "time_limit": time_limit, "seconds": round(time.perf_counter() - start, 1)}
            if old is None or rec["complete"] or int(rec["count"]) > int(old["count"]):
                counts[key] = rec
                _write(COUNTS_FILE, counts)
            if progress:
                progress(f"{key}: {rec['count']} regions, complete={rec['complete']}, "
                         f"certified={rec['certified']}, {rec['seconds']} s")
    return counts


def _read(path: Path) -> dict:
    return json.loads(path.read_text()) if path.is_file() else {}


def _write(path: Path, obj) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(obj, indent=1, sort_keys=True) + "\n")
    tmp.replace(path)


def table_rows() -> list:
    """One row per width ``n1`` (a dict), from the cached weights, errors and counts.

    Keys: ``n1, n2, nets`` (trained networks), ``counted`` (how many counts finished),
    ``certified`` (how many finished counts had every witness pass the exact check),
    ``regions_min, regions_max`` (ints; over all networks with a count), ``regions_mean``
    (a Fraction; over the same), ``lower_bound_only`` (True when some of those counts is
    unfinished: then min/mean/max are lower bounds), ``train_error, test_error`` (means, fractions of
    the data set as floats rounded to 4 places), one key per bound id in :data:`BOUNDS`
    (exact ints at ``n0 = 64``), and :data:`WEIGHT_AWARE`: the largest weight-aware bound of the
    width's nets (:func:`regionmath.bounds.weights.serra2020_weights` on ``[0, 1]^64``).
    """
    from .. import bounds
    from ..bounds.weights import serra2020_weights
    meta, counts = _read(META_FILE), _read(COUNTS_FILE)
    rows = []
    for n1 in N1:
        arch = Architecture(N0, (n1, UNITS - n1))
        keys = [name(n1, s) for s in SEEDS if name(n1, s) in meta]
        got = [counts[k] for k in keys if k in counts]
        values = [int(c["count"]) for c in got]
        row = {"n1": n1, "n2": UNITS - n1, "nets": len(keys), "counted": sum(c["complete"] for c in got),
               "certified": sum(c["complete"] and c["certified"] for c in got),
               "regions_min": min(values) if values else None, "regions_max": max(values) if values else None,
               "regions_mean": Fraction(sum(values), len(values)) if values else None,
               "lower_bound_only": not all(c["complete"] for c in got),
               "train_error": round(float(np.mean([meta[k]["train_error"] for k in keys])), 4) if keys else None,
               "test_error": round(float(np.mean([meta[k]["test_error"] for k in keys])), 4) if keys else None}
        for b in BOUNDS:
            row[b] = bounds.get(b).value(arch)
        row[WEIGHT_AWARE] = max((serra2020_weights(network(n1, s)) for s in SEEDS if name(n1, s) in meta),
                                default=None)
        rows.append(row)
    return rows


def slice_figure(path, n1=11, seed=0, samples=(0, 1, 2)) -> Path:
    """The exact regions of a trained net on the plane through three training digits.

    The plane ``x0 + s (x1 - x0) + t (x2 - x0)`` inside ``[0, 1]^64``
    (:func:`regionmath.pictures.slice_polygons`); the digits sit at ``(0, 0), (1, 0), (0, 1)``.
    """
    import matplotlib.pyplot as plt
    from ..pictures import paper_style, plot_regions, save_figure, slice_polygons
    Xtr, _, ytr, _ = load_data()
    p = [Xtr[i] for i in samples]
    polys = slice_polygons(network(n1, seed), *p)
    with paper_style():
        fig, ax = plt.subplots(figsize=(4.6, 4.8))
        plot_regions(polys, ax=ax, xlabel="$s$", ylabel="$t$")
        for (s, t), i in zip(((0, 0), (1, 0), (0, 1)), samples):
            ax.plot(s, t, "ko", ms=4)
            ax.annotate(f"digit {ytr[i]}", (s, t), textcoords="offset points", xytext=(4, 4))
        ax.set_title(f"({n1}, {UNITS - n1}) net, seed {seed}: {len(polys)} regions on the plane\n"
                     f"through training digits {list(samples)} (inside $[0,1]^{{64}}$)")
        save_figure(fig, path)
        plt.close(fig)
    return Path(path)


def figure(path) -> Path:
    """Write the experiment's figure: counts against the bounds (left), against error (right)."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import BoundaryNorm
    from matplotlib.ticker import MultipleLocator
    from ..pictures import paper_style, save_figure
    rows = table_rows()
    meta, counts = _read(META_FILE), _read(COUNTS_FILE)
    with paper_style():
        fig, (ax, bx) = plt.subplots(1, 2, figsize=(10, 4.2), width_ratios=[1, 1.1])
        n1 = np.array([r["n1"] for r in rows])
        styles = {"montufar2014-prop3": ("k", ":", "$2^{22}$ (Montúfar 2014, Prop. 3)"),
                  "montufar2017": ("tab:orange", "--", "Montúfar 2017"),
                  "serra2018-thm1": ("tab:green", "-", "Serra 2018, Thm. 1"),
                  "hinz2021": ("tab:purple", "-.", "Hinz 2021")}
        for b in BOUNDS:
            c, ls, label = styles[b]
            ax.plot(n1, [float(r[b]) for r in rows], color=c, ls=ls, label=label + " (upper bound)")
        have = [r for r in rows if r["regions_mean"] is not None]
        for done, marker, label in ((True, "o", "counted: mean, bar min to max"),
                                    (False, "^", "count unfinished: lower bounds")):
            sel = [r for r in have if (not r["lower_bound_only"]) == done]
            if sel:
                x = np.array([r["n1"] for r in sel])
                mean = np.array([float(r["regions_mean"]) for r in sel])
                lo = mean - np.array([r["regions_min"] for r in sel])
                hi = np.array([r["regions_max"] for r in sel]) - mean
                ax.errorbar(x, mean, yerr=[lo, hi], fmt=marker, color="tab:blue" if done else "tab:red", capsize=3,
                            mfc="tab:blue" if done else "none", label=label)
        ax.set_yscale("log")
        ax.xaxis.set_major_locator(MultipleLocator(2))
        ax.xaxis.set_minor_locator(MultipleLocator(1))
        ax.set_xlim(0.5, UNITS - 0.5)
        ax.set_xlabel(f"$n_1$, units in layer 1 (layer 2 has ${UNITS} - n_1$)")
        ax.set_ylabel("activation regions in $[0,1]^{64}$")
        ax.set_title(f"(a) Regions of trained {UNITS}-unit nets (8x8 digits) and upper bounds")
        ax.legend(loc="lower right")
        cmap = plt.get_cmap("viridis", UNITS - 1)
        norm = BoundaryNorm(np.arange(0.5, UNITS), cmap.N)
        for key, m in sorted(meta.items()):
            if key not in counts:
                continue
            c = int(counts[key]["count"])
            colour = cmap(norm(m["n1"]))
            complete = counts[key]["complete"]
            bx.scatter(c, m["test_error"], color=colour, facecolors=colour if complete else "none", marker="o", s=22)
            bx.scatter(c, m["train_error"], color=colour, marker="x" if complete else "+", s=22, linewidths=1)
        bx.set_xscale("log")
        bx.set_xlabel("activation regions (open o and +: unfinished count, a lower bound)")
        bx.set_ylabel("error rate (o: test, x: train)")
        bx.set_ylim(bottom=0)
        bx.set_title("(b) Error against regions, one mark per network")
        cb = fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), ax=bx, ticks=range(1, UNITS, 2))
        cb.set_label("$n_1$")
        save_figure(fig, path)
        plt.close(fig)
    return Path(path)
