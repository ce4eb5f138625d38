"""Every path's scalar outcomes to a Parquet file, block by block, written atomically.

One row per path: ``path`` (int64, from 0) and one float32 column per outcome, named as
`Result.outcomes` keys (``deal|colossus2-spv|nvidia|irr``, ``party|xai|cash_end``). Rows are
written in path order as soon as a prefix of blocks is complete, so the writer holds no
copy of the outcomes; the file appears under its name only when the run has finished
(written to a temporary file beside it, then renamed). Each outcome column's field metadata
holds its ``unit`` (`chipcredit.analytics.unit.outcome_unit`: ``$B``, ``annual rate``, ...),
as pyarrow reads it: ``pq.read_schema(FILE).field(KEY).metadata[b"unit"]``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from chipcredit.analytics.unit import outcome_unit
from chipcredit.errors import UsageError

from .cluster import require

__all__ = ["PathsWriter"]


class PathsWriter:
    """A Parquet writer for `Merger`'s sink; use as a context manager.

    Parameters
    ----------
    target : the ``.parquet`` file to write (replaced if it exists)
    """

    def __init__(self, target: str | os.PathLike[str]) -> None:
        require("--paths-out (Parquet)")
        self.target = Path(target)
        try:
            fd, name = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".tmp",
                                        dir=self.target.parent)
        except OSError as exc:
            raise UsageError(f"cannot write paths_out {self.target}: {exc.strerror or exc}") from None
        os.close(fd)
        os.chmod(name, 0o644)  # mkstemp makes it private; the result is an ordinary file
        self.temp = Path(name)
        self._writer: Any = None
        self.rows = 0

    def __call__(self, outcomes: dict[str, NDArray[np.floating]], lo: int, hi: int) -> None:
        """Append paths ``[lo, hi)`` (the next ones) from the merged outcome columns."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        if lo != self.rows:
            raise ValueError(f"paths must be written in order: expected {self.rows}, got {lo}")
        columns = {"path": pa.array(np.arange(lo, hi, dtype=np.int64))}
        for name, values in outcomes.items():
            columns[name] = pa.array(values[lo:hi])
        if self._writer is None:
            schema = pa.schema([pa.field(name, array.type, metadata=None if name == "path"
                                         else {"unit": outcome_unit(name)})
                                for name, array in columns.items()])
            self._writer = pq.ParquetWriter(self.temp, schema, compression="zstd")
        table = pa.table(columns, schema=self._writer.schema)
        self._writer.write_table(table)
        self.rows = hi

    def __enter__(self) -> PathsWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            if self._writer is not None:
                self._writer.close()
            if kind is None:
                os.replace(self.temp, self.target)
        finally:
            self.temp.unlink(missing_ok=True)
