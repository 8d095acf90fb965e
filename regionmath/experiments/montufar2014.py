r"""Montúfar, Pascanu, Cho, Bengio 2014: Fig. 1 / App. F and Sec. 2.6 / App. G.

Fig. 1 / App. F: a shallow ReLU net with 20 hidden units and a deep one with two layers of
10 are trained on a binary problem in the plane whose classes are separated by a sinusoid;
the deep net "captures the desired boundary more accurately, approximating it with a larger
number of linear pieces". The paper gives no more of the set-up than that (its nets were
trained by conjugate natural gradient, "the best of several runs"; 123 vs 24 misclassified
examples of an unstated number). Here, stated in full:

* data (:func:`sinusoid_data`): 2,000 training and 2,000 test points uniform in
  ``[-1, 1]^2``, label ``x2 > 0.5 sin(2 pi x1)`` (two periods across the square);
* training: scikit-learn ``MLPClassifier`` with L-BFGS (``alpha=1e-5``), the best training
  error of :data:`RUNS` seeds per model; the chosen weights are cached in ``weights/``;
* regions are counted exactly in the square ``[-1, 1]^2`` as polygons
  (:func:`regionmath.pictures.region_polygons`; equal to
  :func:`regionmath.counting.count_regions`), together with Montúfar's own count, the
  maximal affine pieces of the output (:func:`regionmath.pictures.linear_pieces`).

Sec. 2.6 / App. G: the linear map of unit ``j`` of layer ``l`` on the region of an input is
eq. (8), ``u = (W_l)_j diag(1[f_{l-1} > 0]) W_{l-1} ... diag(1[f_1 > 0]) W_1`` with its bias
(:meth:`regionmath.network.Network.unit_linear_map`). Starting from training inputs whose
activation is close to a value ``a``, each input is moved along its own ``u`` until the unit
reads exactly ``a`` (:func:`identified_inputs`); inputs coming from different regions of the
earlier layers are then distinct inputs that the unit identifies. Everything is checked in
exact rational arithmetic: the value is exactly ``a`` and each point is strictly inside its
region, so (the paper's perturbation argument) a whole open piece of each region maps to
the same value.

Examples
--------
>>> rows = fig1_rows()
>>> [(r["model"], r["widths"]) for r in rows]
[('shallow', (20,)), ('deep', (10, 10))]
>>> all(r["regions"] >= r["linear_pieces"] for r in rows)
True

References
----------
.. [1] G. Montúfar, R. Pascanu, K. Cho, Y. Bengio, "On the number of linear regions of deep
   neural networks", NIPS 2014 (arXiv 1402.1869), Fig. 1, Sec. 2.6, eq. (8), App. F, App. G.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from . import WEIGHTS
from ..errors import RegionmathError

MODELS = {"shallow": (20,), "deep": (10, 10)}
RUNS = 16
BOX = ([-1.0, -1.0], [1.0, 1.0])
META_FILE = WEIGHTS / "montufar2014_training.json"

__all__ = ["sinusoid_data", "train", "train_all", "network", "fig1_rows", "figure1", "identified_inputs",
           "appendix_g", "appendix_g_figure", "MODELS"]


def sinusoid_data(n=2000, seed=0):
    """``n`` points uniform in ``[-1, 1]^2`` and labels ``x2 > 0.5 sin(2 pi x1)`` (0/1 ints).

    ``seed=0`` is the training set, ``seed=1`` the test set.
    """
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 1.0, (n, 2))
    return X, (X[:, 1] > 0.5 * np.sin(2 * np.pi * X[:, 0])).astype(int)


def train(model, runs=RUNS, progress=print):
    """Train ``runs`` seeds of ``model`` ("shallow" or "deep"); the best training error wins.

    Returns ``(network, info)`` with ``info`` the seed and every run's training errors.
    """
    import warnings
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from ..importers import from_sklearn
    if model not in MODELS:
        raise RegionmathError(f"unknown model {model!r}; allowed: {', '.join(MODELS)}")
    X, y = sinusoid_data()
    best, errors = None, []
    for seed in range(runs):
        clf = MLPClassifier(hidden_layer_sizes=MODELS[model], solver="lbfgs", alpha=1e-5, max_iter=5000,
                            tol=1e-9, random_state=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X, y)
        err = int((clf.predict(X) != y).sum())
        errors.append(err)
        if progress:
            progress(f"{model} seed {seed}: {err} misclassified")
        if best is None or err < best[0]:
            best = (err, seed, clf)
    return from_sklearn(best[2], box=BOX), {"seed": best[1], "runs": runs, "train_misclassified_per_run": errors}


def train_all(runs=RUNS, progress=print):
    """Train both models and write the cached weights (``weights/montufar2014_*.npz``)."""
    meta = {}
    for model in MODELS:
        net, info = train(model, runs, progress)
        net.save(WEIGHTS / f"montufar2014_{model}.npz")
        meta[model] = info
    META_FILE.write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n")


def network(model):
    """The cached trained network ``model`` ("shallow" or "deep") on the box ``[-1, 1]^2``."""
    from ..network import Network
    if model not in MODELS:
        raise RegionmathError(f"unknown model {model!r}; allowed: {', '.join(MODELS)}")
    return Network.load(WEIGHTS / f"montufar2014_{model}.npz")


def misclassified(net, X, y) -> np.ndarray:
    """A boolean mask of the points the binary classifier ``net`` (one logit) gets wrong."""
    return (net.forward(X)[:, 0] > 0).astype(int) != np.asarray(y)


def fig1_rows() -> list:
    """One row per model: regions, affine pieces, misclassified training and test points.

    Keys: ``model, widths, regions`` (activation regions in the square, exact),
    ``linear_pieces`` (maximal affine pieces of the output logit, Montúfar's count),
    ``train_misclassified, test_misclassified, points`` (points per set).
    """
    from ..pictures import linear_pieces, region_polygons
    Xtr, ytr = sinusoid_data(seed=0)
    Xte, yte = sinusoid_data(seed=1)
    rows = []
    for model, widths in MODELS.items():
        net = network(model)
        polys = region_polygons(net)
        rows.append({"model": model, "widths": widths, "regions": len(polys),
                     "linear_pieces": linear_pieces(net, polys),
                     "train_misclassified": int(misclassified(net, Xtr, ytr).sum()),
                     "test_misclassified": int(misclassified(net, Xte, yte).sum()), "points": len(ytr)})
    return rows


def figure1(path) -> Path:
    """Fig. 1: each model's regions (a colour each) with its learnt boundary; then both
    boundaries on the data with the true sinusoid; filled markers are the shallow model's errors."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection
    from ..pictures import decision_boundary, plot_regions, region_polygons
    X, y = sinusoid_data()
    fig, axes = plt.subplots(1, 3, figsize=(15, 5))
    segs = {}
    for ax, model in zip(axes, MODELS):
        net = network(model)
        polys = region_polygons(net)
        segs[model] = decision_boundary(net, polys)
        plot_regions(polys, ax=ax, boundary=segs[model])
        wrong = int(misclassified(net, X, y).sum())
        ax.set_title(f"{model} {MODELS[model]}: {len(polys)} regions, {wrong} of {len(y)} misclassified",
                     fontsize=10)
    ax = axes[2]
    t = np.linspace(-1, 1, 400)
    ax.plot(t, 0.5 * np.sin(2 * np.pi * t), color="0.6", lw=4, alpha=0.6, label="true boundary")
    for model, ls in (("shallow", "-"), ("deep", "--")):
        ax.add_collection(LineCollection([[(float(a[0]), float(a[1])), (float(b[0]), float(b[1]))]
                                          for a, b in segs[model]], colors="k", linestyles=ls, linewidths=1.3,
                                         label=f"{model}"))
    wrong = misclassified(network("shallow"), X, y)
    ax.scatter(X[~wrong, 0], X[~wrong, 1], c=y[~wrong], cmap="coolwarm", s=5, linewidths=0)
    ax.scatter(X[wrong, 0], X[wrong, 1], c=y[wrong], cmap="coolwarm", s=14, marker="o", edgecolors="k",
               linewidths=0.3)
    ax.set_xlim(-1, 1)
    ax.set_ylim(-1, 1)
    ax.set_aspect("equal")
    ax.legend(fontsize=8, loc="lower left")
    ax.set_title("shallow (solid) vs deep (dashed); filled: shallow errors", fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.94))
    path = Path(path)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


# -- App. G: inputs that a unit identifies ---------------------------------------------------------
def _exact_unit_map(layers, x, layer, unit):
    """Exact eq. (8) at the exact point ``x`` of a relu net: ``(u, prefix pattern, z)``.

    ``z`` is the unit's pre-activation at ``x``; ``u`` is found right to left as a row vector,
    ``(W_l)_j diag(1[f_{l-1} > 0]) W_{l-1} ... diag(1[f_1 > 0]) W_1``; the bias is ``z - u.x``.
    """
    from gmpy2 import mpq
    h, masks = list(x), []
    for W, b in layers[:layer - 1]:
        z = [sum((w * v for w, v in zip(row, h)), mpq(0)) + bb for row, bb in zip(W, b)]
        masks.append([zi > 0 for zi in z])
        h = [zi if on else mpq(0) for zi, on in zip(z, masks[-1])]
    W, b = layers[layer - 1]
    z = sum((w * v for w, v in zip(W[unit], h)), mpq(0)) + b[unit]
    u = list(W[unit])
    for (Wp, _), mask in zip(reversed(layers[:layer - 1]), reversed(masks)):
        u = [sum((ui * Wp[i][j] for i, ui in enumerate(u) if mask[i]), mpq(0)) for j in range(len(Wp[0]))]
    return u, tuple(tuple(int(on) for on in m) for m in masks), z


def identified_inputs(network, X, layer, unit, value=None, count=3, max_steps=10, in_domain=True):
    """Inputs in different regions that unit ``unit`` of ``layer`` maps to exactly ``value``.

    The perturbation of Montúfar et al. 2014, App. G: take the inputs of ``X`` whose
    activation is closest to ``value``; move each along the unit's linear map ``u`` (eq. 8)
    by ``(value - z) / |u|^2``; if the step left the region, repeat from the new point with
    its region's map (at most ``max_steps`` times). Keep a point when, checked exactly, the
    unit reads ``value`` there and the point is strictly inside its region of the layers
    before ``layer`` (so an open piece of that region shares the value); keep one point per
    such region.

    Parameters
    ----------
    network : Network
        A relu network (weights read exactly).
    X : array, shape (m, n0)
        Starting inputs (e.g. training samples).
    layer, unit : int
        ``layer`` is 1-based (layer 1 has one linear map: every point is in the same region
        of the (empty) earlier layers, so at most one point comes back); ``unit`` 0-based.
    value : number or None
        The common activation; default the median positive activation over ``X``.
    count : int
        How many points to return (fewer if ``X`` does not supply them).
    in_domain : bool
        Keep only points inside the network's box.

    Returns
    -------
    list of dict
        ``point`` (exact Fractions), ``float`` (numpy array), ``start`` (index into ``X``),
        ``u`` (eq. 8, floats), ``bias``, ``prefix`` (the pattern of layers ``< layer``),
        ``steps``, and ``value`` (a Fraction) in each.

    References
    ----------
    Montúfar, Pascanu, Cho, Bengio, NIPS 2014, Sec. 2.6, eq. (8) and App. G.
    """
    from ..counting.certify import certify_witness
    from ..network import Network
    from ..exact import exact_layers, to_fraction, to_mpq
    if network.activation != "relu":
        raise RegionmathError("identified_inputs follows eq. (8) for relu networks; got a maxout network")
    if not 1 <= layer <= network.L:
        raise RegionmathError(f"layer must be between 1 and {network.L}, got {layer}")
    if not 0 <= unit < network.widths[layer - 1]:
        raise RegionmathError(f"unit must be between 0 and {network.widths[layer - 1] - 1}, got {unit}")
    X = np.asarray(X, dtype=float)
    z = network.preactivations(X)[layer - 1][:, unit]
    if value is None:
        if not (z > 0).any():
            raise RegionmathError("the unit is inactive on every input of X; give a value")
        value = float(np.median(z[z > 0]))
    target = to_mpq(to_fraction(value))
    layers = exact_layers(network)
    prefix_net = (Network(network.weights[:layer - 1], network.biases[:layer - 1], box=network.box)
                  if layer > 1 else None)
    lo = [to_mpq(v) for v in network.box[0]]
    hi = [to_mpq(v) for v in network.box[1]]
    found, seen = [], set()
    for i in np.argsort(np.abs(z - value), kind="stable"):
        x = [to_mpq(v) for v in X[i]]
        for step in range(max_steps + 1):
            u, prefix, zx = _exact_unit_map(layers, x, layer, unit)
            if zx == target or step == max_steps:
                break
            delta = target - zx
            # move along u; in the box, coordinates at a face that u would push out stay put
            d = [ui if not (in_domain and ((xi == a and ui * delta < 0) or (xi == b and ui * delta > 0))) else 0
                 for ui, xi, a, b in zip(u, x, lo, hi)]
            ud = sum((ui * di for ui, di in zip(u, d)), to_mpq(0))
            if ud == 0:
                break
            t = delta / ud
            x = [xi + t * di for xi, di in zip(x, d)]
            if in_domain:
                x = [min(max(xi, a), b) for xi, a, b in zip(x, lo, hi)]
        if zx != target or prefix in seen:
            continue
        point = [to_fraction(v) for v in x]
        flat = tuple(v for p in prefix for v in p)
        if prefix_net is not None and not certify_witness(prefix_net, flat, point):
            continue  # on a boundary of the earlier layers: not inside one region
        seen.add(prefix)
        found.append({"point": point, "float": np.array([float(v) for v in x]), "start": int(i),
                      "u": np.array([float(v) for v in u]), "bias": float(zx - sum((ui * xi for ui, xi in zip(u, x)), to_mpq(0))),
                      "prefix": flat, "steps": step, "value": to_fraction(target)})
        if len(found) == count or layer == 1:
            break
    return found


def appendix_g(count=3):
    """App. G on two cached nets: a layer-2 unit of the deep sinusoid net and of a 22-unit
    digits net (:mod:`regionmath.experiments.serra2018`, ``n1 = 11``, seed 0), each with
    ``count`` inputs from different regions that the unit maps to the same value.

    Returns ``{"sinusoid": (network, unit, points), "digits": (network, unit, points)}``; the
    unit is the first (lowest index) of layer 2 for which ``count`` points are found.
    """
    from . import serra2018
    out = {}
    for key, net, X in (("sinusoid", network("deep"), sinusoid_data()[0]),
                        ("digits", serra2018.network(11, 0), serra2018.load_data()[0])):
        for unit in range(net.widths[1]):
            z = net.preactivations(X)[1][:, unit]
            if not (z > 0).any():
                continue
            pts = identified_inputs(net, X, 2, unit, count=count)
            if len(pts) == count:
                out[key] = (net, unit, pts)
                break
    return out


def appendix_g_figure(path) -> Path:
    """App. G / Fig. 10: points in different regions with the same activation of a layer-2 unit.

    Left: the deep sinusoid net's regions, the unit's level set (black) and the points.
    Right: for the digits net, the three inputs (top) and their linear maps ``u`` (bottom).
    """
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from ..pictures import level_set, plot_regions, region_polygons
    res = appendix_g()
    fig = plt.figure(figsize=(12, 5))
    gs = fig.add_gridspec(2, 4, width_ratios=[2.2, 1, 1, 1])
    if "sinusoid" in res:
        net, unit, pts = res["sinusoid"]
        ax = fig.add_subplot(gs[:, 0])
        polys = region_polygons(net)
        value = pts[0]["value"]
        plot_regions(polys, ax=ax, boundary=level_set(net, polys, 2, unit, value))
        P = np.array([p["float"] for p in pts])
        ax.scatter(P[:, 0], P[:, 1], c="k", s=30, zorder=3)
        ax.set_title(f"deep net, layer 2 unit {unit}: level set {float(value):.3f}\n"
                     f"{len(pts)} points in different regions", fontsize=9)
    if "digits" in res:
        net, unit, pts = res["digits"]
        for j, p in enumerate(pts[:3]):
            a = fig.add_subplot(gs[0, j + 1])
            a.imshow(p["float"].reshape(8, 8), cmap="gray", vmin=0, vmax=1)
            a.set_title(f"input {j + 1} (from sample {p['start']})", fontsize=8)
            a.axis("off")
            b = fig.add_subplot(gs[1, j + 1])
            lim = np.abs(p["u"]).max()
            b.imshow(p["u"].reshape(8, 8), cmap="RdBu", vmin=-lim, vmax=lim)
            b.set_title("its linear map u (eq. 8)", fontsize=8)
            b.axis("off")
        fig.suptitle(f"digits (11, 11) net, layer 2 unit {unit}: all three inputs give exactly "
                     f"{float(pts[0]['value']):.4f}", fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.94))
    path = Path(path)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
