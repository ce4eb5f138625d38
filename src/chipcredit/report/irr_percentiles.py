"""How a table shows an IRR percentile, whatever its format: the rule shared by the
``chipcredit run`` deals table (``chipcredit.cli.formats.irr_text``), ``runs diff``
(``chipcredit.cli.diff_medians``), the HTML report's deal table and the dashboard's overview
and comparison (docs/output.md, "IRR percentiles").

Display only: the JSON summary, `Result.summary()` and the run store keep every value. An
IRR percentile beyond the bracket the IRR is searched in reads ``>1000%`` above it and
``-100%`` below it, n/a where it is withheld (`irr_shown`); a table cell reads a dash where no
path has an IRR, never n/a (`irr_cell`). Whether a party's IRR means anything at all is decided
beside its MOIC (`chipcredit.report.multiples.irr_not_meaningful`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from chipcredit.analytics.irr_stats import BELOW_RANK, IRR_UPPER

from .multiples import finite

__all__ = ["IRR_SHOWN", "irr_cell", "irr_shown"]

IRR_SHOWN = ("above", "below", "withheld", "value")
"""What a table shows for an IRR percentile (`irr_shown`), whatever its format."""


def irr_shown(stats: Mapping[Any, Any], stat: str = "p50") -> tuple[str, float | None]:
    """How a table shows an IRR percentile, in any format: the CLI's deals table, the HTML
    report's and the dashboard's (docs/output.md, "IRR percentiles").

    Parameters
    ----------
    stats : the IRR's statistics as `Result.describe` gives them (a percentile above the
        bracket None, with ``outside_bracket``, and ``withheld``) or as a row of
        `Result.summary` or the JSON summary (``inf`` above the bracket, NaN or None where
        withheld, with ``ranked_share``)
    stat : ``p05``, ``p50`` or ``p95``

    Returns
    -------
    (kind, value)
        ``("above", IRR_UPPER)``: the percentile lies among the paths above the bracket
        the IRR is searched in; the value is the bracket's bound (10.0, +1000% a year),
        shown as ``>1000%``. ``("below", -1.0)``: among the paths whose flows only go out
        (-100%). ``("withheld", None)``: no value although some paths are ranked (too few
        of the paths with a position: n/a). ``("value", x)``: the annual rate ``x``, or
        None where no path has an IRR or a side.

    >>> irr_shown({"p50": float("inf"), "ranked_share": 0.85})
    ('above', 10.0)
    >>> irr_shown({"p50": None, "outside_bracket": {"p50": "above"}})
    ('above', 10.0)
    >>> irr_shown({"p50": float("nan"), "ranked_share": 0.004}), irr_shown({"p50": 0.12})
    (('withheld', None), ('value', 0.12))
    """
    raw = stats.get(stat)
    side = (stats.get("outside_bracket") or {}).get(stat)
    try:
        x = None if raw is None or isinstance(raw, bool) else float(raw)
    except (TypeError, ValueError):
        x = None
    if side == "above" or (x is not None and x == math.inf):
        return "above", IRR_UPPER
    if side == "below" or (x is not None and x <= BELOW_RANK):
        return "below", BELOW_RANK
    if x is None or math.isnan(x):
        ranked = finite(stats.get("ranked_share"))
        if stats.get("withheld") is True or (ranked is not None and ranked > 0.0):
            return "withheld", None
        return "value", None
    return "value", x


def irr_cell(stats: Mapping[Any, Any], stat: str = "p50") -> tuple[str, float | None]:
    """`irr_shown` as a table cell reads it: ``("none", None)`` where no path has an IRR
    (`irr_shown` gives ``("value", None)``), which every table shows as a dash with its note
    (``chipcredit run``, the HTML report, the dashboard), never n/a: n/a is kept for a
    median withheld (``("withheld", None)``).

    >>> irr_cell({"p50": None, "ranked_share": 0.0}), irr_cell({"p50": 0.12})
    (('none', None), ('value', 0.12))
    """
    shown = irr_shown(stats, stat)
    return ("none", None) if shown == ("value", None) else shown
