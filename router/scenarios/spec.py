"""Scenario specifications (DESIGN.md §7, docs/scenario-spec.md): a YAML file naming a base
network and an ordered list of typed modifications.

* :func:`read_scenario` / :func:`parse_scenario` check the YAML and every field's type and
  range; :func:`validate_scenario` resolves every name against the base network, each
  modification against the network as modified by the ones before it. Each reports **every**
  issue at once (file, line, field path, message) in a :class:`ScenarioSpecError`.
* :func:`check_scenario` does both in one call and reports the issues of both stages together:
  the modifications that read without issues are resolved against the network even when others
  (or the top-level fields) have issues, so a wrong type in one modification does not hide an
  unknown service in another. A modification that could not be read is not resolved; the ones
  after it that name what it would have added, or that have issues and name something it would
  have changed, are not reported (their issues may only be its absence).
* :meth:`Scenario.apply` validates all modifications before it returns anything, so a broken
  spec applies nothing; the base network is never changed (every edit returns a new network).
* :meth:`Scenario.apply_demand` makes the demand-side modifications (trader mix, direct-loading
  eligibility) with stable draws (:mod:`router.scenarios.spec_customs`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl
import yaml

from router.errors import InvalidRecordsError, Problem
from router.network import edits
from router.network.load import GEOMETRY_FILE, NODES_FILE, REQUIRED_COLUMNS
from router.network.model import Network
from router.scenarios.modifications import (
    COMMON_FIELDS,
    Close,
    Modification,
    Reopen,
    RerouteSea,
    ScaleFees,
    ScaleFrequency,
    SetCapacity,
    SetMixedTrade,
    SetTariff,
    services_of,
)
from router.scenarios.spec_customs import (
    EnableCombinedPort,
    EnableDirectLoading,
    SetBorderWait,
    SetCustoms,
    SetTraderMix,
)
from router.scenarios.spec_service import AddService
from router.scenarios.spec_yaml import (
    MapView,
    Sink,
    SpecIssue,
    Where,
    line,
    scalar_texts,
    unknown,
)

__all__ = [
    "BASELINE",
    "KINDS",
    "Assumption",
    "Modification",
    "Scenario",
    "ScenarioSpecError",
    "Seed",
    "SpecIssue",
    "base_network_path",
    "baseline",
    "baseline_scenario",
    "bundled_scenarios",
    "check_scenario",
    "dataset_checksum",
    "load_scenario",
    "parse_scenario",
    "read_scenario",
    "read_spec_text",
    "validate_scenario",
]

#: every modification kind by its ``kind`` name
KINDS: dict[str, type[Modification]] = {
    cls.kind: cls
    for cls in (
        Close,
        Reopen,
        SetCapacity,
        ScaleFrequency,
        AddService,
        SetTariff,
        ScaleFees,
        SetCustoms,
        EnableCombinedPort,
        EnableDirectLoading,
        SetBorderWait,
        SetTraderMix,
        RerouteSea,
        SetMixedTrade,
    )
}
TOP_FIELDS = (
    "name",
    "title",
    "description",
    "base",
    "seed",
    "assumptions",
    "select",
    "modifications",
)
SEED_FIELDS = ("section", "quote_zh", "quote_en")
ASSUMPTION_FIELDS = ("text", "source")
BUNDLED = "bundled"
NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
#: the dataset files :func:`router.network.load_network` reads
DATASET_FILES = tuple(sorted({NODES_FILE, GEOMETRY_FILE, *REQUIRED_COLUMNS}))


class ScenarioSpecError(InvalidRecordsError):
    """A scenario spec has issues; ``issues`` lists every one (file, line, field, message)."""

    def __init__(self, issues: Sequence[SpecIssue]) -> None:
        self.issues = tuple(issues)
        source = self.issues[0].file if self.issues else "<scenario>"
        super().__init__(
            source,
            [
                (f"{i.file}:{i.line}: {i.field}" if i.line else f"{i.file}: {i.field}", i.message)
                for i in self.issues
            ],
        )

    def __str__(self) -> str:
        return f"scenario has {len(self.issues)} issue(s):\n" + "\n".join(
            str(i) for i in self.issues
        )


@dataclass(frozen=True, slots=True)
class Seed:
    """The seed measure a scenario models: its number(s) and the sentence, verbatim and
    translated."""

    section: str
    quote_zh: str
    quote_en: str


@dataclass(frozen=True, slots=True)
class Assumption:
    """An assumption of the scenario with its source (a URL or a reference file and what it
    says)."""

    text: str
    source: str


@dataclass(frozen=True)
class Scenario:
    """A scenario: its name (a slug, the file's stem), a title, the base network (``bundled``
    or a dataset path relative to the spec file), the seed measure it models, its assumptions,
    the nodes, links or services whose flows the report shows (``select``), and the ordered
    modifications."""

    name: str
    title: str
    description: str = ""
    base: str = BUNDLED
    seed: Seed | None = None
    assumptions: tuple[Assumption, ...] = ()
    select: tuple[str, ...] = ()
    modifications: tuple[Modification, ...] = ()
    path: Path | None = field(default=None, compare=False)
    #: where the spec was written (lines of its top-level fields)
    where: Where = field(default=Where(), compare=False, repr=False)

    @property
    def file(self) -> str:
        return str(self.path) if self.path is not None else f"<{self.name}>"

    @property
    def fingerprint(self) -> str:
        """sha256 (hex) of what the scenario says (not where it was read from): equal specs
        have equal fingerprints, and any change to a field or modification changes it."""
        content = (
            self.name,
            self.title,
            self.description,
            self.base,
            self.seed,
            self.assumptions,
            self.select,
            self.modifications,
        )
        return hashlib.sha256(repr(content).encode("utf-8")).hexdigest()

    def build(self, base: Network) -> tuple[Network | None, list[SpecIssue]]:
        """(the modified network, []) or (None, every issue): each modification is validated
        against the network as the ones before it left it, then applied to a copy; the result
        must pass the dataset checks. ``base`` is not changed."""
        issues: list[SpecIssue] = []
        network = base
        errors = {_key(p) for p in edits.network_errors(base)}
        # names an earlier modification with issues would have added
        pending: frozenset[str] = frozenset()
        # names of the network an earlier modification that could not be read would have changed
        touched: frozenset[str] = frozenset()
        for index, mod in enumerate(self.modifications):
            if isinstance(mod, _Unread):
                # its reading issues say what is wrong; what it would have done is unknown
                known = _names(network)
                pending |= mod.adds - known
                touched |= mod.names & known
                continue
            if mod.references() & pending:
                # it names what an earlier modification with issues would have added: that one's
                # issues say what is wrong; this one can be checked once they are fixed
                pending |= mod.declares()
                continue
            found = mod.validate(network, pending)
            if not found:
                try:
                    changed = mod.apply(network)
                except edits.EditError as exc:
                    found = [mod.issue(exc.field if exc.field in mod.FIELDS else "", exc.message)]
                else:
                    now = edits.network_errors(changed)
                    new = [p for p in now if _key(p) not in errors]
                    found = [_network_issue(mod, p) for p in new]
                    if not found:
                        network, errors = changed, {_key(p) for p in now}
            if found:
                pending |= mod.declares()
                if mod.references() & touched:
                    # it names what a modification that could not be read would have changed:
                    # its issues may be that one's absence; it is checked once that one reads
                    continue
                hint = mod.later_hint(self.modifications[index + 1 :])
                issues += [replace(i, message=i.message + hint) for i in found]
        issues += self._select_issues(base, network, pending)
        if issues:
            return None, issues
        if network is not base:
            network = replace(network, name=f"{base.name}+{self.name}")
        return network, []

    def _select_issues(
        self, base: Network, network: Network, pending: frozenset[str]
    ) -> list[SpecIssue]:
        nodes = set(base.nodes) | set(network.nodes)
        links = set(base.links) | set(network.links)
        services = services_of(base) | services_of(network)
        found = []
        for i, name in enumerate(self.select):
            if name in pending:
                continue  # a modification with issues would have added it
            if name not in nodes and name not in links and name not in services:
                message = unknown("node, link or service", name, nodes | links | services)
                found.append(self.where.issue(f"select[{i}]", message))
        return found

    def apply(self, base: Network) -> Network:
        """The base network with every modification made (a new network; ``base`` untouched).
        Raises :class:`ScenarioSpecError` with every issue if any modification is invalid, before
        anything is applied."""
        network, issues = self.build(base)
        if network is None:
            raise ScenarioSpecError(issues)
        return network

    def apply_demand(self, demand: pl.DataFrame) -> pl.DataFrame:
        """The demand table with the demand-side modifications made (a new table); the draws
        depend on the scenario's name, the modification's index and the shipment id only."""
        for index, mod in enumerate(self.modifications):
            demand = mod.apply_demand(demand, f"{self.name}\x1f{index}")
        return demand


@dataclass(frozen=True, kw_only=True)
class _Unread(Modification):
    """A modification that could not be read, in a draft of a spec with issues (never in a
    scenario that is returned): the names it would ``adds`` and every value it gives (``names``),
    so that :meth:`Scenario.build` does not blame the modifications after it for its absence."""

    adds: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, view: MapView) -> Modification | None:
        """Never written in a spec: it stands for one that could not be read."""
        return None

    def references(self) -> frozenset[str]:
        return frozenset()


def _names(network: Network) -> set[str]:
    """The node ids, link ids and service codes of ``network``."""
    return set(network.nodes) | set(network.links) | services_of(network)


def _key(problem: Problem) -> tuple[str, str, str]:
    return (problem.location, problem.field, problem.message)


def _network_issue(mod: Modification, problem: Problem) -> SpecIssue:
    name = problem.field if problem.field in mod.FIELDS else ""
    return mod.issue(name, f"would make the network invalid: {problem.location}: {problem.message}")


def baseline() -> Scenario:
    """The baseline scenario: the base network as it is."""
    return Scenario(name="baseline", title="Baseline: the network as it is")


#: the same, under the name the runner uses
baseline_scenario = baseline
BASELINE = baseline()


# ------------------------------------------------------------------------------ reading
def parse_scenario(text: str, file: str = "<scenario>", *, stem: str | None = None) -> Scenario:
    """A scenario from YAML ``text`` (``file`` names it in issues). Raises
    :class:`ScenarioSpecError` with every syntax, field and type issue. ``stem``: the file's
    stem, which the name must equal (bundled files)."""
    sink = Sink(file)
    draft = _parse(sink, text, stem)
    if sink.issues or draft is None:
        raise ScenarioSpecError(sink.issues)
    return draft


def read_scenario(path: Path) -> Scenario:
    """The scenario in the YAML file ``path`` (its ``name`` must be the file's stem); raises
    :class:`ScenarioSpecError` with every issue."""
    path = Path(path)
    scenario = parse_scenario(read_spec_text(path), str(path), stem=path.stem)
    return replace(scenario, path=path)


def check_scenario(
    source: Path | str, base: Network, *, file: str = "<scenario>", stem: str | None = None
) -> Scenario:
    """The scenario in the YAML file ``source`` (a :class:`~pathlib.Path`; its ``name`` must be
    the file's stem) or the YAML text ``source`` (a ``str``, named ``file`` in issues; ``stem``
    as in :func:`parse_scenario`), read and resolved against ``base`` in one call. Raises one
    :class:`ScenarioSpecError` with every issue of both stages, in the order of their lines:
    the modifications that read without issues are resolved against ``base`` even when other
    parts of the spec have issues. Nothing is applied."""
    path: Path | None = None
    if isinstance(source, Path):
        path, file, stem = source, str(source), source.stem
        text = read_spec_text(source)
    else:
        text = source
    sink = Sink(file)
    draft = _parse(sink, text, stem, drafts=True)
    issues = list(sink.issues)
    if draft is not None:
        issues += draft.build(base)[1]
    if issues or draft is None:
        raise ScenarioSpecError(sorted(issues, key=lambda i: i.line or 0))
    return draft if path is None else replace(draft, path=path)


def read_spec_text(path: Path) -> str:
    """The text of the spec file ``path`` (:class:`ScenarioSpecError` if it cannot be read)."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioSpecError(
            [SpecIssue(str(path), None, "", f"cannot read the file: {exc}")]
        ) from None


def _parse(sink: Sink, text: str, stem: str | None, *, drafts: bool = False) -> Scenario | None:
    """The scenario ``text`` says, issues in ``sink``. With issues: None, or with ``drafts`` a
    draft to resolve against a network (top-level fields that could not be read left empty,
    modifications that could not be read as :class:`_Unread`) unless the text is no mapping."""
    root = sink.compose(text)
    if root is None:
        return None
    top = MapView.of(root, "", sink)
    if top is None:
        return None
    top.check_keys(TOP_FIELDS)
    name = top.text("name", required=True)
    if name is not None and not NAME.match(name):
        top.error("name", f"{name!r} must be a slug: lower-case letters, digits and single hyphens")
    elif name is not None and stem is not None and name != stem:
        top.error("name", f"{name!r} must be the file's name without .yaml ({stem!r})")
    title = top.text("title", required=True)
    description = top.text("description") or ""
    base = top.text("base") or BUNDLED
    seed = _seed(top)
    assumptions = _assumptions(top)
    select = top.texts("select", non_empty=False) or ()
    mods = _modifications(top)
    if (sink.issues or name is None or title is None) and not drafts:
        return None
    scenario = Scenario(
        name=name or "",
        title=title or "",
        description=description,
        base=base,
        seed=seed,
        assumptions=assumptions,
        select=select,
        modifications=mods,
        where=top.where(),
    )
    return scenario


def _seed(top: MapView) -> Seed | None:
    view = top.mapping("seed")
    if view is None:
        return None
    view.check_keys(SEED_FIELDS)
    values = [view.text(f, required=True) for f in SEED_FIELDS]
    if any(v is None for v in values):
        return None
    return Seed(*(v or "" for v in values))


def _assumptions(top: MapView) -> tuple[Assumption, ...]:
    result = []
    for view in top.mappings("assumptions") or ():
        view.check_keys(ASSUMPTION_FIELDS)
        text, source = view.text("text", required=True), view.text("source", required=True)
        if text is not None and source is not None:
            result.append(Assumption(text, source))
    return tuple(result)


def _modifications(top: MapView) -> tuple[Modification, ...]:
    """Every modification listed: as read, or :class:`_Unread` if it has issues."""
    items = top.seq("modifications", non_empty=False)
    return tuple(_modification(node, path, top.sink) for node, path in items or ())


def _modification(node: yaml.Node, path: str, sink: Sink) -> Modification:
    before = len(sink.issues)
    view = MapView.of(node, path, sink)
    if view is None:
        return _Unread(where=Where(sink.file, path, line(node)))
    kind = view.text("kind", required=True)
    cls = None if kind is None else KINDS.get(kind)
    mod = None
    if kind is not None and cls is None:
        view.error("kind", f"{unknown('kind', kind, KINDS)} (kinds: {', '.join(KINDS)})")
    elif cls is not None:
        view.check_keys((*COMMON_FIELDS, *cls.FIELDS), what=f"field of {kind}")
        mod = cls.parse(view)
    if mod is not None and len(sink.issues) == before:
        return mod
    if len(sink.issues) == before:  # a kind's parse gave up without saying why
        view.error("", "cannot be read")
    kinds = KINDS.values() if cls is None else (cls,)
    adds = frozenset().union(*(k.may_declare(view) for k in kinds))
    return _Unread(adds=adds, names=scalar_texts(node), where=view.where())


# ------------------------------------------------------------------------------ resolving
def validate_scenario(s: Scenario, base: Network) -> None:
    """Resolve every name of ``s`` against ``base`` (and the modifications before it); raise
    :class:`ScenarioSpecError` with every issue."""
    _, issues = s.build(base)
    if issues:
        raise ScenarioSpecError(issues)


def load_scenario(path: Path, base: Network) -> Scenario:
    """Read and validate the scenario at ``path`` against ``base`` (:func:`check_scenario`:
    every issue of both stages at once)."""
    return check_scenario(Path(path), base)


def base_network_path(s: Scenario, bundled: Path) -> Path:
    """The dataset the scenario modifies: ``bundled`` for ``base: bundled``, else the path
    given (relative to the spec file's folder)."""
    if s.base == BUNDLED:
        return bundled
    given = Path(s.base).expanduser()
    if given.is_absolute() or s.path is None:
        return given
    return s.path.parent / given


def dataset_checksum(data_dir: Path) -> str:
    """sha256 (hex) over the files :func:`router.network.load_network` reads from ``data_dir``
    (their names, sorted, and bytes; an exported .geojson dataset: that file)."""
    root = Path(data_dir)
    digest = hashlib.sha256()
    files: Iterable[Path] = [root] if root.is_file() else (root / n for n in DATASET_FILES)
    for path in files:
        if not path.is_file():
            continue
        content = path.read_bytes()
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(len(content).to_bytes(8, "big"))
        digest.update(content)
    return digest.hexdigest()


def bundled_scenarios(data_dir: Path) -> dict[str, Path]:
    """The scenario files under ``data_dir/scenarios`` by name (file stem), sorted."""
    folder = Path(data_dir) / "scenarios"
    if not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))}


def dump_issues(issues: Iterable[SpecIssue]) -> str:
    """The issues one per line, as ``file:line: field: message``."""
    return "\n".join(str(i) for i in issues)
