"""Where the deterministic base case falls among the Monte Carlo paths, for its caveat.

The base case (one path, every shock zero, every uncertain number at its median) is not the
median outcome: on seed-2025 no lab defaults in it, while xAI does on 69% of 2,000 paths
(docs/model.md, "Calibration"). Its caveat in ``chipcredit run --deterministic`` (and
``runs show`` of such a run) and in the report's summary therefore says, for each party that
can default, whether it does in the base case and on what share of a reference Monte Carlo
run's paths it does: `REFERENCE_PATHS` paths of seed `REFERENCE_SEED`, whatever the base
case's own ``--paths`` and ``--seed`` (which it does not use).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping

from chipcredit.analytics.result import Result
from chipcredit.analytics.simulate import simulate
from chipcredit.errors import ChipcreditWarning
from chipcredit.scenario.model import Scenario

from .i18n import Catalogue

__all__ = ["REFERENCE_PATHS", "REFERENCE_SEED", "base_defaults", "reference_run", "standing_text"]

REFERENCE_PATHS = 1_000
"""Paths of the reference run: a share's standard error is at most 1.6 percentage points."""
REFERENCE_SEED = 0


def reference_run(scenario: Scenario) -> Result:
    """The reference Monte Carlo run of ``scenario`` (its warnings are the base case's own,
    said already, or about paths without an IRR, which the caveat does not read)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ChipcreditWarning)
        return simulate(scenario, paths=REFERENCE_PATHS, seed=REFERENCE_SEED)


def standing_text(scenario: Scenario, defaults: Mapping[str, float], cat: Catalogue,
                  reference: Result | None = None,
                  name: Callable[[str], str] | None = None) -> str | None:
    """One sentence (``report.base_standing``): for each party of ``scenario`` that can
    default, whether it defaults in the base case and on what share of the reference run's
    paths it does; None where no party can default.

    Parameters
    ----------
    scenario : Scenario
        The scenario of the base case.
    defaults : mapping of party id to float
        Whether each party defaults in the base case: its default probability over the one
        path, 0 or 1 (`Result.default_probability`, or a stored run's summary rows).
    cat : Catalogue
        The language's texts.
    reference : Result, optional
        The reference run (`reference_run` of ``scenario`` when not given: about a second
        for seed-2025).
    name : callable, optional
        A party's name from its id (default: the id).
    """
    parties = [p.id for p in scenario.parties if p.can_default]
    if not parties:
        return None
    mc = reference_run(scenario) if reference is None else reference
    shown = name or (lambda party: party)
    items = [cat.t("report.base_standing_yes" if defaults.get(p, 0.0) > 0
                   else "report.base_standing_no", party=shown(p),
                   share=cat.path_share(mc.default_probability(p)))
             for p in parties]
    return cat.t("report.base_standing", items=cat.t("report.item_separator").join(items),
                 paths=f"{mc.paths:,}", seed=mc.seed)


def base_defaults(base: Result) -> dict[str, float]:
    """Each party's default probability in ``base`` (0 or 1 on its one path), for the
    parties that can default."""
    return {p.id: base.default_probability(p.id) for p in base.scenario.parties if p.can_default}
