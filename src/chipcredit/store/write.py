"""Turning results into the store's rows, and the write protocol.

Protocol (one writer at a time; DuckDB's file lock enforces it):

1. Everything to be written is computed first, before the store is opened, so the lock is
   held only while rows are inserted.
2. Open the store for writing (waiting, with backoff, while another process holds it).
   A store that does not exist yet is built, with the run in it (steps 3 and 4), under a
   temporary name and moved into place, so a store file, once it exists, always has its
   tables, and a first run that fails or is interrupted leaves no store file.
3. Insert the ``runs`` row with status ``incomplete`` and commit.
4. In one transaction, insert the rows of every data table and set the status to
   ``complete``; commit.
5. Close the store (DuckDB folds its write-ahead log into the file).

A process killed during step 4 leaves the ``incomplete`` row and none of the other rows
(DuckDB rolls back an uncommitted transaction when it next opens the file); killed before
step 3 commits, it leaves no trace. A write that fails or is interrupted (Ctrl-C) during
step 4 rolls back and deletes its ``incomplete`` row too, where the store still takes
writes. Ctrl-C is held while the rows go in and acted on between statements (DuckDB would
turn it into ``Query interrupted`` and an aborted transaction), so it ends the write as
KeyboardInterrupt with the run rolled back; only one that comes during the final COMMIT
leaves the run stored.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from chipcredit.analytics.irr_stats import bracket_shares
from chipcredit.analytics.metrics import column
from chipcredit.analytics.result import Result
from chipcredit.errors import ChipcreditWarning, UsageError
from chipcredit.interrupts import held, test_point

from ._backend import connect, duckdb_module, one_line
from .schema import DATA_TABLES, IRR_COLUMNS, RUNS, irr_columns, prepare_writable

__all__ = ["MAIN", "MAX_OUTCOME_PATHS", "Prepared", "prepare", "write"]

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


def _utcnow() -> datetime:
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
            **dict.fromkeys(IRR_COLUMNS),
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


def prepare(results: Result | Mapping[str, Result], *, kind: str = "run",
            extra: Mapping[str, Any] | None = None, started: datetime | None = None,
            max_outcome_paths: int = MAX_OUTCOME_PATHS) -> Prepared:
    """Every row of a run, computed in memory (the store is not touched)."""
    named = {MAIN: results} if isinstance(results, Result) else dict(results)
    if not named:
        raise UsageError("nothing to store: no results given")
    for name, res in named.items():
        if not isinstance(res, Result):
            raise UsageError(f"can only store chipcredit Results; got {type(res).__name__} "
                             f"for {name!r}")
    if not isinstance(kind, str) or not kind:
        raise UsageError(f"kind must be a non-empty string; got {kind!r}")
    try:
        extra_json = json.dumps(dict(extra or {}), allow_nan=False, default=str)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"extra must be a JSON-serialisable mapping: {exc}") from None
    main = next(iter(named.values()))
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
        started = _utcnow() - timedelta(seconds=elapsed)
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
    }
    frames = {t: _join(fs) for t, fs in tables.items()}
    return Prepared(run, frames, _join(keys), _join(values))


def _join(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


# --- the write ---------------------------------------------------------------------------


def _create(path: Path, prepared: Prepared, timeout: float) -> int | None:
    """Build a new store holding the run beside ``path`` and move it into place; its run id.

    None, with nothing written, when another process created the store meanwhile. A store
    file, once it exists, always has its tables; and a first run that fails or is
    interrupted leaves no store file at all, not an empty one.
    """
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        with connect(tmp, read_only=False, timeout=timeout) as con:
            prepare_writable(con, path)
            run_id = _insert(con, prepared)
            con.execute("CHECKPOINT")
        with held():  # moved into place, or not at all
            try:
                os.link(tmp, path)      # fails if another process created the store meanwhile
            except FileExistsError:
                return None
            except OSError:             # no hard links here: rename, checking first
                if path.exists():
                    return None
                os.replace(tmp, path)
    except OSError as exc:
        raise UsageError(f"cannot create the run store {path}: {exc.strerror or exc}") from None
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            with contextlib.suppress(OSError):
                leftover.unlink()
    return run_id


def write(path: Path, prepared: Prepared, *, timeout: float) -> int:
    """Insert a prepared run (protocol in the module docstring); return its id.

    Ctrl-C while the rows go in rolls the run back and raises KeyboardInterrupt (DuckDB
    would otherwise report it as ``Query interrupted`` or an aborted transaction)."""
    duckdb = duckdb_module()
    try:
        return _write(path, prepared, timeout)
    except (duckdb.Error, RuntimeError) as exc:
        if _interrupted(exc):
            raise KeyboardInterrupt from None
        if not isinstance(exc, duckdb.Error):
            raise
        raise UsageError(f"cannot write to the run store {path}: {_why(exc)}") from None


def _interrupted(exc: BaseException) -> bool:
    """Whether ``exc`` is, or came from, Ctrl-C meeting DuckDB: a KeyboardInterrupt, or
    DuckDB's ``Query interrupted`` / InterruptException, in its chain."""
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        if isinstance(link, KeyboardInterrupt) or type(link).__name__ == "InterruptException" \
                or str(link).strip() == "Query interrupted":
            return True
        seen.add(id(link))
        link = link.__cause__ or link.__context__
    return False


_FULL = ("No space left on device", "File too large", "Disk quota exceeded")
"""What the OS says when a write does not fit (ENOSPC, EFBIG, EDQUOT)."""


def _why(exc: BaseException) -> str:
    text = one_line(exc)
    for marker in _FULL:
        if marker.lower() in str(exc).lower():
            # the transaction was rolled back, so the store holds what it held before
            return (f"the disk is full, or the file reached a size limit ({marker}); this run "
                    "was not stored and earlier runs are intact")
    return text


def _write(path: Path, prepared: Prepared, timeout: float) -> int:
    if not path.exists():
        run_id = _create(path, prepared, timeout)
        if run_id is not None:
            return run_id
    with connect(path, read_only=False, timeout=timeout) as con:
        prepare_writable(con, path)
        return _insert(con, prepared)


def _insert(con: Any, prepared: Prepared) -> int:
    """Steps 3 and 4 of the protocol on an open store; the run's id.

    Ctrl-C is held meanwhile (in the main thread) and acted on between statements, so DuckDB
    never sees it mid-statement: the transaction rolls back and KeyboardInterrupt is raised.
    """
    with held() as hold:
        names = ["id", "status", *prepared.run]
        marks = ", ".join(["nextval('run_ids')", "'incomplete'"] + ["?"] * len(prepared.run))
        row = con.execute(f"INSERT INTO {RUNS.name} ({', '.join(names)}) VALUES ({marks}) "
                          "RETURNING id", list(prepared.run.values())).fetchone()
        run_id = int(row[0])
        try:
            con.execute("BEGIN TRANSACTION")
            for table, frame in prepared.frames.items():
                if frame.empty:
                    continue
                hold.check()
                con.register("chipcredit_rows", frame)
                try:
                    con.execute(f"INSERT INTO {table} BY NAME "
                                "SELECT CAST(? AS BIGINT) AS run, * FROM chipcredit_rows",
                                [run_id])
                finally:
                    con.unregister("chipcredit_rows")
            hold.check()
            if not prepared.outcome_keys.empty:
                _insert_outcomes(con, run_id, prepared)
            test_point("store")
            hold.check()
            con.execute("UPDATE runs SET status = 'complete', finished = ? WHERE id = ?",
                        [_utcnow(), run_id])
            con.execute("COMMIT")
        except BaseException:
            # an error or Ctrl-C: nothing of the run stays, not even its incomplete row (a
            # process killed outright still leaves that row, see the module docstring)
            with contextlib.suppress(Exception):
                con.execute("ROLLBACK")
            with contextlib.suppress(Exception):
                con.execute("DELETE FROM runs WHERE id = ?", [run_id])
            raise
    return run_id


def _insert_outcomes(con: Any, run_id: int, prepared: Prepared) -> None:
    """One row per outcome, its values folded into a list in path order (NaN -> NULL)."""
    con.register("chipcredit_keys", prepared.outcome_keys)
    con.register("chipcredit_values", prepared.outcome_values)
    try:
        con.execute(
            "INSERT INTO outcomes "
            "(run, variant, seq, outcome, scope, deal, party, metric, paths, per_path) "
            "SELECT CAST(? AS BIGINT), k.variant, k.seq, k.outcome, k.scope, k.deal, k.party, "
            "k.metric, "
            "coalesce(v.paths, 0), coalesce(v.per_path, CAST([] AS DOUBLE[])) "
            "FROM chipcredit_keys k LEFT JOIN ("
            "  SELECT variant, seq, CAST(count(*) AS INTEGER) AS paths, "
            "         list(value ORDER BY path) AS per_path "
            "  FROM chipcredit_values GROUP BY variant, seq) v USING (variant, seq) "
            "ORDER BY k.variant, k.seq", [run_id])
    finally:
        con.unregister("chipcredit_keys")
        con.unregister("chipcredit_values")
