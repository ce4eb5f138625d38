"""Observed history inside a scenario: what actually happened, to hold a run against.

A scenario may list what was observed after its start, so that a run can say whether it
treated what happened as possible (`chipcredit.analytics.history_check`)::

    history:
      - label: "OpenAI's Feb-2026 round at $730B pre-money"
        series: parties.openai.valuation        # a recorded quarterly variable
        quarter: 2026Q1
        observed: {value: 730, source: "verdict.co.uk, 27 Feb 2026", basis: fact}
      - label: "Winstar filed Chapter 11 (18 Apr 2001)"
        event: default                          # this party defaulted in that quarter
        party: winstar
        quarter: 2001Q2
        source: "greenspun.com, Winstar bankruptcy"
      - label: "xAI's Series E at ~$230B (Jan 2026)"
        series: parties.xai.valuation
        quarter: 2026Q1
        observed: {value: 230, source: "mexc.us", basis: fact}
        in_sample: true                         # an input was set from this observation

``series`` names a variable the run records each quarter, ``parties.ID.VARIABLE`` or
``deals.ID.VARIABLE`` (`series_variables` lists them by kind; `Result.bands` draws the
same ones). ``observed`` is a point value in the variable's unit ($B for a valuation, $B a
quarter for a revenue: an annual figure is divided by 4 and its source says so) with its
source and basis, as every bundled number carries them; it is finite, and not negative
for a series that never is (every one but `SIGNED_SERIES`). A default event names its
source too. ``in_sample: true`` marks an observation a scenario input was set from (an
input's ``source`` cites it): placing it in the band tests nothing, and the outputs say so
on its row. `history_problems` checks what spans fields (the party or deal exists and
records that variable, the quarter is inside the horizon, a series and an event are not
both given); the loader words each problem as one line with the file and line.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator, model_validator

from chipcredit.errors import did_you_mean

from .base import Model, QuarterLabel
from .cross_problem import CrossProblem, within
from .numberform import Real, plain, refusal
from .recorded import (
    BUYER_VARIABLES,
    CLOUD_VARIABLES,
    FINANCIAL_VARIABLES,
    LAB_VARIABLES,
    SPENDING_VARIABLES,
    VENDOR_VARIABLES,
)

if TYPE_CHECKING:
    from .model import Scenario

__all__ = ["DEAL_SERIES", "SIGNED_SERIES", "HistoryItem", "Observed", "history_problems",
           "series_variables"]

DEAL_SERIES: dict[str, tuple[str, ...]] = {
    "credit_facility": ("drawn", "undrawn", "written_off"),
    "spv_lease": ("ltv", "dscr", "collateral_value"),
    "capacity_backstop": ("backstop_paid",),
    "loan_guarantee": ("paid",),
    "deployment_warrant": ("pull", "vested_shares"),
}
"""The quarterly variables each deal kind records under its id (each deal's ``record`` in
`chipcredit.deals`); the other kinds record none."""

SIGNED_SERIES = frozenset({"cash", "operating_profit", "gross_profit", "equity_value", "dscr"})
"""The recorded variables that can go below zero (a lab's cash, a vendor's profit, a lease's
cover); an observed value of any other series (a valuation, revenue, capacity, price, share,
balance) must not be negative."""


class Observed(Model):
    """An observed value, written as a scenario's sourced numbers are (``{value: 730,
    source: "...", basis: fact}``), a point value only. It is not a model input, so it is
    not a `Number`: `parameter_paths`, the calibration table and `set_number` leave it out.

    Attributes
    ----------
    value : float
        In the unit of the series it is held against.
    source : str
        Where it comes from; a figure derived from a reported one says how ("derived: ...").
    basis : {"fact", "assumed"}
    """

    value: Real
    source: str = Field(min_length=1)
    basis: Literal["fact", "assumed"]

    @model_validator(mode="before")
    @classmethod
    def _point(cls, raw: object) -> object:
        if isinstance(raw, dict) and any(k in raw for k in ("dist", "p05", "p95", "low",
                                                               "mode", "high")):
            shown = " ".join(f"{k}={raw[k]}" for k in ("dist", "p05", "p95", "low", "mode",
                                                         "high") if k in raw)
            raise refusal("must be a point value ({value: .., source: .., basis: ..}), not a "
                          "range", shown)
        value = raw.get("value") if isinstance(raw, dict) else raw
        sourced = isinstance(raw, dict) and bool(str(raw.get("source") or "").strip())
        based = isinstance(raw, dict) and "basis" in raw
        if not sourced or not based:
            missing = ("source and basis" if not sourced and not based else
                       "source" if not sourced else "basis")
            raise refusal(f"must name its {missing} ({{value: .., source: .., basis: fact}}; "
                          f"{missing} missing)", value)
        return raw

    @field_validator("value")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise refusal("must be finite", value)
        return value


class HistoryItem(Model):
    """One observation: a recorded series' value at a quarter, or a party's default.

    Attributes
    ----------
    label : str
        What happened, in words (shown in the table and the report).
    quarter : str
        The quarter it happened in, e.g. ``2026Q1``; inside the horizon.
    series : str, optional
        ``parties.ID.VARIABLE`` or ``deals.ID.VARIABLE``: a recorded quarterly variable.
    observed : Observed, optional
        With ``series``: the observed value, a point value with ``source`` and ``basis``,
        in the series' unit.
    event : ``default``, optional
        Instead of a series: ``party`` defaulted in ``quarter``.
    party : str, optional
        With ``event``: the party that defaulted.
    source : str, optional
        With ``event`` (and there required): where the event is reported.
    in_sample : bool
        True when a scenario input was set from this observation (an input's ``source``
        cites it), so placing it in the band tests nothing; the outputs say so on its row.
        False (the default): the observation is out of sample.
    """

    label: str = Field(min_length=1, max_length=200)
    quarter: QuarterLabel
    series: str | None = None
    observed: Observed | None = None
    event: Literal["default"] | None = None
    party: str | None = None
    source: str | None = None
    in_sample: bool = False

    @field_validator("series")
    @classmethod
    def _series(cls, series: str | None) -> str | None:
        parts = (series or "").split(".")
        if series is not None and (len(parts) != 3 or parts[0] not in ("parties", "deals")
                                   or not all(parts)):
            raise refusal("must read parties.ID.VARIABLE or deals.ID.VARIABLE", series)
        return series

    @model_validator(mode="after")
    def _form(self) -> HistoryItem:
        if self.event is None:
            if self.series is None:
                raise refusal("needs series and observed (a recorded value), or event: "
                              "default with party (a party's default)", self.label)
            if self.observed is None:
                raise refusal("needs observed, the value seen, with its source and basis",
                              self.series)
            if self.party is not None or self.source is not None:
                raise refusal("takes party and source only with event: default (the "
                              "observed value carries its own source)", self.label)
        elif self.series is None and self.observed is None:
            # with series or observed as well, `history_problems` names the stray field
            if self.party is None:
                raise refusal("event: default needs party, the party that defaulted",
                              self.label)
            if not (self.source or "").strip():
                raise refusal("event: default needs source, where the default is reported",
                              self.label)
        return self

    @property
    def key(self) -> tuple[str, str]:
        """The recorded series' key in a run's ``reservoir``: ``(id, variable)``; for a
        default event, ``(party, "default")``."""
        if self.event == "default" or self.series is None:
            assert self.party is not None
            return self.party, "default"
        _, ident, variable = self.series.split(".")
        return ident, variable


def series_variables(sc: Scenario) -> dict[str, tuple[str, ...]]:
    """The quarterly variables recorded under each party and deal id of ``sc``, as a run
    records them (`chipcredit.scenario.recorded`, `chipcredit.engine.sim.Sim._record`):
    ``{"parties.ID": (...), "deals.ID": (...)}``. A vendor's ``self_funded_share`` is
    recorded when the run traces money provenance (the default)."""
    out: dict[str, tuple[str, ...]] = {}
    for p in sc.parties:
        names: tuple[str, ...] = ()
        if p.kind == "lab":
            names = LAB_VARIABLES + (SPENDING_VARIABLES if getattr(p, "spending", None)
                                     is not None else ())
        elif p.kind == "vendor":
            names = VENDOR_VARIABLES + ("self_funded_share",) + (
                FINANCIAL_VARIABLES if getattr(p, "financials", None) is not None else ())
        elif p.kind == "cloud":
            names = CLOUD_VARIABLES
        elif p.kind == "buyer":
            names = BUYER_VARIABLES
        out[f"parties.{p.id}"] = names
    for d in sc.deals:
        out[f"deals.{d.id}"] = DEAL_SERIES.get(d.kind, ())
    return out


def history_problems(sc: Scenario) -> list[CrossProblem]:
    """The rules of ``sc.history`` that span fields: each series names a party or deal of
    the scenario and a variable it records, each default event a party that can default,
    and each quarter falls inside the horizon. Empty when all hold."""
    items: tuple[HistoryItem, ...] = getattr(sc, "history", ())
    if not items:
        return []
    out: list[CrossProblem] = []
    recorded = series_variables(sc)
    parties = {p.id: p for p in sc.parties}
    with_series = [o.split(".", 1)[1] for o, names in recorded.items()
                   if o.startswith("deals.") and names]
    for k, item in enumerate(items):
        base: tuple[str | int, ...] = ("history", k)
        if item.event is not None and (item.series is not None or item.observed is not None):
            stray = "series" if item.series is not None else "observed"
            shown = item.series if item.series is not None else (
                None if item.observed is None else plain(item.observed.value))
            out.append(CrossProblem((*base, stray), "is not taken with event: default (a "
                                    "default event takes party, quarter and source)", shown))
            continue
        if item.series is not None:
            section, ident, variable = item.series.split(".")
            owner = f"{section}.{ident}"
            if owner not in recorded:
                pool = [o.split(".", 1)[1] for o in recorded if o.startswith(section + ".")]
                hint = did_you_mean(ident, pool)
                noun = "deal" if section == "deals" else "party"
                out.append(CrossProblem((*base, "series"), f"names no {noun} in the scenario",
                                        item.series,
                                        None if hint is None else f"{section}.{hint}.{variable}"))
            elif variable not in recorded[owner]:
                names = recorded[owner]
                hint = did_you_mean(variable, names)
                rule = (f"names a variable {ident} does not record (it records "
                        f"{', '.join(names)})" if names else
                        f"names {ident}, which records no quarterly series (the deals that "
                        f"do: {', '.join(with_series) or 'none'})" if section == "deals" else
                        f"names {ident}, which records no quarterly series")
                out.append(CrossProblem((*base, "series"), rule, item.series,
                                        None if hint is None else f"{owner}.{hint}"))
            elif (item.observed is not None and variable not in SIGNED_SERIES
                  and item.observed.value < 0):
                out.append(CrossProblem((*base, "observed", "value"), f"must not be negative: "
                                        f"{variable} never is (only "
                                        f"{', '.join(sorted(SIGNED_SERIES))} can be)",
                                        plain(item.observed.value)))
        else:
            assert item.party is not None
            party = parties.get(item.party)
            if party is None:
                out.append(CrossProblem((*base, "party"), "names no party in the scenario",
                                        item.party, did_you_mean(item.party, list(parties))))
            elif not party.can_default:
                out.append(CrossProblem((*base, "party"), f"must name a party that can "
                                        f"default (a lab or a cloud), but {item.party} is "
                                        f"{'an' if party.kind[:1] in 'aeiou' else 'a'} "
                                        f"{party.kind}", item.party))
        if not 0 <= sc.quarter_of(item.quarter) < sc.horizon_quarters:
            out.append(CrossProblem((*base, "quarter"), within(sc), item.quarter))
    return out
