"""Terms in years so long that they are probably months typed as years, and the note that
names them.

Every term of a scenario is in years: a loan's, a vendor credit's, a credit facility's (and
its ``availability_years``), an SPV's debt and lease, a cloud's contracts and its debt
tranches. A value such as ``term_years: 48`` is almost certainly 48 months. No source bounds
a term (a 30-year bond exists, and a tranche's ``term_years`` is a run-off rate, not a
maturity), so such a value is not refused, as no other term is: each is only ``Positive``.
A term with an end date that falls after the horizon already gets the horizon note
(`chipcredit.scenario.horizon`), but a cloud's debt tranche and an SPV's debt have none, so
nothing else would flag them. `term_note` names every term over `MAX_PLAUSIBLE_YEARS`, each
as the loader's errors are written (file:line:column, field path, rule, value, "did you
mean" the value in years if it was months); `Scenario.horizon_note` adds it to the horizon
note, which ``chipcredit.simulate`` (and so ``chipcredit run``) issues as a `ChipcreditNote`
and ``chipcredit validate`` prints.

>>> from chipcredit.scenario.terms import suggestion
>>> suggestion(48.0)
'4 (48 months)'
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from chipcredit.errors import Problem, ScenarioError

from .deals import high_end
from .number import Number
from .translation import where
from .yamlnodes import DocPath, read_yaml

if TYPE_CHECKING:
    from .model import Scenario

__all__ = ["MAX_PLAUSIBLE_YEARS", "TERM_FIELDS", "LongTerm", "located_lines", "long_terms",
           "named_numbers", "suggestion", "term_note"]

MAX_PLAUSIBLE_YEARS = 30.0
"""A term above this many years is taken for months typed as years (the bundled scenarios'
longest is 10; a 30-year bond is the longest common debt)."""
TERM_FIELDS = ("term_years", "availability_years")
"""The fields, in any section, that hold a term in years."""
RULE = (f"is over {MAX_PLAUSIBLE_YEARS:g} years, which looks like months typed as years "
        "(the run takes it in years)")
"""What a long term's line says, after its field path."""
_BOM = "\ufeff"


@dataclass(frozen=True)
class LongTerm:
    """One term over `MAX_PLAUSIBLE_YEARS`.

    Attributes
    ----------
    doc_path : tuple
        Its place in the scenario document: ``("parties", 3, "debt", 0, "term_years")``.
    path : str
        Its parameter path (ids for parties and deals, as ``chipcredit sensitivity --param``
        takes it): ``parties.coreweave.debt[0].term_years``.
    years : float
        The term, years; an uncertain one at its high end (``high``, else ``p95``), the
        value the engine lays the schedule out for.
    """

    doc_path: DocPath
    path: str
    years: float


def named_numbers(sc: Scenario, fields: tuple[str, ...]
                  ) -> Iterator[tuple[DocPath, str, Number]]:
    """(place in the document, parameter path, number) of every number of ``sc`` held in a
    field named one of ``fields``, in any section, in the order of the scenario's sections
    (the walk `long_terms` and `chipcredit.scenario.magnitudes` share)."""
    return _walk(sc, (), "", fields)


def _walk(value: Any, doc: DocPath, path: str, fields: tuple[str, ...] = TERM_FIELDS
          ) -> Iterator[tuple[DocPath, str, Number]]:
    if isinstance(value, Number):
        return
    if isinstance(value, BaseModel):
        for name, field in type(value).model_fields.items():
            key = field.alias or name
            child = getattr(value, name)
            where_ = (*doc, key), f"{path}.{key}" if path else key
            if key in fields and isinstance(child, Number):
                yield (*where_, child)
            else:
                yield from _walk(child, *where_, fields)
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from _walk(child, (*doc, key), f"{path}.{key}", fields)
    elif isinstance(value, list | tuple):
        for i, child in enumerate(value):
            # parties and deals by id, as parameter paths name them
            named = doc in (("parties",), ("deals",)) and hasattr(child, "id")
            yield from _walk(child, (*doc, i), f"{path}.{child.id}" if named else f"{path}[{i}]",
                             fields)


def long_terms(sc: Scenario) -> tuple[LongTerm, ...]:
    """Every term of ``sc`` (a field of `TERM_FIELDS`) over `MAX_PLAUSIBLE_YEARS`, in
    the order of the scenario's sections."""
    return tuple(LongTerm(doc, path, years) for doc, path, number in _walk(sc, (), "")
                 if (years := high_end(number)) > MAX_PLAUSIBLE_YEARS)


def _figure(x: float) -> str:
    return f"{x:.3g}" if x < 1000 else f"{x:.0f}"


def suggestion(years: float) -> str:
    """The term in years if ``years`` was months: ``48`` -> ``4 (48 months)``."""
    return f"{_figure(years / 12)} ({_figure(years)} months)"


def term_note(sc: Scenario) -> str | None:
    """One line naming each term of ``sc`` over `MAX_PLAUSIBLE_YEARS`, with the file, line and
    column where it is written, its field path, the value and what it is in years if it was
    months; None when there is none (every bundled scenario).

    Example: ``cloud.yaml:24:19: parties.neocloud.debt[0].term_years is over 30 years, which
    looks like months typed as years (the run takes it in years); got 48 (did you mean 4
    (48 months)?).``
    """
    found = long_terms(sc)
    if not found:
        return None
    return located_lines(sc, [(term.doc_path, term.path, RULE, term.years,
                               suggestion(term.years)) for term in found])


def located_lines(sc: Scenario, items: list[tuple[DocPath, str, str, float, str]]) -> str:
    """One note of ``(place, path, rule, value, suggestion)`` items, each written as the
    loader writes an error (file:line:column, path, rule, value, "did you mean"), joined by
    ". " and ended with "."."""
    text = sc._source_text
    located = None
    if text is not None:  # the text loaded, so it reads again; positions are a courtesy
        with contextlib.suppress(ScenarioError):
            located = read_yaml(text.removeprefix(_BOM), sc.source_file)
    lines = []
    for doc_path, path, rule, got, hint in items:
        line, column = where(located, doc_path)
        value: float | int = int(got) if float(got).is_integer() else got
        lines.append(str(Problem(sc.source_file, line, column, path, rule, value, hint)))
    return ". ".join(lines) + "."
