"""The experiments of the source papers, reproduced on data that ships with a package.

* :mod:`regionmath.experiments.serra2018`: Serra, Tjandraatmadja, Ramalingam 2018, Sec. 5:
  regions of two-layer ReLU nets with 22 units, against the upper bounds and the error.
* :mod:`regionmath.experiments.montufar2014`: Montúfar, Pascanu, Cho, Bengio 2014, Fig. 1 /
  App. F (shallow 20 vs deep 10 + 10 units on a sinusoidal boundary) and Sec. 2.6 / App. G
  (inputs in different regions that a hidden unit maps to the same value).

Trained weights are cached in ``regionmath/experiments/weights/`` (the functions that
trained them are here too; ``scripts/train_experiments.py`` reruns them), so every table
and figure is regenerated from committed files without training or downloading anything.
"""

from pathlib import Path

WEIGHTS = Path(__file__).resolve().parent / "weights"
__all__ = ["WEIGHTS"]


