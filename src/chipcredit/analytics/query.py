"""Metric paths: one address for every number in the JSON summary.

The address follows the summary's own nesting, so what a user reads in ``--json`` output
is what they type::

    deals.colossus2-spv.parties.nvidia.irr.p50
    deals.xai-debt.parties.xai-bondholders.loss.mean
    parties.openai.default_probability
    parties.nvidia.revenue_total.p50

A bad address gets the closest real one as a suggestion.
"""

from __future__ import annotations

from typing import Any

from chipcredit.errors import UsageError, did_you_mean

from .result import Result

__all__ = ["metric_paths", "metric_value"]


def _leaves(node: Any, prefix: str) -> list[str]:
    if isinstance(node, dict):
        out = []
        for key, value in node.items():
            out.extend(_leaves(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return [prefix] if (isinstance(node, int | float) and not isinstance(node, bool)) or node is None else []


def metric_paths(summary: Result | dict[str, Any]) -> list[str]:
    """Every numeric address in a result's summary (``deals.…`` and ``parties.…``)."""
    data = summary.to_dict() if isinstance(summary, Result) else summary
    return [p for p in _leaves({"deals": data["deals"], "parties": data["parties"]}, "")]


def metric_value(summary: Result | dict[str, Any], path: str) -> float:
    """The number at ``path`` in a result's summary; NaN where the statistic is null."""
    data = summary.to_dict() if isinstance(summary, Result) else summary
    node: Any = {"deals": data["deals"], "parties": data["parties"]}
    walked: list[str] = []
    parts = path.split(".")
    i = 0
    while i < len(parts):
        if not isinstance(node, dict):
            raise UsageError(f"metric path {path!r} goes past a number at {'.'.join(walked)!r}")
        # ids may contain dots only if written so; try the longest key that matches
        for j in range(len(parts), i, -1):
            key = ".".join(parts[i:j])
            if key in node:
                node = node[key]
                walked.append(key)
                i = j
                break
        else:
            options = [str(k) for k in node]
            hint = did_you_mean(parts[i], options)
            where = ".".join(walked) or "the summary"
            raise UsageError(
                f"metric path {path!r}: {where} has no {parts[i]!r}"
                + (f" (did you mean {'.'.join([*walked, hint])}?)" if hint
                   else f"; it has {', '.join(options[:12])}")
            )
    if isinstance(node, dict):
        raise UsageError(f"metric path {path!r} names a group, not a number; add one of "
                         f"{', '.join(map(str, node))}")
    return float("nan") if node is None else float(node)
