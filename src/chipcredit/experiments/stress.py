"""Stress tests: a scenario against itself under named shocks, with paired differences."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from chipcredit.analytics.result import Result
from chipcredit.scenario.loader import load_scenario
from chipcredit.scenario.model import Scenario
from chipcredit.scenario.shocks import StressPack, load_pack

from .arguments import check_options, seed_number, whole_number
from .paired import paired_differences, paired_runs

__all__ = ["StressResult", "stress", "stressed"]


@dataclass(frozen=True)
class StressResult:
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
        ``ci_high`` (its 95% confidence interval) and ``paths`` (the paired paths on which
        both runs have a value). Money in $B, probabilities as shares. The same shape as
        `CompareResult.differences`.
    """

    pack: StressPack
    base: Result
    stressed: Result
    differences: pd.DataFrame


def stressed(scenario: Scenario, pack: StressPack) -> Scenario:
    """The scenario with the pack's shocks added (validated again, so a shock naming an
    unknown vendor or a quarter past the horizon is refused with its path)."""
    data: dict[str, Any] = scenario.model_dump(mode="python", by_alias=True, exclude_none=True)
    data["shocks"] = [*data.get("shocks", []),
                      *(s.model_dump(mode="python", by_alias=True, exclude_none=True)
                        for s in pack.shocks)]
    data["name"] = f"{scenario.name}+{pack.name}"
    return load_scenario(data)


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
        The pack, the two runs and ``differences`` (see `StressResult`).

    Raises
    ------
    UsageError
        A bad argument or option (one line naming it).
    ScenarioError
        A pack whose shocks break a rule of the scenario (an unknown vendor, a quarter past
        the horizon), with the field path.
    """
    checked = check_options("stress", options)
    if not checked.get("deterministic"):
        paths = whole_number("stress", "paths", paths, 1)
    elif isinstance(paths, np.integer):
        paths = int(paths)
    seed = seed_number("stress", seed)
    sc = load_scenario(scenario)
    chosen = pack if isinstance(pack, StressPack) else load_pack(pack)
    hit = stressed(sc, chosen)
    base, other = paired_runs(sc, hit, paths, seed, **checked)
    return StressResult(chosen, base, other, paired_differences(base, other))
