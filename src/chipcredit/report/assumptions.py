"""The assumptions table: every number of the scenario with its source and basis."""

from __future__ import annotations

from chipcredit.scenario.model import Scenario
from chipcredit.scenario.number import Number
from chipcredit.scenario.paths import parameter_paths

from .i18n import Catalogue, significant
from .tables import Cell

__all__ = ["assumption_rows", "describe_number"]


def describe_number(number: Number, cat: Catalogue) -> str:
    """A number as the reader should see it: ``35``, ``lognormal, 5th pct. 15, 95th pct. 60``
    (in the catalogue's language; values in the scenario's own units)."""
    values = {key: significant(float(v), 4) for key in ("value", "p05", "p95", "low", "mode", "high")
              if (v := getattr(number, key)) is not None}
    return cat.t(f"report.dist_{number.dist}", **values)


def assumption_rows(scenario: Scenario, cat: Catalogue) -> list[list[Cell]]:
    """One row per number, in document order: parameter path, value, basis, source.

    Paths and sources are data (as written in the scenario), not translated.
    """
    rows = []
    for path, number in parameter_paths(scenario).items():
        basis = cat.t(f"report.basis_{number.basis}" if number.basis else "report.basis_none")
        rows.append([Cell(path, "data"), Cell(describe_number(number, cat)), Cell(basis),
                     Cell(number.source or "", "data")])
    return rows
