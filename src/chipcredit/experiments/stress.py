"""Stress tests: a scenario against itself under named shocks, with paired differences."""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from chipcredit.analytics.card import Card, CardShown, horizon_text
from chipcredit.analytics.metrics import column
from chipcredit.analytics.result import Result
from chipcredit.errors import ChipcreditNote, UsageError, did_you_mean
from chipcredit.scenario.deals import Loan
from chipcredit.scenario.loader import load_scenario
from chipcredit.scenario.model import Scenario
from chipcredit.scenario.shocks import PriceWar, RateShock, StressPack, load_pack
from chipcredit.units import format_quarter

from .arguments import check_options, seed_number, whole_number
from .paired import paired_differences, paired_runs

__all__ = ["VARIANTS", "StressResult", "pack_idle", "pack_needs", "pack_problems", "stress",
           "stressed"]

VARIANTS = ("base", "stressed")
"""The names of a stress test's two runs: in its warnings and in the run store."""


@dataclass(frozen=True, repr=False)
class StressResult(CardShown):
    """Base and stressed runs with the same seed, and their paired differences.

    Attributes
    ----------
    pack : StressPack
        The shocks applied (its ``name`` and ``shocks``).
    base, stressed : Result
        The run of the scenario as it is, and under the pack; same paths and seed.
    differences : DataFrame
        One row per outcome both runs have, columns ``deal`` (None for a party's own
        outcomes), ``party``, ``metric``, ``base``, ``other`` (the stressed run's mean),
        ``difference`` (stressed minus base, mean over the paired paths), ``ci_low``,
        ``ci_high`` (its 95% confidence interval), ``median_difference`` (the median of
        the per-path differences), ``share_higher`` and ``share_lower`` (the shares of the
        paired paths on which the stressed run is above, and below, the base), ``paths``
        (the paired paths on which both runs have a value) and ``unit`` (of base to
        median_difference: ``$B``, ``annual rate``, ``probability``, ...; docs/output.md,
        "Units"). The same shape as `CompareResult.differences`. Last, the credit rows of
        each SPV and claim holder (`chipcredit.experiments.paired.CREDIT_METRICS`).
    notes : tuple of str
        One line per shock that had nothing to act on in the scenario (a ``rate_shock``
        without a floating-rate loan, a ``price_war`` on a vendor that sold nothing in
        either run), or one line when the pack changed no outcome at all; each was also
        issued as a `ChipcreditNote` (a `ChipcreditWarning`). Empty when every shock bit.
    """

    pack: StressPack
    base: Result
    stressed: Result
    differences: pd.DataFrame
    notes: tuple[str, ...] = ()

    def _card(self) -> Card:
        # a card, not the dataclass repr of both runs' arrays (megabytes at 1,000 paths)
        base = self.base
        return Card.of(f"StressResult of {base.scenario.name} under {self.pack.name}", [
            ("paths", f"{base.paths:,}"), ("seed", base.seed),
            ("horizon", horizon_text(base.scenario)), ("shocks", len(self.pack.shocks)),
            ("differences", f"{len(self.differences):,} rows"), ("notes", len(self.notes))],
            ".differences, .notes, .base.summary(), .stressed.summary()")


def _horizon(sc: Scenario) -> str:
    """``2000Q4–2003Q3``: the first and last quarter simulated."""
    return f"{sc.start}–{format_quarter(sc.start_index + sc.horizon_quarters - 1)}"


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def pack_problems(scenario: Scenario | str | os.PathLike[str],
                  pack: StressPack | str | os.PathLike[str]) -> list[str]:
    """Why a stress pack cannot apply to a scenario, one phrase per rule it breaks.

    The pack's shocks are checked by their own index in the pack: each start must fall
    within the scenario's horizon, and a ``price_war`` must name one of its vendors.

    Parameters
    ----------
    scenario : Scenario, str or os.PathLike
        A `Scenario`, a bundled scenario name or a YAML file.
    pack : StressPack, str or os.PathLike
        A `StressPack`, a bundled pack name or a pack YAML file.

    Returns
    -------
    list of str
        Empty when the pack fits, else e.g. ``["shocks[0].start 2026Q4 is outside
        telecom-2000's horizon (2000Q4–2003Q3)"]``. `stress` refuses a pack that does not
        fit with one line: ``pack NAME: `` and these phrases joined by ``; ``.
    """
    sc = load_scenario(scenario)
    chosen = pack if isinstance(pack, StressPack) else load_pack(pack)
    outside = [f"shocks[{k}].start {s.start}" for k, s in enumerate(chosen.shocks)
               if not 0 <= sc.quarter_of(s.start) < sc.horizon_quarters]
    out = []
    if outside:
        out.append(f"{_listed(outside)} {'is' if len(outside) == 1 else 'are'} outside "
                   f"{sc.name}'s horizon ({_horizon(sc)})")
    vendors = [p.id for p in sc.parties if p.kind == "vendor"]
    for k, shock in enumerate(chosen.shocks):
        if isinstance(shock, PriceWar) and shock.vendor not in vendors:
            close = did_you_mean(shock.vendor, vendors)
            out.append(f"shocks[{k}].vendor {shock.vendor} is not a vendor of {sc.name} "
                       f"(its vendors: {', '.join(vendors) or 'none'})"
                       + (f"; did you mean {close}?" if close else ""))
    return out


def pack_needs(pack: StressPack | str | os.PathLike[str]) -> str:
    """What a scenario needs for the pack to apply: a horizon covering the quarters its
    shocks start in, and the vendors they name (e.g. ``"a horizon covering 2026Q4 and a
    vendor amd"``)."""
    chosen = pack if isinstance(pack, StressPack) else load_pack(pack)
    starts = sorted({s.start for s in chosen.shocks})
    needs = [f"a horizon covering {_listed(starts)}"]
    named = list(dict.fromkeys(s.vendor for s in chosen.shocks if isinstance(s, PriceWar)))
    if named:
        needs.append(f"{'a vendor' if len(named) == 1 else 'vendors'} {_listed(named)}")
    return _listed(needs)


def pack_idle(scenario: Scenario | str | os.PathLike[str],
              pack: StressPack | str | os.PathLike[str]) -> list[str]:
    """The shocks of a pack known, before anything runs, to have nothing to act on in a
    scenario: a ``rate_shock`` moves only the base rate of floating-rate loans
    (deals.loan), so in a scenario without one it changes nothing.

    Returns
    -------
    list of str
        One phrase per such shock, by its index in the pack, e.g. ``"shocks[0]
        (rate_shock) has nothing to act on in seed-2025: it moves the rate of floating-rate
        loans, and every loan there is fixed-rate"``; empty when none is known idle.
    """
    sc = load_scenario(scenario)
    chosen = pack if isinstance(pack, StressPack) else load_pack(pack)
    if any(isinstance(d, Loan) and d.rate_type == "floating" for d in sc.deals):
        return []
    loans = any(isinstance(d, Loan) for d in sc.deals)
    return [f"shocks[{k}] (rate_shock) has nothing to act on in {sc.name}: it moves the rate "
            "of floating-rate loans, and "
            + ("every loan there is fixed-rate" if loans else "it has no loans")
            for k, shock in enumerate(chosen.shocks) if isinstance(shock, RateShock)]


def stressed(scenario: Scenario, pack: StressPack) -> Scenario:
    """The scenario with the pack's shocks added (validated again, so a shock naming an
    unknown vendor or a quarter past the horizon is refused with its path)."""
    data: dict[str, Any] = scenario.model_dump(mode="python", by_alias=True, exclude_none=True)
    data["shocks"] = [*data.get("shocks", []),
                      *(s.model_dump(mode="python", by_alias=True, exclude_none=True)
                        for s in pack.shocks)]
    data["name"] = f"{scenario.name}+{pack.name}"
    return load_scenario(data)


def _idle(sc: Scenario, pack: StressPack, base: Result, other: Result) -> list[str]:
    """A line per shock of ``pack`` that had nothing to act on, or one line when the pack
    changed no outcome. Each check is exact (no tolerance):

    - a ``rate_shock`` in a scenario without a floating-rate loan (`pack_idle`);
    - a ``price_war`` cuts a price per unit, which acts only through units sold: when its
      vendor sold nothing on any path of either run, there was nothing to cut;
    - otherwise, when every outcome of the stressed run equals the base run's on every path
      (NaN equal to NaN), the pack as a whole changed nothing.
    """
    lines = [f"pack {pack.name}: {line}" for line in pack_idle(sc, pack)]
    for k, shock in enumerate(pack.shocks):
        if isinstance(shock, PriceWar):
            key = column("party", shock.vendor, "revenue_total")
            if key in base.outcomes and key in other.outcomes and not (
                    np.any(base.outcomes[key]) or np.any(other.outcomes[key])):
                lines.append(f"pack {pack.name}: shocks[{k}] (price_war on {shock.vendor}) has "
                             f"nothing to act on in {sc.name}: {shock.vendor} sells nothing on "
                             "any path, with or without it")
    if not lines and base.outcomes.keys() == other.outcomes.keys() and all(
            np.array_equal(v, other.outcomes[k], equal_nan=v.dtype.kind == "f")
            for k, v in base.outcomes.items()):
        lines.append(f"pack {pack.name} changed nothing in {sc.name}: every outcome is the "
                     "same on every path as without it")
    return lines


def stress(
    scenario: Scenario | str | os.PathLike[str],
    pack: StressPack | str | os.PathLike[str],
    paths: int = 10_000,
    seed: int = 0,
    **options: Any,
) -> StressResult:
    """Run a scenario as it is and under a stress pack with the same seed, so the
    differences are paired path by path.

    Parameters
    ----------
    scenario : Scenario, str or os.PathLike
        A `Scenario`, a bundled scenario name (``"seed-2025"``) or a YAML file.
    pack : StressPack, str or os.PathLike
        A bundled pack name (``"telecom-2001"``), a pack YAML file or a `StressPack`.
    paths : int
        Monte Carlo paths of each run (at least 1; a NumPy integer is accepted).
    seed : int
        Seed of both runs (common random numbers); from 0 to 2**63 - 1.
    **options
        Passed to `chipcredit.simulate` for both runs: ``chunk_blocks`` (int), ``workers``
        (int), ``scheduler``, ``progress`` (called per run), ``force`` (bool) and
        ``deterministic`` (bool). Any other name is refused with a did-you-mean.

    Returns
    -------
    StressResult
        The pack, the two runs, ``differences`` and ``notes`` (see `StressResult`).

    Warns
    -----
    ChipcreditWarning
        Each distinct warning of the two runs, prefixed with the run it came from
        (``base: ``, ``stressed: `` or ``base and stressed: ``).
    ChipcreditNote
        Each of ``notes`` (a subclass of `ChipcreditWarning`, so that filters and
        ``pytest.warns`` on that class see it too).

    Raises
    ------
    UsageError
        A bad argument or option, or a pack that does not fit the scenario (a shock
        starting outside its horizon, a price war on a vendor it lacks): one line naming
        the pack, its own shock index and the scenario's horizon (see `pack_problems`).
    ScenarioError
        A stressed scenario that breaks another rule, with the field path.
    """
    checked = check_options("stress", options)
    if not checked.get("deterministic"):
        paths = whole_number("stress", "paths", paths, 1)
    elif isinstance(paths, np.integer):
        paths = int(paths)
    seed = seed_number("stress", seed)
    sc = load_scenario(scenario)
    chosen = pack if isinstance(pack, StressPack) else load_pack(pack)
    problems = pack_problems(sc, chosen)
    if problems:
        raise UsageError(f"pack {chosen.name}: {'; '.join(problems)}")
    hit = stressed(sc, chosen)
    base, other = paired_runs(sc, hit, paths, seed, names=VARIANTS, **checked)
    notes = _idle(sc, chosen, base, other)
    for line in notes:
        warnings.warn(line, ChipcreditNote, stacklevel=2)
    return StressResult(chosen, base, other, paired_differences(base, other), tuple(notes))
