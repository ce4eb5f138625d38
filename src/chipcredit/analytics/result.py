"""`Result`: the frozen record of a run, with its tidy tables and the JSON summary."""

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

from chipcredit.engine.labs import CAUSES
from chipcredit.engine.ledger import Checks
from chipcredit.engine.run import trace_path
from chipcredit.errors import UsageError, did_you_mean
from chipcredit.scenario.model import Scenario
from chipcredit.units import format_quarter

from .arguments import whole_number
from .frozen import Constant, FrozenChecks, freeze, is_constant
from .json_summary import NAN_METRICS, json_summary
from .metrics import column
from .stats import QUANTILES, band_means, band_quantiles, describe
from .valuation import REASONS

__all__ = ["NAN_METRICS", "Result"]

_CASHFLOW_DTYPES: dict[str, Any] = {"time": "int64", "quarter": str, "timing": str, "from": str, "to": str,
                                    "kind": str, "amount": "float64", "counted": "bool"}
"""Column dtypes of `Result.cashflows`, empty or not (str is pandas' string dtype)."""

@dataclass(frozen=True)
class Result:
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
        Per-path scalar outcomes, keyed ``deal|DEAL|PARTY|METRIC`` or ``party|PARTY|METRIC``
        ($B; IRR effective annual; ``default_quarter`` is -1 without a default). float32
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
        money coming back to it (money provenance; DESIGN.md section 5).
    flow_reservoir : mapping of (from, to, kind) to float32 ndarray ``(quarters, kept)``
        Every flow of the first paths (up to 2,048), for the flows matrix's p05 and p95.
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
        for name, value in state.items():
            object.__setattr__(self, name, value)
        self.__post_init__()

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

    def quarter_labels(self) -> list[str]:
        """Labels of the run's quarters, ``["2025Q1", "2025Q2", ...]``.

        Returns
        -------
        list of str, length ``scenario.horizon_quarters``
            Quarter ``q`` (0 = the scenario start) is at index ``q``.
        """
        start = self.scenario.start_index
        return [format_quarter(start + q) for q in range(self.scenario.horizon_quarters)]

    # -- per-path access -----------------------------------------------------------------
    def outcome(self, deal: str | None, party: str, metric: str) -> NDArray[np.floating[Any]]:
        """Per-path values of one outcome.

        Parameters
        ----------
        deal : str or None
            A deal id; None for a party outcome (``party|PARTY|METRIC``).
        party : str
            A party id.
        metric : str
            The metric (``npv``, ``irr``, ``moic``, ``cash_in``, ``default_quarter``, ...).

        Returns
        -------
        ndarray, shape ``(paths,)``, float32 (float64 for the deterministic base case)
            Read-only. Money in $B, IRR effective annual, quarters counted from the start
            (-1 where the event did not happen); NaN where the metric has no value.

        Raises
        ------
        UsageError
            An unknown deal, party or metric, with a did-you-mean.
        """
        key = column("party", party, metric) if deal is None else column("deal", deal, party, metric)
        if key not in self.outcomes:
            self._unknown(deal, party, metric)
        return self.outcomes[key]

    def _unknown(self, deal: str | None, party: str, metric: str) -> None:
        deals = [d.id for d in self.scenario.deals]
        parties = [p.id for p in self.scenario.parties]
        if deal is not None and deal not in deals:
            hint = did_you_mean(deal, deals)
            raise UsageError(f"deal {deal!r} is not in the scenario"
                             + (f" (did you mean {hint}?)" if hint else ""))
        if party not in parties:
            hint = did_you_mean(party, parties)
            raise UsageError(f"party {party!r} is not in the scenario"
                             + (f" (did you mean {hint}?)" if hint else ""))
        where = f"deal {deal!r}" if deal else "the party outcomes"
        raise UsageError(f"{where} has no metric {metric!r} for party {party!r}")

    def _key(self, key: str) -> str:
        """``key`` if it is an `outcomes` key, else a one-line error with a did-you-mean."""
        if isinstance(key, str) and key in self.outcomes:
            return key
        hint = did_you_mean(key, self.outcomes)
        raise UsageError(f"key must be an outcome of this run, deal|DEAL|PARTY|METRIC or "
                         f"party|PARTY|METRIC (see Result.outcomes); got {key!r}"
                         + (f" (did you mean {hint}?)" if hint else ""))

    def describe(self, key: str) -> dict[str, float | None]:
        """Mean and quantiles of one outcome.

        Parameters
        ----------
        key : str
            An `outcomes` key, ``deal|DEAL|PARTY|METRIC`` or ``party|PARTY|METRIC``.

        Returns
        -------
        dict with keys ``mean``, ``p05``, ``p50``, ``p95`` (float or None)
            The exact mean over all paths (`means`) and quantiles of the per-path values,
            over the paths where the outcome is finite, in the outcome's unit ($B for
            money); None where no path has a finite value.

        Raises
        ------
        UsageError
            An unknown key, with a did-you-mean over the outcome keys.
        """
        key = self._key(key)
        return describe(self.outcomes[key], mean=self.means.get(key))

    def mean(self, key: str) -> float:
        """Mean of one outcome over the paths where it is finite.

        Parameters
        ----------
        key : str
            An `outcomes` key, ``deal|DEAL|PARTY|METRIC`` or ``party|PARTY|METRIC``.

        Returns
        -------
        float
            Exact (from float64 per-block sums), in the outcome's unit ($B for money); NaN
            if no path has a finite value.

        Raises
        ------
        UsageError
            An unknown key, with a did-you-mean over the outcome keys.
        """
        key = self._key(key)
        if key in self.means:
            return self.means[key]
        values = self.outcomes[key]
        finite = np.isfinite(values)
        return float(np.sum(values, where=finite, dtype=np.float64) / finite.sum()) \
            if finite.any() else float("nan")

    def deal_parties(self) -> list[tuple[str, str]]:
        """The (deal, party) pairs that have deal metrics, in scenario order.

        Returns
        -------
        list of (str, str)
            Deal id and party id, in the order of `outcomes`.
        """
        seen: list[tuple[str, str]] = []
        for key in self.outcomes:
            parts = key.split("|")
            if parts[0] == "deal" and (parts[1], parts[2]) not in seen:
                seen.append((parts[1], parts[2]))
        return seen

    # -- defaults ------------------------------------------------------------------------
    def default_probability(self, party: str) -> float:
        """Share of paths on which ``party`` defaulted within the horizon.

        Parameters
        ----------
        party : str
            A party id.

        Returns
        -------
        float in [0, 1]
            0.0 for a party that cannot default (a vendor, an investor, a lender: see the
            scenario party model's ``can_default``).

        Raises
        ------
        UsageError
            A party not in the scenario, with a did-you-mean.
        """
        key = column("party", party, "default_quarter")
        if key not in self.outcomes:
            if party not in [p.id for p in self.scenario.parties]:
                self._unknown(None, party, "default_quarter")
            return 0.0
        return float(np.mean(self.outcomes[key] >= 0))

    def _party_with(self, party: str, metric: str, method: str, rule: str, why: str) -> None:
        """Refuse ``party`` for ``method`` in one line when it has no ``metric`` column."""
        if column("party", party, metric) in self.outcomes:
            return
        kinds = {p.id: p.kind for p in self.scenario.parties}
        if party not in kinds:
            self._unknown(None, party, metric)
        able = [p for p in kinds if column("party", p, metric) in self.outcomes]
        raise UsageError(f"{method} is for {rule}; got {party!r}, a {kinds[party]}{why} "
                         f"(such parties here: {', '.join(able) or 'none'})")

    def default_timing(self, party: str) -> pd.DataFrame:
        """Default probability by quarter and cause, with the cumulative probability.

        Parameters
        ----------
        party : str
            A party that can default: a lab, or a cloud on its own balance sheet (the
            scenario party model's ``can_default``). Others have no default timing
            (`default_probability` is 0.0 for them).

        Returns
        -------
        DataFrame, one row per quarter (``scenario.horizon_quarters`` rows)
            ``quarter`` (str, ``2025Q1``), ``probability`` (float64, share of paths that
            default in that quarter), ``cumulative`` (float64, share defaulted by its end),
            and one float64 column per default cause (they sum to ``probability``).

        Raises
        ------
        UsageError
            An unknown party (did-you-mean), or one that cannot default.
        """
        self._party_with(party, "default_quarter", "default_timing",
                         "parties that can default (a lab, or a cloud on its own balance sheet: "
                         "the scenario party's can_default)", ", which cannot default")
        dq = self.outcome(None, party, "default_quarter")
        cause = self.outcome(None, party, "default_cause")
        rows = []
        cumulative = 0.0
        for q, label in enumerate(self.quarter_labels()):
            hit = dq == q
            share = float(hit.mean())
            cumulative += share
            row: dict[str, Any] = {"quarter": label, "probability": share, "cumulative": cumulative}
            for code, name in enumerate(CAUSES[1:], start=1):
                row[name] = float((hit & (cause == code)).mean())
            rows.append(row)
        return pd.DataFrame(rows)

    def second_sourcing(self, lab: str) -> pd.DataFrame:
        """Share of paths on which ``lab`` first takes delivery from a vendor other than its
        primary one, by quarter, with the cumulative share.

        Parameters
        ----------
        lab : str
            A lab's party id (only labs buy compute from vendors).

        Returns
        -------
        DataFrame, one row per quarter (``scenario.horizon_quarters`` rows)
            ``quarter`` (str), ``probability`` (float64, share of paths that first
            second-source in that quarter), ``cumulative`` (float64).

        Raises
        ------
        UsageError
            An unknown party (did-you-mean), or one that is not a lab.
        """
        self._party_with(lab, "second_source_quarter", "second_sourcing",
                         "labs (the parties that choose between vendors)", "")
        sq = self.outcome(None, lab, "second_source_quarter")
        rows = []
        cumulative = 0.0
        for q, label in enumerate(self.quarter_labels()):
            share = float(np.mean(sq == q))
            cumulative += share
            rows.append({"quarter": label, "probability": share, "cumulative": cumulative})
        return pd.DataFrame(rows)

    # -- tables --------------------------------------------------------------------------
    def summary(self) -> pd.DataFrame:
        """Tidy table of every deal and party outcome's statistics.

        Returns
        -------
        DataFrame, one row per (deal, party, metric) and per party metric
            ``deal`` (str; missing, NaN, for party rows: test with ``summary().deal.isna()``),
            ``party`` and ``metric`` (str), ``mean``, ``p05``, ``p50``, ``p95`` (float64, in
            the metric's unit: $B for money, quarters for ``second_source_quarter``; NaN
            where no path has a value) and ``nan_share`` (float64).

        ``nan_share`` is the share of paths on which the statistic has no value, which its
        mean and quantiles leave out (a MOIC where nothing was invested, an IRR, the quarter
        of a second source on paths without one); NaN for a probability, whose quantiles
        are NaN too. SPV and portfolio outcomes are in `to_dict` (``spvs``, ``portfolios``)
        and `outcomes`.
        """
        rows = []
        for key in self.outcomes:
            parts = key.split("|")
            metric = parts[-1]
            if (metric in ("irr_reason", "irr_multiple", "mark", "default_quarter", "default_cause",
                           "first_breach_quarter", "second_source_quarter")
                    or parts[0] in ("portfolio", "spv")):
                continue
            deal = parts[1] if parts[0] == "deal" else None
            party = parts[2] if parts[0] == "deal" else parts[1]
            rows.append({"deal": deal, "party": party, "metric": metric, **self.describe(key),
                         "nan_share": float(np.mean(~np.isfinite(self.outcomes[key])))})
        for p in self.scenario.parties:
            if p.kind in ("lab", "cloud"):
                prob = self.default_probability(p.id)
                rows.append({"deal": None, "party": p.id, "metric": "default_probability",
                             "mean": prob, "p05": None, "p50": None, "p95": None,
                             "nan_share": None})
            second = column("party", p.id, "second_source_quarter")
            if second in self.outcomes:  # when labs first buy from a second vendor
                sq = self.outcomes[second]
                rows.append({"deal": None, "party": p.id, "metric": "second_source_probability",
                             "mean": float(np.mean(sq >= 0)), "p05": None, "p50": None,
                             "p95": None, "nan_share": None})
                rows.append({"deal": None, "party": p.id, "metric": "second_source_quarter",
                             **describe(sq[sq >= 0]), "nan_share": float(np.mean(sq < 0))})
        return pd.DataFrame(rows, columns=["deal", "party", "metric", "mean", "p05", "p50", "p95",
                                           "nan_share"])

    def bands(self, party: str, variable: str) -> pd.DataFrame:
        """Quarterly bands of a party variable.

        Parameters
        ----------
        party : str
            A party id.
        variable : str
            One of the party's quarterly variables (its ``reservoir`` keys: ``cash``,
            ``revenue``, ``sales``, ``share``, ...).

        Returns
        -------
        DataFrame, one row per quarter (``scenario.horizon_quarters`` rows)
            ``quarter`` (str), ``mean`` (float64, exact over all paths) and ``p05``, ``p25``,
            ``p50``, ``p75``, ``p95`` (float64, from the reservoir of the first 20,000
            paths), in the variable's unit ($B for money, a share for ``share``).

        Raises
        ------
        UsageError
            An unknown party or variable, with a did-you-mean.
        """
        key = (party, variable)
        if key not in self.reservoir:
            options = sorted({v for (p, v) in self.reservoir if p == party})
            if not options:
                self._unknown(None, party, variable)
            hint = did_you_mean(variable, options)
            raise UsageError(f"party {party!r} has no variable {variable!r}; it has "
                             f"{', '.join(options)}" + (f" (did you mean {hint}?)" if hint else ""))
        q = band_quantiles(self.reservoir[key])
        exact = self.series_sums[key] / self.paths
        # a ratio defined only on some paths (an SPV's LTV) has no exact mean over all paths;
        # its mean is over the reservoir's paths where it is defined
        mean = exact if np.isfinite(exact).all() else band_means(self.reservoir[key])
        frame = pd.DataFrame({"quarter": self.quarter_labels(), "mean": mean})
        for i, level in enumerate(QUANTILES):
            frame[f"p{round(level * 100):02d}"] = q[i]
        return frame

    def flows(self) -> pd.DataFrame:
        """The flows matrix, ready for a Sankey diagram.

        Returns
        -------
        DataFrame, one row per (from, to, kind, quarter) whose flow is not 0 on every path
            ``from``, ``to``, ``kind``, ``quarter`` (str); ``mean`` and ``sd`` (float64, $B,
            over all paths); ``p05`` and ``p95`` (float64, $B, over the first paths, up to
            2,048; NaN when not kept); ``self_funded_mean`` (float64, $B): the mean of the
            part of a flow into a vendor that is its own money coming back, put into the
            payer directly or through an SPV or a cloud (0 for other flows).
        """
        rows = []
        labels = self.quarter_labels()
        for (src, dst, kind), sums in self.flow_sums.items():
            sq = self.flow_sumsq[(src, dst, kind)]
            mean = sums / self.paths
            var = np.maximum(sq / self.paths - mean**2, 0.0)
            own = self.self_funded_sums.get((src, dst, kind))
            kept = self.flow_reservoir.get((src, dst, kind))
            q05 = q95 = np.full(len(labels), np.nan)
            if kept is not None and kept.shape[1]:
                q05, q95 = np.quantile(kept.astype(np.float64), [0.05, 0.95], axis=1)
            elif self.flow_reservoir:
                # the kept paths record every key that moves on any of them: a key missing
                # here moved nothing on those paths (whatever the chunking)
                q05 = q95 = np.zeros(len(labels))
            for q in np.nonzero(sums)[0]:
                rows.append({"from": src, "to": dst, "kind": kind, "quarter": labels[q],
                             "mean": float(mean[q]), "sd": float(np.sqrt(var[q])),
                             "p05": float(q05[q]), "p95": float(q95[q]),
                             "self_funded_mean": 0.0 if own is None else float(own[q] / self.paths)})
        return pd.DataFrame(rows, columns=["from", "to", "kind", "quarter", "mean", "sd", "p05",
                                           "p95", "self_funded_mean"])

    def cashflows(self, deal: str, path: int | np.integer[Any] = 0) -> pd.DataFrame:
        """One path's schedule of a deal, line by line (re-simulated exactly from its block).

        Parameters
        ----------
        deal : str
            A deal id.
        path : int, default 0
            The path, from 0 to ``paths - 1`` (a numpy integer too, e.g. ``np.argmin(...)``
            of an outcome).

        Returns
        -------
        DataFrame, one row per cash-flow line (none where the deal has no flows on the path)
            ``time`` (int64, quarters from the start), ``quarter`` (str), ``timing`` (str,
            begin/end), ``from``, ``to``, ``kind`` (str), ``amount`` (float64, $B),
            ``counted`` (bool, whether the deal's metrics count the line). The dtypes are
            the same when it is empty.

        Raises
        ------
        UsageError
            An unknown deal (did-you-mean), or a path out of range.
        """
        if deal not in [d.id for d in self.scenario.deals]:
            self._unknown(deal, "", "")
        return self.schedules(path)[deal]

    def schedules(self, path: int | np.integer[Any] = 0) -> dict[str, pd.DataFrame]:
        """`cashflows` of every deal for one path, from a single re-simulation.

        Parameters
        ----------
        path : int, default 0
            The path, from 0 to ``paths - 1`` (a numpy integer too).

        Returns
        -------
        dict of deal id to DataFrame
            Each as `cashflows` returns it, in scenario order.
        """
        path = whole_number("path", path, low=0, high=self.paths - 1)
        _, lines = trace_path(self.scenario, self.paths, self.seed, path, self.deterministic)
        labels = self.quarter_labels()
        columns = ["time", "quarter", "timing", "from", "to", "kind", "amount", "counted"]
        out = {}
        for spec in self.scenario.deals:
            rows = [{"time": t.time, "quarter": labels[t.quarter], "timing": t.timing,
                     "from": t.source, "to": t.target, "kind": t.kind, "amount": t.amount,
                     "counted": t.counted} for t in lines if t.deal == spec.id]
            out[spec.id] = pd.DataFrame(rows, columns=columns).astype(_CASHFLOW_DTYPES)
        return out

    def irr_reasons(self) -> dict[tuple[str, str], dict[str, int]]:
        """Paths without an IRR, by reason, for each (deal, party).

        Returns
        -------
        dict of (deal, party) to dict of reason to int
            Path counts. ``no_position`` counts the paths where the party has no flows in the
            deal (nothing paid or received); every other reason (``no_sign_change``,
            ``above_bracket``, ``below_bracket``, ``no_root_in_bracket``, ``not_converged``)
            counts only paths with flows. Paths with an IRR are not counted, so the counts
            sum to the paths without one.
        """
        out = {}
        for deal, party in self.deal_parties():
            reason = self.outcome(deal, party, "irr_reason")
            active = (self.outcome(deal, party, "cash_in") + self.outcome(deal, party, "cash_out")) > 0
            counts = {name: int(((reason == code) & active).sum())
                      for code, name in REASONS.items() if code != 0}
            counts["no_position"] = int((~active).sum())
            out[(deal, party)] = counts
        return out

    # -- the JSON summary (DESIGN.md section 9) ------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The JSON summary (DESIGN.md section 9) as a dict.

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
