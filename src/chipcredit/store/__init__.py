"""The run store: every run recorded in an embedded DuckDB database, queryable with SQL.

DuckDB is an optional extra (``pip install 'chipcredit[store]'``); it is imported only when a
store is opened, and a missing DuckDB is a `UsageError` that says how to install it.

>>> from chipcredit.store import RunStore
>>> store = RunStore("runs.duckdb")
>>> run_id = store.save(cc.simulate("seed-2025", paths=2_000, seed=7))   # doctest: +SKIP
>>> store.list_runs()                                                    # doctest: +SKIP
>>> store.sql("SELECT party, mean FROM metrics WHERE metric = 'cash_end'")  # doctest: +SKIP

Every method opens the database, does one thing and closes it again, because DuckDB lets
one process hold a database file for writing and then blocks every other process. Readers
and writers wait, with backoff, while another process holds it. See docs/store.md for the
tables, the write protocol and the guarantees.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from chipcredit.analytics.result import Result
from chipcredit.errors import UsageError

from . import read
from ._backend import (
    INSTALL_HINT,
    READ_TIMEOUT,
    WRITE_TIMEOUT,
    available,
    connect,
    duckdb_module,
    one_line,
)
from .read import stored_summary
from .rows import MAIN, MAX_OUTCOME_PATHS, prepare
from .schema import SCHEMA_VERSION, TABLES, check_readable, check_version
from .write import write

if TYPE_CHECKING:
    from chipcredit.experiments.compare import CompareResult
    from chipcredit.experiments.stress import StressResult

__all__ = [
    "DEFAULT_STORE",
    "INSTALL_HINT",
    "MAIN",
    "MAX_OUTCOME_PATHS",
    "SCHEMA_VERSION",
    "STORE_ENV",
    "TABLES",
    "RunStore",
    "available",
    "open_store",
    "resolve_path",
    "stored_summary",
]

DEFAULT_STORE = "chipcredit.duckdb"
"""The store used when neither a path nor ``CHIPCREDIT_STORE`` names one (in the current
folder)."""
STORE_ENV = "CHIPCREDIT_STORE"


def resolve_path(path: str | os.PathLike[str] | None = None) -> Path:
    """``path``, else ``$CHIPCREDIT_STORE``, else ``./chipcredit.duckdb``."""
    if path is None or str(path) == "":
        path = os.environ.get(STORE_ENV) or DEFAULT_STORE
    return Path(os.path.expanduser(os.fspath(path)))


class RunStore:
    """A run store file. Cheap to create; each method opens and closes the database.

    Parameters
    ----------
    path : str or path-like, optional
        The database file; default ``$CHIPCREDIT_STORE`` or ``./chipcredit.duckdb``.
    read_only : bool
        Refuse `save` (readers never create or change the file either way).
    timeout : float, optional
        Seconds to wait while another process holds the store (default 10 s for reads, 30 s
        for writes).
    max_outcome_paths : int
        `save` stores per-path outcomes for the first this-many paths (default 100,000).
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, read_only: bool = False,
                 timeout: float | None = None,
                 max_outcome_paths: int = MAX_OUTCOME_PATHS) -> None:
        if isinstance(max_outcome_paths, bool) or not isinstance(max_outcome_paths, int) \
                or max_outcome_paths < 0:
            raise UsageError(f"max_outcome_paths must be a whole number at least 0; "
                             f"got {max_outcome_paths!r}")
        self.path = resolve_path(path)
        self.read_only = read_only
        self.timeout = timeout
        self.max_outcome_paths = max_outcome_paths

    def __repr__(self) -> str:
        mode = ", read_only=True" if self.read_only else ""
        return f"RunStore({str(self.path)!r}{mode})"

    # -- writing -------------------------------------------------------------------------
    def save(self, result: Result | Mapping[str, Result] | StressResult | CompareResult,
             kind: str = "run", extra: Mapping[str, Any] | None = None, *,
             started: datetime | None = None) -> int:
        """Record a run; return its id.

        ``result`` is one `Result`, or a mapping of variant names to Results (a compare or
        sensitivity run); the runs row describes the first. A `StressResult` is stored as
        ``chipcredit stress`` stores it (variants ``base`` and ``stressed``, kind ``stress``,
        ``extra`` with its ``pack``), a `CompareResult` as ``chipcredit compare`` does
        (``a`` and ``b``, kind ``compare``); a ``kind`` other than ``run`` is kept. A
        `SensitivityResult` or `SolveResult` keeps no run: a `UsageError` says how to store
        its baseline. ``extra`` is any JSON-able mapping kept in ``runs.extra``. ``started``
        defaults to now less the run time.
        """
        if self.read_only:
            raise UsageError(f"the run store {self.path} was opened read-only")
        self._refuse_read_only_file()
        prepared = prepare(result, kind=kind, extra=extra, started=started,
                           max_outcome_paths=self.max_outcome_paths)
        return write(self.path, prepared,
                     timeout=WRITE_TIMEOUT if self.timeout is None else self.timeout)

    def check(self) -> None:
        """Fail now if `save` surely will: a missing or unwritable folder, a file that is not
        a run store, a store from a newer chipcredit. A store busy right now passes."""
        duckdb_module()
        folder = self.path.parent
        try:
            self.path.is_dir()
            folder.is_dir()
        except OSError as exc:  # a name too long, a loop of links: is_dir raises, not False
            raise UsageError(f"cannot use the run store {self.path}: {exc.strerror or exc}"
                             ) from None
        if self.path.is_dir():
            raise UsageError(f"cannot use the run store {self.path}: it is a folder")
        if not folder.is_dir():
            raise UsageError(f"cannot write the run store {self.path}: the folder {folder} "
                             "does not exist")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise UsageError(f"cannot write the run store {self.path}: the folder {folder} is "
                             "not writable")
        if not self.path.exists():
            return
        self._refuse_read_only_file()
        try:
            with connect(self.path, read_only=True, timeout=1.0) as con:
                check_version(con, self.path)
        except UsageError as exc:
            if "is busy" not in str(exc):
                raise

    def _refuse_read_only_file(self) -> None:
        """A store file without write permission can be read (it is opened read-only), but
        not recorded into; say so before DuckDB's 'Permission denied' would."""
        if self.path.is_file() and not os.access(self.path, os.W_OK):
            raise UsageError(f"the run store {self.path} is read-only (no permission to write "
                             "the file): its runs can be listed and read, but new runs cannot "
                             "be recorded; choose another --store, or --no-store")

    # -- reading -------------------------------------------------------------------------
    @contextlib.contextmanager
    def _reading(self) -> Iterator[tuple[Any, bool]]:
        duckdb = duckdb_module()
        if not self.path.exists():
            raise UsageError(f"no run store at {self.path}: record a run first (chipcredit "
                             f"run), or name the store with --store or {STORE_ENV}")
        if self.path.is_dir():
            raise UsageError(f"cannot use the run store {self.path}: it is a folder")
        timeout = READ_TIMEOUT if self.timeout is None else self.timeout
        with connect(self.path, read_only=True, timeout=timeout) as con:
            try:
                yield con, check_readable(con, self.path)
            except duckdb.Error as exc:
                raise UsageError(one_line(exc)) from None

    def list_runs(self) -> pd.DataFrame:
        """Every run, oldest first: id, kind, status, scenario, paths, seed, ... (the runs
        table without its long text columns), and ``edited``: True where the scenario is
        named as a bundled one (``seed-2025``) but its text is not the bundled file's."""
        with self._reading() as (con, ok):
            return read.list_runs(con, ok)

    def get_run(self, run_id: int, *, outcomes: bool = False) -> dict[str, Any]:
        """One run: ``{"run": dict of the runs row, "metrics", "bands", "flows",
        "defaults": DataFrames}``, plus ``"outcomes"`` (variant to per-path arrays) when
        asked. UsageError for an unknown id."""
        with self._reading() as (con, ok):
            out = read.get_run(con, run_id, self.path, ok)
            if outcomes:
                variants = (list(dict.fromkeys(out["metrics"]["variant"]))
                            if out["run"]["status"] == "complete" else [])
                out["outcomes"] = {v: read.outcomes(con, run_id, v, self.path, ok)
                                   for v in variants}
            return out

    def outcomes(self, run_id: int, variant: str = MAIN) -> dict[str, NDArray[np.float64]]:
        """Per-path outcomes of a stored run, keyed as `Result.outcomes`, each of length
        ``stored_paths`` (NaN where a path has no value)."""
        with self._reading() as (con, ok):
            return read.outcomes(con, run_id, variant, self.path, ok)

    def diff(self, a: int, b: int, *, variants: Mapping[str, str] | None = None) -> pd.DataFrame:
        """Metrics of runs ``a`` and ``b`` side by side: variant, variant_a, variant_b,
        only (``"a"``/``"b"`` for a row one run lacks, else None), deal, party, metric, and
        for mean, p05, p50, p95 the columns ``_a``, ``_b`` and ``_diff`` (b - a); and an
        IRR's ``p50_outside`` and ``ranked_share`` with ``_a`` and ``_b`` (a median above
        the bracket is NULL, with ``'above'`` beside it).

        ``variants`` pairs a variant of ``a`` with one of ``b`` (``{"main": "base"}``);
        by default variants of the same name are paired, and when the two runs name their
        variants differently, their primary variants too (the scenario as it is: ``main``
        of a run, ``base`` of a stress test, ``baseline`` of a sensitivity or solve, ``a``
        of a compare), so a plain run and a stress run's base line up.

        The frame's ``attrs["scenario_diff"]`` (a `chipcredit.store.provenance.ScenarioDiff`)
        says whether the two runs' scenario texts differ and which numbers differ
        (parameter path, a's value, b's value), and ``attrs["scenario_note"]`` says so in the
        lines ``runs diff`` prints ('' where the texts are the same).
        """
        with self._reading() as (con, ok):
            return read.diff(con, a, b, self.path, ok, variants)

    def sql(self, query: str) -> pd.DataFrame:
        """Run SQL on a read-only connection with external access disabled: it can read the
        store's tables and nothing else, and write nothing anywhere."""
        if not isinstance(query, str) or not query.strip():
            raise UsageError("the SQL query is empty")
        with self._reading() as (con, _):
            count = read.statement_count(con, query)
            if count > 1:
                # DuckDB would run them all and show only the last result
                raise UsageError(f"the SQL query must be one statement; got {count} (run them "
                                 "one at a time)")
            return read.frame(con, query)

    def export_xlsx(self, run_id: int, path: str | os.PathLike[str], *,
                    max_paths: int | None = None) -> Path:
        """Write one run to an Excel workbook, atomically: sheets runs, summary (the JSON
        summary, a metric path, value and unit a row), metrics, bands and flows (each with
        its ``unit`` column), defaults, outcomes (one row per path and variant, one column
        per outcome, the first ``max_paths`` stored paths; all by default), outcome_units
        (the unit of each outcomes column) and scenario (the YAML, a line a row). Excel
        files are slow to write: about 3 s per 1,000 paths of outcomes."""
        from .excel import write_workbook

        if max_paths is not None and (isinstance(max_paths, bool)
                                      or not isinstance(max_paths, int) or max_paths < 0):
            raise UsageError(f"max_paths must be a whole number at least 0; got {max_paths!r}")
        target = Path(os.fspath(path))
        data = self.get_run(run_id, outcomes=True)
        read.require_complete(data["run"], self.path)  # an incomplete run has no rows to export
        outcomes = {variant: {k: v[:max_paths] for k, v in per.items()}
                    for variant, per in data["outcomes"].items()}
        write_workbook(target, data["run"], data, outcomes)
        return target


@contextlib.contextmanager
def open_store(path: str | os.PathLike[str] | None = None, read_only: bool = False,
               **options: Any) -> Iterator[RunStore]:
    """A `RunStore`, checked first: a reader needs an existing, readable store; a writer a
    place where one can be written. Nothing stays open between calls, so there is nothing to
    close; the context manager only scopes the handle."""
    store = RunStore(path, read_only=read_only, **options)
    if read_only:
        with store._reading():
            pass
    else:
        store.check()
    yield store

