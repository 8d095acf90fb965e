"""Exact arithmetic in one place: integer and rational conversions.

Every count and bound of the toolkit is an exact integer, and every certificate is checked in
exact rationals. The conversions between floats, decimal strings, fractions and big integers
live here, so that there is one of each:

* :func:`to_fraction` / :func:`fraction_array`: any exact number (int, Fraction, gmpy2 mpq,
  sympy Rational, "p/q" or decimal string, float) to a :class:`fractions.Fraction`; a float is
  taken at its exact value (floats are dyadic rationals);
* :func:`to_mpq`: the same to gmpy2 ``mpq``, the fast type of inner loops;
* :func:`exact_layers` / :func:`fraction_layers`: a network's hidden layers as exact rationals
  (its exact weights when it has them, else its floats), computed once per network;
* :func:`round_to_bits`: a float rounded to a short rational (few significant bits);
* :func:`decimal_string`: a big integer's digits;
* :func:`exact_rank`: the rank over Q of a float or rational matrix.

Examples
--------
>>> decimal_string(2**100)
'1267650600228229401496703205376'
>>> decimal_string(-7)
'-7'
>>> to_fraction("-3/6"), to_fraction(0.375), to_mpq(0.1) == to_fraction(0.1)
(Fraction(-1, 2), Fraction(3, 8), True)
>>> round_to_bits(0.1, 4)
Fraction(13, 128)
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction

import numpy as np

from .errors import RegionmathError

__all__ = ["decimal_string", "to_fraction", "fraction_array", "to_mpq", "exact_layers", "fraction_layers",
           "round_to_bits", "exact_rank", "to_float"]


def to_fraction(x) -> Fraction:
    """An exact Fraction from an int, Fraction, mpq, sympy Rational, float (exactly) or "p/q" string.

    Raises
    ------
    RegionmathError
        For anything that is not a finite rational number (bools, NaN, infinities, other text).
    """
    if isinstance(x, Fraction):
        return x
    if isinstance(x, bool):
        raise RegionmathError(f"not a number: {x!r}")
    if isinstance(x, numbers.Integral):
        return Fraction(int(x))
    if isinstance(x, (float, np.floating)):
        if not np.isfinite(x):
            raise RegionmathError(f"weights must be finite numbers, got {x!r}")
        return Fraction(float(x))
    if isinstance(x, numbers.Rational):   # gmpy2 mpq (registered by gmpy2), sympy Rational
        return Fraction(int(x.numerator), int(x.denominator))
    if isinstance(x, str):
        try:
            return Fraction(x.strip())
        except (ValueError, ZeroDivisionError):
            raise RegionmathError(f"not a rational number: {x!r} (use an integer, 'p/q' or a decimal)") from None
    try:  # sympy Rational and friends
        import sympy as sp
        if isinstance(x, sp.Basic) and x.is_Rational:
            return Fraction(int(x.p), int(x.q))
    except ImportError:  # pragma: no cover
        pass
    raise RegionmathError(f"not a rational number: {x!r}")


def fraction_array(a) -> np.ndarray:
    """An object array of Fractions with the shape of ``a``."""
    arr = np.array(a, dtype=object)
    out = np.empty(arr.shape, dtype=object)
    for idx in np.ndindex(arr.shape):
        out[idx] = to_fraction(arr[idx])
    return out


def to_mpq(v):
    """An exact gmpy2 ``mpq`` from an int, Fraction, mpq or float (at its exact dyadic value)."""
    # gmpy2 loads on first use: its start-up imports importlib.metadata (~50 ms), which a
    # count whose witnesses the float filter certifies never needs
    from gmpy2 import mpq
    if isinstance(v, mpq):
        return v
    if isinstance(v, Fraction):
        return mpq(v.numerator, v.denominator)
    if isinstance(v, (int, np.integer)):
        return mpq(int(v))
    return mpq(float(v))


def _layers(network):
    if network.is_exact:
        return network.exact_weights, network.exact_biases
    return network.weights, network.biases


def exact_layers(network) -> list:
    """The hidden layers of ``network`` as exact rationals: a list of ``(W rows, b)`` of mpq.

    The network's exact weights when it has them, else its floats at their exact values.
    Computed once and kept on the network (its weights are not changed after construction).
    """
    cached = network.__dict__.get("_exact_layers")
    if cached is None:
        cached = [([[to_mpq(v) for v in row] for row in W], [to_mpq(v) for v in b]) for W, b in zip(*_layers(network))]
        network._exact_layers = cached
    return cached


def fraction_layers(network) -> list:
    """:func:`exact_layers` as :class:`fractions.Fraction` (for sympy and for users)."""
    cached = network.__dict__.get("_fraction_layers")
    if cached is None:
        cached = [([[to_fraction(v) for v in row] for row in W], [to_fraction(v) for v in b])
                  for W, b in zip(*_layers(network))]
        network._fraction_layers = cached
    return cached


def round_to_bits(v, bits) -> Fraction:
    """``v`` rounded to ``bits`` significant bits, as an exact Fraction (0 stays 0).

    Relative, not fixed-denominator, rounding: searched networks mix scales (a unit whose
    breakpoint lies far out has a tiny slope next to its bias).
    """
    if v == 0:
        return Fraction(0)
    m, e = math.frexp(v)   # v = m 2^e, 1/2 <= |m| < 1
    return Fraction(round(m * 2 ** bits)) * Fraction(2) ** (e - bits)


def to_float(n) -> float:
    """The float nearest the exact number ``n`` (int, Fraction, mpz), saturating to +-inf
    where ``float(n)`` raises OverflowError (above ~1.8e308: Theorem 1 at 784-600-600 is ~1e361).

    Examples
    --------
    >>> to_float(3), to_float(10 ** 400), to_float(-10 ** 400)
    (3.0, inf, -inf)
    """
    try:
        return float(n)
    except OverflowError:
        return math.inf if n > 0 else -math.inf


def decimal_string(n) -> str:
    """The decimal digits of the integer ``n``, in time quasi-linear in its size.

    Python's ``str(int)`` is quadratic and refuses integers above 4,300 digits; gmpy2 converts a
    10-million-digit integer in about 2.5 s (../shared/TOOLING.md). Below ~3,000 digits
    ``str`` takes microseconds and spares loading gmpy2.

    Parameters
    ----------
    n : int or gmpy2.mpz

    Returns
    -------
    str
    """
    if -_SHORT < n < _SHORT:
        return str(int(n))
    try:
        import gmpy2
    except ImportError:  # pragma: no cover - gmpy2 is a dependency
        import sys
        sys.set_int_max_str_digits(0)
        return str(int(n))
    return gmpy2.mpz(n).digits(10)


#: below this, ``str(int)`` is fast (< 0.1 ms)
_SHORT = 10 ** 3000

#: primes below 2^31 for modular ranks (products of two residues fit in int64)
_RANK_PRIMES = (2147483629, 2147483587)


def exact_rank(matrix) -> int:
    """The rank over the rationals of a float matrix (each float read as the exact dyadic
    rational it is) or of a matrix of Fractions / ints.

    A rank mod ``p`` never exceeds the rank over Q, so a modular rank that reaches
    ``min(rows, cols)`` proves full rank (the usual case; python-flint's ``nmod_mat``, fast
    for a 1000 x 1000 matrix); otherwise the rank is computed over Q (``fmpq_mat``).

    >>> exact_rank([[1.0, 2.0], [2.0, 4.0]]), exact_rank([[0.1, 0.2], [0.3, 0.6000000000000001]])
    (1, 2)
    >>> from fractions import Fraction as F
    >>> exact_rank([[F(1, 3), F(2, 3)], [1, 2]])
    1
    """
    import flint
    arr = np.asarray(matrix, dtype=object if _is_object(matrix) else float)
    if arr.ndim != 2:
        raise ValueError("exact_rank needs a 2-D matrix")
    rows, cols = arr.shape
    if rows == 0 or cols == 0:
        return 0
    full = min(rows, cols)
    if arr.dtype != object:
        # x = mant * 2^exp with |mant| < 1 an integer multiple of 2^-53: integers after scaling
        mant, expo = np.frexp(arr)
        ints = (mant * 2.0 ** 53).astype(np.int64)
        shift = expo.astype(np.int64) - int(expo.min())
        for p in _RANK_PRIMES:
            levels, where = np.unique(shift, return_inverse=True)
            powers = np.array([pow(2, int(s), p) for s in levels], dtype=np.int64)[where.reshape(shift.shape)]
            residues = (ints % p) * powers % p
            if flint.nmod_mat(rows, cols, [int(v) for v in residues.ravel()], p).rank() == full:
                return full
        entries = [flint.fmpz(int(i) << int(s)) for i, s in zip(ints.ravel(), shift.ravel())]
        return flint.fmpz_mat(rows, cols, entries).rank()
    entries = [flint.fmpq(q.numerator, q.denominator) for q in map(to_fraction, arr.ravel())]
    return flint.fmpq_mat(rows, cols, entries).rank()


def _is_object(matrix) -> bool:
    if isinstance(matrix, np.ndarray):
        return matrix.dtype == object
    return any(isinstance(v, Fraction) for row in matrix for v in row)
