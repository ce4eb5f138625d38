"""Argument checks shared by the experiments (`compare`, `stress`, `sensitivity`, `solve`).

Every bad argument is refused with one `UsageError` line that names the function, the
argument, the rule and the bad value, with a did-you-mean where one helps. A whole number
may be a Python ``int`` or a NumPy integer (``np.int64`` from an array or a DataFrame), never
a ``bool``; it is returned as a plain ``int``, so results and JSON hold Python numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from chipcredit.analytics.arguments import flag, seed_value
from chipcredit.analytics.arguments import whole_number as analytics_whole_number
from chipcredit.errors import UsageError, did_you_mean

__all__ = ["SIMULATE_OPTIONS", "check_options", "parameter_list", "seed_number", "whole_number"]

SIMULATE_OPTIONS = ("chunk_blocks", "deterministic", "force", "progress", "scheduler", "workers")
"""The `chipcredit.simulate` options that `compare` and `stress` pass to both runs
(``paths_out`` is left out: both runs would write the same file)."""


def whole_number(function: str, name: str, value: object, minimum: int) -> int:
    """``value`` as an ``int`` at least ``minimum``, or a `UsageError` naming ``function``
    and ``name`` (`chipcredit.analytics.arguments.whole_number`'s rule: NumPy integers are
    accepted; ``bool`` and floats, even ``2.0``, are not)."""
    return analytics_whole_number(f"{function}: {name}", value, low=minimum)


def seed_number(function: str, value: object) -> int:
    """``value`` as a seed, by `chipcredit.simulate`'s rule (a whole number from 0 to
    2**63 - 1, the largest the run store keeps; see
    `chipcredit.analytics.arguments.seed_value`), or its one-line `UsageError` with
    ``function`` in front: checked with the other arguments, before any run."""
    try:
        return seed_value(value)
    except UsageError as exc:
        raise UsageError(f"{function}: {exc}") from None


def check_options(function: str, options: Mapping[str, Any],
                  accepted: Sequence[str] = SIMULATE_OPTIONS) -> dict[str, Any]:
    """The keyword ``options`` of ``function``, checked against ``accepted`` (an unknown one
    gets a did-you-mean over them), with whole-number options made plain ``int``."""
    out: dict[str, Any] = {}
    for key, value in options.items():
        if key == "paths_out" and key not in accepted:
            raise UsageError(f"{function}: option paths_out is not taken (both runs would write "
                             "the same file); simulate each scenario with cc.simulate(..., "
                             "paths_out=FILE) instead")
        if key not in accepted:
            hint = did_you_mean(key, accepted)
            raise UsageError(f"{function}: unknown option {key}={value!r}; the options are "
                             f"{', '.join(accepted)}" + (f" (did you mean {hint}?)" if hint else ""))
        if key in ("chunk_blocks", "workers"):
            value = whole_number(function, key, value, 1)
        elif key in ("deterministic", "force"):
            value = flag(f"{function}: {key}", value)
        elif key == "progress" and value is not None and not callable(value):
            raise UsageError(f"{function}: progress must be a function of the paths done, or "
                             f"None; got {value!r}")
        out[key] = value
    return out


def parameter_list(function: str, name: str, value: str | Iterable[str] | None
                   ) -> list[str] | None:
    """Parameter paths as a list: one string is one path (not its characters); None stays
    None. Anything but strings is refused with the argument's name."""
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping) or not isinstance(value, Iterable):
        raise UsageError(f"{function}: {name} must be a parameter path or a list of them "
                         f"(e.g. ['parties.xai.cash']); got {value!r}")
    items = list(value)
    for item in items:
        if not isinstance(item, str):
            raise UsageError(f"{function}: {name} must hold parameter paths as strings "
                             f"(e.g. 'parties.xai.cash'); got {item!r} ({type(item).__name__})")
    return items
