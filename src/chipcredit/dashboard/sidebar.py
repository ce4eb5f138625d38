"""The sidebar: language, scenario (bundled or uploaded), key assumptions, paths and seed.

What the user picked comes back as one `Choice`; problems (a bad upload, an edit the schema
refuses) come back as texts for the main area, never as exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

import chipcredit as cc
from chipcredit.report.i18n import Catalogue
from chipcredit.report.problem_text import message_text, problem_text

from .assumptions import GROUPS, Knob, apply_edits, knobs
from .cache import scenario_key
from .limits import DEFAULT_PATHS, MAX_UPLOAD_MB, LimitError, check_upload_size, display_name
from .text import LANGUAGES, words

__all__ = ["Choice", "Problem", "language", "sidebar"]

_BUNDLED = "bundled"
_UPLOAD = "upload"
_NONE = ""


@dataclass(frozen=True)
class Problem:
    """A problem to show in the page: a heading and the lines under it (may be none);
    ``error`` False for a plain hint (nothing uploaded yet)."""

    heading: str
    lines: tuple[str, ...] = ()
    error: bool = True


@dataclass(frozen=True)
class Choice:
    """What the sidebar holds now.

    ``base`` is the scenario as loaded, ``scenario`` the one with the sliders applied (None
    when either failed; ``problems`` says why), ``edits`` the moved sliders (path to new
    median) and ``fixed`` the numbers set by hand (path to value).
    """

    base: cc.Scenario | None = None
    scenario: cc.Scenario | None = None
    label: str = ""
    edits: dict[str, float] = field(default_factory=dict)
    fixed: dict[str, float] = field(default_factory=dict)
    paths: int = DEFAULT_PATHS
    seed: int = 0
    run: bool = False
    problems: tuple[Problem, ...] = ()


def language() -> Catalogue:
    """The language switch (English / 中文) and the catalogue it picks."""
    names = {lang: words(lang).t("language.name") for lang in LANGUAGES}
    current = st.session_state.get("lang", LANGUAGES[0])
    lang = st.sidebar.radio(words(current).t("dashboard.language"), LANGUAGES, key="lang",
                            format_func=names.__getitem__, horizontal=True)
    return words(lang)


def _problems(T: Catalogue, exc: cc.ScenarioError, heading: str) -> Problem:
    # the loader's lines in the page's language: where, path and value stay verbatim
    return Problem(heading, tuple(problem_text(p, T) for p in exc.problems))


def _load(T: Catalogue) -> tuple[cc.Scenario | None, str, tuple[Problem, ...]]:
    side = st.sidebar
    source = side.radio(T.t("dashboard.source.label"), (_BUNDLED, _UPLOAD), key="source",
                        format_func=lambda s: T.t(f"dashboard.source.{s}"), horizontal=True)
    if source == _BUNDLED:
        name = side.selectbox(T.t("dashboard.source.bundled_pick"), cc.bundled_names(),
                              key="bundled")
        try:
            return cc.load_scenario(name), name, ()
        except cc.ScenarioError as exc:  # a broken bundled file is a bug, but say it plainly
            return None, name, (_problems(T, exc, T.t("dashboard.source.invalid", file=name)),)
    upload = side.file_uploader(T.t("dashboard.source.upload_pick", limit=MAX_UPLOAD_MB),
                                type=["yaml", "yml"], key="upload",
                                max_upload_size=MAX_UPLOAD_MB)
    if upload is None:
        return None, "", (Problem(T.t("dashboard.source.upload_wait"), error=False),)
    shown = display_name(upload.name)
    try:
        check_upload_size(upload.size)
        # Parsed from memory by the CLI's loader (size, node and depth limits, no tags);
        # the name is only shown in messages.
        return cc.parse_scenario_text(upload.getvalue(), shown), shown, ()
    except LimitError as exc:
        return None, shown, (Problem(T.t(f"dashboard.limit.{exc.key}", **exc.values)),)
    except cc.ScenarioError as exc:
        return None, shown, (_problems(T, exc, T.t("dashboard.source.invalid", file=shown)),)


def _slider_key(prefix: str, knob: Knob, lang: str) -> str:
    # a money slider's value is in the page's unit, so each unit has its own widget
    return f"{prefix}:{knob.path}:{lang}" if knob.money else f"{prefix}:{knob.path}"


def _slider(T: Catalogue, knob: Knob, prefix: str) -> float:
    """The knob's slider in the page's units (money in $B, or 亿美元 in Chinese: the page's
    unit); returns the value in the scenario's units ($B), for `apply_edits`."""
    label = T.t(f"dashboard.knob.{knob.label}", who=knob.who)
    scale = knob.scale(T.money_scale)
    key = _slider_key(prefix, knob, T.lang)
    start = knob.base
    for lang in LANGUAGES:  # a language switch keeps a moved money slider where it was
        other = _slider_key(prefix, knob, lang)
        if knob.money and other != key and other in st.session_state:
            start = float(st.session_state[other]) / knob.scale(words(lang).money_scale)
    tip = knob.path if not knob.money else f"{knob.path} ({T.t('dashboard.knob.in_scenario')})"
    value = st.slider(label, min_value=float(knob.low * scale), max_value=float(knob.high * scale),
                      value=float(round(start * scale, 6)), step=float(knob.step * scale),
                      format=f"%.{knob.digits(scale)}f", key=key, help=tip)
    return float(value) / scale


def _assumptions(T: Catalogue, base: cc.Scenario) -> tuple[dict[str, float], dict[str, float]]:
    prefix = scenario_key(base)[:12]
    side = st.sidebar
    side.subheader(T.t("dashboard.assumptions.title"))
    side.caption(T.t("dashboard.assumptions.help"))
    edits: dict[str, float] = {}
    all_knobs = knobs(base)
    for group in GROUPS:
        members = [k for k in all_knobs if k.group == group]
        if not members:
            continue
        with side.expander(T.t(f"dashboard.assumptions.{group}"), expanded=group == "growth"):
            for knob in members:
                value = _slider(T, knob, prefix)
                if knob.changed(value):
                    edits[knob.path] = value
    fixed: dict[str, float] = {}
    with side.expander(T.t("dashboard.assumptions.any")):
        numbers = cc.parameter_paths(base)
        path = st.selectbox(T.t("dashboard.assumptions.any_path"), [_NONE, *numbers],
                            key=f"{prefix}:any", format_func=lambda p: p or "—")
        if path:
            value = st.number_input(T.t("dashboard.assumptions.any_value"),
                                    value=float(numbers[path].median()), format="%.6g",
                                    key=f"{prefix}:any:{path}")
            fixed[path] = float(value)
    return edits, fixed


def sidebar(T: Catalogue) -> Choice:
    """Draw the sidebar; return what it holds."""
    base, label, problems = _load(T)
    side = st.sidebar
    paths = int(side.number_input(T.t("dashboard.run.paths"), min_value=1, value=DEFAULT_PATHS,
                                  step=500, key="paths"))
    seed = int(side.number_input(T.t("dashboard.run.seed"), min_value=0, value=0, step=1,
                                 key="seed"))
    clicked = side.button(T.t("dashboard.run.button"), type="primary", key="run",
                          disabled=base is None)
    if base is None:
        return Choice(label=label, paths=paths, seed=seed, problems=problems)
    edits, fixed = _assumptions(T, base)
    try:
        scenario = apply_edits(base, edits, fixed)
    except cc.ScenarioError as exc:
        problem = _problems(T, exc, T.t("dashboard.assumptions.invalid"))
        return Choice(base=base, label=label, edits=edits, fixed=fixed, paths=paths, seed=seed,
                      problems=(problem,))
    except cc.UsageError as exc:
        problem = Problem(T.t("dashboard.assumptions.invalid"), (message_text(str(exc), T),))
        return Choice(base=base, label=label, edits=edits, fixed=fixed, paths=paths, seed=seed,
                      problems=(problem,))
    return Choice(base, scenario, label, edits, fixed, paths, seed, clicked)
