"""Notes on a sensitivity run's options and indices: options its method does not use, and
Sobol indices that a small sample leaves outside [0, 1].

A tornado moves each number to the two ends of its range: it draws no sample, so
``samples``, ``second_order`` and ``resamples`` (no bootstrap) do nothing; Morris and delta
have no second-order indices. A Sobol index is a share of the metric's variance, in [0, 1];
with few base samples the estimators (Saltelli, Jansen) can land outside, and the indices
rank nothing. `SOBOL_MIN_SAMPLES` is the smallest sample the docs (docs/sensitivity.md)
recommend.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["SOBOL_MIN_SAMPLES", "sobol_range_note", "unused_options_note"]

SOBOL_MIN_SAMPLES = 64
"""Sobol base samples below this get a note: the indices are too noisy to rank (the default
is 128)."""


def unused_options_note(method: str, *, samples: int | None, second_order: bool,
                        resamples: int, default_resamples: int) -> str | None:
    """A note naming the options given that ``method`` (the method used) ignores, or None.

    ``samples`` is None where not given; ``resamples`` counts as given where it is not
    ``default_resamples``.

    >>> unused_options_note("tornado", samples=64, second_order=True, resamples=7,
    ...                     default_resamples=100)[:60]
    'tornado does not use samples (--samples), second_order (--se'
    """
    unused = []
    if method == "tornado":
        if samples is not None:
            unused.append("samples (--samples)")
        if second_order:
            unused.append("second_order (--second-order)")
        if resamples != default_resamples:
            unused.append("resamples (--resamples)")
        why = "it moves each number to the two ends of its range: no sample, no bootstrap"
    else:
        if second_order and method != "sobol":
            unused.append("second_order (--second-order)")
        why = "only sobol has second-order indices"
    if not unused:
        return None
    return f"{method} does not use {', '.join(unused)}: {why}"


def sobol_range_note(samples: int, columns: Mapping[str, ArrayLike],
                     names: list[str]) -> str | None:
    """A note when Sobol's indices are not to be trusted, or None: the sample is below
    `SOBOL_MIN_SAMPLES`, or an index (``S1``, ``ST``) is outside [0, 1] by more than its 95%
    confidence half-width (``S1_conf``, ``ST_conf``; a NaN half-width counts as 0).

    >>> sobol_range_note(8, {"S1": [1.523], "S1_conf": [0.2], "ST": [0.9], "ST_conf": [0.1]},
    ...                  ["a"])[:40]
    'S1 of a is 1.523, outside [0, 1] beyond '
    """
    outside = []
    for index in ("S1", "ST"):
        if index not in columns:
            continue
        values = np.asarray(columns[index], dtype=np.float64)
        conf = np.nan_to_num(np.asarray(columns.get(index + "_conf", np.zeros_like(values)),
                                        dtype=np.float64))
        for name, v, c in zip(names, values, conf, strict=True):
            if np.isfinite(v) and (v - abs(c) > 1.0 or v + abs(c) < 0.0):
                outside.append(f"{index} of {name} is {v:.3f}")
    if not outside and samples >= SOBOL_MIN_SAMPLES:
        return None
    head = (f"{outside[0]}, outside [0, 1] beyond its 95% interval"
            + (f" ({len(outside) - 1} more)" if len(outside) > 1 else "") + "; " if outside
            else "")
    return (f"{head}{samples} base samples are too few for Sobol indices to rank anything "
            f"(use at least {SOBOL_MIN_SAMPLES}; the default is 128)" if samples <
            SOBOL_MIN_SAMPLES else f"{head}the sample is too small for these indices: use more "
            "samples (--samples)")
