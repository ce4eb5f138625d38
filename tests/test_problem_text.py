"""Scenario errors in Chinese: every line of the bad-input corpus translated by rule.

The whole corpus (tests/bad_inputs, one broken scenario per file) goes through the loader;
each problem is translated to Chinese by `chipcredit.report.problem_text`, and no English
word may remain outside the parts that are kept verbatim on purpose: the file name, the field
path, the value, the suggestion, and what the rule quotes from the file (quoted names, YAML
tags, field paths) or names from the schema (field names, kinds, distributions). In English
the text is exactly the loader's line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chipcredit.errors import Problem, ScenarioError, UsageError
from chipcredit.report import i18n
from chipcredit.report.problem_text import error_text, message_text, problem_text, rule_text
from chipcredit.scenario.loader import load_scenario

CORPUS = Path(__file__).parent / "bad_inputs"
FILES = sorted(p.name for p in CORPUS.glob("*.yaml"))
LATIN_WORD = re.compile(r"\b[A-Za-z][A-Za-z'-]+\b")  # as in tests/test_report.py
TOKENS = {"chipcredit", "sha256", "IRR", "NPV", "MOIC", "SPV", "GPU", "GW", "p05", "p50", "p95",
          "AI", "Python", "YAML"}
"""Latin words either language may show (tests/test_report.py's, and the format's name)."""
_ZH = i18n.catalogue("zh")
SCHEMA = {
    # field names a rule names as the user must write them in the file
    "name", "start", "market", "parties", "amount", "equity", "debt", "low", "high", "mode",
    "dist", "deals", "drawing", "purchases", "financials", "true", "false", "opening",
    "amortising", "bullet",
    "kind", "source", "basis", "fact", "assumed",
    # distributions and means of repayment, as written in the file
    "fixed", "lognormal", "normal", "uniform", "triangular", "cash", "conversion",
    # party and deal kinds
    *(k.split(".", 1)[1] for k in _ZH.entries if k.startswith(("party_kind.", "deal_kind."))),
}
"""Schema words kept verbatim in Chinese (the user types them in the YAML)."""
KNOWN_EXCEPTIONS: dict[str, str] = {}
"""Corpus files whose rule no catalogue entry matches, with why (none at present)."""
PENDING: frozenset[str] = frozenset()
"""Corpus files whose ``error.rule.*`` catalogue entry is still to be written: expected to
fail (strictly, so that the entry, once written, removes the name from here). None at
present."""
_CORPUS_CASES = [pytest.param(name, marks=pytest.mark.xfail(
    strict=True, reason="catalogue entry pending")) if name in PENDING else name
    for name in FILES]
_VERBATIM_IN_RULE = re.compile(
    r"'[^']*'"                                  # a name quoted from the file: 'funds', 'p95'
    r"|!\S+"                                    # a YAML tag: !!python/name:os.getcwd
    r"|\b[a-z_]+(?:\[\d+\])?(?:\.[a-z_]+(?:\[\d+\])?)+")  # a field path: market.hardware.x


def _problem(name: str, monkeypatch: pytest.MonkeyPatch) -> Problem:
    monkeypatch.chdir(CORPUS)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(name)
    assert len(caught.value.problems) == 1
    return caught.value.problems[0]


def _english_left(text: str, problem: Problem) -> set[str]:
    english = str(problem)
    keep = [problem.file, problem.path, problem.suggestion or "", "UTF-8",
            *_VERBATIM_IN_RULE.findall(problem.rule)]
    if problem.value is not Problem.NO_VALUE:  # the value as the English line shows it
        hint = "" if problem.suggestion is None else f" (did you mean {problem.suggestion}?)"
        keep.append(english[english.index("; got ") + len("; got "):len(english) - len(hint)])
        if isinstance(problem.value, str):  # an id the rule names unquoted: "but xai is a lab"
            keep.append(problem.value)
    for part in sorted(filter(None, keep), key=len, reverse=True):
        text = text.replace(part, " ")
    return set(LATIN_WORD.findall(text)) - TOKENS - SCHEMA


@pytest.mark.parametrize("name", _CORPUS_CASES)
def test_every_corpus_problem_reads_in_chinese_with_its_verbatim_parts(
        name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    problem = _problem(name, monkeypatch)
    en = problem_text(problem, i18n.catalogue("en"))
    zh = problem_text(problem, _ZH)
    assert en == str(problem)  # English: exactly the loader's line
    if name in KNOWN_EXCEPTIONS:
        assert _ZH.t("error.untranslated", text=problem.rule) in zh
        return
    assert _ZH.t("error.untranslated", text="") not in zh, zh
    assert not _english_left(zh, problem), (zh, _english_left(zh, problem))
    assert re.search(r"[\u4e00-\u9fff]", zh)
    assert zh.startswith(en[:en.index(": ") + 2] + (f"{problem.path} " if problem.path else ""))
    if problem.suggestion is not None:
        assert zh.endswith(_ZH.t("error.did_you_mean", suggestion=problem.suggestion))
    assert "{" not in zh or "{" in str(problem)


def test_the_rate_in_percent_line_reads_as_written_by_hand(
        monkeypatch: pytest.MonkeyPatch) -> None:
    problem = _problem("ranges-rate-in-percent.yaml", monkeypatch)
    assert problem_text(problem, _ZH) == (
        "ranges-rate-in-percent.yaml:52:48: deals[1].debt.rate 必须在 0 与 1 之间；实际为 11"
        "（是否应为 0.11？）")


def test_a_yaml_message_is_split_into_phrase_and_context(monkeypatch: pytest.MonkeyPatch) -> None:
    problem = _problem("syntax-unclosed-flow-list.yaml", monkeypatch)
    assert problem_text(problem, _ZH) == (
        "syntax-unclosed-flow-list.yaml:12:22: 文件不是有效的 YAML：应为 ',' 或 ']'，却遇到 ':'"
        "（解析流式序列时，第 11 行）")


def test_a_rule_no_entry_matches_is_kept_in_english_behind_a_lead_in() -> None:
    rule = "must be a prime number of quarters"
    problem = Problem("a.yaml", 3, 1, "horizon_quarters", rule, 40)
    zh = problem_text(problem, _ZH)
    assert zh == f"a.yaml:3:1: horizon_quarters {_ZH.t('error.untranslated', text=rule)}；实际为 40"
    assert rule in zh and "英文原文" in zh
    assert rule_text(rule, i18n.catalogue("en")) == rule


def test_every_error_entry_is_a_distinct_pattern_with_chinese_and_only_schema_words() -> None:
    en = i18n.catalogue("en")
    rules = {k: v for k, v in en.entries.items() if k.startswith("error.rule.")}
    assert len(set(rules.values())) == len(rules)
    for key, text in rules.items():
        # each English pattern, filled with its own placeholder names, comes back as its zh entry
        filled = text.format(**{n: f"X{i}" for i, n in enumerate(sorted(i18n.placeholders(text)))})
        if "{detail}" in text:
            continue  # a nested phrase: covered by the corpus
        expected = _ZH.entries[key].format(
            **{n: f"X{i}" for i, n in enumerate(sorted(i18n.placeholders(text)))})
        assert rule_text(filled, _ZH) == expected, key
        words = set(LATIN_WORD.findall(re.sub(r"\{[^}]*\}|UTF-8", "", _ZH.entries[key])))
        assert words <= TOKENS | SCHEMA, (key, words)


def test_usage_errors_translate_their_rule_and_keep_the_subject() -> None:
    zh = message_text("--port must be between 1 and 65535; got 0", _ZH)
    assert zh == "--port 必须在 1 与 65535 之间；实际为 0"
    odd = "no number at parameter path 'x.y'"
    assert message_text(odd, _ZH) == _ZH.t("error.untranslated", text=odd)
    assert error_text(UsageError(odd), i18n.catalogue("en")) == odd
    err = ScenarioError([Problem("f.yaml", 1, None, "name", "must be text", 7),
                         Problem("f.yaml", 2, None, "start", "is required")])
    assert error_text(err, _ZH) == "f.yaml:1: name 必须是文本；实际为 7\nf.yaml:2: start 是必填项"
