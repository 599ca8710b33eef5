"""Scenario runs through the API, on each database backend: a run of a bundled scenario against
the baseline on the bundled demand, polled to its end, its KPIs, files and staleness; tenants and
roles; everything a run needs checked before it is queued (422 with every problem, nothing
queued); demand uploads; Idempotency-Key; cancelling a running scenario job.

Each backend gets its own service on a fresh database (not the session's ``running`` service on
the tiny network): the bundled network from a copy of ``data/`` (so a test can change a data
file and see runs go stale), its own scenario folder, one routing process per run."""

from __future__ import annotations

import io
import shutil
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from api_testkit import BACKENDS, POSTGRES_URL, Service
from dbkit import database_url
from fastapi.testclient import TestClient

from router.api import create_app
from router.config import Settings
from router.services.context import ServiceContext
from router.store import jobs as job_repo
from router.store import repositories as repo

DATA = Path(__file__).resolve().parents[2] / "data"
SAMPLE_CSV = DATA / "demand" / "gba-sample-50.csv"
SCENARIO = "shenzhen-bay-closed"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JOB_WAIT_S = 90.0  # a run of a few hundred shipments takes seconds; the machine may be busy


def scenario_settings(url: str, data_dir: Path, scenario_dir: Path) -> Settings:
    """A test service on the bundled network (copied to ``data_dir``): short job polling, a 5 s
    solver limit for jobs, one routing process per run, small body limits (413 is cheap)."""
    return Settings(
        data_dir=data_dir,
        database_url=url,
        scenario_dir=scenario_dir,
        scenario_workers=1,
        max_solve_s=5.0,
        max_job_solve_s=5.0,
        job_poll_s=0.05,
        job_heartbeat_s=0.2,
        max_optimise_body_bytes=200_000,
        max_demand_upload_bytes=100_000,
    )


@pytest.fixture(scope="module", params=BACKENDS)
def planning(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    """A service per backend with keys: ``planner`` and ``rival`` (planners of two tenants),
    ``shipper`` and ``admin``."""
    root = tmp_path_factory.mktemp(f"scenarios-{request.param}")
    data_dir = root / "data"
    shutil.copytree(DATA, data_dir, ignore=shutil.ignore_patterns("samples", "*.md"))
    with database_url(str(request.param), root, POSTGRES_URL) as url:
        app = create_app(scenario_settings(url, data_dir, root / "runs"))
        with TestClient(app) as client:
            ctx: ServiceContext = app.state.service
            keys = {}
            for who, role, name in (
                ("planner", "planner", "Planning"),
                ("rival", "planner", "Rival Planning"),
                ("shipper", "shipper", "ACME"),
                ("admin", "admin", "root"),
            ):
                with ctx.db.write() as session:
                    _, keys[who] = repo.create_key(session, name=name, role=role)
            yield Service(client, ctx, keys, url)


def wait(svc: Service, job: dict[str, Any], who: str = "planner") -> dict[str, Any]:
    """Poll the scenario run ``job`` until it ends (bounded)."""
    deadline = time.monotonic() + JOB_WAIT_S
    while job["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, f"scenario job still {job['status']}: {job}"
        time.sleep(0.1)
        polled = svc.client.get(f"/v1/scenarios/{job['id']}", headers=svc.h(who))
        assert polled.status_code == 200, polled.text
        job = polled.json()
    return job


def submit(svc: Service, body: dict[str, Any], who: str = "planner", **headers: str) -> Any:
    return svc.client.post("/v1/scenarios", json=body, headers={**svc.h(who), **headers})


def scenario_jobs(svc: Service) -> int:
    listed = svc.client.get("/v1/jobs", params={"limit": 100}, headers=svc.h("admin")).json()
    return sum(1 for job in listed["items"] if job["kind"] == "scenario")


class _Loads(HTMLParser):
    """Every attribute that makes a browser load something, and the tags that do."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if key in ("src", "href", "srcset", "data", "action", "poster"):
                self.loads.append((tag, key, value or ""))


def test_bundled_scenarios_are_listed_for_planners(planning: Service) -> None:
    response = planning.client.get("/v1/scenarios/bundled", headers=planning.h("planner"))
    assert response.status_code == 200, response.text
    listed = {item["name"]: item for item in response.json()}
    seeded = [item for item in listed.values() if item["seed_section"]]
    assert len(seeded) >= 12, sorted(listed)
    assert listed[SCENARIO]["modifications"] >= 1 and listed[SCENARIO]["title"]
    assert all(item["description"] for item in listed.values())
    assert (
        planning.client.get("/v1/scenarios/bundled", headers=planning.h("shipper")).status_code
        == 403
    )
    assert planning.client.get("/v1/scenarios/bundled").status_code == 401


def test_a_scenario_run_from_post_to_its_files_and_staleness(planning: Service) -> None:
    svc = planning
    response = submit(svc, {"scenarios": [SCENARIO], "demand": "gba-100k", "limit": 120})
    assert response.status_code == 202, response.text
    queued = response.json()
    assert queued["kind"] == "scenario" and queued["status"] in ("queued", "running")
    assert response.headers["Location"] == f"/v1/scenarios/{queued['id']}"
    assert queued["links"]["self"] == response.headers["Location"]
    job = wait(svc, queued)
    assert job["status"] == "succeeded", job
    assert job["progress"] == 1.0 and job["error"] is None

    result = job["result"]
    manifest = result["manifest"]
    assert [run["name"] for run in manifest["runs"]] == ["baseline", SCENARIO]
    assert len(manifest["base_checksum"]) == 64 and manifest["demand_rows"] == 120
    assert set(result["kpis"]) == {"baseline", SCENARIO}
    for run in manifest["runs"]:
        assert run["base_checksum"] == manifest["base_checksum"]
        assert sum(run["shipments"].values()) == 120, run
        totals = result["kpis"][run["name"]]
        assert totals["shipments"] == 120
        parts = ("shipments_routed", "shipments_no_route", "shipments_unassigned")
        assert sum(totals[k] for k in parts) == 120
        assert totals["shipments_routed"] == run["shipments"].get("routed", 0)
    assert job["stale"] is False and job["stale_reasons"] == []

    files = job["files"]
    for name in ("report.html", f"{SCENARIO}/shipments.parquet", "baseline/legs.parquet"):
        assert files[name] == f"/v1/scenarios/{job['id']}/files/{name}"
    charts = sorted(name for name in files if name.startswith("charts/") and name.endswith(".png"))
    assert charts, sorted(files)

    report = svc.client.get(files["report.html"], headers=svc.h("planner"))
    assert report.status_code == 200
    assert report.headers["content-type"].startswith("text/html")
    loads = _Loads()
    loads.feed(report.text)
    remote = [x for x in loads.loads if x[2].strip().lower().startswith(("http:", "https:", "//"))]
    assert remote == [], remote[:5]
    assert not any(tag in ("link", "iframe", "embed", "object") for tag, _, _ in loads.loads)

    table = svc.client.get(files[f"{SCENARIO}/shipments.parquet"], headers=svc.h("planner"))
    assert table.status_code == 200
    shipments = pl.read_parquet(io.BytesIO(table.content))
    assert shipments.height == 120 and shipments["shipment_id"].n_unique() == 120
    chart = svc.client.get(files[charts[0]], headers=svc.h("planner"))
    assert chart.status_code == 200 and chart.headers["content-type"] == "image/png"
    assert chart.content.startswith(PNG_MAGIC)
    listed = svc.client.get(files["manifest.json"], headers=svc.h("planner"))
    assert listed.status_code == 200 and listed.json()["base_checksum"] == manifest["base_checksum"]
    unlisted = svc.client.get(
        f"/v1/scenarios/{job['id']}/files/nothing.png", headers=svc.h("planner")
    )
    assert unlisted.status_code == 404

    # tenants and roles: the run and its files are the planner's tenant's only
    for path in (job["links"]["self"], files["report.html"], files[charts[0]]):
        assert svc.client.get(path, headers=svc.h("rival")).status_code == 404, path
        assert svc.client.get(path, headers=svc.h("shipper")).status_code == 403, path
        assert svc.client.get(path).status_code == 401, path
    assert svc.client.get(job["links"]["self"], headers=svc.h("admin")).status_code == 200

    # a changed data file: the run's figures describe old data
    links = svc.ctx.settings.data_dir / "links.csv"
    original = links.read_bytes()
    try:
        links.write_bytes(original + b"\n")
        stale = svc.client.get(job["links"]["self"], headers=svc.h("planner")).json()
        assert stale["stale"] is True
        assert stale["stale_reasons"] and "changed" in stale["stale_reasons"][0]
    finally:
        links.write_bytes(original)
    again = svc.client.get(job["links"]["self"], headers=svc.h("planner")).json()
    assert again["stale"] is False


def test_every_problem_is_refused_before_anything_is_queued(planning: Service) -> None:
    svc = planning
    before = scenario_jobs(svc)

    def answered(status: int, code: str, body: dict[str, Any]) -> dict[str, Any]:
        response = submit(svc, body)
        assert response.status_code == status, response.text
        doc: dict[str, Any] = response.json()
        assert doc["code"] == code
        return doc

    def refused(body: dict[str, Any]) -> dict[str, Any]:
        return answered(422, "validation_error", body)

    def unknown(body: dict[str, Any]) -> dict[str, Any]:
        return answered(404, "not_found", body)

    typo = unknown({"scenarios": ["shenzhen-bay-clsed"], "limit": 5})
    assert typo["suggestions"] == ["shenzhen-bay-closed"]
    two = unknown({"scenarios": ["shenzhen-bay-clsed", "aeo-share-dubble"], "limit": 5})
    assert "'shenzhen-bay-clsed, aeo-share-dubble'" in two["message"]
    assert two["suggestions"] == ["shenzhen-bay-closed", "aeo-share-double"]

    spec = SPEC.replace("{service}", "BAX-DUX").replace("{modes}", "[rail]")
    doc = refused({"specs": [spec], "limit": 5})
    fields = {d["field"]: d["message"] for d in doc["details"]}
    assert len(fields) == 2, doc
    assert (
        "unknown service 'BAX-DUX'; did you mean BAX-DUI?"
        in fields["specs[0]:11: modifications[0].service"]
    )
    assert "closes nothing" in fields["specs[0]:15: modifications[1].modes"]

    # every spec's problems at once
    other = SPEC.replace("{service}", "BAX-DUI").replace("{modes}", "[truck]\n    colour: red")
    doc = refused({"scenarios": [SCENARIO], "specs": [spec, other], "limit": 5})
    assert len(doc["details"]) == 3, doc

    unknown_demand = unknown({"scenarios": [SCENARIO], "demand": "gba-10k", "limit": 5})
    assert unknown_demand["suggestions"] == ["gba-100k"]
    zero = refused({"scenarios": [SCENARIO], "limit": 0})
    assert zero["details"][0]["field"] == "limit"
    select = unknown({"scenarios": [SCENARIO], "limit": 5, "select": ["CN-SZBAY", "CN-NOWHERE"]})
    assert "'CN-NOWHERE'" in select["message"]
    nothing = refused({"scenarios": [], "limit": 5})
    assert "at least one scenario" in nothing["message"]
    twice = refused({"scenarios": [SCENARIO, SCENARIO], "limit": 5})
    assert "named twice" in twice["message"]
    # capacity-aware: the service's job solver limit (5 s here), and its size limit
    slow = refused({"scenarios": [SCENARIO], "limit": 5, "capacity": True, "time_limit_s": 60})
    assert slow["details"][0]["field"] == "time_limit_s" and "in a job" in slow["message"]
    big = refused({"scenarios": [SCENARIO], "limit": 6000, "capacity": True, "time_limit_s": 5})
    assert big["details"][0]["field"] == "demand" and "5,000" in big["message"]
    extra = refused({"scenarios": [SCENARIO], "limt": 5})
    assert extra["details"][0]["field"] == "limt"

    huge = submit(svc, {"scenarios": [SCENARIO], "specs": ["#" + "x" * 60_000] * 4})
    assert huge.status_code == 413, huge.text
    assert submit(svc, {"scenarios": [SCENARIO]}, "shipper").status_code == 403
    assert svc.client.post("/v1/scenarios", json={"scenarios": [SCENARIO]}).status_code == 401
    assert scenario_jobs(svc) == before


def test_a_capacity_aware_run_leaving_the_time_limit_out_gets_the_service_limit(
    planning: Service,
) -> None:
    svc = planning
    response = submit(svc, {"scenarios": [SCENARIO], "limit": 3, "capacity": True})
    assert response.status_code == 202, response.text
    job = response.json()
    with svc.ctx.db.read() as session:
        stored = job_repo.get(session, job["id"], None).request
    assert stored["capacity"] is True and stored["time_limit_s"] == 5.0  # not the default 60
    cancel = svc.client.post(job["links"]["cancel"], headers=svc.h("planner"))
    assert cancel.status_code == 200, cancel.text
    assert wait(svc, cancel.json())["status"] in ("cancelled", "succeeded")


def test_a_field_problem_and_an_unknown_name_in_one_spec_are_reported_together(
    planning: Service,
) -> None:
    spec = SPEC.replace("{service}", "BAX-DUX").replace("{modes}", "[truck]\n    colour: red")
    response = submit(planning, {"specs": [spec], "limit": 5})
    assert response.status_code == 422
    fields = {d["field"] for d in response.json()["details"]}
    assert fields == {
        "specs[0]:11: modifications[0].service",
        "specs[0]:16: modifications[1].colour",
    }


def test_an_uploaded_demand_table_runs_for_its_tenant_only(planning: Service) -> None:
    svc = planning
    csv = SAMPLE_CSV.read_bytes()
    upload = svc.client.post(
        "/v1/scenarios/demand",
        content=csv,
        headers={**svc.h("planner"), "Content-Type": "text/csv"},
    )
    assert upload.status_code == 201, upload.text
    doc = upload.json()
    assert doc["id"].startswith("upload:") and len(doc["id"]) == len("upload:") + 32
    assert doc["rows"] == 50 and doc["columns"][:3] == ["id", "origin", "destination"]

    lines = csv.decode().splitlines()
    lines[3] = lines[3].replace(",general,", ",gold,", 1)
    assert ",gold," in lines[3]
    bad = svc.client.post(
        "/v1/scenarios/demand",
        content="\n".join(lines).encode(),
        headers={**svc.h("planner"), "Content-Type": "text/csv"},
    )
    assert bad.status_code == 422, bad.text
    (detail,) = bad.json()["details"]
    assert detail["field"] == "row 4, field 'cargo_class'" and "gold" in detail["message"]
    empty = svc.client.post(
        "/v1/scenarios/demand",
        content=b"",
        headers={**svc.h("planner"), "Content-Type": "text/csv"},
    )
    assert empty.status_code == 422
    too_big = svc.client.post(
        "/v1/scenarios/demand",
        content=csv + b" " * 100_000,  # over the test service's 100 kB upload limit
        headers={**svc.h("planner"), "Content-Type": "text/csv"},
    )
    assert too_big.status_code == 413
    shipper = svc.client.post(
        "/v1/scenarios/demand",
        content=csv,
        headers={**svc.h("shipper"), "Content-Type": "text/csv"},
    )
    assert shipper.status_code == 403

    body = {"scenarios": [SCENARIO], "demand": doc["id"]}
    foreign = submit(svc, body, "rival")
    assert foreign.status_code in (404, 422), foreign.text
    assert doc["id"].removeprefix("upload:") in foreign.text

    first = submit(svc, body, **{"Idempotency-Key": "upload-run-1"})
    assert first.status_code == 202, first.text
    retry = submit(svc, body, **{"Idempotency-Key": "upload-run-1"})
    assert retry.status_code == 202 and retry.headers.get("Idempotent-Replayed") == "true"
    assert retry.json()["id"] == first.json()["id"]
    assert retry.headers["Location"] == first.headers["Location"]
    other_body = submit(svc, {**body, "limit": 10}, **{"Idempotency-Key": "upload-run-1"})
    assert other_body.status_code == 422

    job = wait(svc, first.json())
    assert job["status"] == "succeeded", job
    assert job["result"]["manifest"]["demand"] == doc["id"]
    assert {run: k["shipments"] for run, k in job["result"]["kpis"].items()} == {
        "baseline": 50,
        SCENARIO: 50,
    }


def test_cancelling_a_running_scenario_job(planning: Service) -> None:
    svc = planning
    response = submit(svc, {"scenarios": [SCENARIO], "limit": 3000})
    assert response.status_code == 202, response.text
    job = response.json()
    deadline = time.monotonic() + JOB_WAIT_S
    while job["status"] == "queued" or job["progress"] < 0.02:
        assert job["status"] in ("queued", "running"), job
        assert time.monotonic() < deadline, job
        time.sleep(0.05)
        job = svc.client.get(job["links"]["self"], headers=svc.h("planner")).json()
    assert job["status"] == "running", job
    assert svc.client.post(job["links"]["cancel"], headers=svc.h("rival")).status_code == 404
    cancel = svc.client.post(job["links"]["cancel"], headers=svc.h("planner"))
    assert cancel.status_code == 200, cancel.text
    assert cancel.json()["cancel_requested"] is True
    ended = wait(svc, cancel.json())
    assert ended["status"] == "cancelled", ended
    assert ended["result"] is None and ended["files"] is None
    files = svc.client.get(f"{job['links']['self']}/files/report.html", headers=svc.h("planner"))
    assert files.status_code == 404


#: an inline spec: ``{service}`` closed, then Shenzhen Bay closed for ``{modes}``
SPEC = """\
# an inline scenario
name: inline-test
title: Inline test scenario
description: two closures
base: bundled
assumptions:
  - text: a test
    source: the test
modifications:
  - kind: close
    service: {service}
    note: the line above names the service
  - kind: close
    node: CN-SZBAY
    modes: {modes}
"""


def test_a_spec_on_another_dataset_is_refused_by_the_service(planning: Service) -> None:
    spec = SPEC.replace("base: bundled", "base: /srv/other-data").replace("{service}", "BAX-DUI")
    response = submit(planning, {"specs": [spec.replace("{modes}", "[truck]")], "limit": 5})
    assert response.status_code == 422, response.text
    details = response.json()["details"]
    assert [d["field"] for d in details] == ["specs[0]: base"]
    assert "only the bundled network" in details[0]["message"]


def test_runs_are_listed_per_tenant(planning: Service) -> None:
    svc = planning
    job = wait(svc, submit(svc, {"scenarios": [SCENARIO], "limit": 10}).json())
    assert job["status"] == "succeeded", job
    listed = svc.client.get("/v1/scenarios", headers=svc.h("planner")).json()
    assert job["id"] in [item["id"] for item in listed["items"]]
    assert all(item["kind"] == "scenario" for item in listed["items"])
    assert all(item["links"]["self"] == f"/v1/scenarios/{item['id']}" for item in listed["items"])
    other = svc.new_key("planner", "Other Planning")
    theirs = svc.client.get("/v1/scenarios", headers={"X-API-Key": other}).json()
    assert theirs["total"] == 0 and theirs["items"] == []
    assert svc.client.get("/v1/scenarios", headers=svc.h("shipper")).status_code == 403
