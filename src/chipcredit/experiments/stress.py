"""Stress tests: a scenario against itself under named shocks, with paired differences."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pandas as pd

from chipcredit.analytics.result import Result
from chipcredit.scenario.loader import load_scenario
from chipcredit.scenario.model import Scenario
from chipcredit.scenario.shocks import StressPack, load_pack

from .paired import paired_differences, paired_runs

__all__ = ["StressResult", "stress", "stressed"]


@dataclass(frozen=True)
class StressResult:
    """Base and stressed runs with the same seed, and their paired differences.

    Attributes
    ----------
    pack : the shocks applied
    base, stressed : Result
    differences : DataFrame (see `paired_differences`); ``other`` is the stressed run
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
    """Run ``scenario`` as it is and under ``pack`` (a bundled pack name, a pack file or a
    `StressPack`) with the same seed, so the differences are paired path by path.
    ``options`` go to both `simulate` calls (``chunk_blocks``, ``workers``, ``scheduler``)."""
    sc = load_scenario(scenario)
    chosen = pack if isinstance(pack, StressPack) else load_pack(pack)
    hit = stressed(sc, chosen)
    base, other = paired_runs(sc, hit, paths, seed, **options)
    return StressResult(chosen, base, other, paired_differences(base, other))
