"""The sidebar: language, scenario (bundled or uploaded), key assumptions, paths and seed.

What the user picked comes back as one `Choice`; problems (a bad upload, an edit the schema
refuses) come back as texts for the main area, never as exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import streamlit as st

import chipcredit as cc
from chipcredit.report.i18n import Catalogue
from chipcredit.report.problem_text import message_text, problem_text

from .assumptions import GROUPS, EditRefused, Knob, apply_edits, knobs
from .cache import scenario_key
from .limits import (
    DEFAULT_PATHS,
    MAX_UPLOAD_MB,
    LimitError,
    check_paths,
    check_upload_size,
    display_name,
    seed_number,
)
from .text import LANGUAGES, words

__all__ = ["Choice", "Problem", "language", "sidebar"]

_BUNDLED = "bundled"
_UPLOAD = "upload"
_NONE = ""
_PERCENT = 100.0
"""A rate or probability slider's unit per unit of the scenario: percent."""


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
    median) and ``fixed`` the numbers set by hand (path to value). ``paths`` and ``seed``
    are as typed (a path count or seed the CLI would refuse is kept, with a problem, so
    that the page never runs a number other than the one on show); ``run`` is True when
    Run was pressed, which it can only be when the choice is `runnable`.
    """

    base: cc.Scenario | None = None
    scenario: cc.Scenario | None = None
    label: str = ""
    edits: dict[str, float] = field(default_factory=dict)
    fixed: dict[str, float] = field(default_factory=dict)
    paths: int = DEFAULT_PATHS
    seed: int | None = 0
    run: bool = False
    problems: tuple[Problem, ...] = ()

    @property
    def runnable(self) -> bool:
        """Whether these inputs make a run: a scenario the edits leave valid, and a path
        count and a seed the CLI accepts (no refusal among ``problems``)."""
        return self.scenario is not None and self.seed is not None and \
            not any(p.error for p in self.problems)

    def produces(self, key: str, paths: int, seed: int) -> bool:
        """Whether these inputs make the run of scenario sha256 ``key``, ``paths`` and
        ``seed``: False while an input is refused, so an earlier run is never shown as if
        it were the current inputs' run."""
        return self.runnable and self.scenario is not None and \
            (scenario_key(self.scenario), self.paths, self.seed) == (key, paths, seed)


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


def _knob_label(T: Catalogue, knob: Knob) -> str:
    return T.t(f"dashboard.knob.{knob.label}", who=knob.who)


def _slider(T: Catalogue, knob: Knob, prefix: str) -> float:
    """The knob's slider in the page's units (money in $B, or 亿美元 in Chinese: the page's
    unit; a rate or probability in percent); returns the value in the scenario's units ($B,
    a fraction), for `apply_edits`."""
    label = _knob_label(T, knob)
    # any other number is a rate or a probability: shown in percent (140%, not 1.40)
    scale = knob.scale(T.money_scale) if knob.money else _PERCENT
    key = _slider_key(prefix, knob, T.lang)
    start = knob.base
    for lang in LANGUAGES:  # a language switch keeps a moved money slider where it was
        other = _slider_key(prefix, knob, lang)
        if knob.money and other != key and other in st.session_state:
            start = float(st.session_state[other]) / knob.scale(words(lang).money_scale)
    tip = knob.path if not knob.money else f"{knob.path} ({T.t('dashboard.knob.in_scenario')})"
    # rounded, so that 0.3 x 100 does not land a hair above or below the grid
    value = st.slider(label, min_value=round(knob.low * scale, 6),
                      max_value=round(knob.high * scale, 6),
                      value=round(start * scale, 6), step=round(knob.step * scale, 6),
                      format=f"%.{knob.digits(scale)}f" + ("" if knob.money else "%%"),
                      key=key, help=tip)
    return float(value) / scale


def _assumptions(T: Catalogue, base: cc.Scenario
                 ) -> tuple[dict[str, float], dict[str, float], dict[str, str]]:
    """The moved sliders, the numbers set by hand, and each edited path's control (its
    label, for a refusal to name it)."""
    prefix = scenario_key(base)[:12]
    side = st.sidebar
    side.subheader(T.t("dashboard.assumptions.title"))
    side.caption(T.t("dashboard.assumptions.help"))
    edits: dict[str, float] = {}
    controls: dict[str, str] = {}
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
                    controls[knob.path] = _knob_label(T, knob)
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
            controls[path] = T.t("dashboard.assumptions.any")
    return edits, fixed, controls


def _run_inputs(T: Catalogue) -> tuple[int, int | None, tuple[Problem, ...]]:
    """Paths and seed as typed, and the refusal of each the CLI would refuse (one line,
    the rule). Neither box clamps or drops what was typed: a refused value stays on show,
    with its rule, and Run is disabled, so the page never runs another number than the one
    in the box. The seed is text, read by the CLI's own rule (`limits.seed_number`), since a
    number box holds only 2**53 exactly and the CLI takes any seed below 2**63."""
    side = st.sidebar
    paths = int(side.number_input(T.t("dashboard.run.paths"), value=DEFAULT_PATHS, step=500,
                                  key="paths"))
    text = side.text_input(T.t("dashboard.run.seed"), value="0", key="seed")
    problems: list[Problem] = []
    try:
        check_paths(paths)
    except LimitError as exc:
        problems.append(Problem(T.t(f"dashboard.limit.{exc.key}", **exc.values)))
    seed: int | None = None
    try:
        seed = seed_number(text)
    except cc.UsageError as exc:
        problems.append(Problem(T.t("dashboard.run.seed_invalid",
                                    reason=message_text(str(exc), T))))
    return paths, seed, tuple(problems)


def sidebar(T: Catalogue) -> Choice:
    """Draw the sidebar; return what it holds.

    Run is drawn under the paths and seed but decided last, once the sliders are read:
    it is disabled whenever the inputs are refused (no scenario, an edit the schema
    refuses, a path count or seed the CLI refuses), so a click never runs anything but
    what the page shows.
    """
    base, label, problems = _load(T)
    side = st.sidebar
    paths, seed, refused = _run_inputs(T)
    problems += refused
    button = side.empty()  # filled once the edits are known to be valid
    if base is None:
        button.button(T.t("dashboard.run.button"), type="primary", key="run", disabled=True)
        return Choice(label=label, paths=paths, seed=seed, problems=problems)
    edits, fixed, controls = _assumptions(T, base)
    scenario: cc.Scenario | None = None
    try:
        scenario = apply_edits(base, edits, fixed, controls)
    except EditRefused as exc:
        problems += (Problem(T.t("dashboard.assumptions.invalid"),
                             tuple(message_text(line, T) for line in exc.lines)),)
    except cc.UsageError as exc:
        problems += (Problem(T.t("dashboard.assumptions.invalid"), (message_text(str(exc), T),)),)
    choice = Choice(base, scenario, label, edits, fixed, paths, seed, False, problems)
    clicked = button.button(T.t("dashboard.run.button"), type="primary", key="run",
                            disabled=not choice.runnable)
    return replace(choice, run=bool(clicked and choice.runnable))
