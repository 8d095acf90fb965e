"""regionmath.exact: the conversions, checked against values written out by hand."""

from fractions import Fraction

import gmpy2
import pytest
import sympy as sp

from regionmath.exact import decimal_string, to_fraction, to_mpq


@pytest.mark.parametrize("digits", [1, 2999, 3000, 3001, 5000])
def test_decimal_string_around_the_switch_to_gmpy2(digits):
    """Short integers are printed by str, long ones by gmpy2 (exact.decimal_string): both give
    the digits written out here."""
    assert decimal_string(10 ** digits) == "1" + "0" * digits
    assert decimal_string(10 ** digits - 1) == "9" * digits
    assert decimal_string(-(10 ** digits) + 1) == "-" + "9" * digits
    assert decimal_string(gmpy2.mpz(10) ** digits) == "1" + "0" * digits


def test_to_fraction_reads_mpq_sympy_and_floats_exactly():
    assert to_fraction(gmpy2.mpq(5, -10)) == Fraction(-1, 2)
    assert to_fraction(gmpy2.mpz(7)) == Fraction(7)
    assert to_fraction(sp.Rational(-3, 7)) == Fraction(-3, 7)
    assert to_fraction(sp.Integer(4)) == Fraction(4)
    assert to_fraction(0.375) == Fraction(3, 8)
    assert to_mpq(Fraction(-3, 7)) == gmpy2.mpq(-3, 7) and to_mpq(to_mpq(0.1)) == Fraction(0.1)


def test_to_float_saturates_where_float_overflows():
    from regionmath.exact import to_float
    from regionmath.bounds import get
    from regionmath import Architecture
    big = get("serra2018-thm1").value(Architecture(784, (600, 600)))   # > 2^1024: float() raises
    with pytest.raises(OverflowError):
        float(big)
    assert to_float(big) == float("inf") and to_float(-big) == float("-inf")
    assert to_float(Fraction(1, 3)) == 1 / 3 and to_float(2 ** 1023) == 2.0 ** 1023
