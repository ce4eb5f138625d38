"""The deal registry: the real financing relationships behind the scenarios.

A bundled, sourced table (``chipcredit/data/deals.csv``, built from the project's
calibration facts) of vendor-lab, vendor-cloud, cloud-lab and telecom deals. One row per
deal, or per party's part of a deal:

=========  =====================================================================
id         ``[a-z0-9_-]+``, unique; scenario deals link to it with ``registry:``
from, to   party ids; money flows from ``from`` to ``to``
kind       the instrument (equity, loan, credit_facility, compute_contract, ...)
relation   ``funds`` (from puts money or credit into to), ``buys_from`` (from buys
           hardware or compute from to) or ``acquires`` (from buys the company to)
amount     $B, empty where no figure was reported
basis      what the amount is (empty where there is none): ``cash`` (money paid, or
           contracted to be paid), ``value`` (what a non-cash instrument is worth, such
           as a warrant's shares: not cash), ``up_to`` (a ceiling: a facility, a letter
           of intent, an "up to" or conditional part, not money committed in full),
           ``at_least`` (a floor) or ``estimate`` (derived or an analyst's figure, not
           reported by the parties)
date       as reported (``2025-09-22``, ``2026-01``, ``1998-1999``)
terms      key terms in words
status     announced, signed, executed or abandoned
source     URL of the report
=========  =====================================================================

`deal_registry` returns it as a DataFrame; `deal_network` (in `network`) summarises who
funds whom and who buys from whom.
"""

from __future__ import annotations

import csv
import functools
import io
from importlib import resources
from typing import TYPE_CHECKING

from chipcredit.errors import UsageError, did_you_mean

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["BASES", "COLUMNS", "RELATIONS", "STATUSES", "deal_registry", "registry_ids",
           "registry_rows"]

COLUMNS = ("id", "from", "to", "kind", "relation", "amount", "basis", "date", "terms", "status",
           "source")
BASES = ("cash", "value", "up_to", "at_least", "estimate")
"""What a registry amount is (the ``basis`` column, above): cash first, then the kinds of
figure that are not an amount of money paid or owed."""
RELATIONS = ("funds", "buys_from", "acquires")
STATUSES = ("announced", "signed", "executed", "abandoned")


@functools.cache
def registry_rows() -> tuple[dict[str, str], ...]:
    """Every row of the bundled registry, as read (strings), in file order."""
    text = (resources.files("chipcredit") / "data" / "deals.csv").read_text(encoding="utf-8")
    return tuple(dict(row) for row in csv.DictReader(io.StringIO(text)))


def registry_ids() -> list[str]:
    """Ids of the registry's rows, in file order."""
    return [row["id"] for row in registry_rows()]


def deal_registry(party: str | None = None) -> pd.DataFrame:
    """The deal registry as a DataFrame, optionally only the rows ``party`` is in.

    Columns are `COLUMNS`; ``amount`` is float $B (NaN where none was reported).

    Raises
    ------
    UsageError
        If ``party`` is in no row (with the nearest party id as a suggestion).
    """
    import pandas as pd

    frame = pd.DataFrame(list(registry_rows()), columns=list(COLUMNS))
    frame["amount"] = pd.to_numeric(frame["amount"].replace("", None), errors="coerce")
    if party is None:
        return frame
    key = party.strip().lower()
    keep = (frame["from"] == key) | (frame["to"] == key)
    if not keep.any():
        parties = sorted(set(frame["from"]) | set(frame["to"]))
        hint = did_you_mean(key, parties)
        raise UsageError(f"party {party!r} is in no registry deal"
                         + (f" (did you mean {hint}?)" if hint else ""))
    return frame[keep].reset_index(drop=True)
