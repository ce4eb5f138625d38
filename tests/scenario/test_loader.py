"""Loading scenarios: sources, safe YAML, limits, error objects and the JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from chipcredit.errors import ChipcreditError, Problem, ScenarioError
from chipcredit.scenario import Scenario, bundled_names, load_scenario, scenario_json_schema
from chipcredit.scenario.loader import parse_scenario_text
from chipcredit.scenario.yamlnodes import MAX_DEPTH, read_yaml


def test_base_loads(base_text: str, tmp_path: Path) -> None:
    path = tmp_path / "base.yaml"
    path.write_text(base_text, encoding="utf-8")
    sc = load_scenario(path)
    assert isinstance(sc, Scenario)
    assert sc.name == "test-base"
    assert [p.kind for p in sc.parties] == ["vendor", "lab", "investor", "lender"]
    assert [d.kind for d in sc.deals] == ["loan", "spv_lease", "equity"]
    assert sc.parties[1].revenue.growth.start.value == 3.0
    assert sc.source_file == str(path)
    assert sc.source_text == base_text


def test_path_given_as_text(base_text: str, tmp_path: Path) -> None:
    path = tmp_path / "base.yaml"
    path.write_text(base_text, encoding="utf-8")
    assert load_scenario(str(path)).source_file == str(path)


def test_parse_text_and_bytes(base_text: str) -> None:
    from_text = parse_scenario_text(base_text, "upload.yaml")
    from_bytes = parse_scenario_text(base_text.encode("utf-8"), "upload.yaml")
    assert from_text == from_bytes  # same fields, same source text and file
    assert from_text.source_file == "upload.yaml"
    assert parse_scenario_text(base_text).source_file == "<scenario>"


def test_bom_file_loads(base_text: str, tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + base_text.encode("utf-8"))
    sc = load_scenario(path)
    assert sc.name == "test-base"
    assert sc.source_text == base_text  # the BOM is dropped
    assert parse_scenario_text("\ufeff" + base_text).name == "test-base"


def test_dict_and_scenario_sources(base_text: str) -> None:
    data = yaml.safe_load(base_text)
    sc = load_scenario(data)
    assert sc.source_file == "<scenario>"
    assert sc.model_dump() == parse_scenario_text(base_text).model_dump()
    assert load_scenario(sc) is sc


def test_scenario_object_is_rechecked(base_text: str) -> None:
    data = yaml.safe_load(base_text)
    data["deals"][0]["borrower"] = "xia"
    sc = Scenario.model_validate(data)  # fields pass; the reference does not
    with pytest.raises(ScenarioError) as err:
        load_scenario(sc)
    assert str(err.value) == (
        "<scenario>: deals[0].borrower names no party in the scenario; got 'xia' "
        "(did you mean xai?)"
    )


@pytest.mark.parametrize("name", bundled_names())
def test_bundled_scenarios_load_by_name(name: str) -> None:
    sc = load_scenario(name)
    assert sc.source_file == f"{name}.yaml"
    assert sc.source_text


def test_scenario_error_attributes(base_text: str) -> None:
    with pytest.raises(ScenarioError) as err:
        parse_scenario_text(base_text.replace("amount: 12.5, rate: 0.11", "amount: 12.5, rate: 11"),
                            "s.yaml")
    e = err.value
    assert isinstance(e, ValueError)
    assert isinstance(e, ChipcreditError)
    assert (e.file, e.line, e.column) == ("s.yaml", 49, 48)
    assert e.path == "deals[1].debt.rate"
    assert e.rule == "must be between 0 and 1"
    assert e.value == 11
    assert e.suggestion == "0.11"
    assert len(e.problems) == 1 and isinstance(e.problems[0], Problem)


def test_missing_field_has_no_value(base_text: str) -> None:
    with pytest.raises(ScenarioError) as err:
        parse_scenario_text(base_text.replace("    gross_margin: 0.75\n", ""))
    assert err.value.value is Problem.NO_VALUE
    assert err.value.rule == "is required"


def test_every_problem_reported_sorted_by_line(base_text: str) -> None:
    text = (base_text.replace("    amount: 6\n", "    amount: -6\n")
            .replace("horizon_quarters: 40", "horizon_quarters: 0")
            .replace("    revenue:\n", "    revenu:\n"))
    with pytest.raises(ScenarioError) as err:
        parse_scenario_text(text, "s.yaml")
    assert str(err.value).splitlines() == [
        "s.yaml:4:19: horizon_quarters must be at least 1; got 0",
        "s.yaml:20:5: parties[1].revenu is not a known field (did you mean revenue?)",
        "s.yaml:55:13: deals[2].amount must be at least 0; got -6",
        "(checks across fields, such as references, sums and dates, run once these are fixed)",
    ]
    assert [p.line for p in err.value.problems] == [4, 20, 55]


def test_no_pydantic_or_yaml_exception_rides_along(base_text: str) -> None:
    for text in (base_text.replace("horizon_quarters: 40", "horizon_quarters: x"),
                 base_text.replace("name: test-base", "name: [x")):
        with pytest.raises(ScenarioError) as err:
            parse_scenario_text(text)
        assert err.value.__cause__ is None
        assert err.value.__context__ is None or err.value.__suppress_context__


def test_python_tag_never_constructs(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = f"name: !!python/object/apply:os.system ['touch {marker}']\n"
    with pytest.raises(ScenarioError, match=r"uses the YAML tag !!python/object/apply:os\.system"):
        parse_scenario_text(text)
    assert not marker.exists()


def test_alias_bomb_is_refused() -> None:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    with pytest.raises(ScenarioError) as err:
        parse_scenario_text("\n".join(lines) + "\n", "bomb.yaml")
    assert str(err.value) == (
        "bomb.yaml:6:5: the aliases here expand to more than 100,000 values, the limit"
    )


def test_deep_nesting_is_refused() -> None:
    text = "name: " + "[" * (MAX_DEPTH + 50) + "]" * (MAX_DEPTH + 50) + "\n"
    with pytest.raises(ScenarioError) as err:
        parse_scenario_text(text, "deep.yaml")
    assert str(err.value) == (
        "deep.yaml:1:206: the document nests maps and lists more than 200 levels deep, the limit"
    )


def test_deep_nesting_through_aliases_is_refused() -> None:
    text = "a: &a " + "[" * 150 + "]" * 150 + "\nb: " + "[" * 60 + "*a" + "]" * 60 + "\n"
    with pytest.raises(ScenarioError, match="more than 200 levels deep"):
        parse_scenario_text(text)


def test_anchors_aliases_and_merge_keys(base_text: str) -> None:
    text = base_text.replace(
        "    lease: {term_years: 5, rate: 0.16}",
        "    lease: {<<: {term_years: 5, rate: 0.2}, rate: 0.16}",
    ).replace(
        "    term_years: 5\n", "    term_years: &t 5\n"
    ).replace(
        "    debt: {lender: apollo, amount: 12.5, rate: 0.11, term_years: 5}",
        "    debt: {lender: apollo, amount: 12.5, rate: 0.11, term_years: *t}",
    )
    sc = parse_scenario_text(text)
    lease = sc.deals[1].lease
    assert (lease.term_years.value, lease.rate.value) == (5.0, 0.16)
    assert sc.deals[1].debt.term_years.value == 5.0


def test_yaml_data_is_plain() -> None:
    text = "no: 1\non: yes\nwhen: 2025-10-01\nid: !!str 123\nx: ~\nf: 1.5\ne: [1e3, -5E-2, '1e3']\n"
    located = read_yaml(text, "t.yaml")
    assert located is not None
    assert located.data == {"no": 1, "on": True, "when": "2025-10-01", "id": "123",
                            "x": None, "f": 1.5, "e": [1000.0, -0.05, "1e3"]}
    assert located.values[("f",)] == (6, 4)
    assert located.keys[("f",)] == (6, 1)


def test_positions_of_nested_nodes() -> None:
    located = read_yaml("deals:\n  - id: a\n    debt: {rate: 11}\n", "t.yaml")
    assert located is not None
    assert located.values[("deals", 0, "debt", "rate")] == (3, 18)
    assert located.values[("deals", 0)] == (2, 5)


def test_json_schema() -> None:
    schema = scenario_json_schema()
    text = json.dumps(schema)
    assert json.loads(text) == schema
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["title"] == "chipcredit scenario"
    assert {"parties", "deals", "market", "start"} <= set(schema["properties"])
    assert set(schema["$defs"]["GrowthPath"]["properties"]) == {"from", "to", "half_life_years"}
    number = schema["$defs"]["Number"]
    assert {"type": "number"} in number["anyOf"]  # ``0.5`` is a number too
