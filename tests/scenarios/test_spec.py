"""Scenario specs (router.scenarios.spec): the YAML format, every class of issue with its file,
line, field path and message, all issues reported at once, a broken spec applying nothing,
the modifications applied in order to a copy of the bundled network, the demand edits'
stable draws, and the dataset checksum."""

from __future__ import annotations

import hashlib
import shutil
import textwrap
from pathlib import Path

import polars as pl
import pytest

from router.network import Network, edits, load_network
from router.network.model import AeoLevel, CustomsOp, Mode
from router.scenarios.spec import (
    BASELINE,
    KINDS,
    Scenario,
    ScenarioSpecError,
    SpecIssue,
    base_network_path,
    baseline_scenario,
    bundled_scenarios,
    check_scenario,
    dataset_checksum,
    load_scenario,
    parse_scenario,
    read_scenario,
    validate_scenario,
)
from router.scenarios.spec_customs import draws

DATA = Path(__file__).resolve().parents[2] / "data"
FILE = "spec.yaml"

HEAD = """\
name: test-scenario
title: A test scenario
description: for the tests
base: bundled
"""


def spec(body: str, head: str = HEAD) -> str:
    return head + textwrap.dedent(body)


def line_of(text: str, snippet: str, nth: int = 1) -> int:
    """The 1-based line of the ``nth`` line of ``text`` containing ``snippet``."""
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if snippet in line]
    return hits[nth - 1]


def issues_of(text: str, network: Network | None = None) -> list[SpecIssue]:
    """Every issue of ``text``: from reading, else from validating against ``network``."""
    try:
        scenario = parse_scenario(text, FILE)
    except ScenarioSpecError as exc:
        return list(exc.issues)
    if network is None:
        return []
    try:
        validate_scenario(scenario, network)
    except ScenarioSpecError as exc:
        return list(exc.issues)
    return []


def one_issue(text: str, network: Network | None = None) -> SpecIssue:
    found = issues_of(text, network)
    assert len(found) == 1, [str(i) for i in found]
    return found[0]


@pytest.fixture(scope="module")
def base() -> Network:
    return load_network(DATA)


@pytest.fixture(scope="module")
def pristine() -> Network:
    return load_network(DATA)


# ------------------------------------------------------------------------------ a valid spec
EVERY_KIND = """\
seed:
  section: "13"
  quote_zh: 逐步在全省范围扩大“大湾区组合港”试点
  quote_en: Gradually extend the Combined Port pilot
assumptions:
  - text: a barge every 12 h
    source: estimate:barge-schedule
select: [CN-ZQ-XINGANG, CP-TEST, BAX-DUI, SEA-CNYTN-NLRTM-NE2]
modifications:
  - kind: add_service
    service: CP-TEST
    mode: barge
    operator: PRD barge operator
    from: CN-ZQ-XINGANG
    to: CNSHK
    transit_h: 17.4
    regime: supervised
    cargo_classes: [general, reefer]
    schedule: {headway_h: 12, offset_h: 6, cutoff_h: 2}
    capacity_teu: 200
    tariffs:
      - {unit: 20, fixed: 300, per_km: 1.5, currency: CNY, source: estimate}
      - {unit: "40", fixed: 400, per_km: 2, currency: CNY}
      - {unit: 40HC, fixed: 420, per_km: 2, currency: CNY}
    both_directions: true
  - kind: enable_combined_port
    feeder: CN-ZQ-XINGANG
    hub: CNSHK
    dwell_combined_h: 10
  - kind: set_capacity
    service: CP-TEST
    factor: 1.5
  - kind: scale_frequency
    service: BAX-DUI
    factor: 2
  - kind: set_tariff
    link: SEA-CNYTN-NLRTM-NE2
    tariffs:
      - {unit: "20", fixed: 1500, per_km: 0, currency: USD}
  - kind: set_tariff
    service: NE3
    factor: 0.9
  - kind: scale_fees
    nodes: [CNYTN, CNSHK]
    fee: thc
    factor: 0.9
  - kind: set_customs
    node: CNMWN
    export_clearance_h: 2
    add_operations: [ecommerce]
    ecommerce_regimes: ["9610"]
  - kind: set_customs
    aeo_level: advanced
    clearance_time_factor: 0.5
  - kind: enable_direct_loading
    terminals: [CNMWN]
    eligible_share: 0.3
    dwell_direct_h: 2
  - kind: set_border_wait
    node: PL-MALASZEWICZE
    add_hours: 24
  - kind: set_trader_mix
    aeo_share: 0.5
    joint_declaration_share: 0.2
  - kind: reroute_sea
    via: suez
    services: [NE1, NE2]
  - kind: set_mixed_trade
    link: BRG-CN-ZQ-XINGANG-CNNSA-D
  - kind: close
    service: BAX-WAW
    from: 2026-09-01
  - kind: close
    node: CN-WENJINDU
    modes: [truck]
  - kind: reopen
    node: CN-HUANGGANG
    note: the new Huanggang port
    source: estimate
"""


def test_every_kind_parses_validates_and_applies(base: Network, pristine: Network) -> None:
    text = spec(EVERY_KIND)
    scenario = parse_scenario(text, FILE)
    kinds = {m.kind for m in scenario.modifications}
    assert kinds == set(KINDS)
    assert scenario.seed is not None and scenario.seed.section == "13"
    assert scenario.assumptions[0].source == "estimate:barge-schedule"
    assert scenario.select[1] == "CP-TEST"
    validate_scenario(scenario, base)
    result = scenario.apply(base)
    assert edits.network_errors(result) == []
    assert base == pristine  # the base is untouched
    assert result != base and result.name == "data+test-scenario"
    # each modification took effect, in order
    ids = edits.service_links(result, "CP-TEST")
    assert ids == ("BRG-CN-ZQ-XINGANG-CNSHK-CP-TEST", "BRG-CNSHK-CN-ZQ-XINGANG-CP-TEST")
    assert all(result.links[i].capacity_teu == 300 for i in ids)
    assert result.nodes["CN-ZQ-XINGANG"].combined_port_hub == "CNSHK"
    assert result.nodes["CNSHK"].dwell_combined_h == 10
    assert (
        result.links["SEA-CNYTN-NLRTM-NE2"].transit_h
        == base.links["SEA-CNYTN-NLRTM-NE2"].transit_h - 336
    )
    assert result.links["SEA-CNYTN-NLRTM-NE2"].tariffs["20"].fixed == 1500  # type: ignore[index]
    assert result.customs_profiles[AeoLevel.ADVANCED].clearance_time_factor == 0.5
    assert CustomsOp.DIRECT_LOADING in result.nodes["CNMWN"].operations
    assert result.links["BRG-CN-ZQ-XINGANG-CNNSA-D"].mixed_trade
    assert result.nodes["CN-WENJINDU"].closed_modes == {Mode.TRUCK}
    assert not result.nodes["CN-HUANGGANG"].closed_modes
    # the same spec read twice is the same scenario
    again = parse_scenario(text, "elsewhere.yaml")
    assert again == scenario and again.fingerprint == scenario.fingerprint
    changed = parse_scenario(text.replace("factor: 0.9", "factor: 0.8", 1), FILE)
    assert changed.fingerprint != scenario.fingerprint


def test_baseline_has_no_modifications(base: Network) -> None:
    assert BASELINE.name == baseline_scenario().name == "baseline"
    assert BASELINE.modifications == ()
    assert BASELINE.apply(base) is base
    frame = pl.DataFrame({"id": ["a"], "aeo_level": ["none"]})
    assert BASELINE.apply_demand(frame).equals(frame)


# ------------------------------------------------------------------------------ reading issues
def test_issue_text_names_file_line_field() -> None:
    issue = SpecIssue("data/scenarios/x.yaml", 14, "modifications[3].service", "unknown service")
    assert str(issue) == "data/scenarios/x.yaml:14: modifications[3].service: unknown service"


def test_yaml_syntax_error_has_its_line() -> None:
    text = spec("modifications:\n  - kind: close\n    node: [CNSHK\n")
    issue = one_issue(text)
    assert issue.message.startswith("not valid YAML")
    assert issue.line is not None and issue.line >= line_of(text, "node: [CNSHK")


def test_empty_and_non_mapping_files() -> None:
    assert one_issue("").message == "the file is empty"
    assert "must be a mapping" in one_issue("- a\n- b\n").message


def test_unknown_keys_kinds_and_fields_with_suggestions() -> None:
    text = spec(
        """\
        modifcations: []
        modifications:
          - kind: close_node
            node: CNSHK
          - kind: set_capacity
            service: BAX-DUI
            capacity: 100
        """
    )
    found = issues_of(text)
    by_field = {i.field: i for i in found}
    assert (
        by_field["modifcations"].message
        == "unknown field 'modifcations'; did you mean modifications?"
    )
    assert by_field["modifcations"].line == line_of(text, "modifcations")
    kind = by_field["modifications[0].kind"]
    assert kind.message.startswith("unknown kind 'close_node'; did you mean close?")
    assert kind.line == line_of(text, "kind: close_node")
    field = by_field["modifications[1].capacity"]
    assert field.message == "unknown field of set_capacity 'capacity'; did you mean capacity_kg?"
    assert field.line == line_of(text, "capacity: 100")
    # set_capacity also lacks its capacity: reported on the modification
    assert by_field["modifications[1]"].message == "needs capacity_teu, capacity_kg or factor"


def test_wrong_types() -> None:
    text = spec(
        """\
        select: CNSHK
        modifications:
          - kind: scale_frequency
            service: BAX-DUI
            factor: "2"
          - kind: set_mixed_trade
            link: BRG-X
            mixed_trade: maybe
          - kind: close
            node: CNSHK
            from: 2026-02-30
          - kind: close
            node: CNSHK
            modes: truck
          - kind: set_tariff
            link: X
            tariffs: {unit: "20"}
          - just text
        """
    )
    found = {i.field: i for i in issues_of(text)}
    assert found["select"].message == "must be a list, got the text 'CNSHK'"
    assert found["modifications[0].factor"].message == "must be a number, got the text '2'"
    assert (
        found["modifications[1].mixed_trade"].message
        == "must be true or false, got the text 'maybe'"
    )
    assert found["modifications[2].from"].message == "must be a date YYYY-MM-DD, got '2026-02-30'"
    assert found["modifications[3].modes"].message == "must be a list, got the text 'truck'"
    assert found["modifications[4].tariffs"].message == "must be a list, got a mapping"
    assert (
        found["modifications[5]"].message == "must be a mapping of fields, got the text 'just text'"
    )
    assert found["modifications[2].from"].line == line_of(text, "2026-02-30")


def test_missing_fields() -> None:
    text = """\
description: no name or title
modifications:
  - node: CNSHK
  - kind: enable_combined_port
    feeder: CN-ZQ-XINGANG
"""
    found = {i.field: i for i in issues_of(text)}
    assert found["name"].message == "is required" and found["name"].line == 1
    assert found["title"].message == "is required"
    assert found["modifications[0].kind"].message == "is required"
    assert found["modifications[0].kind"].line == line_of(text, "- node: CNSHK")
    assert found["modifications[1].hub"].message == "is required"
    assert found["modifications[1].hub"].line == line_of(text, "kind: enable_combined_port")


def test_out_of_range_numbers() -> None:
    text = spec(
        """\
        modifications:
          - kind: scale_frequency
            service: BAX-DUI
            factor: -1
          - kind: set_trader_mix
            aeo_share: 1.5
          - kind: set_customs
            aeo_level: advanced
            inspection_probability: 2
          - kind: add_service
            service: X
            mode: rail
            operator: o
            from: A
            to: B
            transit_h: 0
            regime: international
            cargo_classes: [general]
            schedule: {headway_h: 5}
            tariffs: [{unit: "20", fixed: -5, currency: CNY}]
        """
    )
    found = {i.field: i.message for i in issues_of(text)}
    assert found["modifications[0].factor"] == "must be > 0, got -1"
    assert found["modifications[1].aeo_share"] == "must be <= 1, got 1.5"
    assert found["modifications[2].inspection_probability"] == "must be <= 1, got 2"
    assert found["modifications[3].transit_h"] == "must be > 0, got 0"
    assert found["modifications[3].schedule.headway_h"].startswith("5 h must divide a week")
    assert found["modifications[3].tariffs[0].fixed"] == "must be >= 0, got -5"


def test_contradictory_fields() -> None:
    text = spec(
        """\
        modifications:
          - kind: close
            node: CNSHK
            link: SEA-CNYTN-NLRTM-NE2
          - kind: close
            service: NE2
            modes: [deepsea]
          - kind: set_capacity
            service: NE2
            capacity_teu: 100
            factor: 2
          - kind: set_customs
            node: CNSHK
            clearance_time_factor: 0.5
          - kind: set_border_wait
            node: PL-MALASZEWICZE
            hours: 10
            add_hours: 5
          - kind: close
            node: CNSHK
            from: 2026-03-01
            until: 2026-04-01
        """
    )
    found = {i.field: i.message for i in issues_of(text)}
    assert (
        found["modifications[0].link"]
        == "give exactly one of node | link | service, not node and link"
    )
    assert found["modifications[1].modes"].startswith("modes go with a node")
    assert found["modifications[2].factor"] == "give factor or capacity_teu, not both"
    assert found["modifications[3].clearance_time_factor"] == "goes with aeo_level, not with a node"
    assert (
        found["modifications[4].add_hours"]
        == "give exactly one of hours | add_hours, not hours and add_hours"
    )
    assert found["modifications[5].until"].startswith(
        "a closure with an end date cannot be modelled"
    )


def test_duplicates() -> None:
    text = spec(
        """\
        title: twice
        modifications:
          - kind: enable_direct_loading
            terminals: [CNMWN, CNMWN]
            eligible_share: 0.3
        """
    )
    found = {i.field: i for i in issues_of(text)}
    assert (
        found["title"].message == f"duplicate key (first given at line {line_of(text, 'title:')})"
    )
    assert found["title"].line == line_of(text, "title: twice")
    assert found["modifications[0].terminals[1]"].message == "'CNMWN' is listed twice"


def test_name_must_be_a_slug_and_the_file_stem(tmp_path: Path) -> None:
    assert "must be a slug" in one_issue(spec("", head="name: Not A Slug\ntitle: t\n")).message
    path = tmp_path / "other-name.yaml"
    path.write_text(spec("modifications: []\n"), encoding="utf-8")
    with pytest.raises(ScenarioSpecError) as caught:
        read_scenario(path)
    (issue,) = caught.value.issues
    assert issue.file == str(path) and issue.line == 1 and issue.field == "name"
    assert issue.message == "'test-scenario' must be the file's name without .yaml ('other-name')"


def test_abolished_aeo_level_is_explained() -> None:
    text = spec(
        """\
        modifications:
          - kind: set_customs
            aeo_level: general
            inspection_probability: 0.01
        """
    )
    assert "abolished by GAC Decree 251" in one_issue(text).message


# ------------------------------------------------------------------------------ validation issues
def test_unknown_names_against_the_network_with_suggestions(base: Network) -> None:
    text = spec(
        """\
        select: [CNSKH]
        modifications:
          - kind: set_tariff
            link: SEA-CNYTN-NLRTM-NE2
            factor: 1.1
          - kind: close
            node: CNYTM
          - kind: scale_frequency
            link: RAIL-SZ-PINGHU-RAIL-DEDUI-BAX-DUX
            factor: 2
          - kind: scale_frequency
            service: BAX-DUX
            factor: 2
          - kind: set_tariff
            service: NE2
            tariffs: [{unit: "20", fixed: 1, currency: USDD}]
          - kind: scale_fees
            node: CNSHK
            fee: port_due
            factor: 0.5
          - kind: set_customs
            node: CNMWN
            add_operations: [direct_load]
        """
    )
    found = {i.field: i for i in issues_of(text, base)}
    # reading issues come first: the unknown fee kind and customs operation
    assert found["modifications[5].fee"].message.startswith(
        "unknown fee 'port_due'; did you mean port_dues?"
    )
    assert found["modifications[6].add_operations[0]"].message.startswith(
        "unknown customs operation 'direct_load'; did you mean direct_loading?"
    )
    without = text.replace("fee: port_due", "fee: port_dues").replace(
        "[direct_load]", "[direct_loading]"
    )
    found = {i.field: i for i in issues_of(without, base)}
    service = found["modifications[3].service"]
    assert str(service) == (
        f"{FILE}:{line_of(without, 'service: BAX-DUX')}: modifications[3].service: "
        "unknown service 'BAX-DUX'; did you mean BAX-DUI?"
    )
    assert found["modifications[1].node"].message == "unknown node 'CNYTM'; did you mean CNYTN?"
    assert found["modifications[2].link"].message.startswith(
        "unknown link 'RAIL-SZ-PINGHU-RAIL-DEDUI-BAX-DUX'; did you mean RAIL-SZ-PINGHU-RAIL-DEDUI-BAX-DUI?"
    )
    currency = found["modifications[4].tariffs[0].currency"]
    assert currency.message.startswith("unknown currency 'USDD'; did you mean USD?")
    assert currency.line == line_of(without, "USDD")
    assert (
        found["select[0]"].message == "unknown node, link or service 'CNSKH'; did you mean CNSHK?"
    )
    assert found["select[0]"].line == line_of(without, "select:")
    assert len(found) == 6  # scale_fees CNSHK port_dues is valid


def test_every_issue_is_reported_at_once(base: Network) -> None:
    text = spec(
        """\
        modifications:
          - kind: close
            node: NOWHERE
          - kind: set_border_wait
            node: CNSHK
            hours: 2
          - kind: enable_combined_port
            feeder: CN-ZQ-XINGANG
            hub: CNSHK
          - kind: scale_frequency
            service: NE2
            factor: 1.1
          - kind: set_capacity
            link: TRK-CN-SZ-CITY-CN-WENJINDU-D
            factor: 2
          - kind: scale_fees
            node: CN-ZQ-XINGANG
            fee: port_dues
            factor: 0.5
        """
    )
    found = issues_of(text, base)
    assert [i.field for i in found] == [
        "modifications[0].node",
        "modifications[1].node",
        "modifications[2].feeder",
        "modifications[3].factor",
        "modifications[4].factor",
        "modifications[5].node",
    ]
    messages = [i.message for i in found]
    assert messages[0].startswith("unknown node 'NOWHERE'")
    assert messages[1].startswith("no service passes CNSHK in transit (via)")
    assert messages[2].startswith("no barge or feeder link from CN-ZQ-XINGANG to CNSHK")
    assert messages[3].startswith("factor 1.1 changes no departure")
    assert messages[4] == "no capacity to scale on TRK-CN-SZ-CITY-CN-WENJINDU-D"
    assert messages[5].startswith("CN-ZQ-XINGANG has no 'port_dues' fee")
    assert [i.line for i in found] == [
        line_of(text, "node: NOWHERE"),
        line_of(text, "node: CNSHK"),
        line_of(text, "feeder: CN-ZQ-XINGANG"),
        line_of(text, "factor: 1.1"),
        line_of(text, "factor: 2"),
        line_of(text, "node: CN-ZQ-XINGANG"),
    ]


def test_a_broken_spec_applies_nothing(base: Network, pristine: Network) -> None:
    text = spec(
        """\
        modifications:
          - kind: scale_fees
            node: CNSHK
            factor: 0
          - kind: close
            service: NOT-A-SERVICE
        """
    )
    scenario = parse_scenario(text, FILE)
    with pytest.raises(ScenarioSpecError) as caught:
        scenario.apply(base)
    assert [i.field for i in caught.value.issues] == ["modifications[1].service"]
    assert base == pristine and base.fees == pristine.fees
    assert "modifications[1].service: unknown service 'NOT-A-SERVICE'" in str(caught.value)


# ------------------------------------------------------------------------------ one report
def checked(text: str, network: Network) -> list[SpecIssue]:
    """Every issue of ``text`` from :func:`check_scenario` (reading and resolving at once)."""
    with pytest.raises(ScenarioSpecError) as caught:
        check_scenario(text, network, file=FILE)
    return list(caught.value.issues)


EVERY_STAGE = """\
modifications:
  - kind: set_border_wait
    node: PL-MALASZEWICZE
    add_hours: 12
    colour: red
  - kind: scale_frequency
    service: BAX-DUI
    factor: "2"
  - kind: set_tariff
    service: BAX-DUX
    factor: 1.1
  - kind: close
    node: CNYTM
    modes: [truck]
  - kind: scale_fees
    node: CNSHK
    fee: thc
    factor: 0.9
"""


def test_field_problems_and_unknown_names_are_reported_together(
    base: Network, pristine: Network
) -> None:
    # (a) an unknown key, (b) a wrong type, (c) an unknown service, (d) an unknown node: the
    # first two are found reading, the last two resolving; one call reports all four
    text = spec(EVERY_STAGE)
    found = checked(text, base)
    assert [(i.file, i.line, i.field, i.message) for i in found] == [
        (
            FILE,
            line_of(text, "colour: red"),
            "modifications[0].colour",
            "unknown field of set_border_wait 'colour'",
        ),
        (
            FILE,
            line_of(text, 'factor: "2"'),
            "modifications[1].factor",
            "must be a number, got the text '2'",
        ),
        (
            FILE,
            line_of(text, "service: BAX-DUX"),
            "modifications[2].service",
            "unknown service 'BAX-DUX'; did you mean BAX-DUI?",
        ),
        (
            FILE,
            line_of(text, "node: CNYTM"),
            "modifications[3].node",
            "unknown node 'CNYTM'; did you mean CNYTN?",
        ),
    ]
    assert base == pristine and base.fees == pristine.fees  # nothing applied
    # the staged API is unchanged: reading stops at the reading issues
    with pytest.raises(ScenarioSpecError) as caught:
        parse_scenario(text, FILE)
    assert [i.field for i in caught.value.issues] == [
        "modifications[0].colour",
        "modifications[1].factor",
    ]
    # fixed, it reads and resolves: the valid modifications were checked all along
    fixed = (
        text.replace("    colour: red\n", "")
        .replace('factor: "2"', "factor: 2")
        .replace("BAX-DUX", "BAX-DUI")
        .replace("CNYTM", "CNYTN")
    )
    scenario = check_scenario(fixed, base, file=FILE)
    assert len(scenario.modifications) == 5 and scenario.path is None
    assert scenario == parse_scenario(fixed, FILE)


def test_top_level_problems_do_not_stop_the_names_being_checked(base: Network) -> None:
    text = """\
title: [not, a, text]
modifications:
  - kind: close
    node: CNYTM
"""
    found = {i.field: i for i in checked(text, base)}
    assert set(found) == {"name", "title", "modifications[0].node"}
    assert found["modifications[0].node"].line == line_of(text, "node: CNYTM")
    # nothing to resolve when the text is no YAML mapping
    assert [i.message for i in checked("- a\n", base)] == [
        "must be a mapping of fields, got a list"
    ]


def test_a_modification_that_cannot_be_read_blames_none_after_it(base: Network) -> None:
    # the add_service has a wrong type: what names it adds is unknown to no one, so the
    # modifications and the select entry that name its service and link say nothing; the
    # reopen of a node whose closure could not be read says nothing either
    text = spec(
        """\
        select: [BRG-TEST]
        modifications:
          - kind: add_service
            service: BRG-TEST
            mode: barge
            operator: o
            from: CN-ZQ-XINGANG
            to: CNSHK
            transit_h: seventeen
            regime: supervised
            cargo_classes: [general]
            schedule: {any: true}
            tariffs:
              - {unit: "20", fixed: 1, currency: CNY}
              - {unit: "40", fixed: 1, currency: CNY}
              - {unit: 40HC, fixed: 1, currency: CNY}
          - kind: set_capacity
            service: BRG-TEST
            capacity_teu: 50
          - kind: scale_frequency
            link: BRG-CN-ZQ-XINGANG-CNSHK-BRG-TEST
            factor: 2
          - kind: enable_combined_port
            feeder: CN-ZQ-XINGANG
            hub: CNSHK
          - kind: close
            node: CNMWN
            until: 2026-04-01
          - kind: reopen
            node: CNMWN
          - kind: set_tariff
            service: BAX-DUX
            factor: 1.1
        """
    )
    found = checked(text, base)
    assert [(i.field, i.line) for i in found] == [
        ("modifications[0].transit_h", line_of(text, "transit_h: seventeen")),
        ("modifications[4].until", line_of(text, "until: 2026-04-01")),
        ("modifications[6].service", line_of(text, "service: BAX-DUX")),
    ]
    # an unknown kind adds nothing it might be blamed for: the names after it are checked
    unknown_kind = spec(
        """\
        modifications:
          - kind: scale_frequncy
            service: BAX-DUI
            factor: 2
          - kind: scale_frequency
            service: BAX-DUX
            factor: 2
        """
    )
    assert [i.field for i in checked(unknown_kind, base)] == [
        "modifications[0].kind",
        "modifications[1].service",
    ]


def test_check_and_load_a_file_report_every_stage(tmp_path: Path, base: Network) -> None:
    path = tmp_path / "test-scenario.yaml"
    path.write_text(spec(EVERY_STAGE), encoding="utf-8")
    with pytest.raises(ScenarioSpecError) as caught:
        load_scenario(path, base)
    assert len(caught.value.issues) == 4
    assert {i.file for i in caught.value.issues} == {str(path)}
    good = tmp_path / "good-one.yaml"
    good.write_text(spec("", head=HEAD.replace("test-scenario", "good-one")), encoding="utf-8")
    assert check_scenario(good, base).path == good
    missing = tmp_path / "missing.yaml"
    with pytest.raises(ScenarioSpecError, match="cannot read the file"):
        check_scenario(missing, base)


def test_later_modifications_see_earlier_ones(base: Network) -> None:
    # capacity of a service added two steps before, frequency of a link added before
    text = spec(
        """\
        modifications:
          - kind: add_service
            service: TIR-TEST
            mode: tir
            operator: TIR carrier
            from: CN-FS-SDXG
            to: CN-SZ-CITY
            transit_h: 3
            regime: domestic
            cargo_classes: [general]
            schedule: {weekly: [{weekday: Mon, time: "08:00"}, {weekday: Thu, time: 14:30}]}
            tariffs:
              - {unit: "20", fixed: 1000, currency: CNY}
              - {unit: "40", fixed: 1500, currency: CNY}
              - {unit: 40HC, fixed: 1500, currency: CNY}
          - kind: set_tariff
            service: TIR-TEST
            factor: 2
          - kind: scale_frequency
            link: TIR-CN-FS-SDXG-CN-SZ-CITY-TIR-TEST
            factor: 2
        """
    )
    result = parse_scenario(text, FILE).apply(base)
    link = result.links["TIR-CN-FS-SDXG-CN-SZ-CITY-TIR-TEST"]
    departures = [(d.weekday, d.minute) for d in link.schedule.weekly]
    assert len(departures) == 4 and {(0, 480), (3, 870)} <= set(departures)  # 14:30 read as a time
    assert link.tariffs["20"].fixed == 2000  # type: ignore[index]
    # the other order: the service does not exist yet
    reordered = spec(
        """\
        modifications:
          - kind: set_tariff
            service: TIR-TEST
            factor: 2
        """
    )
    assert one_issue(reordered, base).message.startswith("unknown service 'TIR-TEST'")


def test_issues_caused_by_a_failed_modification_are_not_repeated(base: Network) -> None:
    text = spec(
        """\
        modifications:
          - kind: add_service
            service: BRG-TEST
            mode: barge
            operator: o
            from: CN-ZQ-XINGANG
            to: CNSHKK
            transit_h: 17
            regime: supervised
            cargo_classes: [general]
            schedule: {any: true}
            tariffs:
              - {unit: "20", fixed: 1, currency: CNY}
              - {unit: "40", fixed: 1, currency: CNY}
              - {unit: 40HC, fixed: 1, currency: CNY}
          - kind: set_capacity
            service: BRG-TEST
            capacity_teu: 50
        """
    )
    issue = one_issue(text, base)
    assert issue.field == "modifications[0].to"
    assert issue.message == "unknown node 'CNSHKK'; did you mean CNSHK?"


def test_a_network_check_failing_is_pinned_on_the_modification(base: Network) -> None:
    # an international barge from a node without 'exit' fails the dataset's regime check
    text = spec(
        """\
        modifications:
          - kind: add_service
            service: BRG-TEST
            mode: barge
            operator: o
            from: CN-FS-SDBJ
            to: HKHKG
            transit_h: 10
            regime: international
            cargo_classes: [general]
            schedule: {any: true}
            tariffs:
              - {unit: "20", fixed: 1, currency: CNY}
              - {unit: "40", fixed: 1, currency: CNY}
              - {unit: 40HC, fixed: 1, currency: CNY}
        """
    )
    issue = one_issue(text, base)
    assert issue.field == "modifications[0].from"
    assert issue.message == (
        "would make the network invalid: link BRG-CN-FS-SDBJ-HKHKG-BRG-TEST: international link "
        "starts at 'CN-FS-SDBJ', which offers no 'exit'"
    )


def test_order_hint_for_the_combined_port_barge(base: Network) -> None:
    text = spec(
        """\
        modifications:
          - kind: enable_combined_port
            feeder: CN-ZQ-XINGANG
            hub: CNSHK
          - kind: add_service
            service: CP-TEST
            mode: barge
            operator: o
            from: CN-ZQ-XINGANG
            to: CNSHK
            transit_h: 17
            regime: supervised
            cargo_classes: [general]
            schedule: {headway_h: 12}
            tariffs:
              - {unit: "20", fixed: 1, currency: CNY}
              - {unit: "40", fixed: 1, currency: CNY}
              - {unit: 40HC, fixed: 1, currency: CNY}
        """
    )
    issue = one_issue(text, base)
    assert issue.message.endswith(
        "(modifications[1] adds one but comes after this modification: modifications apply in "
        "order, so put it first)"
    )


def test_add_service_checks(base: Network) -> None:
    text = spec(
        """\
        modifications:
          - kind: add_service
            service: NE2
            mode: air
            operator: o
            from: CNSZX
            to: HKHKG-AIR
            transit_h: 1
            regime: international
            cargo_classes: [general]
            schedule: {any: true}
            capacity_teu: 5
            tariffs:
              - {unit: "20", fixed: 1, currency: CNY}
        """
    )
    found = {i.field: i.message for i in issues_of(text, base)}
    assert found["modifications[0].service"].startswith("service 'NE2' already exists")
    assert found["modifications[0].tariffs"] == "a air service needs tariff lines for kg"
    assert (
        found["modifications[0].capacity_teu"] == "air services give capacity_kg, not capacity_teu"
    )


def test_reroute_sea_checks(base: Network) -> None:
    text = spec(
        """\
        modifications:
          - kind: reroute_sea
            via: panama
          - kind: reroute_sea
            via: suez
            services:
              - TP1
              - NE9
          - kind: reroute_sea
            via: cape
        """
    )
    found = {i.field: i.message for i in issues_of(text)}
    assert found["modifications[0].via"].startswith("unknown sea route 'panama'")
    fixed = text.replace("via: panama", "via: suez")
    lines = {i.field: i.line for i in issues_of(fixed, base)}
    assert lines["modifications[1].services[1]"] == line_of(fixed, "- NE9")  # the item's line
    found = {i.field: i.message for i in issues_of(fixed, base)}
    assert found["modifications[1].services[0]"].startswith(
        "service TP1 does not sail between Asia and Europe by the Cape or Suez"
    )
    assert found["modifications[1].services[1]"].startswith(
        "unknown service 'NE9'; did you mean NE"
    )
    # the first reroute sent every loop via Suez; the last one brings them back
    assert "modifications[2].via" not in found
    assert len(found) == 2


# ------------------------------------------------------------------------------ demand
def demand_table(n: int = 20_000) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": [f"S{i:06d}" for i in range(n)],
            "aeo_level": ["advanced" if i % 5 == 0 else "none" for i in range(n)],
            "direct_eligible": [i % 10 == 0 for i in range(n)],
            "joint_declaration_eligible": [False] * n,
            "inspect_first_pilot": [i % 2 == 0 for i in range(n)],
        }
    )


DEMAND_SPEC = """\
modifications:
  - kind: set_trader_mix
    aeo_share: 0.4
    joint_declaration_share: 0.25
    inspect_first_share: 0.1
  - kind: enable_direct_loading
    terminals: [CNMWN]
    eligible_share: 0.8
"""


def test_trader_mix_and_direct_loading_shares() -> None:
    frame = demand_table()
    scenario = parse_scenario(spec(DEMAND_SPEC), FILE)
    out = scenario.apply_demand(frame)
    assert out.columns == frame.columns and out.schema == frame.schema
    advanced = out["aeo_level"] == "advanced"
    assert advanced.mean() == pytest.approx(0.4, abs=0.01)
    assert out["joint_declaration_eligible"].mean() == pytest.approx(0.25, abs=0.01)
    assert out["inspect_first_pilot"].mean() == pytest.approx(0.1, abs=0.01)
    # the fewest changes: who was AEO stays AEO; the pilot only loses members
    was = frame["aeo_level"] == "advanced"
    assert not (was & ~advanced).any()
    assert not (~frame["inspect_first_pilot"] & out["inspect_first_pilot"]).any()
    # direct loading: 80 % of the AEO shipments eligible; eligible ones stay eligible
    eligible = out["direct_eligible"]
    assert eligible.filter(advanced).mean() == pytest.approx(0.8, abs=0.02)
    assert not (frame["direct_eligible"] & ~eligible).any()
    assert not (eligible & ~advanced & ~frame["direct_eligible"]).any()
    assert frame.equals(demand_table())  # the input is untouched


def test_demand_draws_are_stable() -> None:
    frame = demand_table(5_000)
    scenario = parse_scenario(spec(DEMAND_SPEC), FILE)
    first = scenario.apply_demand(frame)
    assert first.equals(scenario.apply_demand(frame))
    # the same per shipment whatever the row order
    shuffled = scenario.apply_demand(frame.sample(fraction=1.0, shuffle=True, seed=7))
    assert shuffled.sort("id").equals(first.sort("id"))
    # another scenario name draws differently
    other = parse_scenario(spec(DEMAND_SPEC, HEAD.replace("test-scenario", "other")), FILE)
    assert not other.apply_demand(frame).equals(first)
    # sha256, not Python's salted hash: a fixed value
    digest = hashlib.sha256(b"x\x1fS1").digest()
    assert draws("x", ["S1"]).to_list() == [int.from_bytes(digest[:8], "big") / 2**64]


def test_demand_without_the_columns_is_refused() -> None:
    scenario = parse_scenario(spec(DEMAND_SPEC), FILE)
    with pytest.raises(Exception, match="no column"):
        scenario.apply_demand(pl.DataFrame({"id": ["a"]}))


# ------------------------------------------------------------------------------ files
def test_read_and_load_a_file(tmp_path: Path, base: Network) -> None:
    path = tmp_path / "test-scenario.yaml"
    path.write_text(spec(EVERY_KIND), encoding="utf-8")
    scenario = load_scenario(path, base)
    assert scenario.path == path and scenario.file == str(path)
    assert base_network_path(scenario, DATA) == DATA
    local = parse_scenario(spec("", head=HEAD.replace("base: bundled", "base: ../mydata")), FILE)
    local = Scenario(**{**local.__dict__, "path": path})
    assert base_network_path(local, DATA) == tmp_path / "../mydata"
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: broken\ntitle: [x\n", encoding="utf-8")
    with pytest.raises(ScenarioSpecError) as caught:
        read_scenario(broken)
    assert caught.value.issues[0].file == str(broken)


def test_bundled_scenarios_by_name() -> None:
    found = bundled_scenarios(DATA)
    assert all(path.suffix == ".yaml" and path.stem == name for name, path in found.items())
    assert list(found) == sorted(found)
    assert bundled_scenarios(DATA / "no-such-folder") == {}


def test_checksum_follows_the_dataset_files(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy, ignore=shutil.ignore_patterns("scenarios", "demand", "samples"))
    first = dataset_checksum(copy)
    assert first == dataset_checksum(DATA)
    assert len(first) == 64
    (copy / "README.md").write_text("changed", encoding="utf-8")  # not read by load_network
    assert dataset_checksum(copy) == first
    with (copy / "fx.csv").open("a", encoding="utf-8") as handle:
        handle.write("\n")
    assert dataset_checksum(copy) != first
