"""`outcomes_frame`: a run's per-path outcomes as one pandas DataFrame, a row per path.

`Result.outcomes` is a mapping of ``|``-joined keys to float arrays, which is what the
engine and the run store need; a notebook wants a table it can filter, group and plot, with
the codes named and the quarters whole. The columns are a four-level MultiIndex, so one
family, deal or party is a plain selection (``frame["deal"]``, ``frame.xs("xai",
level="party", axis=1)``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from chipcredit.engine.labs import CAUSES

from .unit import metric_unit
from .valuation import REASONS

__all__ = ["LEVELS", "column_of", "outcomes_frame"]

LEVELS = ("family", "id", "party", "metric")
"""The column levels of `outcomes_frame`; "" where a family has no such part."""

_CODES: dict[str, tuple[str, ...]] = {
    "default_cause": CAUSES,
    "irr_reason": tuple(REASONS[k] for k in sorted(REASONS)),
}


def column_of(key: str) -> tuple[str, str, str, str]:
    """The (family, id, party, metric) column of an outcome key.

    ``deal|DEAL|PARTY|METRIC`` -> ``("deal", DEAL, PARTY, METRIC)``;
    ``party|PARTY|METRIC`` -> ``("party", "", PARTY, METRIC)``;
    ``spv|DEAL|METRIC`` -> ``("spv", DEAL, "", METRIC)``;
    ``portfolio|PARTY|METRIC`` -> ``("portfolio", "", PARTY, METRIC)`` and
    ``portfolio|PARTY|METRIC|OBLIGOR`` -> ``("portfolio", OBLIGOR, PARTY, METRIC)``.

    >>> column_of("portfolio|nvidia|loss|xai")
    ('portfolio', 'xai', 'nvidia', 'loss')
    """
    family, *rest = key.split("|")
    if family == "deal":
        deal, party, metric = rest
        return family, deal, party, metric
    if family == "party":
        party, metric = rest
        return family, "", party, metric
    if family == "spv":
        deal, metric = rest
        return family, deal, "", metric
    party, metric, *obligor = rest
    return family, obligor[0] if obligor else "", party, metric


def _typed(metric: str, values: NDArray[Any]) -> Any:
    """One column in its documented type (docs/output.md, "Units"): a code as a categorical
    of its names, a 0-or-1 event as bool, a quarter as int64 (-1: it did not happen), any
    other as the float it is stored as."""
    unit = metric_unit(metric)
    if metric in _CODES:
        names = _CODES[metric]
        return pd.Categorical.from_codes(values.astype(np.int64),
                                         dtype=pd.CategoricalDtype(list(names)))
    if unit == "0 or 1":
        return values != 0
    if unit == "quarters from start":
        return values.astype(np.int64)
    return np.array(values)  # a copy: the Result's arrays are read-only


def outcomes_frame(outcomes: Mapping[str, NDArray[Any]], paths: int, *,
                   flat: bool = False) -> pd.DataFrame:
    """The per-path outcomes as a DataFrame (see `Result.outcomes_frame`)."""
    keys = list(outcomes)
    data = {key: _typed(column_of(key)[3], outcomes[key]) for key in keys}
    frame = pd.DataFrame(data, index=pd.RangeIndex(paths, name="path"))
    if not flat:
        frame.columns = pd.MultiIndex.from_tuples([column_of(k) for k in keys], names=LEVELS)
    return frame
