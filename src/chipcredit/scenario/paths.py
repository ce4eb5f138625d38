"""Parameter paths: one address for every number in a scenario.

Addresses use ids for parties and deals, field names as written in YAML (``from``/``to``),
map keys as they are, and ``[i]`` for positions in other lists::

    market.ai_demand.volatility
    market.hardware.residual_value_by_age[2]
    parties.xai.revenue.growth.from
    parties.openai.procurement.nvidia
    deals.colossus2-spv.debt.rate
    deals.colossus2-spv.equity.nvidia
    deals.xai-chips-on-credit.repayment[0].share

The engine keys each uncertain number's draws by the same address, so fixing one number
(a tornado bar, a break-even search) leaves every other draw unchanged.
"""

from __future__ import annotations

import numbers
import os
import re
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from chipcredit.errors import UsageError, did_you_mean

from .model import Scenario
from .number import Number

__all__ = ["get_number", "parameter_paths", "put_number", "set_number", "split_path"]

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def split_path(path: str) -> list[str | int]:
    """``deals.x.repayment[0].share`` -> ``["deals", "x", "repayment", 0, "share"]``."""
    parts: list[str | int] = []
    pos = 0
    for match in _PART.finditer(path):
        if match.start() != pos and path[pos:match.start()] != ".":
            raise UsageError(f"parameter path {path!r} is not of the form a.b[0].c")
        parts.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
        pos = match.end()
    if not parts or pos != len(path):
        raise UsageError(f"parameter path {path!r} is not of the form a.b[0].c")
    return parts


def _walk(value: Any, prefix: str) -> Iterator[tuple[str, Number]]:
    if isinstance(value, Number):
        yield prefix, value
    elif isinstance(value, BaseModel):
        for name, field in type(value).model_fields.items():
            key = field.alias or name
            child = getattr(value, name)
            if isinstance(child, tuple) and child and hasattr(child[0], "id") and prefix == "":
                for item in child:
                    yield from _walk(item, f"{key}.{item.id}")
            else:
                yield from _walk(child, f"{prefix}.{key}" if prefix else key)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, f"{prefix}.{k}")
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            yield from _walk(v, f"{prefix}[{i}]")


def parameter_paths(scenario: Scenario | str | os.PathLike[str]) -> dict[str, Number]:
    """Every number in a scenario, by its parameter path.

    Parameters
    ----------
    scenario : Scenario, str or path
        A loaded scenario, or the name of a bundled one or a YAML file (loaded first).

    Returns
    -------
    dict of str to Number
        Parameter path (e.g. ``"deals.colossus2-spv.debt.rate"``) to the number there, in
        document order; each number keeps its unit as the field says ($B, $B/GW, years, a
        fraction or a rate per year).

    Raises
    ------
    UsageError
        When ``scenario`` is neither a scenario nor a name or path.
    ScenarioError
        When a name or path given fails to load.
    """
    return dict(_walk(_scenario_arg("parameter_paths", scenario), ""))


def get_number(scenario: Scenario, path: str) -> Number:
    """The number at ``path``; a bad path gets the closest real one as a suggestion.

    An unwritten contract term that takes its value from other numbers (an SPV lease's
    ``residual``, `chipcredit.scenario.defaulted`) answers with the number it is taken from,
    so that it may be varied (written) like any other."""
    from .loader import argument_text

    if not isinstance(path, str):
        raise UsageError(f"the parameter path must be text such as 'deals.xai-debt.rate'; "
                         f"got {argument_text(path)}")
    numbers = parameter_paths(scenario)
    if path not in numbers:
        from .defaulted import defaulted_terms

        unwritten = defaulted_terms(scenario).get(path)
        if unwritten is not None:  # what it is on each path; fixing it writes it
            return unwritten.number
        hint = did_you_mean(path, numbers)
        raise UsageError(f"no number at parameter path {path!r}"
                         + (f" (did you mean {hint}?)" if hint else ""))
    return numbers[path]


def put_number(data: dict[str, Any], path: str, value: float | dict[str, Any]) -> None:
    """Write ``value`` at ``path`` in a scenario's plain data (as `Scenario.model_dump` gives
    it), in place. A map value keeps the old number's ``source`` and ``basis`` unless it
    names its own; a plain number replaces the old one whole."""
    parts = split_path(path)
    node: Any = data
    for i, part in enumerate(parts[:-1]):
        if isinstance(node[part], tuple):  # a frozen model dumps lists as tuples
            node[part] = list(node[part])
        node = node[part]
        # parties and deals are addressed by id; other top-level lists (shocks) by position
        if i == 0 and isinstance(node, list) and isinstance(parts[1], str):
            node = {item["id"]: item for item in node}
    last = parts[-1]
    if isinstance(value, dict):
        old = node.get(last) if isinstance(node, dict) else node[last]  # unwritten: none
        keep = {k: old[k] for k in ("source", "basis") if isinstance(old, dict) and k in old}
        value = {**value, **{k: v for k, v in keep.items() if k not in value}}
    node[last] = value


def set_number(scenario: Scenario | str | os.PathLike[str], path: str,
               value: float | Number | dict[str, Any]) -> Scenario:
    """A checked copy of a scenario with one number replaced: the way to edit a scenario.

    Parameters
    ----------
    scenario : Scenario, str or path
        A loaded scenario, or the name of a bundled one or a YAML file (loaded first). It is
        not changed.
    path : str
        Parameter path of the number, e.g. ``"deals.xai-debt.rate"`` (see `parameter_paths`).
    value : float, Number or dict
        The new number in the field's unit ($B, $B/GW, years, a fraction or a rate per
        year): a plain float (fixed), a `Number`, or a map such as ``{"dist": "uniform",
        "low": 0.08, "high": 0.12}``. A map keeps the old number's ``source`` and
        ``basis`` unless it gives its own.

    Returns
    -------
    Scenario
        A new scenario, checked as `load_scenario` checks a file.

    Raises
    ------
    UsageError
        When an argument has the wrong type, or no number is at ``path`` (with the closest
        path as a suggestion).
    ScenarioError
        When the copy breaks a rule (a rate above its bound, shares no longer adding up).
    """
    from .loader import argument_text, load_scenario

    scenario = _scenario_arg("set_number", scenario)
    if isinstance(value, bool) or not isinstance(value, numbers.Real | Number | dict):
        raise UsageError("set_number: value must be a number, a Number or a map such as "
                         f"{{'value': 0.1}}; got {argument_text(value)}")
    get_number(scenario, path)
    data = scenario.model_dump(mode="python", by_alias=True, exclude_none=True)
    put_number(data, path, value.model_dump(exclude_none=True) if isinstance(value, Number)
               else value if isinstance(value, dict) else float(value))
    return load_scenario(data)


def _scenario_arg(func: str, scenario: object) -> Scenario:
    """``scenario`` itself, or the bundled scenario or file it names, loaded."""
    from .loader import argument_text, load_scenario

    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, str | os.PathLike):
        return load_scenario(scenario)
    raise UsageError(f"{func}: scenario must be a Scenario, or the name of a bundled scenario "
                     f"or a YAML file; got {argument_text(scenario)}")
