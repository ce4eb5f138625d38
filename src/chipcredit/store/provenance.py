"""What a stored run ran: whether its scenario is the bundled one of its name, and how the
scenarios of two runs differ, number by number, from the YAML texts the store keeps.

A scenario's ``name:`` is whatever its file says, so an edited copy of ``seed-2025`` is
named ``seed-2025`` too; only the sha256 of its text tells them apart. `edited` compares
that sha256 with the bundled file's, and `scenario_label` shows such a run as
``seed-2025 (edited)``. `scenario_diff` lists the numbers whose values differ between two
stored scenario texts, by parameter path (`chipcredit.scenario.paths.parameter_paths`).
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from chipcredit.errors import ChipcreditError, ChipcreditWarning

__all__ = ["ScenarioDiff", "bundled_sha256", "edited", "scenario_diff", "scenario_label"]

SHOWN_CHANGES = 20
"""`ScenarioDiff.lines` lists at most this many changed numbers, then says how many more."""


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@lru_cache(maxsize=16)
def bundled_sha256(name: str) -> str | None:
    """The sha256 a run of the bundled scenario ``name`` records (of its YAML text as
    loaded, `Result.scenario_sha256`); None where no bundled scenario has that name."""
    from chipcredit.scenario.loader import load_scenario
    from chipcredit.scenario.registry import bundled_path

    if not isinstance(name, str) or bundled_path(name) is None:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ChipcreditWarning)
            return _sha256(load_scenario(name).source_text)
    except ChipcreditError:
        return None


def edited(name: Any, sha256: Any, kept: Any = None) -> bool:
    """Whether a run recorded under ``name`` with scenario text of ``sha256`` ran something
    other than the bundled scenario of that name. ``kept`` is ``runs.scenario_edited``, what
    a run stored since schema 6 says, as it was when it ran (a later chipcredit may ship
    another text under the same name); without it: True where a bundled scenario of this
    chipcredit has the name and its text's sha256 differs. False for a scenario of its own
    name."""
    if isinstance(kept, bool | np.bool_):
        return bool(kept)
    if not isinstance(name, str) or not isinstance(sha256, str) or not sha256:
        return False
    bundled = bundled_sha256(name)
    return bundled is not None and bundled != sha256


def scenario_label(run: Mapping[Any, Any]) -> str:
    """A runs row's scenario name as ``runs list``, ``show`` and ``diff`` write it: with
    `` (edited)`` where the name is a bundled scenario's but the text was not its text."""
    name = run.get("scenario")
    text = "—" if name is None else str(name)
    return (f"{text} (edited)"
            if edited(name, run.get("scenario_sha256"), run.get("scenario_edited")) else text)


def _number_text(number: Any) -> str:
    """A scenario number's value, to the digits it is stored with: ``0.126``,
    ``lognormal p05=0.1 p95=0.6``."""
    from chipcredit.scenario.number import KEYS_BY_DIST

    def num(x: Any) -> str:
        return format(float(x), ".15g")

    if number.dist == "fixed":
        return num(number.value)
    return number.dist + " " + " ".join(f"{k}={num(getattr(number, k))}"
                                        for k in KEYS_BY_DIST[number.dist])


def _value(number: Any) -> tuple[Any, ...]:
    """What a number is, its source and basis left out."""
    from chipcredit.scenario.number import KEYS_BY_DIST

    keys = ("value",) if number.dist == "fixed" else KEYS_BY_DIST[number.dist]
    return (number.dist, *(getattr(number, k) for k in keys))


@dataclass(frozen=True)
class ScenarioDiff:
    """How the scenario of run ``b`` differs from that of run ``a``.

    Attributes
    ----------
    same_text : whether the two YAML texts are the same (same sha256).
    loaded : whether both texts load as scenarios (without that, only the sha256s differ).
    changes : (parameter path, a's number, b's number) for each number written in both
        whose value differs (source and basis aside), in a's document order.
    only_a, only_b : parameter paths of the numbers only a's, or only b's, scenario has.
    deals_a, deals_b : deal ids only a's, or only b's, scenario has (and so for parties).
    other : whether anything else differs (a setting that is not a number, the name, a
        description), source and basis of numbers aside.
    """

    same_text: bool
    loaded: bool = True
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    only_a: list[str] = field(default_factory=list)
    only_b: list[str] = field(default_factory=list)
    deals_a: list[str] = field(default_factory=list)
    deals_b: list[str] = field(default_factory=list)
    parties_a: list[str] = field(default_factory=list)
    parties_b: list[str] = field(default_factory=list)
    other: bool = False

    def lines(self, a: int | str, b: int | str, limit: int = SHOWN_CHANGES) -> list[str]:
        """What ``runs diff a b`` says about the inputs: nothing for the same text; else a
        line that the scenarios differ, up to ``limit`` changed numbers (``path: x -> y``),
        ``and N more``, and one line of the other differences."""
        if self.same_text:
            return []
        if not self.loaded:
            return [f"the scenarios of runs {a} and {b} differ (their YAML texts have different "
                    "sha256), and one of them no longer loads, so which numbers differ is not "
                    "known"]
        if not (self.changes or self.only_a or self.only_b or self.deals_a or self.deals_b
                or self.parties_a or self.parties_b or self.other):
            return [f"the scenario texts of runs {a} and {b} differ (different sha256) only in "
                    "comments, layout or the sources of numbers: no input differs"]
        out = [f"the scenarios of runs {a} and {b} differ: "
               + (f"{len(self.changes)} number{'s' if len(self.changes) != 1 else ''} "
                  f"differ{'s' if len(self.changes) == 1 else ''} (run {a} -> run {b})"
                  if self.changes else "no number written in both differs")]
        out += [f"  {path}: {x} -> {y}" for path, x, y in self.changes[:limit]]
        if len(self.changes) > limit:
            out.append(f"  and {len(self.changes) - limit} more")
        other = []
        for what, mine, theirs in (("deals", self.deals_a, self.deals_b),
                                   ("parties", self.parties_a, self.parties_b)):
            if mine:
                other.append(f"{what} only in run {a}: {', '.join(mine)}")
            if theirs:
                other.append(f"{what} only in run {b}: {', '.join(theirs)}")
        for run, paths in ((a, self.only_a), (b, self.only_b)):
            if paths:
                other.append(f"{len(paths)} number{'s' if len(paths) != 1 else ''} written "
                             f"only in run {run}'s")
        if self.other:
            other.append("settings other than numbers differ too")
        if other:
            out.append("  also: " + "; ".join(other))
        return out


def _load(text: str, label: str) -> Any:
    from chipcredit.scenario.loader import parse_scenario_text

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ChipcreditWarning)
        return parse_scenario_text(text, file=label)


def scenario_diff(text_a: Any, text_b: Any) -> ScenarioDiff:
    """How scenario text ``text_b`` differs from ``text_a`` (two runs' ``scenario_yaml``):
    each loaded as a scenario and compared number by number by parameter path."""
    from chipcredit.scenario.paths import parameter_paths

    a, b = str(text_a or ""), str(text_b or "")
    if _sha256(a) == _sha256(b):
        return ScenarioDiff(same_text=True)
    try:
        sa, sb = _load(a, "run a"), _load(b, "run b")
    except ChipcreditError:
        return ScenarioDiff(same_text=False, loaded=False)
    na, nb = parameter_paths(sa), parameter_paths(sb)
    deals_a, deals_b = [d.id for d in sa.deals], [d.id for d in sb.deals]
    parties_a, parties_b = [p.id for p in sa.parties], [p.id for p in sb.parties]
    gone_a = {f"deals.{d}." for d in deals_a if d not in deals_b} | {
        f"parties.{p}." for p in parties_a if p not in parties_b}
    gone_b = {f"deals.{d}." for d in deals_b if d not in deals_a} | {
        f"parties.{p}." for p in parties_b if p not in parties_a}
    changes = [(path, _number_text(x), _number_text(nb[path])) for path, x in na.items()
               if path in nb and _value(x) != _value(nb[path])]
    # numbers of a deal or party only one side has are said with the deal or party
    only_a = [p for p in na if p not in nb and not any(p.startswith(g) for g in gone_a)]
    only_b = [p for p in nb if p not in na and not any(p.startswith(g) for g in gone_b)]
    return ScenarioDiff(
        same_text=False, changes=changes, only_a=only_a, only_b=only_b,
        deals_a=[d for d in deals_a if d not in deals_b],
        deals_b=[d for d in deals_b if d not in deals_a],
        parties_a=[p for p in parties_a if p not in parties_b],
        parties_b=[p for p in parties_b if p not in parties_a],
        other=_other_than_numbers(sa, sb))


def _other_than_numbers(sa: Any, sb: Any) -> bool:
    """Whether the two scenarios differ in something other than their numbers' values and
    their deals and parties (every number replaced by a marker before comparing)."""
    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            if "dist" in value and "value" in value:  # a number: compared above
                return "#"
            return {k: strip(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [strip(v) for v in value]
        return "#" if value is None else value  # an unwritten number: said above

    da = strip(sa.model_dump(mode="json", by_alias=True))
    db = strip(sb.model_dump(mode="json", by_alias=True))
    for key in ("deals", "parties"):  # those only one side has are said already
        ids_b = {item.get("id") for item in db.get(key, []) if isinstance(item, dict)}
        ids_a = {item.get("id") for item in da.get(key, []) if isinstance(item, dict)}
        da[key] = [i for i in da.get(key, []) if not isinstance(i, dict) or i.get("id") in ids_b]
        db[key] = [i for i in db.get(key, []) if not isinstance(i, dict) or i.get("id") in ids_a]
    return bool(da != db)
