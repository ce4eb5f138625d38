"""Metric paths: one address for every number in the JSON summary.

The address follows the summary's own nesting, so what a user reads in ``--json`` output
is what they type::

    deals.colossus2-spv.parties.nvidia.irr.p50
    deals.xai-debt.parties.xai-bondholders.loss.mean
    parties.openai.default_probability
    parties.nvidia.revenue_total.p50
    vendors.nvidia.market_share_end.p50
    spvs.colossus2-spv.debt_impairment_probability
    portfolios.nvidia.expected_loss
    portfolios.nvidia.pd_term_structure.xai[3]

Every section of the summary is addressable except its metadata (`METADATA`: version,
scenario, seed, ...), which describe the run rather than its outcome; a list item is
addressed by ``[i]``, as in parameter paths. A bad address gets the closest real one as a
suggestion, and the keys that do exist where it went wrong.
"""

from __future__ import annotations

import re
from typing import Any

from chipcredit.errors import UsageError, did_you_mean

from .result import Result

__all__ = ["METADATA", "metric_paths", "metric_value", "summary_items"]

METADATA = ("chipcredit_version", "chipcredit_code_sha256", "scenario", "scenario_sha256",
            "paths", "seed", "start", "quarters", "deterministic")
"""Top-level keys of the JSON summary that describe the run, not its outcome: no metric."""

_INDEXED = re.compile(r"^(?P<key>.+?)(?P<index>(?:\[\d+\])+)$")
_SHOWN = 12  # keys listed in an error before "…"


def _is_number(node: Any) -> bool:
    return isinstance(node, int | float) and not isinstance(node, bool)


def _leaves(node: Any, prefix: str) -> list[tuple[str, Any]]:
    """Every leaf under ``node`` as (path, value): keys joined by dots, list items as [i]."""
    if isinstance(node, dict):
        out = []
        for key, value in node.items():
            out.extend(_leaves(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(node, list):
        out = []
        for i, value in enumerate(node):
            out.extend(_leaves(value, f"{prefix}[{i}]"))
        return out
    return [(prefix, node)]


def _sections(summary: Result | dict[str, Any]) -> dict[str, Any]:
    data = summary.to_dict() if isinstance(summary, Result) else summary
    return {key: value for key, value in data.items() if key not in METADATA}


def metric_paths(summary: Result | dict[str, Any]) -> list[str]:
    """Every numeric address in a result's summary, in the summary's order.

    Every section but `METADATA`: ``deals.…``, ``parties.…``, ``spvs.…``, ``vendors.…``,
    ``portfolios.…``, ``ledger.…`` and any section added later. A null statistic is listed
    (its value is NaN); text (a deal's ``kind``) is not.
    """
    return [path for path, value in _leaves(_sections(summary), "")
            if _is_number(value) or value is None]


def summary_items(summary: Result | dict[str, Any]) -> list[tuple[str, Any]]:
    """Every leaf of a result's JSON summary as ``(path, value)``, in the summary's order:
    the run's metadata and text (a deal's ``kind``) too, at the addresses `metric_paths`
    uses for the numbers."""
    return _leaves(summary.to_dict() if isinstance(summary, Result) else summary, "")


def _listing(options: list[str]) -> str:
    shown = ", ".join(options[:_SHOWN])
    return shown + (f", … ({len(options) - _SHOWN} more)" if len(options) > _SHOWN else "")


_PERCENTILE = re.compile(r"^p([0-9oO]{1,3})$", re.IGNORECASE)
_STATISTIC_WORDS = {"median": "p50", "average": "mean", "avg": "mean", "expected": "mean"}
"""What a spreadsheet user calls a statistic the summary names otherwise."""


def _statistic_meant(word: str, options: list[str]) -> str | None:
    """The statistic of ``options`` a percentile written loosely means, before spelling
    decides (which took ``p5`` for ``p95``): ``p5`` is ``p05``, ``p5O`` (a letter O) is
    ``p50``, ``P95`` is ``p95``, ``median`` is ``p50``, ``average`` is ``mean``.

    >>> _statistic_meant("p5", ["mean", "p05", "p50", "p95"]), _statistic_meant("p5O", ["p50"])
    ('p05', 'p50')
    """
    named = _STATISTIC_WORDS.get(word.lower())
    if named in options:
        return named
    match = _PERCENTILE.match(word)
    if match is None:
        return None
    meant = f"p{int(match.group(1).replace('o', '0').replace('O', '0')):02d}"
    return meant if meant in options else None


_CREDIT_WORDS: dict[str, tuple[str, ...]] = {
    "pd": ("default_probability", "lessee_default_probability", "pd_term_structure"),
    "probability_of_default": ("default_probability", "lessee_default_probability"),
    "el": ("expected_loss", "loss.mean"),
    "expected_loss": ("loss.mean",),
    "lgd": ("lgd",), "loss_given_default": ("lgd",),
    "ead": ("ead",), "exposure_at_default": ("ead",), "exposure": ("ead", "exposure_by_obligor"),
    "var": ("var_95",), "cvar": ("cvar_95",), "es": ("cvar_95",), "expected_shortfall": ("cvar_95",),
}
"""What a credit officer calls a figure the summary names otherwise, and the summary's
names it may mean, the likelier first: PD is a party's ``default_probability`` (an SPV's
lessee's in ``spvs``), EL a claim book's ``expected_loss`` (a deal's ``loss``, whose mean
is the expected loss), LGD and EAD a book's ``lgd`` and ``ead``, ES its ``cvar_95``.
A name with a dot is a key and its statistic, suggested where the key is there."""


def _credit_meant(word: str, options: list[str]) -> str | None:
    """The key of ``options`` a credit officer's word means (`_CREDIT_WORDS`), before
    spelling decides (which finds nothing near ``pd``): ``pd`` is ``default_probability``
    among a party's keys, ``el`` is ``expected_loss`` among a book's.

    >>> _credit_meant("PD", ["kind", "default_probability", "cash_end"])
    'default_probability'
    >>> _credit_meant("el", ["npv", "irr", "moic", "loss"]), _credit_meant("pd", ["npv"])
    ('loss.mean', None)
    """
    return next((key for key in _CREDIT_WORDS.get(word.lower(), ())
                 if key.split(".")[0] in options), None)


def _index(node: Any, indices: str, path: str, walked: list[str]) -> Any:
    for raw in re.findall(r"\[(\d+)\]", indices):
        i = int(raw)
        where = ".".join(walked)
        if not isinstance(node, list):
            raise UsageError(f"metric path {path!r}: {where} is not a list; drop [{i}]")
        if i >= len(node):
            raise UsageError(f"metric path {path!r}: {where} has {len(node)} items "
                             f"([0] to [{len(node) - 1}]); got [{i}]")
        node = node[i]
        walked[-1] += f"[{i}]"
    return node


def metric_value(summary: Result | dict[str, Any], path: str) -> float:
    """The number at ``path`` in a result's summary; NaN where the statistic is null.

    Raises `UsageError` (one line, with the closest real key and the keys that exist there)
    for an address that is not in the summary, names a group, a list or text, or indexes
    past a list's end.
    """
    node: Any = _sections(summary)
    walked: list[str] = []
    parts = path.split(".")
    i = 0
    while i < len(parts):
        if isinstance(node, list):
            raise UsageError(f"metric path {path!r}: {'.'.join(walked)} is a list of {len(node)}; "
                             f"address an item as {walked[-1]}[i], [0] to [{len(node) - 1}]")
        if not isinstance(node, dict):
            raise UsageError(f"metric path {path!r} goes past a number at {'.'.join(walked)!r}")
        # ids may contain dots only if written so; try the longest key that matches
        for j in range(len(parts), i, -1):
            key = ".".join(parts[i:j])
            indices = ""
            if key not in node and (match := _INDEXED.match(key)) and match["key"] in node:
                key, indices = match["key"], match["index"]
            if key in node:
                walked.append(key)
                node = _index(node[key], indices, path, walked)
                i = j
                break
        else:
            options = [str(k) for k in node]
            word = parts[i].split("[")[0]
            hint = (_statistic_meant(word, options) or _credit_meant(word, options)
                    or did_you_mean(word, options))
            where = ".".join(walked) or "the summary"
            raise UsageError(
                f"metric path {path!r}: {where} has no {word!r}"
                + (f" (did you mean {'.'.join([*walked, hint])}?)" if hint else "")
                + f"; it has {_listing(options)}"
            )
    if isinstance(node, dict):
        raise UsageError(f"metric path {path!r} names a group, not a number; add one of "
                         f"{_listing([str(k) for k in node])}")
    if isinstance(node, list):
        raise UsageError(f"metric path {path!r} names a list of {len(node)} numbers; add an "
                         f"index, [0] to [{len(node) - 1}]")
    if node is not None and not _is_number(node):
        raise UsageError(f"metric path {path!r} names text ({node!r}), not a number")
    return float("nan") if node is None else float(node)
