"""The run store's tables, its schema version, and the checks and migrations on opening.

The tables are declared once, here, with a line of documentation per column; docs/store.md
documents the same columns (a test checks that it names every one).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from chipcredit._version import __version__
from chipcredit.analytics.unit import BAND_UNITS, CAPACITY, FLOW_UNIT, METRIC_UNITS
from chipcredit.errors import UsageError
from chipcredit.fingerprint import code_sha256

__all__ = [
    "IRR_COLUMNS",
    "OUTCOME_PATHS_VIEW",
    "SCHEMA_VERSION",
    "TABLES",
    "Table",
    "check_readable",
    "check_version",
    "irr_columns",
    "prepare_writable",
]

SCHEMA_VERSION = 6
"""Version of the table layout. A store with a newer version is refused; an older one is
migrated when it is next opened for writing (`MIGRATIONS`)."""


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[tuple[str, str, str], ...]
    """(name, DuckDB type, meaning) of each column, in order."""
    doc: str
    key: str | None = None

    @property
    def column_names(self) -> list[str]:
        return [c[0] for c in self.columns]

    def ddl(self) -> str:
        cols = [f"{name} {sql_type}" for name, sql_type, _ in self.columns]
        if self.key:
            cols.append(f"PRIMARY KEY ({self.key})")
        return f"CREATE TABLE {self.name} ({', '.join(cols)})"


_RUN = ("run", "BIGINT NOT NULL", "the run's id (runs.id)")
_VARIANT = ("variant", "VARCHAR NOT NULL",
            "which result of the run: 'main' for a plain run; a compare or sensitivity run "
            "stores several results under one id")
_Q = ("q", "INTEGER NOT NULL", "quarter index, 0 for the start quarter")
_QUARTER = ("quarter", "VARCHAR NOT NULL", "quarter label, e.g. 2025Q4")

META = Table("meta", (
    ("key", "VARCHAR NOT NULL", "setting name: schema_version, created_with, "
                                "created_with_code (a store made since schema 5), created"),
    ("value", "VARCHAR", "its value, as text"),
), "facts about the store itself", key="key")

RUNS = Table("runs", (
    ("id", "BIGINT NOT NULL", "run id, 1, 2, 3, ... in the order runs started writing"),
    ("kind", "VARCHAR NOT NULL", "run, compare, sensitivity, solve or stress"),
    ("status", "VARCHAR NOT NULL", "complete, or incomplete when the writing process was "
                                   "stopped before it committed the results"),
    ("scenario", "VARCHAR", "scenario name"),
    ("scenario_sha256", "VARCHAR", "sha256 of the scenario YAML text (hex)"),
    ("scenario_yaml", "VARCHAR", "the scenario YAML text, byte for byte"),
    ("paths", "BIGINT", "Monte Carlo paths simulated"),
    ("seed", "BIGINT", "seed of the run"),
    ("deterministic", "BOOLEAN", "whether it was the deterministic base case (one path)"),
    ("start_quarter", "VARCHAR", "first quarter simulated, e.g. 2025Q4"),
    ("quarters", "INTEGER", "horizon in quarters"),
    ("version", "VARCHAR", "chipcredit version that made the run"),
    ("started", "TIMESTAMP", "when the simulation started (UTC)"),
    ("finished", "TIMESTAMP", "when the results were committed (UTC); NULL while incomplete"),
    ("elapsed_seconds", "DOUBLE", "wall time of the simulation, in seconds"),
    ("stored_paths", "BIGINT", "paths whose per-path outcomes are in outcomes (the first ones, "
                               "at most the store's cap, 100,000 by default)"),
    ("variants", "INTEGER", "number of results stored under this run (1 for a plain run)"),
    ("max_abs_imbalance", "DOUBLE", "largest ledger-invariant violation ($B; near zero)"),
    ("summary_json", "VARCHAR", "the JSON summary (chipcredit run --json) of the main result"),
    ("extra", "VARCHAR", "JSON object of command-specific details (e.g. the command line)"),
    # schema 5, last as a migrated store has it
    ("code_sha256", "VARCHAR", "fingerprint of the code that made the run (the JSON summary's "
                               "chipcredit_code_sha256); NULL for a run stored before schema 5"),
    # schema 6
    ("scenario_edited", "BOOLEAN", "whether the scenario is named as a bundled one but its "
                                   "text was not that scenario's when the run was stored (an "
                                   "edited copy); NULL where no bundled scenario has the name, "
                                   "and for a run stored before schema 6"),
    ("warnings", "VARCHAR", "JSON list of the warnings about the results that the run printed "
                            "and its rows cannot say again (an IRR without a value on some "
                            "paths, with the reason); NULL where none, and for a run stored "
                            "before schema 6"),
), "one row per recorded command", key="id")

METRICS = Table("metrics", (
    _RUN, _VARIANT,
    ("seq", "INTEGER NOT NULL", "row order of Result.summary() (deals in scenario order, "
                                "then parties)"),
    ("deal", "VARCHAR", "deal id; NULL for a party-level metric"),
    ("deal_kind", "VARCHAR", "the deal's kind (spv_lease, loan, ...); NULL for party rows"),
    ("party", "VARCHAR NOT NULL", "party id"),
    ("party_kind", "VARCHAR", "the party's kind (vendor, lab, ...)"),
    ("metric", "VARCHAR NOT NULL", "npv, irr, moic, loss, cash_end, default_probability, ..."),
    ("mean", "DOUBLE", "mean over the paths with a finite value (the share for "
                       "default_probability); $B for money, annual rate for irr"),
    ("p05", "DOUBLE", "5th percentile (linear rule) over finite values"),
    ("p50", "DOUBLE", "median over finite values (an IRR's also ranks the paths beyond "
                      "its bracket: NULL above it, -1 below; docs/output.md)"),
    ("p95", "DOUBLE", "95th percentile over finite values"),
    ("sd", "DOUBLE", "standard deviation over finite values (population)"),
    ("min", "DOUBLE", "smallest finite value"),
    ("max", "DOUBLE", "largest finite value"),
    ("nan_share", "DOUBLE", "share of paths with no value (e.g. no IRR)"),
    ("p_positive", "DOUBLE", "share of all paths with a value above 1e-9 (e.g. P(loss > 0))"),
    ("unit", "VARCHAR", "unit of mean, p05, p50, p95, sd, min and max: $B, annual rate, x, "
                        "probability, share, ... (Result.summary()'s unit; docs/output.md)"),
    # schema 4: what an IRR's percentiles are over, as the JSON summary gives it (NULL on
    # other rows; on a row stored before schema 4, NULL means not known)
    ("ranked_share", "DOUBLE", "an IRR row's share of all paths its percentiles rank: those with "
                               "an IRR or a known side of the bracket (Result.summary()'s "
                               "ranked_share); NULL on other rows"),
    ("above_bracket_share", "DOUBLE", "an IRR row's share of all paths whose IRR lies above the "
                                      "bracket (+1000% a year); NULL on other rows"),
    ("below_bracket_share", "DOUBLE", "an IRR row's share of all paths whose IRR lies below the "
                                      "bracket (flows that only go out: -100%); NULL on other rows"),
    ("withheld", "BOOLEAN", "an IRR row's statistics are withheld (NULL): under 1% of the paths "
                            "with a position are ranked; NULL on other rows"),
    ("p05_outside", "VARCHAR", "'above' where an IRR's p05 lies above the bracket (p05 is then "
                               "NULL: it has no number), 'below' where among the paths below it "
                               "(p05 is -1); else NULL"),
    ("p50_outside", "VARCHAR", "the same for p50"),
    ("p95_outside", "VARCHAR", "the same for p95"),
    # schema 6, last as a migrated store has it
    ("se", "DOUBLE", "Monte Carlo standard error of mean (Result.summary()'s se, the JSON "
                     "summary's mean_se or PROBABILITY_se); NULL where it has none, and on a "
                     "row stored before schema 6"),
), "Result.summary() with more statistics; exact over all paths")

IRR_COLUMNS = ("ranked_share", "above_bracket_share", "below_bracket_share", "withheld",
               "p05_outside", "p50_outside", "p95_outside")
"""The metrics columns of schema 4: where an IRR's statistics stand against its bracket."""

BANDS = Table("bands", (
    _RUN, _VARIANT,
    ("party", "VARCHAR NOT NULL", "party id"),
    ("variable", "VARCHAR NOT NULL", "revenue, cash, capacity, sales, share, ..."),
    _Q, _QUARTER,
    ("mean", "DOUBLE", "mean over all paths"),
    ("p05", "DOUBLE", "5th percentile over the band reservoir (the first 20,000 paths)"),
    ("p25", "DOUBLE", "25th percentile over the band reservoir"),
    ("p50", "DOUBLE", "median over the band reservoir"),
    ("p75", "DOUBLE", "75th percentile over the band reservoir"),
    ("p95", "DOUBLE", "95th percentile over the band reservoir"),
    ("unit", "VARCHAR", "unit of the statistics: $B, $B a quarter, share, the scenario's "
                        "capacity_unit, ... (Result.bands()'s unit; docs/output.md)"),
), "Result.bands(party, variable) for every party variable")

FLOWS = Table("flows", (
    _RUN, _VARIANT,
    ("from_party", "VARCHAR NOT NULL", "account the money leaves (Result.flows() 'from')"),
    ("to_party", "VARCHAR NOT NULL", "account the money reaches (Result.flows() 'to')"),
    ("kind", "VARCHAR NOT NULL", "kind of transfer: revenue, lease_payment, ..."),
    _Q, _QUARTER,
    ("mean", "DOUBLE", "mean over all paths of the quarter's flow ($B)"),
    ("sd", "DOUBLE", "standard deviation over all paths ($B)"),
    ("p05", "DOUBLE", "5th percentile over the first paths kept (up to 4,096; NULL if none)"),
    ("p95", "DOUBLE", "95th percentile over the first paths kept (up to 4,096; NULL if none)"),
    ("self_funded_mean", "DOUBLE", "mean of the part of a flow into a vendor that is its own "
     "money coming back ($B; 0 for other flows)"),
    ("unit", "VARCHAR", "unit of mean, sd, p05, p95 and self_funded_mean: $B"),
), "Result.flows(): the flows matrix; quarters where the flow is zero on every path are left out")

OUTCOMES = Table("outcomes", (
    _RUN, _VARIANT,
    ("seq", "INTEGER NOT NULL", "position of the outcome in Result.outcomes"),
    ("outcome", "VARCHAR NOT NULL", "the Result.outcomes key, e.g. deal|xai-debt|xai|npv, "
                                    "party|xai|cash_end, spv|colossus2-spv|debt_loss"),
    ("scope", "VARCHAR NOT NULL", "the key's first part: deal, party, spv, portfolio, ..."),
    ("deal", "VARCHAR", "deal id, for deal and spv outcomes; else NULL"),
    ("party", "VARCHAR", "party id (the key's third part for deal outcomes, its second for "
                         "the others); NULL for spv outcomes"),
    ("metric", "VARCHAR NOT NULL", "outcome name: the key's last part for deal, party and spv "
                                   "outcomes, its third for the others"),
    ("paths", "INTEGER NOT NULL", "number of values, runs.stored_paths"),
    ("per_path", "DOUBLE[] NOT NULL", "the value on each stored path, path 0 first (DuckDB "
                                      "lists count from 1, so per_path[1] is path 0); NULL "
                                      "where a path has none (an IRR without a root)"),
), "per-path scalar outcomes of the first runs.stored_paths paths, one list per outcome "
   "(the view outcome_paths gives one row per path)")

OUTCOME_PATHS_VIEW = (
    "CREATE VIEW outcome_paths AS SELECT run, variant, outcome, scope, deal, party, metric, "
    "unnest(range(paths)) AS path, unnest(per_path) AS value FROM outcomes")
"""The long form of outcomes: run, variant, outcome, scope, deal, party, metric, path, value."""

DEFAULTS = Table("defaults", (
    _RUN, _VARIANT,
    ("party", "VARCHAR NOT NULL", "party id: a lab or a cloud"),
    _Q, _QUARTER,
    ("cause", "VARCHAR NOT NULL", "'all', or one cause: arrears_unfunded, covenant, "
                                  "cross_default"),
    ("probability", "DOUBLE", "share of all paths on which the party defaulted in this "
                              "quarter for this cause"),
    ("cumulative", "DOUBLE", "the same, summed up to and including this quarter"),
), "Result.default_timing(party) for every lab and cloud, long format")

TABLES: tuple[Table, ...] = (META, RUNS, METRICS, BANDS, FLOWS, OUTCOMES, DEFAULTS)
DATA_TABLES: tuple[Table, ...] = (METRICS, BANDS, FLOWS, OUTCOMES, DEFAULTS)

def _capacity_unit(scenario_yaml: str | None) -> str | None:
    """The ``capacity_unit`` a stored scenario's YAML text declares (its default, GW, where
    it declares none); None where the text does not parse as a mapping."""
    try:
        data = yaml.safe_load(scenario_yaml or "")
    except yaml.YAMLError:
        return None
    if not isinstance(data, dict):
        return None
    unit = data.get("capacity_unit", "GW")
    return unit if isinstance(unit, str) else None


def _cases(column: str, units: dict[str, str]) -> tuple[str, list[str]]:
    """``CASE column WHEN ? THEN ? ... END`` over ``units``, and its parameters."""
    params = [x for pair in units.items() for x in pair]
    return f"CASE {column} " + " ".join(["WHEN ? THEN ?"] * len(units)) + " END", params


def _backfill_units(con: Any) -> None:
    """Fill the unit columns of the runs stored before version 3 from
    `chipcredit.analytics.unit`, as a write now would (a band in capacity takes the
    capacity_unit of the run's own scenario; NULL where its YAML does not parse, and for a
    metric or variable the table does not know)."""
    sql, params = _cases("metric", METRIC_UNITS)
    con.execute(f"UPDATE metrics SET unit = {sql} WHERE unit IS NULL", params)
    con.execute("UPDATE flows SET unit = ? WHERE unit IS NULL", [FLOW_UNIT])
    for run_id, text in con.execute("SELECT id, scenario_yaml FROM runs").fetchall():
        capacity = _capacity_unit(text)
        units = {v: u for v, u in BAND_UNITS.items() if capacity is not None or CAPACITY not in u}
        sql, params = _cases("variable", {v: u.replace(CAPACITY, capacity or "")
                                          for v, u in units.items()})
        con.execute(f"UPDATE bands SET unit = {sql} WHERE run = ? AND unit IS NULL",
                    [*params, run_id])


def irr_columns(irr: Any) -> dict[str, Any]:
    """The `IRR_COLUMNS` of a metrics row from the IRR's statistics as the JSON summary
    gives them (``deals.D.parties.P.irr``: ``ranked_share``, ``above_bracket_share``,
    ``below_bracket_share``, ``withheld``, ``outside_bracket``); None for each that is
    missing (a summary written before it had them)."""
    if not isinstance(irr, dict):
        return dict.fromkeys(IRR_COLUMNS)

    def share(name: str) -> float | None:
        value = irr.get(name)
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) \
            else None

    withheld = irr.get("withheld")
    found = irr.get("outside_bracket")
    sides: dict[str, Any] = found if isinstance(found, dict) else {}
    out: dict[str, Any] = {
        "ranked_share": share("ranked_share"),
        "above_bracket_share": share("above_bracket_share"),
        "below_bracket_share": share("below_bracket_share"),
        "withheld": withheld if isinstance(withheld, bool) else None}
    for stat in ("p05", "p50", "p95"):
        side = sides.get(stat)
        out[f"{stat}_outside"] = side if side in ("above", "below") else None
    return out


def _backfill_irr(con: Any) -> None:
    """Fill the `IRR_COLUMNS` of the IRR rows stored before version 4 from what the run
    kept: its JSON summary (``runs.summary_json``), which is the first variant's (the one a
    plain run has). Other variants (b of a compare, a stress run's stressed ones) and runs
    without a summary keep NULL: not known."""
    rows = []
    for run_id, text in con.execute(
            "SELECT id, summary_json FROM runs WHERE summary_json IS NOT NULL").fetchall():
        try:
            deals = json.loads(text).get("deals", {})
        except (ValueError, AttributeError):
            continue
        first = con.execute("SELECT variant FROM metrics WHERE run = ? ORDER BY rowid LIMIT 1",
                            [run_id]).fetchone()
        if first is None or not isinstance(deals, dict):
            continue
        for deal, entry in deals.items():
            parties = entry.get("parties", {}) if isinstance(entry, dict) else {}
            for party, stats in parties.items() if isinstance(parties, dict) else ():
                irr = stats.get("irr") if isinstance(stats, dict) else None
                if isinstance(irr, dict):
                    rows.append((run_id, first[0], deal, party, *irr_columns(irr).values()))
    if not rows:
        return
    sets = ", ".join(f"{c} = u.{c}" for c in IRR_COLUMNS)
    # one row at a time: a store holds tens of runs of tens of IRR rows, not millions
    con.executemany(
        f"UPDATE metrics SET {sets} FROM (SELECT ? AS run, ? AS variant, ? AS deal, ? AS party, "
        + ", ".join(f"? AS {c}" for c in IRR_COLUMNS) + ") u "
        "WHERE metrics.run = u.run AND metrics.variant = u.variant AND metrics.deal = u.deal "
        "AND metrics.party = u.party AND metrics.metric = 'irr'", rows)


Migration = str | Callable[[Any], None]
MIGRATIONS: dict[int, tuple[Migration, ...]] = {
    # version 2: the flows matrix gained p05/p95 amounts and money provenance
    1: ("ALTER TABLE flows ADD COLUMN p05 DOUBLE", "ALTER TABLE flows ADD COLUMN p95 DOUBLE",
        "ALTER TABLE flows ADD COLUMN self_funded_mean DOUBLE"),
    # version 3: metrics, bands and flows name the unit of their numbers
    2: ("ALTER TABLE metrics ADD COLUMN unit VARCHAR", "ALTER TABLE bands ADD COLUMN unit VARCHAR",
        "ALTER TABLE flows ADD COLUMN unit VARCHAR", _backfill_units),
    # version 4: an IRR row says what its percentiles are over and where they lie against
    # the bracket; rows stored before get it from the run's JSON summary where it has it
    3: (*(f"ALTER TABLE metrics ADD COLUMN {name} {sql_type}"
          for name, sql_type, _ in METRICS.columns if name in IRR_COLUMNS), _backfill_irr),
    # version 5: a run names the code that made it; before, only a version shared by commits
    4: ("ALTER TABLE runs ADD COLUMN code_sha256 VARCHAR",),
    # version 6: a metric keeps the standard error of its mean, a run whether its scenario
    # was an edited copy of a bundled one and the warnings it printed; earlier rows keep NULL
    5: ("ALTER TABLE metrics ADD COLUMN se DOUBLE",
        "ALTER TABLE runs ADD COLUMN scenario_edited BOOLEAN",
        "ALTER TABLE runs ADD COLUMN warnings VARCHAR"),
}
"""What takes a store from schema ``v`` to ``v + 1``, keyed by ``v``: SQL statements, and
functions of the connection for what SQL alone cannot do (reading a stored scenario)."""


def _table_names(con: Any) -> set[str]:
    rows = con.execute("SELECT table_name FROM information_schema.tables "
                       "WHERE table_schema = 'main'").fetchall()
    return {str(r[0]) for r in rows}


def _version(con: Any, path: Path) -> int | None:
    """The store's schema version; None for an empty database file."""
    names = _table_names(con)
    if "meta" not in names:
        if names:
            raise UsageError(f"{path} is a DuckDB database but not a chipcredit run store "
                             f"(it has tables {', '.join(sorted(names))}); choose another "
                             "--store")
        return None
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    try:
        return int(row[0]) if row is not None else -1
    except (TypeError, ValueError):
        return -1


def _refuse_newer(version: int, path: Path) -> None:
    if version > SCHEMA_VERSION:
        raise UsageError(f"the run store {path} has schema version {version}, written by a newer "
                         f"chipcredit; this chipcredit {__version__} reads up to version "
                         f"{SCHEMA_VERSION}: upgrade chipcredit or choose another --store")
    if version < 1:
        raise UsageError(f"the run store {path} has no valid schema_version in its meta table; "
                         "it was not written by chipcredit")


def check_version(con: Any, path: Path) -> None:
    """Raise if the file is not a run store or is newer than this code (older is fine: it is
    migrated by the next write)."""
    version = _version(con, path)
    if version is not None:
        _refuse_newer(version, path)


def check_readable(con: Any, path: Path) -> bool:
    """Whether the store has tables to read (False for an empty file); raise if unreadable."""
    version = _version(con, path)
    if version is None:
        return False
    _refuse_newer(version, path)
    if version < SCHEMA_VERSION:
        raise UsageError(f"the run store {path} has schema version {version}, older than this "
                         f"chipcredit's {SCHEMA_VERSION}; record one run into it to migrate it")
    return True


def prepare_writable(con: Any, path: Path) -> None:
    """Create the tables in an empty store, or migrate an older one, in one transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        version = _version(con, path)
        if version is None:
            for table in TABLES:
                con.execute(table.ddl())
            con.execute(OUTCOME_PATHS_VIEW)
            con.execute("CREATE SEQUENCE run_ids START 1")
            created = datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds")
            con.execute("INSERT INTO meta VALUES ('schema_version', ?), ('created_with', ?), "
                        "('created_with_code', ?), ('created', ?)",
                        [str(SCHEMA_VERSION), __version__, code_sha256(), created])
        else:
            _refuse_newer(version, path)
            for v in range(version, SCHEMA_VERSION):
                for step in MIGRATIONS[v]:
                    if callable(step):
                        step(con)
                    else:
                        con.execute(step)
            if version < SCHEMA_VERSION:
                con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                            [str(SCHEMA_VERSION)])
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(Exception):
            con.execute("ROLLBACK")
        raise
