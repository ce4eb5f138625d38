"""The words of the Sankey of money flows: node names and labels, slider steps, the legend.

A node is named by its party's name, an SPV after its lessee, an outside account in the
catalogue's language (`node_name`); long names are shortened and wrapped so that labels stay
inside the chart and off their neighbours (`node_labels`). The legend under the chart gives
each family of kinds its colour (`chipcredit.report.kinds`), as an annotation, so the PNG
has it too.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from chipcredit.analytics.result import Result
from chipcredit.scenario.deals import SpvLease

from .i18n import Catalogue
from .kinds import FAMILIES, families_in
from .sankey_flows import SINK
from .sankey_layout import label_width
from .theme import SELF_FUNDED, display_name, rgba

__all__ = ["LINE", "MAX_LABEL", "WRAP_PX", "legend_text", "node_labels", "node_name", "period_label",
           "short_label"]

MAX_LABEL = 28
"""Node labels longer than this (characters) lose their trailing parenthesis ("CoreWeave's
secured lenders (DDTLs, …)" -> "CoreWeave's secured lenders"); the hover shows the full name."""
WRAP_PX = 120.0
"""Labels estimated wider than this (px, `sankey_layout.label_width`) wrap at `LINE` too,
however few their characters. seed-2025's chart at 1,280 px fills its width: with labels
of 150-170 px on one line ("CoreWeave's secured lenders", "Hyperscalers (aggregate)") the
gaps left for the others were narrower than their labels, and "Oracle OCI and AWS" ran
into "AMD" (tests/browser)."""
LINE = 20
"""Labels still longer than `MAX_LABEL` wrap at spaces into lines of about this many
characters, so a label beside a node in the middle of the chart covers little of its
neighbours and none runs off the edge."""
def node_name(result: Result, ident: str, cat: Catalogue) -> str:
    """The full display name of a Sankey node: a party's name, an outside account in the
    catalogue's language, an SPV as its lessee's GPU SPV ("xAI's GPU SPV"), else the id.
    The outside world as a sink (``"→customers"``: it is paid costs, cost of goods and
    infrastructure, not sold to) is "suppliers and costs (outside world)"."""
    if ident == SINK + "customers":
        return cat.t("chart.sankey_paid_outside")
    ident = ident.removeprefix(SINK)
    for deal in result.scenario.deals:
        if deal.id == ident and isinstance(deal, SpvLease):
            return cat.t("chart.sankey_spv", lessee=display_name(result, deal.lessee, cat))
    return display_name(result, ident, cat)


def short_label(name: str, *, wrap: bool = False) -> str:
    """``name`` without a trailing ``(...)`` when longer than `MAX_LABEL` characters, and if
    still that long, or wider than `WRAP_PX` (or whenever ``wrap``), wrapped into lines of
    about `LINE` characters (``<br>``), so labels stay inside the chart and off their
    neighbours."""
    if len(name) > MAX_LABEL and name.endswith(")") and " (" in name:
        name = name[:name.rindex(" (")]
    elif len(name) > MAX_LABEL and name.endswith("）") and "（" in name:
        name = name[:name.rindex("（")]
    if len(name) <= (LINE if wrap else MAX_LABEL) and label_width(name) <= WRAP_PX:
        return name
    return "<br>".join(textwrap.wrap(name, LINE, break_long_words=False)) or name


def node_labels(names: Sequence[str], nodes: Sequence[str], columns: dict[str, int]) -> list[str]:
    """The label of each node: its name shortened by `short_label`. The labels of the column
    before the last wrap at `LINE` characters, since they share their gap with the last
    column's labels (plotly writes those on the left of their nodes)."""
    last = max(columns.values(), default=0)
    return [short_label(name, wrap=columns[n] == last - 1 > 0)
            for n, name in zip(nodes, names, strict=True)]


def period_label(year: str, quarters: Sequence[str], cat: Catalogue) -> str:
    """A slider step's label: the year, and the quarters it holds when not all four are in
    the run (``2025 (Q4 only)``, ``2035 (Q1–Q3 only)``), so a part-year reads as one."""
    if not quarters:
        return cat.t("chart.sankey_year", year=year)
    held = quarters[0] if len(quarters) == 1 else f"{quarters[0]}–{quarters[-1]}"
    return cat.t("chart.sankey_year_part", year=year, quarters=held)


def legend_text(kinds: Sequence[str], self_funded: bool, cat: Catalogue) -> str:
    """The legend under a Sankey: a coloured square and the name of each family of ``kinds``
    (`kinds.families_in`), then the self-funded red where ``self_funded``; two rows.

    Plotly's Sankey has no legend of its own, so this is an annotation's text (``<span
    style="color:...">``), which the PNG keeps too."""
    items = [(FAMILIES[f], cat.t(f"chart.family_{f}")) for f in families_in(kinds)]
    if self_funded:
        items.append((SELF_FUNDED, cat.t("chart.family_self_funded")))
    cells = [f'<span style="color:{rgba(colour, 0.9)}">\u25a0</span> {label}'
             for colour, label in items]
    half = (len(cells) + 1) // 2
    return "   ".join(cells[:half]) + ("<br>" + "   ".join(cells[half:]) if cells[half:] else "")
