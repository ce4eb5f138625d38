"""Amounts and capacities so large that they are probably $M typed as $B or MW typed as GW,
and the note that names them.

Money is in $B and capacity in GW (docs/design.md section 2), but an analyst's spreadsheet is
often in $M and MW: ``run_rate: 9000`` is $9,000B a year of revenue, ``installed: 1000`` a
thousand GW. The loader refuses only values over `chipcredit.scenario.bound.MAX_AMOUNT`
(1e9, where the arithmetic would overflow), so such a value runs and gives confident
results. It is not refused here either, as a user may model an imagined world on purpose:
`magnitude_note` names each one, as the loader's errors are written (file:line:column,
field path, rule with the value and its unit, "did you mean" the value / 1000), and
`Scenario.horizon_note` adds it to the note that ``chipcredit validate`` prints and
``chipcredit.simulate`` (so ``chipcredit run``, and the experiments' notes) issues as a
`ChipcreditNote`.

>>> from chipcredit.scenario.magnitudes import suggestion
>>> suggestion(9000.0, "$M")
'9, if you typed $M'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .deals import high_end
from .terms import located_lines, named_numbers
from .yamlnodes import DocPath

if TYPE_CHECKING:
    from .model import Scenario

__all__ = ["MAX_PLAUSIBLE_GW", "MAX_PLAUSIBLE_MONEY", "MAX_PLAUSIBLE_REVENUE", "Magnitude",
           "magnitude_note", "magnitudes", "suggestion"]

MAX_PLAUSIBLE_REVENUE = 1000.0
"""$B a year. No lab's revenue run-rate comes near it: OpenAI's was $20B+ at the end of 2025
and about $200B is projected for 2030, Nvidia's whole FY2025 revenue was $130.5B
(facts.md sections 4 and 6). A run-rate typed in $M is over it from $1B a year up."""
MAX_PLAUSIBLE_MONEY = 1000.0
"""$B, for one party's cash and one deal's amount, commitment or cap: over three times the
largest single AI deal in facts.md (Oracle-OpenAI, $300B over about 5 years; OpenAI's
commitments all together are about $1.4T over 8 years, section 4)."""
MAX_PLAUSIBLE_GW = 100.0
"""GW, for one party's installed capacity or training need, a contract's or a commitment's
capacity: more than all the world's AI data centres by 2030 (Nvidia's $3-4T of AI
infrastructure at $50-60B per GW is 50-80 GW; OpenAI's commitments, the largest, are about
30 GW; facts.md sections 4-6). Checked only where ``capacity_unit`` is GW: a telecom replay
counts $B of equipment."""

REVENUE_FIELDS = ("run_rate",)
MONEY_FIELDS = ("cash", "amount", "commitment", "max_amount")
CAPACITY_FIELDS = ("installed", "capacity", "training")

_LIMITS = {"revenue": MAX_PLAUSIBLE_REVENUE, "money": MAX_PLAUSIBLE_MONEY,
           "capacity": MAX_PLAUSIBLE_GW}
"""Each kind of value's bound, in its unit."""
_RULES = {
    "revenue": (f"is over ${MAX_PLAUSIBLE_REVENUE:,.0f}B a year, more than any lab's revenue "
                "(OpenAI's run-rate was $20B+ in 2025, about $200B projected for 2030), which "
                "looks like $M typed as $B (the run takes $B)", "$M"),
    "money": (f"is over ${MAX_PLAUSIBLE_MONEY:,.0f}B, more than three times the largest AI deal "
              "(Oracle-OpenAI, $300B), which looks like $M typed as $B (the run takes $B)", "$M"),
    "capacity": (f"is over {MAX_PLAUSIBLE_GW:g} GW, more than all the world's AI data centres "
                 "by 2030 (50-80 GW), which looks like MW typed as GW (the run takes GW)", "MW"),
}


@dataclass(frozen=True)
class Magnitude:
    """One amount or capacity over its plausible bound.

    Attributes
    ----------
    doc_path : tuple
        Its place in the scenario document: ``("parties", 2, "revenue", "run_rate")``.
    path : str
        Its parameter path, by ids: ``parties.anthropic.revenue.run_rate``.
    what : str
        ``revenue`` ($B a year), ``money`` ($B) or ``capacity`` (GW).
    value : float
        The value as written; an uncertain one at its high end (``high``, else ``p95``).
    """

    doc_path: DocPath
    path: str
    what: str
    value: float


def magnitudes(sc: Scenario) -> tuple[Magnitude, ...]:
    """Every revenue run-rate over `MAX_PLAUSIBLE_REVENUE`, amount over
    `MAX_PLAUSIBLE_MONEY` and (in GW) capacity over `MAX_PLAUSIBLE_GW`, in the order of
    the scenario's sections."""
    fields = REVENUE_FIELDS + MONEY_FIELDS + (CAPACITY_FIELDS if sc.capacity_unit == "GW" else ())
    out = []
    for doc, path, number in named_numbers(sc, fields):
        key = doc[-1]
        what = ("revenue" if key in REVENUE_FIELDS
                else "money" if key in MONEY_FIELDS else "capacity")
        if (top := high_end(number)) > _LIMITS[what]:
            out.append(Magnitude(doc, path, what, top))
    return tuple(out)


def suggestion(value: float, unit: str) -> str:
    """The value a thousandth as large, if it was typed in ``unit`` ($M or MW):
    ``9000`` -> ``9, if you typed $M``."""
    return f"{value / 1000:.4g}, if you typed {unit}"


def magnitude_note(sc: Scenario) -> str | None:
    """One line naming each amount and capacity of ``sc`` over its bound, with the file,
    line and column where it is written, its field path, the value and what it is if it was
    typed in $M (or MW); None when there is none (every bundled scenario).

    Example: ``tpu.yaml:24:25: parties.anthropic.revenue.run_rate is over $1,000B a year,
    more than any lab's revenue (OpenAI's run-rate was $20B+ in 2025, about $200B projected
    for 2030), which looks like $M typed as $B (the run takes $B); got 9000 (did you mean
    9, if you typed $M?).``
    """
    found = magnitudes(sc)
    if not found:
        return None
    return located_lines(sc, [(m.doc_path, m.path, _RULES[m.what][0], m.value,
                               suggestion(m.value, _RULES[m.what][1])) for m in found])
