"""The layout of the Sankey of money flows: the figure's size and where each node stands.

chipcredit places the nodes, not plotly (`node_rows`, given the columns of
`chipcredit.report.sankey_columns.node_columns`): gaps between columns as wide as the labels
they hold (`label_width`), nodes of a column at least `PAD` px apart, so that no two labels
overlap where the plot is as wide as they need, and room kept round the nodes for the loops
plotly draws for money flowing back.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Sequence

import pandas as pd

__all__ = ["BOTTOM", "CAPITAL_PX", "CHAR_PX", "HEIGHT", "LABEL_ROOM", "MARGIN", "PAD", "PLOT_HEIGHT",
           "ROOM", "SIDE", "TOP", "WIDE_PX", "label_width", "node_rows"]

HEIGHT = 800
"""Height of the figure (px)."""
TOP, BOTTOM = 80, 200
"""Margins (px): above, room for the title and the loops drawn over the top nodes; below, for
the loops under the bottom nodes, the legend, the slider and the source line."""
SIDE = 0.02
"""Share of the plot's width kept free left of the first column and right of the last, for
the loops plotly draws round them."""
MARGIN = 20
"""Left and right margin (px): with `SIDE`, room for the widest loop round the first and
last columns (about 30 px at 820 px wide; tests/browser checks that none runs off)."""
PAD = 32
"""Least vertical gap between two nodes of a column (px): more than a label of two lines."""
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
"""Height of the plot area (px): the figure's height less its top and bottom margins."""
CHAR_PX = 6.2
"""Estimated width (px) of a Latin character of a node label (plotly's 12 px sans-serif:
"Valor Equity Partners" measured 122 px in Chromium)."""
CAPITAL_PX = 8.0
"""Estimated width (px) of a Latin capital letter: a label of capitals ("Oracle OCI and AWS"
measured 132 px in Chromium, 112 px at `CHAR_PX` a character) would otherwise overrun the
gap kept for it."""
WIDE_PX = 12.0
"""Estimated width (px) of a wide (CJK) character of a node label."""
LABEL_ROOM = 20.0
"""Room (px) in a gap besides its labels: the node's thickness, plotly's offset, a margin."""
ROOM = 0.08
"""Share of the plot's height kept free above and below the nodes, for the loops that plotly
draws round them for money flowing back (vendor → SPV → vendor)."""
_EDGE = 0.001  # plotly ignores a node position of exactly 0


def _throughput(links: pd.DataFrame) -> dict[str, float]:
    # a node's size in the chart: the larger of what flows in and what flows out ($B)
    into = links.groupby("to", sort=False)["value"].sum()
    out = links.groupby("from", sort=False)["value"].sum()
    return {n: max(float(into.get(n, 0.0)), float(out.get(n, 0.0)))
            for n in dict.fromkeys([*links["from"], *links["to"]])}


def label_width(label: str) -> float:
    """Estimated width (px) of a node label as plotly draws it: its longest line (lines are
    split at ``<br>``), `WIDE_PX` a wide (CJK) character, `CAPITAL_PX` a Latin capital and
    `CHAR_PX` any other."""
    return max((sum(WIDE_PX if unicodedata.east_asian_width(ch) in "WF"
                    else CAPITAL_PX if "A" <= ch <= "Z" else CHAR_PX
                    for ch in line) for line in label.split("<br>")), default=0.0)


def _column_x(nodes: Sequence[str], columns: dict[str, int],
              labels: Sequence[str] | None) -> dict[int, float]:
    # where each column is, in (0, 1): gaps in proportion to the labels they hold
    last = max(columns.values(), default=0)
    if last == 0:
        return {0: 0.5}
    shown = list(labels) if labels is not None else [""] * len(nodes)

    def widest(c: int) -> float:
        return max([label_width(lab) for n, lab in zip(nodes, shown, strict=True)
                    if columns[n] == c], default=0.0)

    need = [widest(c) + LABEL_ROOM if labels is not None else 1.0 for c in range(last)]
    need[-1] += widest(last)  # the last column's labels are on the left of its nodes
    edges = [0.0, *itertools.accumulate(need)]
    return {c: edges[c] / edges[-1] for c in range(last + 1)}


def node_rows(links: pd.DataFrame, nodes: Sequence[str], columns: dict[str, int],
              labels: Sequence[str] | None = None) -> tuple[list[float], list[float]]:
    """Positions of ``nodes`` in the plot (x, y of each node's centre, in (0, 1), y from
    the top), given their `node_columns`.

    Each gap between two columns is as wide, in proportion, as the labels it must hold
    (`label_width` of ``labels``, the labels shown, in the order of ``nodes``; evenly spread
    without them): plotly writes a label on the right of its node, so the gap after a column
    holds that column's labels, except for the last column's, on the left of its nodes, which
    share the gap before it. A plot as wide as the labels need has no two labels overlapping
    side by side (seed-2025 needs about 700 px, which it has at 1,280 px). In a
    column, nodes are ordered by where their payers are (the value-weighted mean row of the
    nodes that pay them, so that bands cross less) and spread evenly over the height, with
    room for their size (the larger of in- and outflow, at the scale of the fullest column)
    and at least `PAD` px between two of them, so that no two labels overlap, inside the
    middle of the height (`ROOM` is left above and below for the loops). Plotly's
    "snap" arrangement keeps that gap if a node turns out taller than estimated here.
    """
    size = _throughput(links)
    last = max(columns.values(), default=0)
    where = _column_x(nodes, columns, labels)
    pad = PAD / PLOT_HEIGHT
    members: dict[int, list[str]] = {c: [n for n in nodes if columns[n] == c]
                                     for c in range(last + 1)}
    totals = [sum(size.get(n, 0.0) for n in m) for m in members.values()]
    free = [1.0 - 2 * ROOM - pad * max(len(m) - 1, 0) for m in members.values()]
    scale = min([f / t for f, t in zip(free, totals, strict=True) if t > 0], default=0.0)
    row: dict[str, float] = {}
    # (from, to, value) once, not a DataFrame slice per node sorted (that took most of a chart)
    triples = list(zip(links["from"], links["to"], links["value"], strict=True))
    for c in range(last + 1):
        def rank(n: str) -> float:
            paid = [(row[a], w) for a, b, w in triples if b == n and a in row]
            total = sum(w for _, w in paid)
            return sum(r * w for r, w in paid) / total if total > 0 else 1.0
        ordered = sorted(members[c], key=lambda n: (rank(n), -size.get(n, 0.0)))
        heights = [size.get(n, 0.0) * scale for n in ordered]
        gap = max(pad, (1.0 - 2 * ROOM - sum(heights)) / max(len(ordered), 1))
        top = ROOM + (gap - pad) / 2 if len(ordered) > 1 else (1.0 - sum(heights)) / 2
        for n, h in zip(ordered, heights, strict=True):
            row[n] = min(max(top + h / 2, _EDGE), 1 - _EDGE)
            top += h + gap
    xs = [SIDE + (1 - 2 * SIDE) * where[columns[n]] for n in nodes]
    return xs, [row[n] for n in nodes]
