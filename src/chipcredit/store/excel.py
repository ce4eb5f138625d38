"""``export_xlsx``: one run as an Excel workbook, one sheet per table (openpyxl, lazily).

Every sheet's first row is its header, frozen. A spreadsheet must never change a value on
the way in: text that starts like a formula is stored as text, and the seed, which may be
above Excel's 15 significant digits, is text too. A float is written as its shortest
round-trip text (`repr`, up to 17 significant digits), so reading the XML back gives the
bits the store and the JSON summary hold.

The same run exports to the same bytes: the workbook's created and modified times
(``docProps/core.xml``) and the date of every file in its zip are the run's ``started``
time, not the time of the export.

The ``summary`` sheet is the run's JSON summary (``runs show ID --json``) a leaf a row, each
addressed by its metric path (``portfolios.colossus2-lenders.var_99``,
``portfolios.colossus2-lenders.pd_term_structure.colossus2-spv[3]``), the address that ``sensitivity``
and ``solve`` accept, so the figures that exist only in the summary (SPVs, vendors,
portfolios) need not be rebuilt from the per-path outcomes. Its third column is the unit
of each number (`chipcredit.analytics.unit.summary_unit`); the metrics, bands and flows
sheets have a ``unit`` column as the store's tables do, and the ``outcome_units`` sheet
names the unit of each column of the ``outcomes`` sheet.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from chipcredit.analytics.query import summary_items
from chipcredit.analytics.unit import MissingUnit, outcome_unit, summary_unit
from chipcredit.errors import UsageError
from chipcredit.files import write_atomic

from ._backend import INSTALL_HINT

__all__ = ["EXCEL_MAX_ROWS", "summary_rows", "write_workbook"]

EXCEL_MAX_ROWS = 1_048_576
_LONG_TEXT = ("scenario_yaml", "summary_json")
_RUN_HEADERS = {"started": "started (UTC)", "finished": "finished (UTC)"}
"""``runs`` sheet headers that say more than the column name (the store keeps UTC)."""
_AS_TEXT = ("seed",)
"""``runs`` values written as text: Excel keeps 15 significant digits, and a seed has up to 19."""


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:
        raise UsageError(f"exporting to Excel needs openpyxl, which is not installed: "
                         f"{INSTALL_HINT}") from None
    return openpyxl


def _cell_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (np.generic,)):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.to_pydatetime()
    if isinstance(value, (bool, int, datetime)):
        return value
    if isinstance(value, str):
        return value
    with contextlib.suppress(TypeError, ValueError):
        if pd.isna(value):
            return None
    return str(value)


class _Sheet:
    """A write-only sheet whose text cells are always text (never formulas)."""

    def __init__(self, book: Any, title: str) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        self._sheet = book.create_sheet(title)
        self._sheet.freeze_panes = "A2"  # the header row stays in view
        self._cell = WriteOnlyCell
        self._illegal = ILLEGAL_CHARACTERS_RE

    def row(self, values: Iterable[Any]) -> None:
        out: list[Any] = []
        for raw in values:
            value = _cell_value(raw)
            if isinstance(value, str):
                value = self._illegal.sub("", value)[:32_767]
                if value.startswith("="):
                    cell = self._cell(self._sheet, value=value)
                    cell.data_type = "s"
                    out.append(cell)
                    continue
            elif isinstance(value, float) and float(f"{value:.16g}") != value:
                out.append(self._exact(value))
                continue
            out.append(value)
        self._sheet.append(out)

    def _exact(self, value: float) -> Any:
        """A number cell whose XML holds ``repr(value)``, the shortest text that reads back
        as the same float: openpyxl writes numbers with 16 significant digits (``%.16g``),
        which changes about one float in five in its last bit, so the sheet would not be
        the JSON summary it copies. A number's text is written as it is given."""
        cell = self._cell(self._sheet, value=None)
        cell._value = repr(value)
        cell.data_type = "n"
        return cell

    def frame(self, data: pd.DataFrame) -> None:
        self.row(data.columns)
        for rec in data.itertuples(index=False, name=None):
            self.row(rec)


def _outcome_rows(outcomes: dict[str, dict[str, NDArray[np.float64]]]
                  ) -> tuple[list[str], Iterator[Sequence[Any]]]:
    keys: list[str] = []
    for per_variant in outcomes.values():
        keys.extend(k for k in per_variant if k not in keys)

    def rows() -> Iterator[Sequence[Any]]:
        for variant, per_variant in outcomes.items():
            n = max((len(v) for v in per_variant.values()), default=0)
            columns = [per_variant.get(k) for k in keys]
            for i in range(n):
                yield [variant, i, *(None if c is None else c[i].item() for c in columns)]

    return ["variant", "path", *keys], rows()


def _unit(name: str, of: Any) -> str | None:
    """The unit ``of`` gives ``name``; None where it has none or the table lacks it (a run
    stored by a later chipcredit may have figures this one does not know: the workbook is
    still written, with no unit for them)."""
    try:
        unit: str | None = of(name)
    except MissingUnit:
        return None
    return unit


def summary_rows(summary_json: str | None) -> list[tuple[str, Any, str | None]]:
    """The JSON summary as ``(metric path, value, unit)`` rows, in the summary's order.

    Parameters
    ----------
    summary_json : the stored ``runs.summary_json`` (the first variant's summary); None or
        empty for a run without one (no rows).

    Returns
    -------
    list of (str, value, str or None) : one row per leaf: numbers ($B, probabilities,
        quarters as the summary has them) as numbers, a null statistic as None, text (the
        version, the scenario, a kind) as text, the seed as text as on the ``runs`` sheet;
        then the number's unit (`summary_unit`: ``$B``, ``annual rate``, ``share of
        paths``, ...; None for text and the run's metadata but ``paths`` and ``quarters``).
        The numbers after the run's metadata are at the paths `metric_paths` lists, in its
        order.
    """
    if not summary_json:
        return []
    return [(path, str(value) if path in _AS_TEXT and value is not None else value,
             _unit(path, summary_unit))
            for path, value in summary_items(json.loads(summary_json))]


def write_workbook(target: Path, run: dict[str, Any], tables: dict[str, pd.DataFrame],
                   outcomes: dict[str, dict[str, NDArray[np.float64]]]) -> None:
    """Write the workbook to a temp file beside ``target``, then rename it over."""
    openpyxl = _openpyxl()
    if target.is_dir():  # before the rows are counted and the book is built
        raise UsageError(f"cannot write {target}: it is a folder")
    if not target.parent.is_dir():
        raise UsageError(f"cannot write {target}: the folder {target.parent} does not exist")
    n_rows = sum(max((len(v) for v in d.values()), default=0) for d in outcomes.values())
    if n_rows + 1 > EXCEL_MAX_ROWS:
        raise UsageError(f"run {run['id']} has {n_rows:,} rows of outcomes, more than an Excel "
                         "sheet holds; query them with 'chipcredit runs sql' instead")
    book = openpyxl.Workbook(write_only=True)
    sheet = _Sheet(book, "runs")
    columns = [c for c in run if c not in _LONG_TEXT]
    sheet.row([_RUN_HEADERS.get(c, c) for c in columns])
    sheet.row([_json(run[c]) if c == "extra"
               else str(run[c]) if c in _AS_TEXT and run[c] is not None else run[c]
               for c in columns])
    sheet = _Sheet(book, "summary")
    sheet.row(["path", "value", "unit"])
    for triple in summary_rows(run.get("summary_json")):
        sheet.row(triple)
    for name in ("metrics", "bands", "flows", "defaults"):
        # with the run's id first, as the store's tables have it (docs/store.md)
        frame = tables[name]
        _Sheet(book, name).frame(frame if "run" in frame.columns
                                 else frame.assign(run=run["id"])[["run", *frame.columns]])
    header, rows = _outcome_rows(outcomes)
    sheet = _Sheet(book, "outcomes")
    sheet.row(header)
    for values in rows:
        sheet.row(values)
    sheet = _Sheet(book, "outcome_units")  # a unit a column of outcomes, which has no room
    sheet.row(["outcome", "unit"])
    for key in header[2:]:
        sheet.row([key, _unit(key, outcome_unit)])
    sheet = _Sheet(book, "scenario")
    sheet.row(["yaml"])
    for line in str(run.get("scenario_yaml") or "").splitlines():
        sheet.row([line])
    write_atomic(target, lambda handle: _save(book, handle, run.get("started")))


_ZIP_EPOCH = datetime(1980, 1, 1)
"""The earliest date a zip entry can carry."""


def _save(book: Any, handle: BinaryIO, started: datetime | None) -> None:
    """Save ``book`` into ``handle`` with every timestamp set to ``started`` (UTC; 1980-01-01
    when unknown), so that the same run gives the same bytes.

    openpyxl stamps the workbook's modified time with the clock as it saves, and each zip
    entry with the time it was written; the saved zip is copied entry by entry, in the same
    order and compression, with the core properties rewritten and one date on every entry.
    """
    from openpyxl.xml.constants import ARC_CORE
    from openpyxl.xml.functions import tostring

    when = started if isinstance(started, datetime) else _ZIP_EPOCH
    when = max(when.replace(tzinfo=None, microsecond=0), _ZIP_EPOCH)
    book.properties.created = when
    buffer = io.BytesIO()
    book.save(buffer)
    book.properties.modified = when  # save() set it to now
    core = tostring(book.properties.to_tree())
    with zipfile.ZipFile(buffer) as saved, \
            zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as out:
        for info in saved.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            entry.compress_type = info.compress_type
            entry.external_attr = info.external_attr
            entry.create_system = 3  # Unix, whatever system writes it
            out.writestr(entry, core if info.filename == ARC_CORE else saved.read(info))


def _json(value: Any) -> str:
    return json.dumps(value, default=str)
