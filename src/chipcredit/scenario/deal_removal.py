"""A scenario with some of its deals taken out: the "B" of "what does this deal add".

`without_deals` drops whole entries of ``deals`` from the scenario as written (its YAML text,
when it has one, so numbers keep their sources and anchors stay expanded as the file meant)
and checks the copy as `load_scenario` checks a file. Nothing else changes, so a run of the
copy with the same seed sees the same draws wherever the two share structure (DESIGN
section 10) and `compare` pairs them path by path.

A deal that something left in the copy still names (a ``loan_guarantee``'s ``guarantees``, a
correlation's number path) cannot be dropped alone: the check of the copy fails, and each
such problem is reported at its line in the original file, under its original path, with a
rule that names the removed deal instead of a did-you-mean over the deals that remain.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from chipcredit.errors import Problem, ScenarioError, UsageError, did_you_mean

from .model import Scenario
from .yamlnodes import DocPath, Located, read_yaml

__all__ = ["without_deals"]

_DEAL_PATH = re.compile(r"^deals\[(\d+)\]")


def without_deals(scenario: Scenario, deals: str | Iterable[str], *,
                  function: str = "without_deals") -> Scenario:
    """A checked copy of ``scenario`` without the deals named in ``deals``.

    Parameters
    ----------
    scenario : Scenario
        A loaded scenario; it is not changed.
    deals : str or iterable of str
        Deal ids of ``scenario`` (one id, or several; a repeat counts once).
    function : str
        The name errors start with (``compare: without``), so a caller's error names the
        argument the user typed.

    Returns
    -------
    Scenario
        The copy, with the same ``name`` and ``source_file``; it has no file of its own, so
        its ``source_text`` is a dump of it.

    Raises
    ------
    UsageError
        ``deals`` is empty, not text, or names a deal the scenario lacks (with a
        did-you-mean over its deal ids).
    ScenarioError
        The copy breaks a rule, typically because a deal or number left in it refers to a
        removed deal: one line per reference, at its file:line in ``scenario``'s file.
    """
    from .loader import _validate  # the loader imports this module's package

    ids = _deal_ids(function, deals)
    known = [d.id for d in scenario.deals]
    for deal in ids:
        if deal not in known:
            hint = did_you_mean(deal, known)
            raise UsageError(f"{function}: no deal {deal!r} in scenario {scenario.name}; its deals "
                             f"are {', '.join(known)}" + (f" (did you mean {hint}?)" if hint else ""))
    located = read_yaml(scenario.source_text, scenario.source_file)
    if located is None or not isinstance(located.data, dict):  # only a checked scenario gets here
        raise UsageError(f"{function}: scenario {scenario.name} has no text to copy")
    kept = [j for j, d in enumerate(scenario.deals) if d.id not in ids]
    stripped = _stripped(located, kept)
    try:
        copy = _validate(stripped, scenario.source_file, None)
    except ScenarioError as exc:
        raise ScenarioError([_in_original(p, kept, known, ids)
                             for p in exc.problems], exc.note) from None
    return copy


def _deal_ids(function: str, deals: str | Iterable[str]) -> list[str]:
    items = [deals] if isinstance(deals, str) else list(deals) if isinstance(deals, Iterable) \
        else None
    if not items or not all(isinstance(d, str) for d in items):
        raise UsageError(f"{function}: give deal ids to leave out, as text or a list of text "
                         f"(e.g. ['nvidia-openai-loi']); got {deals!r}")
    return list(dict.fromkeys(items))


def _stripped(located: Located, kept: list[int]) -> Located:
    """``located`` without the deals not in ``kept``; the positions of what is left keep their
    lines in the original file, re-keyed to the deals' new indices."""
    new_index = {old: new for new, old in enumerate(kept)}

    def moved(positions: dict[DocPath, object]) -> dict[DocPath, object]:
        out: dict[DocPath, object] = {}
        for path, where in positions.items():
            if len(path) >= 2 and path[0] == "deals" and isinstance(path[1], int):
                if path[1] not in new_index:
                    continue
                path = ("deals", new_index[path[1]], *path[2:])
            out[path] = where
        return out

    data = dict(located.data)
    deals = data.get("deals")
    if isinstance(deals, list):
        data["deals"] = [deals[j] for j in kept]
    return Located(data, moved(located.values),  # type: ignore[arg-type]
                   moved(located.keys), moved(located.words))  # type: ignore[arg-type]


def _in_original(problem: Problem, kept: list[int], known: list[str],
                 removed: list[str]) -> Problem:
    """A problem of the copy told in the original file's terms: its deal index as written
    there, and a reference to a removed deal said to be one, without a did-you-mean."""
    path = _DEAL_PATH.sub(lambda m: f"deals[{kept[int(m.group(1))]}]", problem.path)
    value = problem.value
    named = next((d for d in removed if isinstance(value, str)
                  and (value == d or f"deals.{d}." in value)), None)
    if named is None:
        return replace(problem, path=path)
    owner = _DEAL_PATH.match(path)
    also = f" (leave out {known[int(owner.group(1))]} too, or" if owner else " (or"
    return replace(problem, path=path, suggestion=None,
                   rule=f"refers to deal {named}, which is being left out{also} edit a copy of "
                        "the file by hand)")
