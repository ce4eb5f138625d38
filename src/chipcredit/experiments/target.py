"""A break-even target: ``METRIC = VALUE``, ``METRIC >= VALUE`` or ``METRIC <= VALUE``.

The metric is a path into a run's JSON summary, or ``p_positive`` of a deal's metric (the
share of all paths on which it is above zero, `chipcredit.experiments.probe`); the value is
in the metric's unit, and one the metric can never take is refused before any run.
"""

from __future__ import annotations

import math
import re

from chipcredit.analytics.unit import (
    EVENT,
    MONEY,
    MONEY_A_QUARTER,
    MULTIPLE,
    PROBABILITY,
    RATE,
    SHARE,
    SHARE_OF_PATHS,
    MissingUnit,
    summary_range,
    summary_unit,
)
from chipcredit.errors import UsageError

from .probe import P_POSITIVE, deal_metric

__all__ = ["check_reachable", "parse_target"]

_FRACTIONS = (RATE, PROBABILITY, SHARE, SHARE_OF_PATHS, EVENT)
"""Units of a number that a percent writes: a target of ``12%`` means 0.12 in them."""
_TARGET = re.compile(r"^\s*(?P<metric>[^\s=<>]+)\s*(?P<op>>=|<=|==|=)\s*(?P<value>\S+)\s*$")


def parse_target(text: str) -> tuple[str, str, float]:
    """``"M >= 1.0"`` -> ``("M", ">=", 1.0)``; ``==`` is read as ``=``."""
    match = _TARGET.match(text) if isinstance(text, str) else None
    if match is None:
        raise UsageError(f"target must read 'METRIC = VALUE', 'METRIC >= VALUE' or "
                         f"'METRIC <= VALUE'; got {text!r}")
    raw = match["value"]
    try:
        value = float(raw)
    except ValueError:
        hint = ""
        if raw.endswith("%") and _is_float(raw[:-1]):
            hint = _percent_hint(match["metric"], float(raw[:-1]))
        elif raw.lower().endswith("x") and _is_float(raw[:-1]):
            hint = f" (did you mean {float(raw[:-1]):g}?)"
        raise UsageError(f"target value must be a number; got {raw!r}{hint}") from None
    if not math.isfinite(value):
        raise UsageError(f"target value must be finite; got {raw!r}")
    op = "=" if match["op"] == "==" else match["op"]
    return match["metric"], op, value


def check_reachable(metric: str, goal: float) -> None:
    """Refuse, before any run, a target value that the metric can never take: one outside
    the range of its unit (a probability or a share from 0 to 1; `summary_range`), which
    no bracket would reach (the search would only spend its probes to say "no root"). A
    value between 1 and 100 is likely a percent, and the hint says so.

    Raises
    ------
    UsageError
        One line: the target value, the rule with the metric and its unit, the value given
        and, for a percent, the fraction meant.
    """
    named = deal_metric(metric)
    positive = named is not None and named[3] == P_POSITIVE
    bounds = (0.0, 1.0) if positive else summary_range(metric)
    if bounds is None or bounds[0] <= goal <= bounds[1]:
        return
    low, high = bounds
    hint = f" (did you mean {goal / 100:g}?)" if high == 1.0 and 1.0 < goal <= 100.0 else ""
    unit = "share of paths" if positive else summary_unit(metric)
    raise UsageError(f"target value must be between {low:g} and {high:g}, the range of "
                     f"{metric} (a {unit}); got {goal:g}{hint}")


def _percent_hint(metric: str, percent: float) -> str:
    """What a target value written as a percent should be: the fraction, for a metric whose
    unit is one (a rate such as an IRR, a probability, a share, ``p_positive``) or whose
    unit is not known; else the metric's unit, as a percent of an amount in $B is no
    amount (2% of an NPV read as 0.02 would be $20M)."""
    named = deal_metric(metric)
    try:
        unit = SHARE_OF_PATHS if named is not None and named[3] == P_POSITIVE else summary_unit(metric)
    except MissingUnit:
        unit = None
    if unit is None or unit in _FRACTIONS:
        return f" (did you mean {percent / 100:g}?)"
    if unit in (MONEY, MONEY_A_QUARTER):
        return f"; {metric} is in {unit} (US$ billions), not a percent: write the amount in $B"
    if unit == MULTIPLE:
        return f"; {metric} is a multiple of money (x), not a percent: write the multiple"
    return f"; {metric} is in {unit}, not a percent"


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
