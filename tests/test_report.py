"""The HTML report: one self-contained file, equal from a stored run and from the live Result,
in English and in Chinese with no English leaking; the summary paragraph; the CLI."""

from __future__ import annotations

import html
import math
import re
import warnings
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from plotly.offline import get_plotlyjs
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.analytics.result import Result
from chipcredit.report import charts, i18n, png, replay, summary_text, write_report
from chipcredit.report import html as report_html
from chipcredit.report.vendors import outside_funding, unmodelled_funding
from chipcredit.store import RunStore

PATHS, SEED = 300, 5
SECTIONS = ("summary", "headline", "flows", "labs", "vendors", "deals", "defaults", "market",
            "sensitivity", "assumptions", "metadata")
LATIN_WORD = re.compile(r"\b[A-Za-z][A-Za-z'-]+\b")
TOKENS = {"chipcredit", "sha256", "IRR", "NPV", "MOIC", "SPV", "GPU", "GW", "p05", "p50", "p95",
          "AI", "Python"}
"""Latin words either language may show: the program's name, hashes, the standard finance
abbreviations, units and percentile names."""


def quietly(fn: Any, *args: Any, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)  # NaN IRRs on a few paths
        return fn(*args, **kwargs)


@pytest.fixture(scope="module")
def result() -> Result:
    return quietly(cc.simulate, "seed-2025", paths=PATHS, seed=SEED)


@pytest.fixture(scope="module")
def reports(result: Result, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("reports")
    return {lang: write_report(result, folder / f"{lang}.html", lang=lang).read_text("utf-8")
            for lang in ("en", "zh")}


class Page(HTMLParser):
    """Tags with their attributes, style text, and the visible text outside ``class="data"``
    elements (text from the scenario, shown as written)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self.data_text: list[str] = []
        self._stack: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found))
        if tag not in ("meta", "br", "img", "link", "input"):
            self._stack.append((tag, "data" in (found.get("class") or "").split()))

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        inside = [t for t, _ in self._stack]
        if "style" in inside:
            self.styles.append(data)
        elif "script" in inside:
            return
        elif any(is_data for _, is_data in self._stack):
            self.data_text.append(data)
        else:
            self.text.append(data)


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    return page


# --- one file, nothing loaded ---------------------------------------------------------------


def test_report_is_one_file_that_loads_nothing(reports: dict[str, str], result: Result) -> None:
    """No tag loads anything (no src, no external href, no link/img/iframe), no CSS url() or
    @import, Plotly's JavaScript inlined exactly once, and outside that bundle no URL at all.
    (plotly.js itself holds URL strings in its code, e.g. for map tiles these charts never
    use; the browser test checks with the network cut that nothing is fetched.)"""
    bundle = get_plotlyjs()
    for text in reports.values():
        page = parse(text)
        for tag, attrs in page.tags:
            assert tag not in ("link", "img", "iframe", "object", "embed", "base"), tag
            assert "src" not in attrs, (tag, attrs)
            href = attrs.get("href")
            assert href is None or href.startswith("#"), href
        assert not any("url(" in s or "@import" in s for s in page.styles)
        assert text.count(bundle) == 1
        rest = text.replace(bundle, "")
        assert not re.search(r"https?:|//cdn|www\.", rest), re.search(r".{40}https?:.{40}", rest)
        assert text.count('class="plotly-graph-div"') == expected_charts(result)


def expected_charts(result: Result) -> int:
    """Two Sankeys; revenue, cash and capacity fans per lab, and the share of new capacity
    deferred per lab with a spending rule; sales (and self-funded share, when the run has it,
    and share price, for a vendor with financials) per vendor; one outcome chart per deal
    and party with a position on some path; default timing per lab and per cloud on its own
    balance sheet; the market share chart."""
    labs = [p.id for p in result.scenario.parties if p.kind == "lab"]
    own_clouds = [p.id for p in result.scenario.parties
                  if p.kind == "cloud" and p.balance_sheet == "own"]
    vendors = [p.id for p in result.scenario.parties if p.kind == "vendor"]
    vendor_fans = sum((v, var) in result.reservoir for v in vendors
                      for var in ("sales", "self_funded_share", "share_price"))
    positions = sum(counts["no_position"] < result.paths
                    for counts in result.irr_reasons().values())
    ruled = sum(p.kind == "lab" and p.compute.spending is not None for p in result.scenario.parties)
    return 2 + 3 * len(labs) + ruled + vendor_fans + positions + len(labs) + len(own_clouds) + 1


def test_report_has_every_section_and_opens_with_the_summary(reports: dict[str, str],
                                                             result: Result) -> None:
    text = reports["en"]
    for key in SECTIONS:
        assert f'<section id="{key}">' in text and f'href="#{key}"' in text
    assert text.index('id="summary"') < text.index('id="headline"')
    assert html.escape(summary_text(result)) in text
    assert "No sensitivity was run. Run one first: <code" in text
    # each sourced number with its source, and the scenario file as written
    assert "Bernstein, Oct/Nov 2025: power costs about $1.3B/yr per GW" in html.unescape(text)
    assert "market.hardware.power_cost_per_unit_year" in text
    assert html.escape(result.scenario.source_text) in text
    assert result.scenario_sha256 in text
    # and the code that simulated it, as the JSON summary names it
    assert len(result.code_sha256) == 64 and result.code_sha256 in text
    # no wall-clock time: the same run always writes the same file
    assert str(round(result.elapsed_seconds, 2)) + " s" not in text


def test_report_with_a_sensitivity_draws_the_tornado(result: Result) -> None:
    sens = quietly(cc.sensitivity, result.scenario, "deals.colossus2-spv.parties.nvidia.moic.p50",
                   params=["parties.xai.revenue.growth.from"], paths=100, seed=SEED)
    figures: dict[str, list[tuple[str, Any]]] = {key: [] for key in SECTIONS}
    figures["sensitivity"] = [("tornado", charts.tornado_chart(sens))]
    text = report_html.build_report(result, sensitivity=sens, figures=figures)
    section = text[text.index('<section id="sensitivity">'):]
    section = section[:section.index("</section>")]  # history may follow it
    assert "plotly-graph-div" in section and "parties.xai.revenue.growth.from" in section
    assert "Metric deals.colossus2-spv.parties.nvidia.moic.p50, method tornado" in section
    assert "No sensitivity was run" not in text


def test_the_flows_section_says_what_the_band_colours_mean(result: Result) -> None:
    figures: dict[str, list[tuple[str, Any]]] = {key: [] for key in SECTIONS}
    for lang in ("en", "zh"):
        text = report_html.build_report(result, lang=lang, figures=figures)
        section = text[text.index('<section id="flows">'):text.index('<section id="labs">')]
        assert html.escape(i18n.catalogue(lang).t("chart.sankey_colours")) in section


# --- stored run == live run ------------------------------------------------------------------


def test_report_from_a_stored_run_equals_the_live_one(result: Result, reports: dict[str, str],
                                                      tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs.duckdb")
    run_id = store.save(result)
    replayed = quietly(replay, run_id, store)
    assert replayed.to_json() == result.to_json()
    for lang, live in reports.items():
        stored = write_report(replayed, tmp_path / f"stored-{lang}.html", lang=lang)
        assert stored.read_text("utf-8") == live


def test_replay_refuses_what_it_cannot_reproduce(result: Result, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    store = RunStore(tmp_path / "runs.duckdb")
    run_id = store.save(result)
    with pytest.raises(cc.UsageError, match=r"run 99"):
        replay(99, store)
    original = RunStore.get_run

    def altered(self: RunStore, rid: int, **kw: Any) -> dict[str, Any]:
        data = original(self, rid, **kw)
        data["run"] = {**data["run"], "summary_json": "{}", "version": "0.0.1"}
        return data

    monkeypatch.setattr(RunStore, "get_run", altered)
    with pytest.warns(cc.ChipcreditWarning) as caught:  # the replay's own IRR warning too
        replay(run_id, store)
    messages = [str(w.message) for w in caught]
    assert any(re.search("made by chipcredit 0.0.1.*differ", m) for m in messages), messages

    def tampered(self: RunStore, rid: int, **kw: Any) -> dict[str, Any]:
        data = original(self, rid, **kw)
        data["run"] = {**data["run"], "scenario_sha256": "0" * 64}
        return data

    monkeypatch.setattr(RunStore, "get_run", tampered)
    with pytest.raises(cc.UsageError, match="does not match its sha256"):
        quietly(replay, run_id, store)


# --- summary ----------------------------------------------------------------------------------


def by_hand_percent(share: float) -> str:
    value = share * 100
    return f"{value:.2g}%" if 1 <= value < 100 else f"{value:.1g}%"


def by_hand_share(share: float) -> str:
    """A share of the PATHS paths and its standard error, sqrt(p(1-p)/n) in points to one
    decimal (none for a share of none or all of the paths)."""
    if share in (0.0, 1.0):
        return by_hand_percent(share)
    points = math.sqrt(share * (1 - share) / PATHS) * 100
    assert points >= 0.1  # one decimal
    return f"{by_hand_percent(share)} ±{points:.1f}"


def test_summary_states_defaults_and_returns_from_the_numbers(result: Result) -> None:
    text = summary_text(result)
    assert text.startswith(f"Over {PATHS} simulated paths from 2025Q4 to 2035Q3 (seed {SEED}): ")
    # 2025Q4 plus the 16 quarters of 2026-2029 come before 2030
    # every party that can default: both labs and CoreWeave (own balance sheet), not the
    # funded hyperscale clouds
    for party, name in (("xai", "xAI"), ("openai", "OpenAI"), ("coreweave", "CoreWeave")):
        dq = result.outcome(None, party, "default_quarter")
        before = float(np.mean((dq >= 0) & (dq < 17)))
        total = float(np.mean(dq >= 0))
        assert total > 0, party
        # each share with one Monte Carlo standard error, sqrt(p(1-p)/n) in points
        assert (f"{name} defaults before 2030 in {by_hand_share(before)} of all paths "
                f"({by_hand_share(total)} within the horizon)") in text
    assert "Microsoft Azure, Oracle OCI and AWS" not in text
    # the vendor position with the largest median outlay comes first
    outlays = {}
    for deal, party in result.deal_parties():
        if party in ("nvidia", "amd"):
            out = result.outcome(deal, party, "cash_out")
            if (out > 0).any() and np.isfinite(result.outcome(deal, party, "moic")).any():
                outlays[(deal, party)] = float(np.median(out[out > 0]))
    deal, party = max(outlays, key=lambda k: outlays[k])
    moic = result.outcome(deal, party, "moic")
    p05, p50, p95 = np.quantile(moic[np.isfinite(moic)], [0.05, 0.5, 0.95])

    def x(v: float) -> str:
        return f"{v:.2g}x" if v < 10 else f"{v:.3g}x"

    held = float(np.mean(np.isfinite(moic)))
    assert 0 < held < 1  # the letter of intent closes on some paths only
    outlay = i18n.catalogue("en").money(float(np.median(
        result.outcome(deal, party, "cash_out")[np.isfinite(moic)])))
    # the outlay is the median over the paths with a position, not a commitment: said so
    assert (f"in the {by_hand_percent(held)} of paths where Nvidia has a position in {deal}, "
            f"a median outlay of {outlay}, it returns between {x(p05)} and {x(p95)} in 90% of "
            f"them (median {x(p50)})") in text
    assert f"its {outlay} returns" not in text
    assert f"in 90% of paths Nvidia's {outlay}" not in text
    zh = summary_text(result, lang="zh")
    assert zh.startswith(f"基于从 2025Q4 到 2035Q3 的 {PATHS} 条模拟路径") and zh.endswith("。")
    money = i18n.catalogue("en").money
    # it opens on the question the run is for: the pooled self-funded share of each vendor
    for vendor, name in (("nvidia", "Nvidia"), ("amd", "AMD")):
        own = float(np.mean(result.outcome(None, vendor, "self_funded_revenue")))
        sales = float(np.mean(result.outcome(None, vendor, "revenue_total")))
        assert own > 0
        assert (f"money {name} put into its buyers paid for {own / sales * 100:.2f}% of its "
                f"revenue over the horizon ({money(own)} of {money(sales)}, means over paths), "
                "and for ") in text, vendor
    assert text.index("money Nvidia put into its buyers") < text.index("a median outlay of")
    # and before the noise, Nvidia's median revenue where the lab (or cloud) whose default
    # goes with the widest relative gap defaults, against where it does not
    revenue = result.outcome(None, "nvidia", "revenue_total")
    gaps = {}
    for party, name in (("xai", "xAI"), ("openai", "OpenAI"), ("coreweave", "CoreWeave")):
        failed = result.outcome(None, party, "default_quarter") >= 0
        if 0.01 <= failed.mean() <= 0.99:
            low, high = np.median(revenue[failed]), np.median(revenue[~failed])
            gaps[name] = ((high - low) / high, low, high)
    name = max(gaps, key=lambda k: gaps[k][0])
    _, low, high = gaps[name]
    assert (f"Nvidia's revenue over the horizon has a median of {money(float(low))} on the "
            f"paths where {name} defaults, against {money(float(high))} where it does not (a "
            "comparison of paths, not what that default alone costs") in text
    # it closes on the noise: the path count, what ± is, and that percentiles move too
    count = f"{PATHS:,}"
    assert text.endswith(
        f" every buyer buys less). At {count} paths the figures move with the seed: ± is one "
        "Monte Carlo standard error (percentage points), and the medians and percentiles "
        "have noise of their own.")
    assert zh.endswith(f"在 {count} 条路径下，这些数字会随随机种子变动：± 为一个蒙特卡洛标准误"
                       "（百分点），中位数和百分位数也有其自身的噪声。")


# --- languages ----------------------------------------------------------------------------------


def test_catalogues_have_the_same_keys_and_placeholders() -> None:
    en, zh = i18n.catalogue("en"), i18n.catalogue("zh")
    assert en.entries.keys() == zh.entries.keys()
    for key, text in en.entries.items():
        if isinstance(text, str):
            assert i18n.placeholders(text) == i18n.placeholders(zh.entries[key]), key
            if set(LATIN_WORD.findall(re.sub(r"\{[^}]*\}", "", text))) - TOKENS:
                assert zh.entries[key] != text, f"{key} is not translated"


def test_every_transfer_kind_and_cause_of_a_run_is_translated(result: Result) -> None:
    zh = i18n.catalogue("zh")
    for kind in set(result.flows()["kind"]):
        assert zh.has(f"kind.{kind}"), kind
    for variable in {v for _, v in result.reservoir}:
        assert zh.has(f"variable.{variable}"), variable


def test_no_english_leaks_into_the_chinese_report(reports: dict[str, str], result: Result) -> None:
    page = parse(reports["zh"])
    visible = "\n".join(page.text)
    en = i18n.catalogue("en")
    for key, text in en.entries.items():
        if not isinstance(text, str):
            continue
        for part in re.split(r"\{[^}]*\}", text):
            part = part.strip(" ,.:;()·")
            if len(set(LATIN_WORD.findall(part)) - TOKENS) >= 2:
                assert part not in visible, (key, part)
    sc = result.scenario
    names = [sc.name, *(p.id for p in sc.parties), *(p.name or "" for p in sc.parties),
             *(d.id for d in sc.deals), *(f["id"] for f in unmodelled_funding(sc)),
             # stakes in companies that are not parties: by registry id, as the English
             *(f[k] for f in outside_funding(sc) for k in ("id", "to"))]
    allowed = TOKENS | {w for n in names for w in LATIN_WORD.findall(n)}
    leaked = sorted(set(LATIN_WORD.findall(visible)) - allowed)
    assert not leaked, leaked
    assert '<html lang="zh-Hans">' in reports["zh"]
    assert "亿美元" in visible


def test_the_english_report_holds_no_chinese(reports: dict[str, str]) -> None:
    visible = "\n".join(parse(reports["en"]).text)
    assert not re.search(r"[\u4e00-\u9fff]", visible)


def test_money_is_formatted_per_language() -> None:
    en, zh = i18n.catalogue("en"), i18n.catalogue("zh")
    assert [en.money(v) for v in (2, 0.4123, -1.5, 350, 1234)] == [
        "$2B", "$0.412B", "-$1.5B", "$350B", "$1.23T"]
    assert [zh.money(v) for v in (2, 0.4123, -1.5, 350, 1234)] == [
        "20亿美元", "4.12亿美元", "-15亿美元", "3,500亿美元", "1.23万亿美元"]
    assert (en.multiple(2.06), zh.multiple(2.06), en.percent(0.234), zh.percent(0.0042)) == (
        "2.1x", "2.1倍", "23%", "0.4%")


MONEY_CASES = (  # $B in; English, Chinese out
    (-1040.0, "-$1.04T", "-1.04万亿美元"),      # the sign goes before the big unit too
    (-682.0, "-$682B", "-6,820亿美元"),
    (-1.77e-13, "$0B", "0亿美元"),              # float noise: zero, and no sign
    (1.81e-13, "$0B", "0亿美元"),
    (-0.0004, "$0B", "0亿美元"),                # rounds to 0 at $1M: no sign
    (-0.0006, "-$0.001B", "-0.01亿美元"),       # rounds to the smallest step: signed
    (0.0123, "$0.012B", "0.12亿美元"),          # no step finer than $1M
    (999.7, "$1T", "1万亿美元"),                # rounds up into the big unit
    (-999.7, "-$1T", "-1万亿美元"),
    (5786.0, "$5.79T", "5.79万亿美元"),
    (0.0, "$0B", "0亿美元"),
    (-0.0, "$0B", "0亿美元"),
)


@pytest.mark.parametrize(("amount", "english", "chinese"), MONEY_CASES)
def test_money_has_its_sign_outside_and_no_float_noise(amount: float, english: str,
                                                       chinese: str) -> None:
    assert i18n.catalogue("en").money(amount) == english
    assert i18n.catalogue("zh").money(amount) == chinese


def test_parties_table_shows_who_can_default_and_labels_hyperscale_clouds(
        reports: dict[str, str], result: Result) -> None:
    """CoreWeave (a cloud on its own balance sheet) has a default probability like the labs;
    the funded hyperscale clouds have none and are not called a neocloud; money columns do not
    claim a unit their cells do not use."""
    for lang, neocloud, hyperscale, header in (
            ("en", "neocloud", "hyperscale cloud", "total revenue (median)"),
            ("zh", "新型云服务商", "超大规模云服务商", "总收入（中位数）")):
        cat = i18n.catalogue(lang)
        text = html.unescape(reports[lang])
        start = text.index("</table>", text.index('<section id="headline">'))
        rows = re.findall(r"<tr>(.*?)</tr>", text[start:text.index("</table>", start + 8)])
        cells = {re.sub(r"<[^>]+>", "", r.split("</td>")[0]):
                 [re.sub(r"<[^>]+>", "", c) for c in r.split("</td>")[1:-1]] for r in rows}
        assert f"<th>{header}</th>" in text[start:]
        assert "$B, median" not in text and "亿美元，中位数" not in text
        coreweave = cells["CoreWeave"]
        assert coreweave[0] == neocloud
        # with one Monte Carlo standard error after it, sqrt(p(1-p)/n) in points
        p = result.default_probability("coreweave")
        assert coreweave[1] == f"{cat.percent(p)} ±{math.sqrt(p * (1 - p) / result.paths) * 100:.1f}"
        funded = cells["Microsoft Azure, Oracle OCI and AWS (as OpenAI's landlords)"]
        assert funded[:2] == [hyperscale, ""]
        p = result.default_probability("openai")
        assert cells["OpenAI"][1] == f"{cat.percent(p)} ±{math.sqrt(p * (1 - p) / result.paths) * 100:.1f}"
        assert cells["Nvidia"][1] == ""


def test_default_charts_cover_every_party_that_can_default(
        result: Result, monkeypatch: pytest.MonkeyPatch) -> None:
    """One default chart (and ``--png`` file) per lab and per cloud on its own balance sheet;
    none for the funded hyperscale clouds. Charts are stubbed: only the names matter here."""
    for name in ("sankey_chart", "fan_chart", "outcome_histogram", "default_timing_chart",
                 "market_share_chart"):
        monkeypatch.setattr(charts, name, lambda *args, **kwargs: None)
    figures = report_html.report_figures(result, i18n.catalogue("en"))
    names = [name for name, _ in figures["defaults"]]
    assert names == ["defaults-openai", "defaults-xai", "defaults-coreweave"]


# --- writing ------------------------------------------------------------------------------------


def test_report_is_written_atomically(result: Result, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A write that fails half way (the disk fills) leaves the old report and no temp file."""
    target = tmp_path / "report.html"
    target.write_text("old report", encoding="utf-8")
    monkeypatch.setattr(report_html, "report_figures",
                        lambda *a, **k: {key: [] for key in SECTIONS})

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(report_html.os, "fsync", full)
    with pytest.raises(cc.UsageError, match=r"cannot write .*report.html: No space left on device"):
        write_report(result, target)
    assert target.read_text("utf-8") == "old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]
    with pytest.raises(cc.UsageError, match=r"the folder .*missing does not exist"):
        write_report(result, tmp_path / "missing" / "r.html")


def test_png_without_chromium_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(png.CHROMIUM_ENV, raising=False)
    monkeypatch.setattr(png, "_CANDIDATES", ())
    monkeypatch.setattr(png.shutil, "which", lambda name: None)
    with pytest.raises(cc.UsageError, match=r"^--png needs Chromium, and none was found: "
                                            r"install it \(apt-get install chromium\)"):
        png.find_chromium()
    monkeypatch.setenv(png.CHROMIUM_ENV, "/nowhere/chromium")
    with pytest.raises(cc.UsageError, match="CHIPCREDIT_CHROMIUM=/nowhere/chromium is not"):
        png.find_chromium()


# --- the command line ----------------------------------------------------------------------------

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    res = runner.invoke(cli.app, list(args))
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    return res.exit_code, res.stdout, res.stderr


def test_cli_report_of_a_stored_run_equals_the_python_one(tmp_path: Path,
                                                          reports: dict[str, str]) -> None:
    store = tmp_path / "runs.duckdb"
    code, _, err = invoke("run", "seed-2025", "--paths", str(PATHS), "--seed", str(SEED),
                          "--quiet", "--store", str(store))
    assert code == 0, err
    out = tmp_path / "r.html"
    code, stdout, err = invoke("report", "1", "-o", str(out), "--lang", "zh", "--store", str(store))
    assert code == 0, err
    assert f"wrote {out}" in stdout
    assert out.read_text("utf-8") == reports["zh"]


@pytest.mark.parametrize(("args", "fragment"), [
    (("1", "--paths", "5"), "run 1 keeps its own paths and seed; leave out --paths and --seed"),
    (("seed-2025", "--lang", "fr"), "--lang must be one of en, zh; got 'fr'"),
    (("seed-2052",), "did you mean seed-2025"),
])
def test_cli_report_errors_are_one_line(tmp_path: Path, args: tuple[str, ...],
                                        fragment: str) -> None:
    code, out, err = invoke("report", *args, "-o", str(tmp_path / "r.html"))
    assert code == 2
    assert "Traceback" not in out + err and len(err.strip().splitlines()) == 1, err
    assert fragment in err
    assert not (tmp_path / "r.html").exists()


def test_cli_png_without_chromium_fails_before_the_run(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(png.CHROMIUM_ENV, str(tmp_path / "no-chromium"))
    code, out, err = invoke("report", "seed-2025", "-o", str(tmp_path / "r.html"), "--png",
                            str(tmp_path / "png"))
    assert code == 2 and "Traceback" not in out + err
    assert err.strip() == f"error: {png.CHROMIUM_ENV}={tmp_path / 'no-chromium'} is not an executable file"
    assert not (tmp_path / "r.html").exists()


def test_deals_table_gives_an_investee_no_irr_and_shows_tied_gross_profit(result: Result) -> None:
    """OpenAI issued the shares of the letter of intent (and of CoreWeave's equity, CoreWeave):
    its IRR is n/m as its MOIC is, with a note; Nvidia's gross profit on the sales its deals
    tied is shown beside its cash metrics; the vendors' note names the $30B seed-2025 leaves
    out."""
    from chipcredit.report import deal_table, tables

    cat = i18n.catalogue("en")
    text = html.unescape(deal_table.deals_table(result, cat))
    rows = {tuple(re.sub(r"<[^>]+>", "", c) for c in r.split("</td>")[:3]):
            [re.sub(r"<[^>]+>", "", c) for c in r.split("</td>")[3:-1]]
            for r in re.findall(r"<tr>(.*?)</tr>", text)}
    investee = rows[("nvidia-openai-loi", cat.label("deal_kind", "milestone_equity"), "OpenAI")]
    assert investee[3:5] == ["n/m", "n/m"]  # IRR p50, MOIC p50
    borrower = rows[("xai-debt", cat.label("deal_kind", "loan"), "xAI")]
    assert borrower[3] != "n/m" and borrower[4] == "n/m"  # a borrower's rate is still shown
    assert "IRR n/m as well for an equity investee" in text
    tied = np.median(result.outcome("colossus2-spv", "nvidia", "tied_gross_profit"))
    assert f"gross profit on tied sales {cat.money(float(tied))}" in text
    vendors = html.unescape(tables.vendors_table(result, cat))
    assert (f"nvidia-openai-2026 (Nvidia to OpenAI, {cat.label('deal_kind', 'equity')}, "
            f"{cat.money(30.0)}, 2026-02-27)") in vendors
