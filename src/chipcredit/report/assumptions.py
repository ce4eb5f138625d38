"""The assumptions table: every number of the scenario with its source and basis.

The basis is the scenario's ``basis`` (docs/design.md section 2a), whose meaning the section's
intro (``report.assumptions_intro``) gives: ``fact`` is a figure its source gives, or one
derived from sourced figures by the arithmetic the source states; ``assumed`` is a judgement
(a value, a range or a mode no source gives). Beside it the cell says where the source text
itself calls the number derived, uncertain or in conflict (`source_flags`), the tags of the
calibration facts (``derived:``, ``[UNCERTAIN]``, ``[CONFLICT]``), so a reader sees which
facts rest on arithmetic or on weak or disputed sources.
"""

from __future__ import annotations

import re

from chipcredit.scenario.model import Scenario
from chipcredit.scenario.number import Number
from chipcredit.scenario.paths import parameter_paths

from .i18n import Catalogue, significant
from .tables import Cell

__all__ = ["FLAGS", "assumption_rows", "basis_text", "describe_number", "source_flags"]

FLAGS = {"derived": re.compile(r"\bderived\b", re.IGNORECASE),
         "uncertain": re.compile(r"\[\s*UNCERTAIN\b", re.IGNORECASE),
         "conflict": re.compile(r"\[\s*CONFLICT\b", re.IGNORECASE)}
"""The flags a source text may raise, in the order they are shown, with what raises each: the
word *derived* (the number is arithmetic on sourced figures), an ``[UNCERTAIN ...]`` tag
(weak, single-source or second-hand) and a ``[CONFLICT ...]`` tag (the sources disagree)."""


def source_flags(source: str | None) -> list[str]:
    """The `FLAGS` a number's source text raises, in `FLAGS` order.

    >>> source_flags("derived: $7.5B equity less Nvidia's $2B"), source_flags(None)
    (['derived'], [])
    >>> source_flags("6.3% (Reuters) vs 7% [CONFLICT]; revenue [UNCERTAIN, 10-K summary]")
    ['uncertain', 'conflict']
    """
    return [name for name, pattern in FLAGS.items() if source and pattern.search(source)]


def basis_text(number: Number, cat: Catalogue) -> str:
    """The basis cell: ``fact``, ``assumed`` or ``not stated`` in the catalogue's language,
    with the `source_flags` of the number's source in brackets (``fact (derived, uncertain)``)."""
    basis = cat.t(f"report.basis_{number.basis}" if number.basis else "report.basis_none")
    flags = source_flags(number.source)
    if not flags:
        return basis
    return cat.t("report.basis_flagged", basis=basis,
                 flags=cat.t("report.flag_separator").join(cat.t(f"report.flag_{f}") for f in flags))


def describe_number(number: Number, cat: Catalogue) -> str:
    """A number as the reader should see it: ``35``, ``lognormal, 5th pct. 15, 95th pct. 60``
    (in the catalogue's language; values in the scenario's own units)."""
    values = {key: significant(float(v), 4) for key in ("value", "p05", "p95", "low", "mode", "high")
              if (v := getattr(number, key)) is not None}
    return cat.t(f"report.dist_{number.dist}", **values)


def assumption_rows(scenario: Scenario, cat: Catalogue) -> list[list[Cell]]:
    """One row per number, in document order: parameter path, value, basis (`basis_text`),
    source.

    Paths and sources are data (as written in the scenario), not translated.
    """
    rows = []
    for path, number in parameter_paths(scenario).items():
        rows.append([Cell(path, "data"), Cell(describe_number(number, cat)),
                     Cell(basis_text(number, cat)), Cell(number.source or "", "data")])
    return rows
