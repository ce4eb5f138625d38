"""Reading the store: runs, one run's tables, per-path outcomes, differences, SQL."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from chipcredit.errors import UsageError

from ._backend import duckdb_module
from .provenance import edited, scenario_diff
from .schema import BANDS, DEFAULTS, FLOWS, METRICS, RUNS

__all__ = ["LIST_COLUMNS", "PRIMARY", "diff", "frame", "get_run", "list_runs", "outcomes", "pairing",
           "run_row", "stored_summary"]

LIST_COLUMNS = ["id", "kind", "status", "scenario", "paths", "seed", "deterministic",
                "started", "finished", "elapsed_seconds", "scenario_sha256", "version",
                "stored_paths", "variants"]
"""The columns of `list_runs` (runs without its long text columns)."""

_STATS = ("mean", "p05", "p50", "p95")


def frame(con: Any, query: str, params: list[Any] | None = None) -> pd.DataFrame:
    """A query's result as a DataFrame (empty, without columns, for a statement)."""
    cur = con.execute(query, params or [])
    if cur.description is None:
        return pd.DataFrame()
    return cur.df()


def list_runs(con: Any, has_tables: bool) -> pd.DataFrame:
    """`LIST_COLUMNS`, then ``edited``: whether the run's scenario is named as a bundled
    scenario but its text was not that scenario's (`provenance.edited`: ``runs.scenario_edited``,
    else against this chipcredit's bundled file)."""
    if not has_tables:
        return pd.DataFrame({c: [] for c in [*LIST_COLUMNS, "edited"]})
    out = frame(con, f"SELECT {', '.join(LIST_COLUMNS)}, scenario_edited FROM runs ORDER BY id")
    kept = out["scenario_edited"].astype(object).where(out["scenario_edited"].notna(), None)
    out["edited"] = pd.Series([edited(name, sha, k) for name, sha, k in
                               zip(out["scenario"], out["scenario_sha256"], kept, strict=True)],
                              index=out.index, dtype=bool)
    return out.drop(columns="scenario_edited")


def _ids(con: Any) -> list[int]:
    return [int(r[0]) for r in con.execute("SELECT id FROM runs ORDER BY id").fetchall()]


def run_row(con: Any, run_id: int, path: Path, has_tables: bool) -> dict[str, Any]:
    """The runs row of ``run_id`` as a dict (``extra`` parsed); UsageError if absent."""
    if isinstance(run_id, bool) or not isinstance(run_id, (int, np.integer)):
        raise UsageError(f"a run id is a whole number; got {run_id!r}")
    found = (frame(con, f"SELECT * FROM {RUNS.name} WHERE id = ?", [int(run_id)])
             if has_tables else pd.DataFrame())
    if found.empty:
        ids = _ids(con) if has_tables else []
        have = (f"it has runs {ids[0]} to {ids[-1]}" if len(ids) > 1
                else f"it has run {ids[0]}" if ids else "it has no runs")
        raise UsageError(f"no run {run_id} in the run store {path}; {have}")
    row = {str(k): _plain(v) for k, v in found.iloc[0].to_dict().items()}
    try:
        row["extra"] = json.loads(row["extra"]) if row.get("extra") else {}
    except ValueError:
        pass
    return row


def _plain(value: Any) -> Any:
    """numpy/pandas scalars as Python values; NaN/NaT as None."""
    if value is None:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        return value
    if isinstance(value, np.generic):
        return value.item()
    return value


def statement_count(con: Any, query: str) -> int:
    """How many SQL statements ``query`` holds (1 when it does not parse: running it then
    gives DuckDB's own syntax error)."""
    try:
        return len(con.extract_statements(query))
    except duckdb_module().Error:  # a syntax error: reported when the query runs
        return 1


def require_complete(row: dict[str, Any], path: Path) -> None:
    """UsageError unless the run of ``row`` committed its results."""
    if row["status"] != "complete":
        raise UsageError(f"run {row['id']} in {path} is {row['status']}: the process writing "
                         "it was stopped before it committed its results, so it has none")


def get_run(con: Any, run_id: int, path: Path, has_tables: bool) -> dict[str, Any]:
    """``{"run": dict, "metrics", "bands", "flows", "defaults": DataFrame}``.

    An incomplete run has empty tables.
    """
    row = run_row(con, run_id, path, has_tables)
    out: dict[str, Any] = {"run": row}
    for table in (METRICS, BANDS, FLOWS, DEFAULTS):
        cols = [c for c in table.column_names if c != "run"]
        # rowid order is the order the rows were written: variants as given, then each
        # table's own order (the summary's rows, the bands by variable and quarter, ...)
        out[table.name] = frame(con, f"SELECT {', '.join(cols)} FROM {table.name} "
                                     "WHERE run = ? ORDER BY rowid", [row["id"]])
    return out


def stored_summary(metrics: pd.DataFrame) -> pd.DataFrame:
    """Rows of a stored ``metrics`` table (`get_run`'s, any variants) with their statistics
    as `Result.summary` has them, so that a table drawn from them shows the cells a live
    run shows (`chipcredit.report.irr_percentiles.irr_shown`): an IRR percentile above its
    bracket, NULL in the store with ``'above'`` in its ``pNN_outside`` column, is ``inf``.
    Every column is kept (``ranked_share`` among them); the frame given is not changed.
    A row stored before schema 4 has NULL there (not known) and keeps its NULL."""
    out = metrics.copy()
    for stat in ("p05", "p50", "p95"):
        side = f"{stat}_outside"
        if side in out.columns and stat in out.columns:
            above = (out[side] == "above").fillna(False).to_numpy(dtype=bool)
            out[stat] = out[stat].astype(np.float64).mask(above, np.inf)
    return out


def _floats(values: Any) -> NDArray[np.float64]:
    masked = np.ma.asarray(values)
    return np.asarray(np.ma.filled(masked.astype(np.float64), np.nan), dtype=np.float64)


def outcomes(con: Any, run_id: int, variant: str, path: Path,
             has_tables: bool) -> dict[str, NDArray[np.float64]]:
    """Per-path outcomes keyed as `Result.outcomes` (``deal|D|P|M``, ``party|P|M``),
    each of length ``stored_paths``, in the order they were stored."""
    row = run_row(con, run_id, path, has_tables)
    require_complete(row, path)
    found = con.execute(
        "SELECT outcome, per_path FROM outcomes WHERE run = ? AND variant = ? "
        "ORDER BY seq", [row["id"], variant]).fetchnumpy()
    if not len(found["outcome"]):
        variants = [r[0] for r in con.execute(
            "SELECT DISTINCT variant FROM metrics WHERE run = ? ORDER BY 1", [row["id"]]
        ).fetchall()]
        if variant not in variants:
            raise UsageError(f"run {row['id']} has no variant {variant!r}; it has "
                             f"{', '.join(variants) or 'none'}")
        return {}
    return {str(key): _floats(values)
            for key, values in zip(found["outcome"], found["per_path"], strict=True)}


PRIMARY = ("main", "base", "baseline", "a")
"""The variant that is the scenario as it is, by the command that stored it: ``main`` (run,
the dashboard), ``base`` (stress), ``baseline`` (sensitivity, solve), ``a`` (compare). A
run has at most one."""


def _variants(con: Any, run_id: int) -> list[str]:
    return [str(r[0]) for r in con.execute(
        "SELECT variant FROM metrics WHERE run = ? GROUP BY variant ORDER BY min(rowid)",
        [int(run_id)]).fetchall()]


def pairing(con: Any, a: int, b: int, path: Path, has_tables: bool,
            pairs: Mapping[str, str] | None = None) -> dict[str, str]:
    """Which variant of run ``b`` is compared with which of run ``a`` (b's name to a's).

    ``pairs`` (a's name to b's) as given; else variants of the same name, and, when the two
    runs name their variants differently, their primary variants (`PRIMARY`: a plain run's
    ``main`` with a stress run's ``base``, a sensitivity's ``baseline``, a compare's ``a``).
    """
    for run_id in (a, b):
        require_complete(run_row(con, run_id, path, has_tables), path)
    have_a, have_b = _variants(con, a), _variants(con, b)
    if pairs:
        for run_id, names, have in ((a, pairs.keys(), have_a), (b, pairs.values(), have_b)):
            for name in names:
                if name not in have:
                    raise UsageError(f"run {run_id} has no variant {name!r}; it has "
                                     f"{', '.join(have) or 'none'}")
        twice = sorted({vb for vb in pairs.values() if list(pairs.values()).count(vb) > 1})
        if twice:
            raise UsageError(f"--variant pairs run {b}'s variant {twice[0]!r} more than once; "
                             "pair each variant once")
        return {vb: va for va, vb in pairs.items()}
    paired = {v: v for v in have_b if v in have_a}
    if set(have_a) != set(have_b):
        first = [v for v in have_a if v in PRIMARY]
        second = [v for v in have_b if v in PRIMARY]
        if first and second and first[0] not in paired.values() and second[0] not in paired:
            paired[second[0]] = first[0]
    return paired


def diff(con: Any, a: int, b: int, path: Path, has_tables: bool,
         pairs: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Metrics of runs ``a`` and ``b`` side by side, with ``b - a`` for each statistic.

    Rows are joined on (variant, deal, party, metric), each variant of ``b`` taken as the
    variant of ``a`` it is paired with (`pairing`); a variant of either run that is not
    paired has its rows only on its own side. Columns: ``variant`` (a's name, else b's),
    ``variant_a``, ``variant_b``, ``only`` (``"a"`` or ``"b"`` for a row only one run has,
    else None), deal, party, metric, and ``{stat}_a``, ``{stat}_b``, ``{stat}_diff``
    for mean, p05, p50, p95; then, for an IRR, ``p50_outside_a``/``_b`` (``'above'`` where
    the median lies above the bracket, NULL in ``p50``; ``'below'``) and
    ``ranked_share_a``/``_b`` (NULL on other rows, and where not known).

    ``attrs["scenario_diff"]`` says how the two runs' scenarios differ
    (`provenance.ScenarioDiff`: each number whose value differs, by parameter path), and
    ``attrs["scenario_note"]`` says it as ``runs diff`` prints it ('' for the same text).
    """
    paired = pairing(con, a, b, path, has_tables, pairs)
    texts = [run_row(con, run_id, path, has_tables).get("scenario_yaml") for run_id in (a, b)]
    stats = ", ".join(f"x.{s} AS {s}_a, y.{s} AS {s}_b, y.{s} - x.{s} AS {s}_diff"
                      for s in _STATS)
    # an IRR's median above its bracket is NULL: its side says so (schema 4)
    stats += ", " + ", ".join(f"x.{c} AS {c}_a, y.{c} AS {c}_b"
                              for c in ("p50_outside", "ranked_share"))
    # b's variant under the name of a's it is paired with, NULL if unpaired: one WHEN per pair
    renamed = list(paired.items())
    joined = ("CASE " + " ".join("WHEN variant = ? THEN ?" for _ in renamed) + " ELSE NULL END"
              if renamed else "CAST(NULL AS VARCHAR)")
    query = f"""
        WITH x AS (SELECT * FROM metrics WHERE run = ?),
             y AS (SELECT *, {joined} AS joined FROM metrics WHERE run = ?)
        SELECT coalesce(x.variant, y.joined, y.variant) AS variant, x.variant AS variant_a,
               y.variant AS variant_b,
               CASE WHEN y.metric IS NULL THEN 'a' WHEN x.metric IS NULL THEN 'b' END AS only,
               coalesce(x.deal, y.deal) AS deal,
               coalesce(x.party, y.party) AS party, coalesce(x.metric, y.metric) AS metric,
               {stats}
        FROM x FULL OUTER JOIN y
          ON x.variant = y.joined AND x.deal IS NOT DISTINCT FROM y.deal
             AND x.party = y.party AND x.metric = y.metric
        ORDER BY coalesce(x.variant, y.joined, y.variant), coalesce(x.seq, 1000000 + y.seq)"""
    params: list[Any] = [int(a), *(v for pair in renamed for v in pair), int(b)]
    out = frame(con, query, params)
    # what the inputs were: the numbers whose values differ between the two scenarios
    found = scenario_diff(*texts)
    out.attrs["scenario_diff"] = found
    out.attrs["scenario_note"] = "\n".join(found.lines(int(a), int(b)))
    return out
