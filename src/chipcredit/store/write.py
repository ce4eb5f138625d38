"""The write protocol: a prepared run's rows (`chipcredit.store.rows`) inserted into the store.

Protocol (one writer at a time; DuckDB's file lock enforces it):

1. Everything to be written is computed first, before the store is opened, so the lock is
   held only while rows are inserted (`chipcredit.store.rows.prepare`).
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
import os
import uuid
from pathlib import Path
from typing import Any

from chipcredit.errors import UsageError
from chipcredit.interrupts import held, test_point

from ._backend import connect, duckdb_module, one_line
from .rows import Prepared, utcnow
from .schema import RUNS, prepare_writable

__all__ = ["write"]


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
                        [utcnow(), run_id])
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
