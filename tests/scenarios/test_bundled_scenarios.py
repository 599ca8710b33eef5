"""The bundled scenario files (``data/scenarios/*.yaml``, issue 14).

Every file parses and validates against the bundled network with ``router.scenarios.spec``; at
least 12 of them model a measure of the seed document (``data/scenarios/seed-sz2023.txt``, a copy
of the Shenzhen 2023 cross-border trade facilitation measures) and quote its sentence verbatim,
from the numbered measure they name; every assumption names its source; every scenario changes
the network it is applied to; and ``data/scenarios/README.md`` lists every file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from router.network import Network, load_network
from router.scenarios.spec import (
    Scenario,
    bundled_scenarios,
    read_scenario,
    validate_scenario,
)

DATA = Path(__file__).resolve().parents[2] / "data"
SCENARIOS = DATA / "scenarios"
SEED = SCENARIOS / "seed-sz2023.txt"
FILES = sorted(SCENARIOS.glob("*.yaml"))
#: seed measures the issue asks a bundled scenario for (§7–8 and §14–15 are one measure each)
SEED_SECTIONS = {"1", "4", "5", "7-8", "9", "10", "11", "12", "13", "14-15", "16"}


def _squash(text: str) -> str:
    """Text with all whitespace removed (the seed wraps lines; YAML folds them)."""
    return re.sub(r"\s+", "", text)


def _measures(seed_text: str) -> dict[str, str]:
    """The seed's numbered measures by number: the text from ``N.`` at a line start to the next."""
    starts = list(re.finditer(r"^(\d+)\.", seed_text, flags=re.MULTILINE))
    out: dict[str, str] = {}
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(seed_text)
        out[m.group(1)] = seed_text[m.start() : end]
    return out


def _raw(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name}: not a mapping"
    return data


@pytest.fixture(scope="module")
def network() -> Network:
    return load_network(DATA)


@pytest.fixture(scope="module")
def scenarios() -> dict[str, Scenario]:
    return {path.stem: read_scenario(path) for path in FILES}


def test_bundled_scenarios_finds_every_file() -> None:
    found = bundled_scenarios(DATA)
    assert {name: Path(p).resolve() for name, p in found.items()} == {
        path.stem: path.resolve() for path in FILES
    }
    assert len(FILES) >= 15


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_file_parses_and_validates(path: Path, network: Network) -> None:
    scenario = read_scenario(path)
    assert scenario.name == path.stem
    assert scenario.modifications, f"{path.name}: no modifications"
    validate_scenario(scenario, network)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_assumption_has_a_source(path: Path) -> None:
    raw = _raw(path)
    assumptions = raw.get("assumptions") or []
    assert assumptions, f"{path.name}: no assumptions"
    for i, item in enumerate(assumptions):
        assert isinstance(item, Mapping), f"{path.name}: assumptions[{i}] is not a mapping"
        assert str(item.get("text") or "").strip(), f"{path.name}: assumptions[{i}] has no text"
        assert str(item.get("source") or "").strip(), f"{path.name}: assumptions[{i}] has no source"


def test_seed_measures_are_quoted_verbatim() -> None:
    seed_text = SEED.read_text(encoding="utf-8")
    measures = {num: _squash(text) for num, text in _measures(seed_text).items()}
    covered: set[str] = set()
    seed_files = 0
    for path in FILES:
        seed = _raw(path).get("seed")
        if not seed:
            continue
        section = str(seed.get("section") or "")
        quote = _squash(str(seed.get("quote_zh") or ""))
        assert section, f"{path.name}: seed without a section"
        assert quote, f"{path.name}: seed without quote_zh"
        assert str(seed.get("quote_en") or "").strip(), f"{path.name}: seed without quote_en"
        numbers = section.split("-")
        assert all(n in measures for n in numbers), f"{path.name}: no seed measure {section}"
        assert any(quote in measures[n] for n in numbers), (
            f"{path.name}: quote_zh is not found verbatim in seed measure {section}"
        )
        seed_files += 1
        covered.add(section)
    assert seed_files >= 12
    assert covered >= SEED_SECTIONS, f"no scenario for seed measures {SEED_SECTIONS - covered}"


def test_every_scenario_changes_the_network(
    network: Network, scenarios: Mapping[str, Scenario]
) -> None:
    unchanged = [name for name, s in scenarios.items() if s.apply(network) == network]
    assert not unchanged, f"scenarios whose apply() leaves the network as it was: {unchanged}"


def test_apply_leaves_the_base_untouched(scenarios: Mapping[str, Scenario]) -> None:
    base = load_network(DATA)
    reference = load_network(DATA)
    for scenario in scenarios.values():
        scenario.apply(base)
    assert base == reference


def test_readme_lists_every_file() -> None:
    readme = (SCENARIOS / "README.md").read_text(encoding="utf-8")
    missing = [path.name for path in FILES if f"`{path.name}`" not in readme]
    assert not missing, f"data/scenarios/README.md does not list {missing}"
