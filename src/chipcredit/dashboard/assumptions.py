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

import dataclasses
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import chipcredit as cc

from .names import party_name

if TYPE_CHECKING:
    from chipcredit.scenario import Number

__all__ = ["GROUPS", "EditRefused", "Knob", "apply_edits", "knobs", "moved_spec"]

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
    numbers = cc.parameter_paths(scenario)
    out = []
    for path, number in numbers.items():
        if _parts_add_up(path, numbers):
            continue
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


def _parts_add_up(path: str, numbers: Mapping[str, Any]) -> bool:
    """Whether ``path`` is the amount of a deal made of parts that must add up to it (an
    SPV's equity and debt): moved alone it could only break that rule, so it gets no slider
    (its parts have their own paths under "Any other number")."""
    match = re.fullmatch(r"deals\.([^.]+)\.amount", path)
    if match is None:
        return False
    deal = f"deals.{match.group(1)}."
    return any(p.startswith((deal + "equity.", deal + "debt.")) for p in numbers)


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


class EditRefused(cc.ChipcreditError):
    """An edit the schema refuses, as lines that name the number by its parameter path (the
    deal or party by its id, not its place in the file) and the control that set it:
    ``deals.xai-debt.rate (Any other number) must be between 0 and 1; got 12.5 (did you mean
    0.125?)``."""

    def __init__(self, lines: tuple[str, ...]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


_PLACE = re.compile(r"^(?P<group>deals|parties)\[(?P<index>[0-9]+)\]")


def _named_path(scenario: cc.Scenario, path: str) -> str:
    """A schema path (``deals[1].rate``) with the deal or party named by its id, as in a
    parameter path (``deals.xai-debt.rate``)."""
    match = _PLACE.match(path)
    if match is None:
        return path
    items = scenario.deals if match["group"] == "deals" else scenario.parties
    index = int(match["index"])
    if index >= len(items):
        return path
    return f"{match['group']}.{items[index].id}{path[match.end():]}"


def _refused(scenario: cc.Scenario, exc: cc.ScenarioError, control: str) -> EditRefused:
    lines = []
    for problem in exc.problems:
        subject = f"{_named_path(scenario, problem.path)} ({control})"
        # the problem's own line, with no file (the scenario is in memory) and the subject
        line = str(dataclasses.replace(problem, file="", line=None, column=None, path=subject))
        lines.append(line.removeprefix(": "))
    return EditRefused(tuple(lines))


def apply_edits(scenario: cc.Scenario, edits: Mapping[str, float],
                fixed: Mapping[str, float] | None = None,
                controls: Mapping[str, str] | None = None) -> cc.Scenario:
    """The scenario with each slider edit (path to new median) and each fixed override
    (path to value) applied, checked again.

    ``controls`` names the control of each path (a slider's label; "Any other number"),
    for the refusal to say which one broke a rule; the path itself where it has none.

    Raises
    ------
    EditRefused
        When an edited number breaks a rule of the schema: a line per problem, naming the
        number by its parameter path and the control that set it.
    UsageError
        For a path that is not in the scenario.
    """
    numbers = cc.parameter_paths(scenario)
    names = dict(controls or {})
    out = scenario
    steps = [(path, moved_spec(numbers[path], value)) for path, value in edits.items()]
    steps += [(path, {"value": float(value)}) for path, value in (fixed or {}).items()]
    for path, spec in steps:
        try:
            out = cc.set_number(out, path, spec)
        except cc.ScenarioError as exc:
            raise _refused(out, exc, names.get(path, path)) from None
    return out
