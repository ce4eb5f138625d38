"""`Result`: the frozen record of a run, with its tidy tables and the JSON summary.

The record itself (its fields, read-only freezing and pickling, identity and the JSON
summary) is here; what it computes from its fields is inherited, one concept a module:
`lookup` (per-path outcomes), `event_timing` (defaults and second sourcing),
`tidy_tables` (summary, bands, flows, IRR reasons) and `schedule` (one path's deal cash
flows).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from chipcredit import fingerprint
from chipcredit._version import __version__
from chipcredit.engine.ledger import Checks
from chipcredit.scenario.model import Scenario

from .card import Card, CardShown, horizon_text
from .frozen import Constant, FrozenChecks, freeze, is_constant
from .json_summary import NAN_METRICS, json_summary
from .outcome_frame import outcomes_frame
from .schedule import Schedules
from .tidy_tables import TidyTables

__all__ = ["NAN_METRICS", "Result"]


@dataclass(frozen=True, repr=False)
class Result(CardShown, TidyTables, Schedules):
    """The record of one run, read-only all the way down.

    Every mapping below is a read-only view (`types.MappingProxyType`) and every array in
    it is read-only (``flags.writeable`` is False), also after a pickle round trip: the
    statistics, tables and JSON summary are computed from these, so a stray assignment
    cannot make them disagree. ``.copy()`` an array to change it.

    Attributes
    ----------
    scenario : Scenario
        The scenario run (its YAML text in ``scenario.source_text``).
    paths : int
        Monte Carlo paths (1 for the deterministic base case).
    seed : int
        Seed of the run's `numpy.random.SeedSequence`.
    deterministic : bool
        Whether this is the base case (one path, no shocks).
    outcomes : mapping of str to ndarray, each shaped ``(paths,)``
        Per-path scalar outcomes in four families ($B; IRR effective annual; a quarter is
        -1 where its event did not happen; docs/output.md lists the metrics):
        ``deal|DEAL|PARTY|METRIC`` (a party's metrics in a deal), ``party|PARTY|METRIC``
        (a party's own), ``spv|DEAL|METRIC`` (a deal's own: an SPV's ``debt_loss``, a
        facility's ``written_off``) and ``portfolio|PARTY|loss`` or
        ``portfolio|PARTY|METRIC|OBLIGOR`` (a party's credit book). `outcome` reads each
        family: ``outcome(DEAL, PARTY, METRIC)``, ``outcome(None, PARTY, METRIC)``,
        ``outcome(spv=DEAL, metric=M)``, ``outcome(portfolio=PARTY, metric=M[,
        obligor=OBLIGOR])``. float32
        (4 bytes per path and outcome; quantiles come from these), float64 for the
        deterministic base case. An outcome that is the same on every path is stored once
        (a broadcast view), and one that repeats another shares its array
        (`engine.columns`); both survive pickling.
    reservoir : mapping of (party, variable) to float32 ndarray ``(min(paths, 20000), quarters)``
        Quarterly values of the first paths, for bands.
    series_sums : mapping of (party, variable) to float64 ndarray ``(quarters,)``
        Exact sums over all paths (means are these over ``paths``).
    flow_sums, flow_sumsq : mapping of (from, to, kind) to float64 ndarray ``(quarters,)``
        Sums over paths of each quarter's flow and of its square ($B, $B^2).
    checks : FrozenChecks
        Largest ledger-invariant violations ($B); a frozen `Checks`.
    elapsed_seconds : float
        Wall time of the run (kept out of the JSON summary).
    means : mapping of str to float
        Exact mean of each outcome's finite values over all paths, from float64 per-block
        sums (NaN where none is finite); an outcome missing here is averaged from
        ``outcomes``.
    self_funded_sums : mapping of (from, to, kind) to float64 ndarray ``(quarters,)``
        Sums over paths of the part of each flow into a vendor that is the vendor's own
        money coming back to it (money provenance; docs/design.md section 5).
    flow_reservoir : mapping of (from, to, kind) to float32 ndarray ``(quarters, kept)``
        Every flow of the first paths (up to 2,048), for the flows matrix's p05 and p95.
    version : str
        The chipcredit version that simulated the run (``chipcredit.__version__``), stamped
        when the `Result` is made, so a run loaded or written later still names its maker.
    code_sha256 : str
        The fingerprint of the code that simulated it (`chipcredit.fingerprint`, 64 hex
        digits): it tells apart two commits that share a version number.
    """

    scenario: Scenario
    paths: int
    seed: int
    deterministic: bool
    outcomes: Mapping[str, NDArray[Any]]  # float32, or float64 for the base case
    reservoir: Mapping[tuple[str, str], NDArray[np.float32]]
    series_sums: Mapping[tuple[str, str], NDArray[np.float64]]
    flow_sums: Mapping[tuple[str, str, str], NDArray[np.float64]]
    flow_sumsq: Mapping[tuple[str, str, str], NDArray[np.float64]]
    checks: Checks = field(default_factory=Checks)
    elapsed_seconds: float = 0.0
    means: Mapping[str, float] = field(default_factory=dict)
    self_funded_sums: Mapping[tuple[str, str, str], NDArray[np.float64]] = field(default_factory=dict)
    flow_reservoir: Mapping[tuple[str, str, str], NDArray[np.float32]] = field(default_factory=dict)
    version: str = __version__
    # looked up when the Result is made (the end of the simulation), not when it is written
    code_sha256: str = field(default_factory=lambda: fingerprint.code_sha256())

    _MAPPINGS = ("outcomes", "reservoir", "series_sums", "flow_sums", "flow_sumsq", "means",
                 "self_funded_sums", "flow_reservoir")

    def __post_init__(self) -> None:
        # read-only views over the engine's own arrays: flags, not copies (memory stays flat)
        for name in self._MAPPINGS:
            object.__setattr__(self, name, freeze(getattr(self, name)))
        object.__setattr__(self, "checks", FrozenChecks.of(self.checks))

    def __getstate__(self) -> dict[str, Any]:
        """Plain dicts for pickling (a mapping proxy does not pickle); an outcome stored once
        travels as its one value, and outcomes that share an array send it once (pickle's
        memo keeps the sharing)."""
        state: dict[str, Any] = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        for name in self._MAPPINGS:
            state[name] = dict(state[name])
        state["outcomes"] = {k: Constant(np.array(v[:1]), v.shape[0]) if is_constant(v) else v
                             for k, v in state["outcomes"].items()}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        outcomes = state.get("outcomes", {})
        state = {**state, "outcomes": {
            k: np.broadcast_to(v.value, (v.paths,)) if isinstance(v, Constant) else v
            for k, v in outcomes.items()}}
        # a Result pickled before runs were stamped: its code is not known
        state.setdefault("version", "")
        state.setdefault("code_sha256", "")
        for name, value in state.items():
            object.__setattr__(self, name, value)
        self.__post_init__()

    # -- display: a card, not the dataclass repr of every array (megabytes at 1,000 paths) --
    def _card(self) -> Card:
        sc = self.scenario
        return Card.of(f"Result of {sc.name}", [
            ("paths", f"{self.paths:,}" + (" (deterministic base case)" if self.deterministic else "")),
            ("seed", self.seed), ("horizon", horizon_text(sc)),
            ("outcomes", f"{len(self.outcomes):,}"), ("parties", len(sc.parties)),
            ("deals", len(sc.deals)), ("scenario_sha256", self.scenario_sha256[:8])],
            ".summary(), .outcome(deal, party, metric), .default_probability(party), "
            ".outcomes_frame(), .flows(), .to_dict()")

    # -- per-path outcomes as a table ------------------------------------------------------
    def outcomes_frame(self, *, flat: bool = False) -> pd.DataFrame:
        """Every per-path outcome (`outcomes`) as one DataFrame, a row per path.

        Parameters
        ----------
        flat : bool, default False
            Name the columns by their `outcomes` keys (``deal|DEAL|PARTY|METRIC``, as in
            ``run --paths-out`` and the run store) instead of a MultiIndex.

        Returns
        -------
        DataFrame, shape ``(paths, len(outcomes))``
            Index ``path`` (0 to paths - 1). Columns a MultiIndex with levels ``family``,
            ``id``, ``party``, ``metric`` ("" where a family has no such part):
            ``("deal", DEAL, PARTY, METRIC)``, ``("party", "", PARTY, METRIC)``,
            ``("spv", DEAL, "", METRIC)``, ``("portfolio", "", PARTY, "loss")`` and
            ``("portfolio", OBLIGOR, PARTY, METRIC)``, in the order of `outcomes`. Each
            column in its documented type (docs/output.md, "Units"): ``default_cause`` and
            ``irr_reason`` categorical, by name (``none``, ``arrears_unfunded``, ...;
            ``ok``, ``no_sign_change``, ...); a 0-or-1 event (``debt_impaired``,
            ``lessee_default``, ...) bool; a quarter (``default_quarter``,
            ``second_source_quarter``, ``first_breach_quarter``) int64 from 0, -1 where it
            did not happen; the rest float32 ($B, rates, shares as in `outcomes`; float64
            for the base case), NaN where a path has no value. A copy: it can be changed.
        """
        return outcomes_frame(self.outcomes, self.paths, flat=flat)

    # -- identity ------------------------------------------------------------------------
    @property
    def scenario_sha256(self) -> str:
        """SHA-256 of the scenario's YAML text (``scenario.source_text``), 64 hex digits:
        which scenario this run is of, in the JSON summary and the run store."""
        return hashlib.sha256(self.scenario.source_text.encode("utf-8")).hexdigest()

    @property
    def max_abs_imbalance(self) -> float:
        """Largest violation of any ledger invariant over every path and quarter, $B (float)."""
        return self.checks.worst()

    # -- the JSON summary (docs/design.md section 9) ------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The JSON summary (docs/design.md section 9) as a dict.

        Returns
        -------
        dict
            Plain JSON types (str, int, float, bool, None, dict, list); money in $B, time
            in quarters, a statistic with no value is None. No wall-clock times, so the same
            scenario, paths and seed give the same dict.
        """
        return json_summary(self)

    def to_json(self, indent: int | None = 2) -> str:
        """The JSON summary (`to_dict`) as text.

        Parameters
        ----------
        indent : int or None, default 2
            As `json.dumps`; None for one line.

        Returns
        -------
        str
            Valid JSON (no NaN: a statistic with no value is null), identical for identical
            runs.
        """
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)
