"""A hypothesis strategy of networks built to break floating-point region counters.

Each network is legal (finite float weights, a box with lo < hi) and small enough for an exact
ground truth, and carries one or more of the traps of issue 16:

* per-row scales from 1e-6 to 1e6 (a row and the next layer's column rescaled, or not);
* near-opposite and near-parallel twins of a unit, 1e-8 .. 1e-13 apart;
* integer weights with coincidences (repeated and opposite rows, concurrent lines);
* boxes from 1e-9 to 1e9 wide, off-centre;
* deep nets with dead layers (every unit of a layer off on the whole box) and dead units;
* maxout units with nearly tied pieces.
"""

import numpy as np
from hypothesis import strategies as st

from regionmath.network import Network


@st.composite
def adversarial_nets(draw, max_units=6):
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    activation = draw(st.sampled_from(["relu", "relu", "relu", "maxout"]))
    rank = 1 if activation == "relu" else draw(st.integers(2, 3))
    n0 = draw(st.integers(1, 3))
    depth = draw(st.integers(1, 3))
    budget = max_units if activation == "relu" else max(2, max_units // rank)
    widths = []
    for _ in range(depth):
        left = budget - sum(widths)
        if left <= 0:
            break
        widths.append(draw(st.integers(1, min(3, left))))
    integer = draw(st.booleans())
    Ws, bs, prev = [], [], n0
    for w in widths:
        rows = w * rank
        if integer:
            W = rng.integers(-2, 3, size=(rows, prev)).astype(float)
            b = rng.integers(-2, 3, size=rows).astype(float) / rng.choice([1, 2])
            if rows >= 2 and rng.random() < 0.5:       # a repeated or opposite row
                i, j = rng.choice(rows, 2, replace=False)
                sgn = rng.choice([1.0, -1.0])
                W[j], b[j] = sgn * W[i], sgn * b[i]
        else:
            W = rng.normal(size=(rows, prev))
            b = rng.normal(size=rows) * 0.5
        Ws.append(W)
        bs.append(b)
        prev = w
    traps = draw(st.lists(st.sampled_from(["scale", "twin", "dead", "tie", "scale_keep"]), max_size=3))
    for trap in traps:
        l = int(rng.integers(len(Ws)))
        W, b = Ws[l], bs[l]
        rows = W.shape[0]
        if trap == "twin" and rows >= 2:
            i, j = rng.choice(rows, 2, replace=False)
            gap = 10.0 ** -float(rng.uniform(8, 13))
            sgn = rng.choice([1.0, -1.0])                # near-parallel or near-opposite
            W[j] = sgn * W[i] * (1 + gap * rng.choice([-1, 0, 1]))
            b[j] = sgn * b[i] + gap * rng.choice([-1.0, 1.0])
        elif trap == "tie" and activation == "maxout":
            u = int(rng.integers(rows // rank))
            base = u * rank
            W[base + 1] = W[base] + 10.0 ** -float(rng.uniform(8, 13)) * rng.normal(size=W.shape[1])
            b[base + 1] = b[base] + 10.0 ** -float(rng.uniform(8, 13)) * rng.choice([-1.0, 0.0, 1.0])
        elif trap == "dead" and l + 1 < len(Ws) and activation == "relu":
            b -= np.abs(W).sum(axis=1) * 100 + 1         # layer l dead on the unit box
        elif trap in ("scale", "scale_keep") and activation == "relu":
            s = 10.0 ** rng.uniform(-6, 6, size=rows)
            W *= s[:, None]
            b *= s
            if trap == "scale_keep" and l + 1 < len(Ws):
                Ws[l + 1] = Ws[l + 1] / s[None, :]       # same function, rows of mixed scale
    width = 10.0 ** float(draw(st.floats(-9, 9)))
    centre = draw(st.sampled_from([0.0, 0.0, 1.0, -3.0])) * (width if draw(st.booleans()) else 1.0)
    lo = np.full(n0, centre - width / 2)
    hi = np.full(n0, centre + width / 2)
    if width < 1e-3 or width > 1e3:
        # keep something happening inside: move the first layer's hyperplanes into the box
        Ws[0] = Ws[0] / width
        bs[0] = bs[0] - Ws[0] @ np.full(n0, centre)
    return Network(Ws, bs, activation, rank, box=(lo, hi))
