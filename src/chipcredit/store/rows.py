"""The store's rows of a run: results turned into the runs row and the data tables' frames.

`prepare` computes, in memory and before the store is opened, every row one `RunStore.save`
inserts: the ``runs`` row, the ``metrics``, ``bands``, ``flows`` and ``defaults`` frames, and
the per-path outcomes as keys and long values (`Prepared`). A paired experiment's record is
first made its variants (`chipcredit.store.variants`). Inserting them is
`chipcredit.store.write`.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from chipcredit.analytics.irr_stats import bracket_shares
from chipcredit.analytics.metrics import column
from chipcredit.analytics.result import Result
from chipcredit.errors import ChipcreditWarning, UsageError

from .provenance import bundled_sha256
from .schema import DATA_TABLES, IRR_COLUMNS, irr_columns
from .variants import experiment_variants

__all__ = ["MAIN", "MAX_OUTCOME_PATHS", "POSITIVE", "Prepared", "prepare", "utcnow"]

MAIN = "main"
"""The variant name of a plain run's one result."""
MAX_OUTCOME_PATHS = 100_000
"""Per-path outcomes are stored for the first this-many paths of each result."""
POSITIVE = 1e-9
"""A value counts as positive in ``metrics.p_positive`` above this ($B rounding noise).

Losses and marks below this are already exactly 0 at their source
(`chipcredit.analytics.metrics.position_losses`, ``position_marks``), so for ``loss`` the
threshold changes nothing: ``p_positive`` is exactly ``mean(loss > 0)``, the P(loss > 0) of
``chipcredit run``'s table and of the HTML report (tests/test_store_threshold.py checks it).
It is kept for the metrics that are not cleaned at source: a defaulted lab's ``cash_end``
holds float residue of 1e-17 to 6e-14 $B on 1-4% of the paths of seed-2025 and
telecom-2000 (500 paths, seeds 0 and 1), and a vendor's ``self_funded_revenue`` and its share
as little as 1e-20; with ``> 0`` those paths would count as holding cash or self-funded
sales."""
_SKIPPED = ("irr_reason", "irr_multiple", "mark", "default_quarter", "default_cause")


@dataclass(frozen=True)
class Prepared:
    """The rows of one run, ready to insert: the runs row, a frame per data table but
    outcomes, and the outcomes as keys (variant, seq, deal, party, metric) and long values
    (variant, seq, path, value), which the insert folds into one list per outcome."""

    run: dict[str, Any]
    frames: dict[str, pd.DataFrame]
    outcome_keys: pd.DataFrame
    outcome_values: pd.DataFrame


def utcnow() -> datetime:
    """Now in UTC, without a time zone: the store's timestamps (``started``, ``finished``)."""
    return datetime.now(UTC).replace(tzinfo=None)


def _num(value: Any) -> float | None:
    if value is None:
        return None
    x = float(value)
    return x if np.isfinite(x) else None


def _metrics(result: Result) -> pd.DataFrame:
    deal_kinds = {d.id: d.kind for d in result.scenario.deals}
    party_kinds = {p.id: p.kind for p in result.scenario.parties}
    rows = []
    # summary() has no default row for a party that cannot default: not a 0 read as "safe"
    for seq, rec in enumerate(result.summary().to_dict("records")):
        deal = rec["deal"] if isinstance(rec["deal"], str) else None
        party, metric = str(rec["party"]), str(rec["metric"])
        key = _outcome_key(result, deal, party, metric)
        values = None if key is None else result.outcomes[key]
        row: dict[str, Any] = {
            "seq": seq, "deal": deal, "deal_kind": deal_kinds.get(deal) if deal else None,
            "party": party, "party_kind": party_kinds.get(party), "metric": metric,
            "mean": _num(rec["mean"]), "p05": _num(rec["p05"]), "p50": _num(rec["p50"]),
            "p95": _num(rec["p95"]), "sd": None, "min": None, "max": None,
            "nan_share": None, "p_positive": None, "unit": rec["unit"],
            **dict.fromkeys(IRR_COLUMNS), "se": _num(rec.get("se")),
        }
        if deal is not None and metric == "irr" and _num(rec.get("ranked_share")) is not None:
            row.update(irr_columns(_irr_stats(result, deal, party)))
        if values is not None and values.size:
            finite = values[np.isfinite(values)]
            if metric == "second_source_quarter":  # -1 marks a lab that never second-sourced
                finite = finite[finite >= 0]
            # the summary's own share (the JSON's, the same paths as its mean and
            # percentiles), not recomputed: 1 - k/n is not always (n-k)/n to the last bit
            # (0.014000000000000012 against 0.014)
            row["nan_share"] = _num(rec.get("nan_share"))
            row["p_positive"] = float(np.mean(values > POSITIVE))
            if finite.size:
                row["sd"] = float(finite.std())
                row["min"] = float(finite.min())
                row["max"] = float(finite.max())
        rows.append(row)
    return pd.DataFrame(rows, columns=[c for c in _names("metrics") if c not in ("run", "variant")])


def _irr_stats(result: Result, deal: str, party: str) -> dict[str, Any]:
    """A deal IRR's statistics as the JSON summary gives them (`Result.describe`: the ranked
    share, withheld, the side of each percentile beyond the bracket; and the shares of paths
    above and below it, `chipcredit.analytics.irr_stats.bracket_shares`, as the JSON summary
    counts them)."""
    stats = dict(result.describe(column("deal", deal, party, "irr")))
    reason = result.outcomes.get(column("deal", deal, party, "irr_reason"))
    if reason is not None:
        stats.update(bracket_shares(reason))
    return stats


def _bands(result: Result) -> pd.DataFrame:
    frames = []
    for party, variable in result.reservoir:
        frame = result.bands(party, variable)
        frame.insert(0, "q", np.arange(len(frame), dtype=np.int32))
        frame.insert(0, "variable", variable)
        frame.insert(0, "party", party)
        frames.append(frame)
    return _concat(frames, "bands")


def _flows(result: Result) -> pd.DataFrame:
    frame = result.flows().rename(columns={"from": "from_party", "to": "to_party"})
    index = {label: q for q, label in enumerate(result.quarter_labels())}
    frame["q"] = frame["quarter"].map(index).astype(np.int32)
    return frame


def _defaults(result: Result) -> pd.DataFrame:
    frames = []
    for party in result.scenario.parties:
        # no rows for a party that cannot default (vendors, lenders, investors, a cloud
        # funded from outside), though the engine reports a default quarter for every cloud
        if not party.can_default or \
                column("party", party.id, "default_quarter") not in result.outcomes:
            continue
        timing = result.default_timing(party.id)
        q = np.arange(len(timing), dtype=np.int32)
        causes = [c for c in timing.columns if c not in ("quarter", "probability", "cumulative")]
        frames.append(pd.DataFrame({"party": party.id, "q": q, "quarter": timing["quarter"],
                                    "cause": "all", "probability": timing["probability"],
                                    "cumulative": timing["cumulative"]}))
        for cause in causes:
            frames.append(pd.DataFrame({"party": party.id, "q": q, "quarter": timing["quarter"],
                                        "cause": cause, "probability": timing[cause],
                                        "cumulative": timing[cause].cumsum()}))
    return _concat(frames, "defaults")


def _split(key: str) -> tuple[str, str | None, str | None, str]:
    """(scope, deal, party, metric) of an outcome key, for querying; the key stays the truth.

    ``deal|D|P|M`` and ``spv|D|M`` name a deal; ``party|P|M`` and other scopes
    (``portfolio|P|M[|...]``) name a party, then the metric.
    """
    parts = key.split("|")
    scope = parts[0]
    if scope == "deal" and len(parts) >= 4:
        return scope, parts[1], parts[2], parts[3]
    if scope == "spv" and len(parts) >= 3:
        return scope, parts[1], None, parts[2]
    if len(parts) >= 3:
        return scope, None, parts[1], parts[2]
    return scope, None, None, parts[-1]


def _outcome_key(result: Result, deal: str | None, party: str, metric: str) -> str | None:
    """The outcome behind a summary row (deal, party, metric), if there is one."""
    candidates = ([column("deal", deal, party, metric), column("spv", deal, metric)]
                  if deal is not None else [column("party", party, metric)])
    return next((k for k in candidates if k in result.outcomes), None)


def _outcomes(result: Result, limit: int) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """(keys, values, paths): keys (seq, outcome, scope, deal, party, metric) of every
    outcome, and values
    (seq, path, value) of the first ``limit`` paths, NaN for no value."""
    keys = list(result.outcomes)
    n = min(result.paths, limit)
    rows = [_split(k) for k in keys]
    key_frame = pd.DataFrame({
        "seq": np.arange(len(keys), dtype=np.int32),
        "outcome": pd.Series(keys, dtype=object),
        "scope": pd.Series([r[0] for r in rows], dtype=object),
        "deal": pd.Series([r[1] for r in rows], dtype=object),
        "party": pd.Series([r[2] for r in rows], dtype=object),
        "metric": pd.Series([r[3] for r in rows], dtype=object),
    })
    values = (np.concatenate([np.asarray(result.outcomes[k][:n], dtype=np.float64) for k in keys])
              if keys else np.zeros(0))
    value_frame = pd.DataFrame({
        "seq": np.repeat(np.arange(len(keys), dtype=np.int32), n),
        "path": np.tile(np.arange(n, dtype=np.int32), len(keys)),
        "value": values,
    })
    return key_frame, value_frame, n


def _names(table: str) -> list[str]:
    for t in DATA_TABLES:
        if t.name == table:
            return t.column_names
    raise KeyError(table)


def _concat(frames: list[pd.DataFrame], table: str) -> pd.DataFrame:
    cols = [c for c in _names(table) if c not in ("run", "variant")]
    if not frames:
        return pd.DataFrame({c: [] for c in cols})
    return pd.concat(frames, ignore_index=True)[cols]


def prepare(results: Result | Mapping[str, Result] | Any, *, kind: str = "run",
            extra: Mapping[str, Any] | None = None, started: datetime | None = None,
            max_outcome_paths: int = MAX_OUTCOME_PATHS) -> Prepared:
    """Every row of a run, computed in memory (the store is not touched); a paired
    experiment's record is first made its variants (`variants.experiment_variants`)."""
    results, kind, extra = experiment_variants(results, kind, extra)
    if not isinstance(results, Result | Mapping):
        raise UsageError("RunStore.save takes a Result, a mapping of variant names to "
                         "Results, a StressResult or a CompareResult; got "
                         f"{type(results).__name__}")
    named = {MAIN: results} if isinstance(results, Result) else dict(results)
    if not named:
        raise UsageError("nothing to store: no results given")
    for name, res in named.items():
        if not isinstance(res, Result):
            raise UsageError(f"can only store chipcredit Results; got {type(res).__name__} "
                             f"for {name!r}")
    if not isinstance(kind, str) or not kind:
        raise UsageError(f"kind must be a non-empty string; got {kind!r}")
    main = next(iter(named.values()))
    try:
        extra_json = json.dumps(dict(extra or {}), allow_nan=False, default=str)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"extra must be a JSON-serialisable mapping: {exc}") from None
    tables: dict[str, list[pd.DataFrame]] = {t.name: [] for t in DATA_TABLES
                                             if t.name != "outcomes"}
    keys: list[pd.DataFrame] = []
    values: list[pd.DataFrame] = []
    stored = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ChipcreditWarning)
        for name, res in named.items():
            for table, frame in (("metrics", _metrics(res)), ("bands", _bands(res)),
                                 ("flows", _flows(res)), ("defaults", _defaults(res))):
                frame.insert(0, "variant", name)
                tables[table].append(frame)
            key_frame, value_frame, n = _outcomes(res, max_outcome_paths)
            stored = max(stored, n)
            for frame in (key_frame, value_frame):
                frame.insert(0, "variant", name)
            keys.append(key_frame)
            values.append(value_frame)
        summary_json = main.to_json()
    elapsed = float(sum(r.elapsed_seconds for r in named.values()))
    if started is None:
        started = utcnow() - timedelta(seconds=elapsed)
    elif started.tzinfo is not None:
        started = started.astimezone(UTC).replace(tzinfo=None)
    run = {
        "kind": kind, "scenario": main.scenario.name, "scenario_sha256": main.scenario_sha256,
        "scenario_yaml": main.scenario.source_text, "paths": main.paths, "seed": main.seed,
        "deterministic": main.deterministic, "start_quarter": main.scenario.start,
        "quarters": main.scenario.horizon_quarters, "version": main.version or None,
        "started": started, "elapsed_seconds": elapsed, "stored_paths": stored,
        "variants": len(named), "max_abs_imbalance": _num(main.max_abs_imbalance),
        "summary_json": summary_json, "extra": extra_json, "code_sha256": main.code_sha256 or None,
        # what the run ran and said, as it was when it ran (a later chipcredit may ship
        # another text under the bundled name)
        "scenario_edited": (None if (bundled := bundled_sha256(main.scenario.name)) is None
                            else bundled != main.scenario_sha256),
        "warnings": json.dumps(said) if (said := _warnings(named)) else None,
    }
    frames = {t: _join(fs) for t, fs in tables.items()}
    return Prepared(run, frames, _join(keys), _join(values))


def _warnings(named: Mapping[str, Result]) -> list[str]:
    """The warnings about the results that `chipcredit.simulate` gave as it made them and
    that the stored rows cannot say again (IRR without a value on some paths, with the
    reason: the store keeps no ``irr_reason``), each variant's prefixed ``variant NAME:``
    where the run has several; kept in ``runs.warnings``, which ``runs show`` prints."""
    from chipcredit.analytics.simulate import _warn_missing_irr

    said: list[str] = []
    for name, res in named.items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ChipcreditWarning)
            _warn_missing_irr(res)
        for w in caught:
            text = str(w.message).replace("\n", " ")
            text = f"variant {name}: {text}" if len(named) > 1 else text
            if text not in said:
                said.append(text)
    return said


def _join(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
