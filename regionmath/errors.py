"""Errors raised by regionmath.

Every error a user can cause is a :class:`RegionmathError`; its message is one line that
says what is wrong and what is allowed. The command line prints that line and exits 2.
"""


__all__ = ["RegionmathError", "HypothesisError", "DomainWarning"]


class RegionmathError(ValueError):
    """Bad input: one line naming what is wrong and what is allowed."""


class HypothesisError(RegionmathError):
    """A bound or construction was asked for where its hypotheses fail."""

    def __init__(self, bound_id, violations):
        self.bound_id = bound_id
        self.violations = list(violations)
        super().__init__(f"{bound_id} does not apply: " + "; ".join(self.violations))


class DomainWarning(UserWarning):
    """A network was given a domain the user did not state (a default box, or the range of
    the data); the message says which box and how to choose another."""
