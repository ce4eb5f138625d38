"""Checks of the plain arguments of the Python API (a path count, a seed, a path index).

A notebook passes numpy scalars as often as Python ones (``np.argmin(...)`` is an
``np.int64``), so a whole number is any `numbers.Integral` (numpy integers are registered
as one) except a bool, which Python counts as an integer but nobody means as a count.
Each refusal is one `UsageError` line: the argument, the rule and the bad value.
"""

from __future__ import annotations

import numbers

import numpy as np

from chipcredit.errors import UsageError

__all__ = ["MAX_SEED", "flag", "seed_value", "whole_number"]

MAX_SEED = 2**63 - 1
"""Largest seed: the run store keeps seeds in a signed 64-bit (BIGINT) column."""


def whole_number(name: str, value: object, low: int | None = None, high: int | None = None) -> int:
    """``value`` as a Python int, or a `UsageError` naming ``name``, the rule and the value.

    Parameters
    ----------
    name : the argument's name, as the caller wrote it
    value : a Python or numpy integer (a bool is refused)
    low, high : inclusive bounds; None for no bound

    Returns
    -------
    int
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise UsageError(f"{name} must be a whole number{_bounds(low, high)}; got {value!r} "
                         f"({type(value).__name__})")
    number = int(value)
    if (low is not None and number < low) or (high is not None and number > high):
        raise UsageError(f"{name} must be a whole number{_bounds(low, high)}; got {number}")
    return number


def _bounds(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        text = f"between {low} and {high}"
    elif low is not None:
        text = f"at least {low}"
    elif high is not None:
        text = f"at most {high}"
    else:
        return ""
    return f" {text}"


def seed_value(seed: object) -> int:
    """A run's seed: a whole number from 0 to `MAX_SEED` (2**63 - 1)."""
    if isinstance(seed, bool | np.bool_) or not isinstance(seed, numbers.Integral):
        raise UsageError(f"seed must be a whole number at least 0; got {seed!r}")
    number = int(seed)
    if number < 0:
        raise UsageError(f"seed must be a whole number at least 0; got {number}")
    if number > MAX_SEED:
        raise UsageError(f"seed must be below 2**63 (the run store keeps it as a 64-bit "
                         f"integer); got {number}")
    return number


def flag(name: str, value: object) -> bool:
    """``value`` as a bool: True or False (a numpy bool too), never text or a number."""
    if not isinstance(value, bool | np.bool_):
        raise UsageError(f"{name} must be True or False; got {value!r}")
    return bool(value)
