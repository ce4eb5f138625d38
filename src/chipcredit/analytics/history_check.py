"""A run held against the history its scenario records (`chipcredit.scenario.history`).

For each observation of a recorded series, `history_check` places the observed value among
the run's paths at that quarter: the model's p05, p50 and p95 there (over the band
reservoir's paths, as `Result.bands` takes them), the observed value's percentile rank
among those paths, and where it falls: ``inside the band`` (p05 to p95), ``below the
band`` or ``above the band``. A deterministic run has one path, the base case: the check
gives its value and says whether the observation is above, below or at it.

For an observed default (``event: default``), it gives the probability that the party has
defaulted by the end of that quarter and within the horizon, and the p05, p50 and p95 of
the default quarter over the paths on which it defaults, with where the observed quarter
falls among them (``inside the band of the paths on which it defaults``: a placement given
a default, not a likelihood; the probability says how likely it was).

Each check says how many paths its band is over (``band_paths``) beside the paths its kind
of row is drawn from (``run_paths``), so a row over fewer (an SPV's variable over the paths
on which the SPV closed; a default over the paths that default) can say so; and whether
the scenario's inputs were set from the observation (``in_sample``).

A series row whose band runs from 0 (its p05) to above 0 (`spans_zero`: a valuation that
is 0 on the paths where its party has defaulted, which ``defaulted_paths`` counts) places
an observation in a band that almost any value is inside: the tables say so beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .metrics import column
from .stats import QUANTILES, band_quantiles
from .unit import QUARTER, band_unit

if TYPE_CHECKING:
    from chipcredit.scenario.history import HistoryItem

    from .result import Result

__all__ = ["HistoryCheck", "fewer_paths", "history_check", "percentile_rank", "spans_zero",
           "table_paths", "where_in_band"]

INSIDE, BELOW, ABOVE = "inside the band", "below the band", "above the band"
"""Where an observation falls against the band of p05 to p95 (its ends are inside)."""
AT_BASE, BELOW_BASE, ABOVE_BASE = "at the base case", "below the base case", "above the base case"
"""Where an observation falls against a deterministic run's one path."""
EARLIER_BASE, LATER_BASE = "earlier than the base case", "later than the base case"
"""Where an observed default falls against a deterministic run's default quarter."""
NOT_RECORDED = "not recorded in this run"
"""A series the run did not keep (a vendor's ``self_funded_share`` in a run without
provenance), or a quarter with no defined value on any path."""
NO_DEFAULT = "no path defaults"
"""A default event where the party defaults on no path of the run."""
INSIDE_DEFAULTS = "inside the band of the paths on which it defaults"
BEFORE_DEFAULTS = "before the band of the paths on which it defaults"
AFTER_DEFAULTS = "after the band of the paths on which it defaults"
"""Where an observed default quarter falls against the p05 to p95 of the default quarter
over the paths on which the party defaults (given a default: the probability is apart)."""


@dataclass(frozen=True)
class HistoryCheck:
    """One observation of the scenario's ``history`` against a run.

    Attributes
    ----------
    label : str
        What happened, as the scenario says it.
    quarter : str
        The quarter it happened in.
    series : str or None
        ``parties.ID.VARIABLE`` or ``deals.ID.VARIABLE``; None for a default event.
    event : str or None
        ``default`` for a default event; None for a series.
    party : str or None
        The party of a default event.
    observed : float or None
        The observed value, in the series' unit; None for a default event.
    source : str or None
        Where the observation comes from.
    paths : int
        Paths the figures are over: the band reservoir's paths with a value defined at that
        quarter (a series), or all the run's paths (a default event, its probabilities).
    p05, p50, p95 : float or None
        A series: the model's percentiles at that quarter (the base case's value for all
        three in a deterministic run). A default event: the default quarter's percentiles
        as offsets from the start (0 = the first quarter), over the paths that default.
    rank : float or None
        The observed value's percentile rank among the paths, 0 to 100: the share of paths
        below it plus half the share equal to it; None in a deterministic run.
    where : str
        ``inside the band``, ``below the band``, ``above the band``; in a deterministic run
        ``below the base case``, ``above the base case``, ``at the base case`` (a default:
        ``earlier than the base case``, ``later than the base case``); or
        ``not recorded in this run``, ``no path defaults``. A default event in a run of
        many paths: ``inside the band of the paths on which it defaults``, ``before ...``,
        ``after ...``.
    default_probability_by : float or None
        A default event: the share of all paths on which the party has defaulted by the end
        of ``quarter``.
    default_probability : float or None
        A default event: the share of paths on which it defaults within the horizon.
    unit : str
        The unit of ``observed``, ``p05``, ``p50`` and ``p95``: the series' band unit
        (`chipcredit.analytics.unit.band_unit`: ``$B``, ``$B a quarter``, ...), or ``quarters
        from start`` for a default event.
    band_paths : int or None
        Paths p05, p50, p95 (and the rank) are over: ``paths`` for a series, the paths on
        which the party defaults for a default event; None in a summary written before it.
    run_paths : int or None
        Paths a row of its kind is drawn from before any condition: the band reservoir's
        paths (a series) or all the run's paths (a default event). A row whose
        ``band_paths`` is fewer than the table's paths names its own count.
    in_sample : bool
        The scenario's ``in_sample``: its inputs were set from this observation, so where
        it falls tests nothing.
    defaulted_paths : int or None
        A party's series in a run of many paths: of the ``band_paths``, those on which the
        party has defaulted by the end of ``quarter``; None for a deal's series, a default
        event, a deterministic run, or a summary written before it.
    """

    label: str
    quarter: str
    series: str | None
    event: str | None
    party: str | None
    observed: float | None
    source: str | None
    paths: int
    p05: float | None
    p50: float | None
    p95: float | None
    rank: float | None
    where: str
    default_probability_by: float | None = None
    default_probability: float | None = None
    unit: str = QUARTER
    band_paths: int | None = None
    run_paths: int | None = None
    in_sample: bool = False
    defaulted_paths: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The check as plain JSON types (the JSON summary's ``history`` entries): text
        fields that do not apply (a series' ``event`` and ``party``, a default's ``series``,
        a missing ``source``) are left out; a number that has no value is None."""
        return {k: v for k, v in asdict(self).items() if v is not None or k not in _TEXT}


def percentile_rank(values: NDArray[Any], observed: float) -> float | None:
    """The percentile rank (0 to 100) of ``observed`` among ``values``: the share below it
    plus half the share equal to it; NaN values are left out; None when none is left."""
    data = np.asarray(values, dtype=np.float64)
    data = data[~np.isnan(data)]
    if data.size == 0:
        return None
    below = np.count_nonzero(data < observed)
    equal = np.count_nonzero(data == observed)
    return float(100.0 * (below + 0.5 * equal) / data.size)


def where_in_band(observed: float, p05: float, p95: float) -> str:
    """``below the band`` under p05, ``above the band`` over p95, else ``inside the band``."""
    if observed < p05:
        return BELOW
    if observed > p95:
        return ABOVE
    return INSIDE


_P05, _P50, _P95 = (QUANTILES.index(q) for q in (0.05, 0.5, 0.95))
_TEXT = ("series", "event", "party", "source")


def _series_check(result: Result, item: HistoryItem, q: int) -> HistoryCheck:
    assert item.series is not None and item.observed is not None
    observed = float(item.observed.value)
    common: dict[str, Any] = {"label": item.label, "quarter": item.quarter,
                              "series": item.series, "event": None, "party": None,
                              "observed": observed, "source": item.observed.source,
                              "unit": band_unit(item.key[1], result.scenario.capacity_unit),
                              "in_sample": item.in_sample}
    values = result.reservoir.get(item.key)
    column_q = None if values is None else np.asarray(values[:, q], dtype=np.float64)
    defined = 0 if column_q is None else int(np.count_nonzero(~np.isnan(column_q)))
    common["band_paths"] = defined
    common["run_paths"] = _reservoir_paths(result)
    if column_q is None or defined == 0:
        return HistoryCheck(**common, paths=defined, p05=None, p50=None, p95=None, rank=None,
                            where=NOT_RECORDED)
    if result.deterministic:
        base = float(column_q[0])
        where = AT_BASE if observed == base else BELOW_BASE if observed < base else ABOVE_BASE
        return HistoryCheck(**{**common, "band_paths": 1, "run_paths": 1}, paths=1, p05=base,
                            p50=base, p95=base, rank=None, where=where)
    assert values is not None
    band = band_quantiles(values[:, q:q + 1])[:, 0]  # as `Result.bands` takes them
    p05, p50, p95 = float(band[_P05]), float(band[_P50]), float(band[_P95])
    if item.series.startswith("parties."):
        common["defaulted_paths"] = _defaulted(result, item.key[0], q, ~np.isnan(column_q))
    return HistoryCheck(**common, paths=defined, p05=p05, p50=p50, p95=p95,
                        rank=percentile_rank(column_q, observed),
                        where=where_in_band(observed, p05, p95))


def _default_check(result: Result, item: HistoryItem, q: int) -> HistoryCheck:
    assert item.party is not None
    dq = np.asarray(result.outcomes[column("party", item.party, "default_quarter")],
                    dtype=np.float64)
    hit = dq >= 0
    common: dict[str, Any] = {"label": item.label, "quarter": item.quarter, "series": None,
                              "event": "default", "party": item.party, "observed": None,
                              "source": item.source, "paths": int(dq.size), "rank": None,
                              "default_probability_by": float(np.mean(hit & (dq <= q))),
                              "default_probability": float(np.mean(hit)),
                              "band_paths": int(np.count_nonzero(hit)),
                              "run_paths": int(dq.size), "in_sample": item.in_sample}
    if not hit.any():
        return HistoryCheck(**common, p05=None, p50=None, p95=None, where=NO_DEFAULT)
    if result.deterministic:
        base = float(dq[0])
        where = AT_BASE if q == base else EARLIER_BASE if q < base else LATER_BASE
        return HistoryCheck(**common, p05=base, p50=base, p95=base, where=where)
    p05, p50, p95 = (float(np.percentile(dq[hit], p)) for p in (5, 50, 95))
    return HistoryCheck(**common, p05=p05, p50=p50, p95=p95, where=quarter_in_band(q, p05, p95))


def quarter_in_band(q: int, p05: float, p95: float) -> str:
    """Where a default quarter ``q`` (an offset from the start) falls against the default
    quarter's p05 to p95 over the paths on which the party defaults: a percentile between
    two quarters is read as the quarter it falls in (rounded down, as the tables print it),
    so a default in the quarter the p05 falls in is inside the band, not before it.

    >>> quarter_in_band(2, 2.3, 8.0)
    'inside the band of the paths on which it defaults'
    >>> quarter_in_band(1, 2.3, 8.0), quarter_in_band(8, 2.3, 7.9)
    ('before the band of the paths on which it defaults', 'after the band of the paths on which it defaults')
    """
    placed = where_in_band(q, float(np.floor(p05)), float(np.floor(p95)))
    return {BELOW: BEFORE_DEFAULTS, ABOVE: AFTER_DEFAULTS}.get(placed, INSIDE_DEFAULTS)


def _defaulted(result: Result, party: str, q: int, defined: NDArray[np.bool_]) -> int | None:
    """Of the reservoir's paths with a value (``defined``: the reservoir keeps the run's
    first paths, by index), those on which ``party`` has defaulted by the end of quarter
    ``q``; None for a party that cannot default (no default quarter in the outcomes)."""
    key = column("party", party, "default_quarter")
    if key not in result.outcomes:
        return None
    dq = np.asarray(result.outcomes[key], dtype=np.float64)[:defined.size]
    return int(np.count_nonzero(defined & (dq >= 0) & (dq <= q)))


def spans_zero(check: HistoryCheck) -> bool:
    """Whether a series row's band runs from 0 (its p05) to above 0 (its p95): almost any
    observation is inside it, so placing one there tests little (xAI's valuation late in
    seed-2025, 0 on the paths where xAI has defaulted). False for a default event, a
    deterministic run (one path, no band) and a row with no band.

    >>> row = HistoryCheck("v", "2034Q4", "parties.xai.valuation", None, None, 100.0, None,
    ...                    2000, 0.0, 0.0, 6103.3, 80.0, INSIDE)
    >>> spans_zero(row), spans_zero(HistoryCheck(**{**asdict(row), "p05": 1.0}))
    (True, False)
    """
    return (check.event is None and check.p05 is not None and check.p95 is not None
            and check.rank is not None and check.p05 == 0.0 and check.p95 > 0.0)


def _reservoir_paths(result: Result) -> int:
    """The band reservoir's paths (``min(paths, 20000)``): its first series' rows."""
    for values in result.reservoir.values():
        return int(np.asarray(values).shape[0])
    return 0


def table_paths(checks: Sequence[HistoryCheck]) -> int:
    """The paths the table's title names: the most any row is drawn from (``run_paths``;
    ``paths`` in a summary written before it)."""
    return max(c.run_paths if c.run_paths is not None else c.paths for c in checks)


def fewer_paths(check: HistoryCheck, total: int) -> int | None:
    """The row's own path count where its band is over fewer paths than ``total`` (an
    SPV's variable over the paths with the SPV, a default over the paths that default);
    None where it is over all of them or has no band."""
    band = check.band_paths
    return band if band is not None and 0 < band < total and check.p50 is not None else None


def history_check(result: Result) -> list[HistoryCheck]:
    """Each observation of ``result.scenario.history`` against the run, in scenario order.

    Parameters
    ----------
    result : Result

    Returns
    -------
    list of HistoryCheck
        Empty when the scenario records no history.
    """
    out = []
    for item in result.scenario.history:
        q = result.scenario.quarter_of(item.quarter)
        out.append(_default_check(result, item, q) if item.event == "default"
                   else _series_check(result, item, q))
    return out
