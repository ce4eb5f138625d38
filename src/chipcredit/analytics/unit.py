"""The unit of every number a run reports: one table, read by every tidy output.

``Result.summary()``, ``Result.bands()``, ``Result.flows()`` and ``Result.cashflows()``
carry a ``unit`` column from here, and so do the run store's ``metrics``, ``bands`` and
``flows`` tables and the workbook of ``chipcredit runs export`` (its ``summary`` sheet gives
the unit of each metric path). A spreadsheet reader can then tell 0.12 (an annual rate) from
0.12 ($B). docs/output.md prints the same table ("Units").

(`chipcredit.units` converts rates and formats money; this module only names units.)

The unit strings, one set for every output:

- ``$B``: US$ billions (money, docs/design.md section 2); ``$B a quarter`` for a quarterly flow
  such as a band's ``revenue``;
- ``annual rate``: an effective annual rate as a fraction (0.12 is 12% a year): ``irr``,
  ``discount_rate``;
- ``x``: a multiple of money (``moic``);
- ``probability``: a probability, 0 to 1, over the paths;
- ``share``: a fraction of a whole, 0 to 1 (a market share, a stake);
- ``share of paths``: the fraction of the paths a statistic leaves out or counts
  (``nan_share``, ``multiple_sign_change_share``);
- ``quarters from start``: a quarter index, 0 for the start quarter;
- ``quarters``: a length of time;
- ``M shares``: millions of shares; ``$ per share``: US$ per share;
- ``ratio``: a ratio of two amounts of money (an SPV's ``ltv`` and ``dscr``);
- ``index``: a Herfindahl index (0 to 1);
- ``code``: a number standing for a name (``irr_reason``, ``default_cause``; docs/output.md);
- ``0 or 1``: an event on a path (1 if it happened);
- ``paths``: a count of paths;
- the scenario's ``capacity_unit`` (``GW`` by default) for capacity, and composites of it:
  ``GW a quarter`` (units sold), ``$B per GW`` (a warrant's pull), ``$B per GW a year`` (a
  cloud's spot price).

A metric missing from the table raises `MissingUnit`, so a new metric cannot reach an
output (or pass the tests) without a unit.
"""

from __future__ import annotations

import re

from .default_exposure import EXPOSURE_FIELDS

__all__ = [
    "BAND_UNITS",
    "FLOW_UNIT",
    "HISTORY_UNITS",
    "METRIC_UNITS",
    "UNIT_RANGES",
    "MissingUnit",
    "band_unit",
    "metric_unit",
    "outcome_unit",
    "summary_range",
    "summary_unit",
]

MONEY = "$B"
MONEY_A_QUARTER = "$B a quarter"
RATE = "annual rate"
MULTIPLE = "x"
PROBABILITY = "probability"
SHARE = "share"
SHARE_OF_PATHS = "share of paths"
QUARTER = "quarters from start"
QUARTERS = "quarters"
SHARES = "M shares"
PRICE = "$ per share"
RATIO = "ratio"
INDEX = "index"
CODE = "code"
EVENT = "0 or 1"
PATHS = "paths"
CALENDAR_YEAR = "calendar year"
PERCENTILE = "percentile"
SERIES_UNIT = "the entry's unit"
"""The unit of a ``history`` entry's observed value and percentiles: its own ``unit`` field
(the series' band unit, or quarters from start for a default)."""
HISTORY_UNITS: dict[str, str | None] = {
    "observed": SERIES_UNIT, "p05": SERIES_UNIT, "p50": SERIES_UNIT, "p95": SERIES_UNIT,
    "rank": PERCENTILE, "paths": PATHS, "default_probability_by": PROBABILITY,
    "default_probability": PROBABILITY, "label": None, "quarter": None, "series": None,
    "event": None, "party": None, "source": None, "where": None, "unit": None,
    "band_paths": PATHS, "run_paths": PATHS, "in_sample": None,  # in_sample: true or false
    "defaulted_paths": PATHS}
"""The units of a JSON ``history`` entry's fields (`analytics.history_check`); None: text."""

CAPACITY = "{capacity}"
"""Stands for the scenario's ``capacity_unit`` in `BAND_UNITS`."""

FLOW_UNIT = MONEY
"""Every amount of money moved: `Result.flows()` and `Result.cashflows()`."""

METRIC_UNITS: dict[str, str] = {
    # a party's metrics in a deal (analytics.metrics.DEAL_METRICS), and beside them
    "npv": MONEY, "npv_realised": MONEY, "irr": RATE, "moic": MULTIPLE,
    "moic_realised": MULTIPLE, "loss": MONEY, "peak_exposure": MONEY, "cash_in": MONEY,
    "cash_out": MONEY, "tied_gross_profit": MONEY, "mark": MONEY,
    # deal extras (analytics.json_summary.DEAL_EXTRAS)
    "warrant_value": MONEY, "dilution_cost": MONEY, "vested_shares": SHARES,
    "conversion_stake": SHARE,
    # a party's outcomes (analytics.metrics.PARTY_METRICS) and what the summary derives
    "revenue_total": MONEY, "cash_end": MONEY, "default_probability": PROBABILITY,
    "second_source_probability": PROBABILITY, "second_source_quarter": QUARTER,
    "default_quarter": QUARTER, "market_share_end": SHARE, "self_funded_revenue": MONEY,
    "self_funded_revenue_share": SHARE, "self_funded_share_pooled": SHARE,
    "gross_profit_total": MONEY,
    "operating_profit_total": MONEY, "stakes_value_end": MONEY, "equity_value_end": MONEY,
    "share_price_end": PRICE,
    # a lab's purchases from a vendor (purchases|LAB|METRIC|VENDOR, JSON purchases_by_vendor)
    "units_total": CAPACITY, "spend_total": MONEY, "spend_share": SHARE,
    "vendor_money_in": MONEY, "vendor_financed_share": SHARE,
    # codes behind irr_reasons() and default_timing() (docs/output.md)
    "irr_reason": CODE, "irr_multiple": EVENT, "default_cause": CODE,
    # a deal's own outcomes (spv|DEAL|METRIC) and a portfolio's (portfolio|PARTY|METRIC|...)
    "debt_impaired": EVENT, "lessee_default": EVENT, "covenant_breach": EVENT,
    "event_of_default": EVENT, "debt_loss": MONEY, "first_breach_quarter": QUARTER,
    "drawn_total": MONEY, "written_off": MONEY, "ead": MONEY, "paid": MONEY,
    "exposure": MONEY,
    # the JSON ``spvs`` (docs/output.md) and ``portfolios`` (docs/stress.md), and the credit
    # rows of the paired differences of compare and stress
    "debt_impairment_probability": PROBABILITY, "lessee_default_probability": PROBABILITY,
    "loss_probability": PROBABILITY,  # deals.D.given_closed.P: over the paths it closed on
    "covenant_breach_probability": PROBABILITY, "horizon_quarters": QUARTERS,
    "expected_loss": MONEY, "var_95": MONEY, "cvar_95": MONEY, "var_99": MONEY,
    "cvar_99": MONEY, "tail_paths_95": PATHS, "tail_paths_99": PATHS,
    "pd_term_structure": PROBABILITY, "loss_term_structure": PROBABILITY,
    "lgd": SHARE, "ead_pv": MONEY, "pd": PROBABILITY, "pd_by_obligor": PROBABILITY,
    "ead_by_obligor": MONEY, "ead_pv_by_obligor": MONEY, "lgd_by_obligor": SHARE,
    "expected_loss_by_obligor": MONEY,
    "guarantee_received": MONEY, "expected_loss_net_of_guarantees": MONEY,
    "exposure_by_obligor": MONEY, "hhi": INDEX, "share_of_exposure_to_labs_also_financed": SHARE,
    # the paths the spvs and portfolios figures are over (a deal that may not close)
    "closed_share": SHARE_OF_PATHS, "held_share": SHARE_OF_PATHS,
    "held_share_by_obligor": SHARE_OF_PATHS,
}
"""Unit of each metric of ``Result.summary()``, the run store's ``metrics``, the per-path
``outcomes`` (by the key's metric part), the JSON summary's figures (by their name) and the
paired differences, whatever the scenario."""

BAND_UNITS: dict[str, str] = {
    # labs (and clouds: revenue, cash, capacity)
    "revenue": MONEY_A_QUARTER, "cash": MONEY, "capacity": CAPACITY, "valuation": MONEY,
    "arrears": MONEY, "spending_cut": SHARE, "spending_deferred": MONEY_A_QUARTER,
    # vendors, with financials and provenance
    "sales": MONEY_A_QUARTER, "gross_profit": MONEY_A_QUARTER, "share": SHARE,
    "units": f"{CAPACITY} a quarter", "market_share": SHARE,
    "operating_profit": MONEY_A_QUARTER, "equity_value": MONEY, "share_price": PRICE,
    "shares_outstanding": SHARES, "stakes_value": MONEY, "self_funded_share": SHARE,
    # a lab's hardware bought from a vendor, by the pair ``LAB|VENDOR``
    "purchases": MONEY_A_QUARTER,
    # clouds
    "unsold": CAPACITY, "spot_price": f"$B per {CAPACITY} a year",
    # deals, by the deal's id
    "pull": f"$B per {CAPACITY}", "vested_shares": SHARES, "backstop_paid": MONEY_A_QUARTER,
    "ltv": RATIO, "dscr": RATIO, "collateral_value": MONEY, "drawn": MONEY, "undrawn": MONEY,
    "written_off": MONEY, "paid": MONEY,
}
"""Unit of each quarterly variable of ``Result.bands()`` (``CAPACITY`` is the scenario's
``capacity_unit``)."""

UNIT_RANGES: dict[str, tuple[float, float]] = {
    PROBABILITY: (0.0, 1.0), SHARE: (0.0, 1.0), SHARE_OF_PATHS: (0.0, 1.0), INDEX: (0.0, 1.0),
    EVENT: (0.0, 1.0),
}
"""The least and greatest value of every number in these units (fractions of 1): a mean or
percentile over paths stays within the range of the values it is over. Other units have
no bound known here (money, rates and multiples can have any sign and size)."""

_UNBOUNDED = frozenset({"lgd", "lgd_by_obligor"})
"""Metrics in a bounded unit that may still leave its range: a portfolio's ``lgd`` is a loss
(present value at the contract rate of what was promised less what was received) over the
exposure at default valued at the start as well, and the loss counts the time value of
service that fell due before the default and was never paid (nominally in the EAD)."""

_YEAR_UNITS: dict[str, str | None] = {
    "year": CALENDAR_YEAR, "first": None, "last": None, "quarters": QUARTERS,
    "revenue_mean": MONEY, "self_funded_revenue_mean": MONEY, "self_funded_share": SHARE,
}
"""The items of a vendor's ``self_funded_by_year`` (docs/output.md): the calendar year and
its first and last quarters are labels, not quantities; the year is a number in the
unit `CALENDAR_YEAR`."""

_STATS = ("mean", "mean_se", "p05", "p50", "p95")
"""The statistics of an `S` in the metric's own unit: a mean's standard error too."""
_RUN_UNITS = {"paths": PATHS, "quarters": QUARTERS}
"""The run's metadata that are quantities (the seed, version, ... have none)."""
_INDEXED = re.compile(r"\[\d+\]")


class MissingUnit(LookupError):
    """A reported number whose unit this module does not know: add it to the table."""


def _missing(what: str, name: str) -> MissingUnit:
    return MissingUnit(f"{what} {name!r} has no unit in chipcredit.analytics.unit; add it "
                       "there and to the units table of docs/output.md")


def metric_unit(metric: str) -> str:
    """The unit of a metric (``"npv"`` -> ``"$B"``, ``"irr"`` -> ``"annual rate"``).

    Raises
    ------
    MissingUnit
        For a metric the table lacks.
    """
    try:
        return METRIC_UNITS[metric]
    except KeyError:
        raise _missing("metric", metric) from None


def band_unit(variable: str, capacity_unit: str) -> str:
    """The unit of a quarterly variable of ``Result.bands()``.

    Parameters
    ----------
    variable : str
        The variable (``"cash"``, ``"capacity"``, ``"units"``, ...).
    capacity_unit : str
        The scenario's ``capacity_unit`` (``"GW"``), which capacity is counted in.

    Raises
    ------
    MissingUnit
        For a variable the table lacks.
    """
    try:
        unit = BAND_UNITS[variable]
    except KeyError:
        raise _missing("band variable", variable) from None
    return unit.replace(CAPACITY, capacity_unit)


def outcome_unit(key: str) -> str:
    """The unit of a per-path outcome, by its ``Result.outcomes`` key: the unit of its
    metric (``deal|D|P|METRIC``, ``party|P|METRIC``, ``spv|D|METRIC``,
    ``portfolio|P|METRIC`` and ``portfolio|P|METRIC|OBLIGOR``)."""
    parts = key.split("|")
    metric = parts[2] if parts[0] in ("portfolio", "purchases") and len(parts) >= 3 else parts[-1]
    return metric_unit(metric)


def summary_unit(path: str) -> str | None:
    """The unit of the number at a metric path of the JSON summary (`Result.to_dict`), as
    `chipcredit.analytics.query.summary_items` walks it; None for text and for the run's
    metadata that are not quantities (version, scenario, seed, start, ...).

    ``deals.colossus2-spv.parties.nvidia.irr.p50`` -> ``annual rate``;
    ``deals.….irr.nan_share`` -> ``share of paths``; ``portfolios.nvidia.pd_term_structure.xai[3]``
    -> ``probability``.

    Raises
    ------
    MissingUnit
        For a number at a path the table does not know.
    """
    parts = _INDEXED.sub("", path).split(".")
    section = parts[0]
    if len(parts) == 1:
        return _RUN_UNITS.get(section)
    if section == "deals":  # deals.D.kind, deals.D.parties.P.METRIC.STAT
        if len(parts) == 3 and parts[2] == "kind":
            return None
        if len(parts) >= 6 and parts[5] in ("withheld", "outside_bracket"):
            return None  # an IRR's flags: true or false, and "above" or "below" (text)
        if len(parts) == 6 and parts[2] == "parties":
            return _statistic(parts[4], parts[5])
        if len(parts) == 3 and parts[2] in ("closed_share", "closed_share_se"):
            return SHARE_OF_PATHS  # a deal that may not close, and did not on every path
        if len(parts) >= 5 and parts[2] == "given_closed":  # deals.D.given_closed.P.NAME[.STAT]
            return _statistic(parts[4], parts[5] if len(parts) > 5 else None)
    elif section == "parties" and len(parts) > 2:  # parties.P.NAME[.STAT]
        name = parts[2]
        if name in ("kind", "role"):
            return None  # text
        if name == "discount_rate":
            return RATE
        if name == "purchases_by_vendor" and len(parts) > 4:  # ...purchases_by_vendor.V.NAME[.STAT]
            return _statistic(parts[4], parts[5] if len(parts) > 5 else None)
        return _statistic(name, parts[3] if len(parts) > 3 else None)
    elif len(parts) < 3 and section in ("vendors", "spvs", "portfolios"):
        pass  # a section and an id, no metric: a group, not a number
    elif section == "vendors" and parts[2] == "self_funded_by_buyer" and len(parts) == 4:
        return MONEY  # vendors.V.self_funded_by_buyer.BUYER: a part of its self-funded revenue
    elif section == "vendors" and parts[2] == "revenue_given_default" and len(parts) == 5:
        # vendors.V.revenue_given_default.PARTY.FIELD: its revenue where PARTY defaults or not
        return (PROBABILITY if parts[4] == "default_share" else MONEY) \
            if parts[4] in EXPOSURE_FIELDS else _no_unit(path)
    elif section == "vendors" and parts[2] == "self_funded_by_year" and len(parts) == 4:
        return _YEAR_UNITS[parts[3]] if parts[3] in _YEAR_UNITS else _no_unit(path)
    elif section in ("vendors", "spvs"):  # vendors.V.METRIC.STAT, spvs.D.NAME[.STAT]
        return _statistic(parts[2], parts[3] if len(parts) > 3 else None)
    elif section == "portfolios":  # portfolios.P.NAME[.STAT or .OBLIGOR][i]
        stat = parts[3] if len(parts) > 3 and parts[2] == "loss" else None
        return _statistic(parts[2], stat)
    elif section == "ledger" and parts[1] == "max_abs_imbalance":
        return MONEY
    elif section == "history" and len(parts) == 2 and parts[1] in HISTORY_UNITS:
        return HISTORY_UNITS[parts[1]]  # history[i].FIELD: the run against what was observed
    raise _missing("summary path", path)


def summary_range(path: str) -> tuple[float, float] | None:
    """The range that every value of the number at a metric path (as `summary_unit` reads
    it) lies in: ``(0.0, 1.0)`` for a probability, a share, a share of paths or an index
    (`UNIT_RANGES`); None where no range is known, or the path names no number this module
    knows (`chipcredit.analytics.query.metric_value` says what is wrong with it).

    ``parties.xai.second_source_probability`` -> ``(0.0, 1.0)``;
    ``deals.….irr.nan_share`` -> ``(0.0, 1.0)``; ``parties.xai.cash_end.p50`` -> None.
    """
    try:
        unit = summary_unit(path)
    except MissingUnit:
        return None
    parts = _INDEXED.sub("", path).split(".")
    stat = parts[-1]
    name = parts[-2] if stat in _STATS and len(parts) > 1 else stat
    if parts[0] == "portfolios" and len(parts) > 2:  # portfolios.P.NAME[.OBLIGOR]
        name = parts[2]
    if unit is None or (name in _UNBOUNDED and unit != SHARE_OF_PATHS):
        return None
    return UNIT_RANGES.get(unit)


def _no_unit(path: str) -> str:
    raise _missing("summary path", path)


def _statistic(metric: str, stat: str | None) -> str:
    """A metric's unit for its mean and percentiles; ``share of paths`` for the shares of
    paths beside them (``nan_share``, ``above_bracket_share``, ...). A probability's
    standard error (``default_probability_se``) is in the probability's unit."""
    if metric.endswith("_probability_se"):
        metric = metric.removesuffix("_se")
    if stat is not None and stat not in _STATS:
        if stat.endswith("_share"):
            return SHARE_OF_PATHS
        raise _missing("statistic", f"{metric}.{stat}")
    return metric_unit(metric)
