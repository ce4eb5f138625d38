"""The chipcredit dashboard (a Streamlit script): ``chipcredit dashboard`` serves it.

Sidebar: language, scenario (bundled or uploaded), paths, seed, Run, key assumptions. Main
area: problems first (a bad upload shows the loader's error lines, never a traceback), then
the last run in tabs: Overview, Money flows, Labs, Deals, Market, Sensitivity, Compare and
Real deals. Uses only the public API (``import chipcredit as cc``, `chipcredit.report`,
`chipcredit.store`). See docs/dashboard.md.
"""

from __future__ import annotations

import streamlit as st

import chipcredit as cc
from chipcredit.dashboard import cache
from chipcredit.dashboard.limits import LimitError, check_paths
from chipcredit.dashboard.sidebar import Choice, language, sidebar
from chipcredit.dashboard.tabs import TABS
from chipcredit.report.i18n import Catalogue
from chipcredit.report.problem_text import error_text

_STATE = "current_run"


def _show_problems(choice: Choice) -> None:
    for problem in choice.problems:
        if problem.error:
            st.error(problem.heading)
        else:
            st.info(problem.heading)
        if problem.lines:
            st.code("\n".join(problem.lines), language=None, wrap_lines=True)


def _run(T: Catalogue, choice: Choice) -> None:
    try:
        check_paths(choice.paths)
    except LimitError as exc:
        st.error(T.t(f"dashboard.limit.{exc.key}", **exc.values))
        return
    assert choice.scenario is not None and choice.seed is not None
    key = cache.scenario_key(choice.scenario)
    bar = st.progress(0.0, text=T.t("dashboard.run.progress", paths=T.paths(choice.paths)))

    def progress(done: int) -> None:
        bar.progress(min(done / choice.paths, 1.0),
                     text=T.t("dashboard.run.progress", paths=T.paths(choice.paths)))

    try:
        run = cache.run(key, choice.scenario, choice.paths, choice.seed, progress)
    except cc.ChipcreditError as exc:  # e.g. a scenario the engine refuses: one line
        bar.empty()
        st.error(T.t("dashboard.refused", reason=error_text(exc, T)))
        return
    bar.empty()
    st.session_state[_STATE] = cache.Current(key, choice.paths, choice.seed, choice.label, run)


def main() -> None:
    st.set_page_config(page_title="chipcredit", layout="wide")
    T = language()
    st.title(T.t("dashboard.title"))
    st.caption(T.t("dashboard.subtitle"))
    choice = sidebar(T)
    _show_problems(choice)
    if choice.run:  # only a runnable choice: Run is disabled while an input is refused
        _run(T, choice)
    current: cache.Current | None = st.session_state.get(_STATE)
    if current is None:
        if choice.runnable:
            st.info(T.t("dashboard.run.first"))
        return
    # Whatever the inputs are now (a refused upload or edit, an empty uploader, a bad seed
    # included), a run they do not make is said to be stale: never old numbers unmarked.
    if not choice.produces(current.key, current.paths, current.seed):
        st.info(T.t("dashboard.run.stale" if choice.runnable else "dashboard.run.stale_refused"))
    labels = [T.t(f"dashboard.tab.{name}") for name, _ in TABS]
    tabs = st.tabs(labels, key="main_tab", on_change="rerun")
    for tab, (_, draw) in zip(tabs, TABS, strict=True):
        if tab.open is not False:  # only the tab on show is drawn: a rerun stays quick
            with tab:
                try:
                    draw(T, current, choice)
                except cc.ChipcreditError as exc:  # a refusal is a line of text, as in the CLI
                    st.error(T.t("dashboard.refused", reason=error_text(exc, T)))


main()
