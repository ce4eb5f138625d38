"""The HTML report: one self-contained file, with Plotly's JavaScript inlined once.

The file loads nothing: no script, stylesheet, font or image comes from anywhere but the file
itself, so it can be mailed around and opened offline. It holds no wall-clock time, so the
same scenario, paths, seed, language and chipcredit version always write the same bytes
(a report from a stored run, via `replay`, equals one from the live `Result`).

Sections: summary, headline numbers, money flows, labs, vendors, deal outcome distributions,
defaults, market, sensitivity, assumptions, run metadata. See docs/report.md.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any

from chipcredit._version import __version__
from chipcredit.analytics.result import Result
from chipcredit.errors import UsageError
from chipcredit.files import write_text_atomic

from .assumptions import assumption_rows
from .credit import credit_section
from .deal_table import deals_table
from .default_exposure import exposure_html
from .history import history_section
from .i18n import Catalogue, catalogue
from .second_sourcing import second_sourcing_table
from .self_funded_buyers import self_funded_buyers_note
from .self_funded_years import self_funded_years_table
from .solvency import defaulting_parties
from .summary import summary_text
from .tables import metadata_table, parties_table, sensitivity_table, table, vendors_table
from .theme import FONT, display_name, graph_objects
from .vendor_financials import financials_html
from .vendors import horizon

__all__ = ["CHART_CONFIG", "build_report", "report_figures", "write_report"]

CHART_CONFIG = {"displaylogo": False, "responsive": True,
                "toImageButtonOptions": {"format": "png", "scale": 2}}
"""Plotly config of every chart: no Plotly logo (a link out of the file)."""
_LAB_VARIABLES = ("revenue", "cash", "capacity", "spending_cut")
"""A lab's fans; ``spending_cut`` only for a lab with a spending rule (it has no other)."""
_VENDOR_VARIABLES = ("sales", "self_funded_share", "share_price")
"""A vendor's fans, each where the run has its bands (``share_price``: a vendor with ``financials``)."""
_CSS = """
body { font-family: FONT; margin: 0 auto; max-width: 1100px; padding: 0 24px 48px;
       color: #222; line-height: 1.5; }
h1 { margin-top: 32px; } h2 { margin-top: 40px; border-bottom: 1px solid #ddd; }
nav ol { columns: 2; } .summary { font-size: 1.1em; background: #f5f7fa; padding: 12px 16px; }
table { border-collapse: collapse; margin: 12px 0; font-size: 0.9em; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 4px 10px; text-align: left;
         vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.num.long { white-space: normal; min-width: 14em; }
.note { color: #555; } .chart { margin: 18px 0; }
pre { background: #f7f7f7; padding: 12px; overflow-x: auto; font-size: 0.8em; }
""".replace("FONT", FONT)


def report_figures(result: Result, cat: Catalogue,
                   sensitivity: Any = None) -> dict[str, list[tuple[str, Any]]]:
    """The report's figures by section: section key to (chart name, figure) pairs.

    The chart name is also the PNG file name under ``--png DIR``.
    """
    from . import charts

    lang = cat.lang
    parties = result.scenario.parties
    out: dict[str, list[tuple[str, Any]]] = {k: [] for k in (
        "flows", "labs", "vendors", "deals", "defaults", "market", "sensitivity")}
    out["flows"].append(("flows-sankey", charts.sankey_chart(result, lang=lang)))
    out["flows"].append(("flows-sankey-parties", charts.sankey_chart(result, outside=False,
                                                                     lang=lang)))
    for p in parties:
        names = _LAB_VARIABLES if p.kind == "lab" else _VENDOR_VARIABLES if p.kind == "vendor" else ()
        section = "labs" if p.kind == "lab" else "vendors"
        for variable in names:
            if (p.id, variable) in result.reservoir:
                out[section].append((f"fan-{p.id}-{variable}",
                                     charts.fan_chart(result, p.id, variable, lang=lang)))
    reasons = result.irr_reasons()
    for deal, party in result.deal_parties():
        if reasons.get((deal, party), {}).get("no_position", 0) >= result.paths:
            continue
        out["deals"].append((f"outcome-{deal}-{party}", charts.outcome_histogram(
            result, deal, party, ["npv", "irr", "moic"], lang=lang)))
    for p in defaulting_parties(result.scenario):  # labs and clouds on their own balance sheet
        out["defaults"].append((f"defaults-{p.id}",
                                charts.default_timing_chart(result, p.id, lang=lang)))
    if any(p.kind == "vendor" for p in parties):
        out["market"].append(("market-share", charts.market_share_chart(result, lang=lang)))
    if sensitivity is not None:
        sha = result.scenario_sha256 if sensitivity.scenario == result.scenario.name else None
        out["sensitivity"].append(("sensitivity-tornado", charts.tornado_chart(
            sensitivity, lang=lang, scenario_sha256=sha)))
    return out


def _chart_html(fig: Any, div_id: str) -> str:
    return str(fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id,
                           config=CHART_CONFIG, default_width="100%"))


def _section(key: str, title: str, body: str) -> str:
    return f'<section id="{key}">\n<h2>{html.escape(title)}</h2>\n{body}\n</section>'


def _note(text: str) -> str:
    return f'<p class="note">{html.escape(text)}</p>'


def _missing_sensitivity(scenario: str, cat: Catalogue) -> str:
    """The "run a sensitivity first" note, with the command and the call as code."""
    command = (f"chipcredit report {scenario} -o report.html --sensitivity "
               "deals.DEAL.parties.PARTY.moic.p50")
    function = "cc.write_report(result, path, sensitivity=cc.sensitivity(...))"
    text = html.escape(cat.t("report.sensitivity_missing", command="\0c\0", function="\0f\0"))
    for mark, code in (("\0c\0", command), ("\0f\0", function)):
        text = text.replace(mark, f'<code class="data" translate="no">{html.escape(code)}</code>')
    return f'<p class="note">{text}</p>'


def build_report(result: Result, *, lang: str = "en", sensitivity: Any = None,
                 figures: dict[str, list[tuple[str, Any]]] | None = None) -> str:
    """The report as HTML text (see `write_report`)."""
    from plotly.offline import get_plotlyjs

    graph_objects()  # a clear error without Plotly
    cat = catalogue(lang)
    figs = figures if figures is not None else report_figures(result, cat, sensitivity)
    counter = iter(range(1, 10_000))

    def charts_of(key: str) -> str:
        return "\n".join(f'<div class="chart">{_chart_html(fig, f"chart-{next(counter)}")}</div>'
                         for _, fig in figs[key])

    scenario = result.scenario
    span = horizon(scenario)
    # one path has no percentiles: its heading says it is the base case
    deals_heading = ("report.headline_deals_deterministic" if result.deterministic
                     else "report.headline_deals")
    sections: list[tuple[str, str, str]] = [
        ("summary", cat.t("report.summary"),
         f'<p class="summary">{html.escape(summary_text(result, lang=lang))}</p>'),
        ("headline", cat.t("report.headline"),
         f"<h3>{html.escape(cat.t(deals_heading))}</h3>"
         + (deals_table(result, cat) if result.deal_parties() else _note(cat.t("report.no_deals")))
         + f"<h3>{html.escape(cat.t('report.headline_parties'))}</h3>" + parties_table(result, cat)
         + (f"<h3>{html.escape(cat.t('report.headline_vendors', first=span[0], last=span[1]))}"
            f"</h3>{vendors}{self_funded_years_table(result, cat)}"
            f"{self_funded_buyers_note(result, cat)}"
            if (vendors := vendors_table(result, cat)) else "")
         + second_sourcing_table(result, cat)),
        ("flows", cat.t("report.flows"), _note(cat.t("report.flows_intro")) + charts_of("flows")
         + _note(cat.t("chart.sankey_colours"))),
        ("labs", cat.t("report.labs"), (_note(cat.t("report.labs_intro")) + charts_of("labs"))
         if figs["labs"] else _note(cat.t("report.no_labs"))),
        ("vendors", cat.t("report.vendors"), financials_html(
            result.to_dict(), cat, lambda party: display_name(result, party, cat),
            deterministic=result.deterministic, horizon=span)
         + exposure_html(result.to_dict(), cat, lambda party: display_name(result, party, cat),
                         horizon=span) + charts_of("vendors")
         if figs["vendors"] else _note(cat.t("report.no_vendors"))),
        ("deals", cat.t("report.deals"), (_note(cat.t("report.deals_intro")) + charts_of("deals"))
         if figs["deals"] else _note(cat.t("report.no_deals"))),
        ("credit", cat.t("report.credit"), credit_section(result, cat)),
        ("defaults", cat.t("report.defaults"),
         (_note(cat.t("report.defaults_intro")) + charts_of("defaults")) if figs["defaults"]
         else _note(cat.t("report.no_defaulters"))),
        ("market", cat.t("report.market"), (_note(cat.t("report.market_intro"))
                                            + charts_of("market")) if figs["market"]
         else _note(cat.t("report.no_vendors"))),
        ("sensitivity", cat.t("report.sensitivity"),
         (_note(cat.t("report.sensitivity_about", metric=sensitivity.metric,
                      method=sensitivity.method,
                      baseline=cat.path_value(sensitivity.metric, sensitivity.baseline),
                      runs=sensitivity.runs,
                      paths=cat.paths(sensitivity.paths), seed=sensitivity.seed))
          + charts_of("sensitivity") + sensitivity_table(sensitivity, cat))
         if sensitivity is not None
         else _missing_sensitivity(scenario.name, cat)),
        ("assumptions", cat.t("report.assumptions"),
         _note(cat.t("report.assumptions_intro"))
         + table([cat.t("report.col_parameter"), cat.t("report.col_value"),
                  cat.t("report.col_basis"), cat.t("report.col_source")],
                 assumption_rows(scenario, cat))
         + f"<details><summary>{html.escape(cat.t('report.assumptions_full'))}</summary>"
         + f'<pre class="data" translate="no">{html.escape(scenario.source_text)}</pre></details>'),
        ("metadata", cat.t("report.metadata"),
         metadata_table(result, cat) + _note(cat.t("report.meta_note"))),
    ]
    if scenario.history:  # the run against what was observed, before the assumptions
        sections.insert(-2, ("history", cat.t("history.title"), history_section(result, cat)))
    title = cat.t("report.title", scenario=scenario.name)
    toc = "".join(f'<li><a href="#{key}">{html.escape(name)}</a></li>' for key, name, _ in sections)
    body = "\n".join(_section(*s) for s in sections)
    return (
        f'<!DOCTYPE html>\n<html lang="{cat.t("language.html")}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="chipcredit {__version__}">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n"
        f'<script type="text/javascript">{get_plotlyjs()}</script>\n</head>\n<body>\n'
        f"<h1>{html.escape(title)}</h1>\n{_note(cat.t('report.generated', version=__version__))}\n"
        f"<nav><h2>{html.escape(cat.t('report.contents'))}</h2><ol>{toc}</ol></nav>\n"
        f"{body}\n</body>\n</html>\n"
    )


def write_report(result: Result, path: str | os.PathLike[str], *, lang: str = "en",
                 sensitivity: Any = None, png_dir: str | os.PathLike[str] | None = None) -> Path:
    """Write the HTML report of a run.

    Parameters
    ----------
    result : Result
        A run (`chipcredit.simulate`), or a stored run (`chipcredit.report.replay`).
    path : where to write the report; written atomically (temporary file, then rename)
    lang : ``en`` or ``zh`` (Simplified Chinese)
    sensitivity : SensitivityResult, optional
        From `chipcredit.sensitivity` on the same scenario; without it the sensitivity section
        says how to run one.
    png_dir : also write every chart as ``DIR/<chart name>.png`` (needs Chromium and
        Playwright; see `chipcredit.report.png`)

    Returns
    -------
    Path of the report.
    """
    cat = catalogue(lang)
    target = Path(os.fspath(path))
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():  # before the work, not after it
        raise UsageError(f"cannot write {target}: the folder {folder} does not exist")
    graph_objects()
    figures = report_figures(result, cat, sensitivity)
    text = build_report(result, lang=lang, sensitivity=sensitivity, figures=figures)
    if png_dir is not None:
        from .png import write_pngs

        write_pngs([pair for pairs in figures.values() for pair in pairs], Path(os.fspath(png_dir)))
    write_text_atomic(target, text)
    return target
