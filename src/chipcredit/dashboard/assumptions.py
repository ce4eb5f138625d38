"""Key assumptions as sliders: which numbers of a scenario get one, and how a slider edits them.

The sliders are generated from the scenario's parameter paths (`chipcredit.parameter_paths`):
every number whose address matches a rule below gets one, grouped as growth, volatility,
market (winter, prices) and deal terms. A slider shows the number's median. Moving it moves
the whole distribution so that its median lands on the slider's value:

- a fixed number takes the value;
- an uncertain number that is positive everywhere (lognormal, or low >= 0) is scaled by
  new / old median, which keeps its shape (its p05/p95 ratio);
- any other uncertain number is shifted by new - old median;
- a positive number moved to zero or below becomes that fixed value.

The edited scenario is checked again (`chipcredit.set_number`), so an edit the schema does
not allow is refused with the same error line as in a file. Sources and bases are kept.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import chipcredit as cc

from .names import party_name

if TYPE_CHECKING:
    from chipcredit.scenario import Number

__all__ = ["GROUPS", "Knob", "apply_edits", "knobs", "moved_spec"]

GROUPS = ("growth", "volatility", "market", "deals")


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    group: str
    label: str
    """Catalogue key of the slider's label (``dashboard.knob.<label>``), given ``{who}``."""
    low: float
    high: float
    step: float
    bounded: bool
    """Whether ``high`` is a hard bound (a probability); else the range widens to 2 x median."""
    money: bool
    """Whether the number is money ($B in the scenario; the page shows its own unit)."""


def _rule(pattern: str, group: str, label: str, low: float, high: float, step: float,
          bounded: bool = False, money: bool = False) -> _Rule:
    return _Rule(re.compile(pattern), group, label, low, high, step, bounded, money)


_RULES = (
    _rule(r"parties\.(?P<who>[^.]+)\.revenue\.growth\.from", "growth", "revenue_growth",
          0.0, 5.0, 0.05),
    _rule(r"parties\.(?P<who>[^.]+)\.demand\.growth\.from", "growth", "demand_growth",
          0.0, 2.0, 0.01),
    _rule(r"parties\.(?P<who>[^.]+)\.compute\.training_growth\.from", "growth",
          "training_growth", 0.0, 5.0, 0.05),
    _rule(r"parties\.(?P<who>[^.]+)\.revenue\.volatility", "volatility", "revenue_volatility",
          0.0, 1.5, 0.01),
    _rule(r"market\.ai_demand\.volatility", "volatility", "demand_volatility", 0.0, 1.0, 0.01),
    _rule(r"market\.ai_demand\.winter\.enter_per_year", "market", "winter_probability",
          0.0, 1.0, 0.01, bounded=True),
    _rule(r"market\.hardware\.all_in_cost_per_unit", "market", "all_in_cost", 1.0, 150.0, 1.0,
          money=True),
    _rule(r"parties\.(?P<who>[^.]+)\.content_per_unit", "market", "content_per_unit",
          1.0, 100.0, 0.5, money=True),
    _rule(r"parties\.(?P<who>[^.]+)\.price_change_per_year", "market", "price_change",
          -0.5, 0.5, 0.01),
    # an SPV has two rates (its debt's and its lease's), so each has its own label
    _rule(r"deals\.(?P<who>[^.]+)\.debt\.rate", "deals", "deal_debt_rate", 0.0, 0.5, 0.005),
    _rule(r"deals\.(?P<who>[^.]+)\.lease\.rate", "deals", "deal_lease_rate", 0.0, 0.5, 0.005),
    _rule(r"deals\.(?P<who>[^.]+)\.rate", "deals", "deal_rate", 0.0, 0.5, 0.005),
    _rule(r"deals\.(?P<who>[^.]+)\.amount", "deals", "deal_amount", 0.5, 200.0, 0.5,
          money=True),
    _rule(r"deals\.(?P<who>[^.]+)\.close_probability", "deals", "close_probability",
          0.0, 1.0, 0.01, bounded=True),
)


@dataclass(frozen=True)
class Knob:
    """One slider: the number at ``path``, shown as its median ``base`` in ``[low, high]``.

    ``who`` is what the label names: a party's short name (`party_name`), a deal's id, or
    empty for a market number. ``low``, ``high``, ``step`` and ``base`` are in the
    scenario's units; a ``money`` one is in $B, which the page may show in its own unit
    (`scaled`).
    """

    path: str
    group: str
    label: str
    who: str
    low: float
    high: float
    step: float
    base: float
    money: bool = False

    def scale(self, money_scale: float) -> float:
        """Factor from the scenario's unit to the slider's: ``money_scale`` (the page's
        money unit per $B: 10 for 亿美元) for money, else 1."""
        return money_scale if self.money else 1.0

    def digits(self, scale: float = 1.0) -> int:
        """Decimals the slider shows (from its step, in the slider's unit)."""
        return max(0, -math.floor(math.log10(self.step * scale) + 1e-9))

    def changed(self, value: float) -> bool:
        """Whether ``value`` is a real move (not the base rounded to the slider's grid)."""
        return abs(value - self.base) > self.step / 2


def knobs(scenario: cc.Scenario) -> list[Knob]:
    """The sliders of a scenario, in document order.

    A slider's range is its rule's range, widened to hold twice the median; its value is
    the median rounded to the step.
    """
    names = {p.id: party_name(p.id, scenario.parties, short=True) for p in scenario.parties}
    out = []
    for path, number in cc.parameter_paths(scenario).items():
        for rule in _RULES:
            match = rule.pattern.fullmatch(path)
            if match is None:
                continue
            median = number.median()
            step = rule.step
            base = round(round(median / step) * step, 6)
            high = rule.high if rule.bounded else max(rule.high,
                                                      math.ceil(2 * abs(median) / step) * step)
            low = min(rule.low, math.floor(median / step) * step)
            who = match.groupdict().get("who") or ""
            who = names.get(who, who) if path.startswith("parties.") else who
            out.append(Knob(path, rule.group, rule.label, who, low, high, step, base, rule.money))
            break
    return out


def moved_spec(number: Number, new_median: float) -> dict[str, Any]:
    """The spec of ``number`` (a `chipcredit.scenario.Number`) moved to median ``new_median``,
    as a map (``{"value": v}`` when the result is fixed), so that `chipcredit.set_number`
    keeps the number's ``source`` and ``basis``."""
    if not number.is_uncertain:
        return {"value": float(new_median)}
    old = number.median()
    keys = [k for k in ("p05", "p95", "low", "mode", "high") if getattr(number, k) is not None]
    lowest = number.support()[0]
    if lowest >= 0 and old > 0:
        if new_median <= 0:
            return {"value": float(new_median)}
        factor = new_median / old
        moved = {k: getattr(number, k) * factor for k in keys}
    else:
        shift = new_median - old
        moved = {k: getattr(number, k) + shift for k in keys}
    return {"dist": number.dist, **moved}


def apply_edits(scenario: cc.Scenario, edits: Mapping[str, float],
                fixed: Mapping[str, float] | None = None) -> cc.Scenario:
    """The scenario with each slider edit (path to new median) and each fixed override
    (path to value) applied, checked again.

    Raises
    ------
    ScenarioError
        When an edited number breaks a rule of the schema.
    UsageError
        For a path that is not in the scenario.
    """
    numbers = cc.parameter_paths(scenario)
    out = scenario
    for path, value in edits.items():
        out = cc.set_number(out, path, moved_spec(numbers[path], value))
    for path, value in (fixed or {}).items():
        out = cc.set_number(out, path, {"value": float(value)})
    return out
