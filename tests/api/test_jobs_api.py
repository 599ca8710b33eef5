"""Jobs through the API: assignments and train load plans submitted with 202, run by the embedded
worker, polled to their end, their results stored per tenant; refusals before queueing; cancel."""

from __future__ import annotations

from typing import Any

from api_testkit import Service
from test_optimise_api import BATCH, RAIL, check_assignment, container, wagons


def test_an_assignment_job_runs_to_its_stored_result(svc: Service) -> None:
    body = {"shipments": BATCH, "time_limit_s": 5}
    job = svc.run_job("/v1/assignments", body, "planner")
    assert job["status"] == "succeeded", job
    assert job["progress"] == 1.0 and job["attempt"] == 1 and job["error"] is None
    assert job["started_at"] and job["finished_at"] and job["finished_at"] >= job["started_at"]
    assert job["links"]["result"] == f"/v1/assignments/{job['result_id']}"
    run = svc.client.get(job["links"]["result"], headers=svc.h("planner")).json()
    assert run["kind"] == "assignment" and run["status"] == "optimal"
    check_assignment(run["result"], {RAIL: 82.0})
    assert run["result"]["assigned"] == 3

    # the same batch solved inside a request gives the same objective
    now = svc.client.post(
        "/v1/assignments", params={"sync": "true"}, json=body, headers=svc.h("planner")
    )
    assert now.status_code == 201, now.text
    assert now.json()["result"]["solve"]["objective"] == run["result"]["solve"]["objective"]

    # tenants: the job and its result are the planner's tenant's only
    assert svc.client.get(job["links"]["self"], headers=svc.h("other")).status_code == 404
    listed = svc.client.get("/v1/jobs", headers=svc.h("planner")).json()
    assert [j["id"] for j in listed["items"]] == [job["id"]]
    assert svc.client.get("/v1/jobs", headers=svc.h("other")).json()["total"] == 0
    succeeded = svc.client.get("/v1/jobs", params={"status": "succeeded"}, headers=svc.h("admin"))
    assert job["id"] in [j["id"] for j in succeeded.json()["items"]]


def test_a_train_load_plan_job(svc: Service) -> None:
    body: dict[str, Any] = {
        "containers": [container("F1"), container("F2")],
        "trains": [wagons(2)],
        "time_limit_s": 5,
    }
    job = svc.run_job("/v1/consolidation/plans", body, "operator")
    assert job["status"] == "succeeded", job
    plan = svc.client.get(job["links"]["result"], headers=svc.h("operator")).json()
    assert plan["kind"] == "consolidation" and plan["result"]["loaded"] == 2


def test_a_job_request_is_checked_before_it_is_queued(svc: Service) -> None:
    bad = {"shipments": [{**BATCH[0], "destination": "DEDUX"}], "time_limit_s": 5}
    response = svc.client.post("/v1/assignments", json=bad, headers=svc.h("planner"))
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "shipments.0.destination"
    too_long = {"shipments": BATCH, "time_limit_s": 6}  # the test service's job limit is 5 s
    response = svc.client.post("/v1/assignments", json=too_long, headers=svc.h("planner"))
    assert response.status_code == 422 and "in a job" in response.json()["message"]
    empty = {"containers": [], "trains": [wagons(1)]}
    response = svc.client.post("/v1/consolidation/plans", json=empty, headers=svc.h("operator"))
    assert response.status_code == 422
    assert svc.client.get("/v1/jobs", headers=svc.h("admin")).json()["total"] == 0


def test_cancelling_a_finished_job_changes_nothing_and_unknown_jobs_are_404(svc: Service) -> None:
    job = svc.run_job("/v1/assignments", {"shipments": BATCH[:1], "time_limit_s": 5}, "planner")
    again = svc.client.post(job["links"]["cancel"], headers=svc.h("planner"))
    assert again.status_code == 200
    assert again.json()["status"] == "succeeded" and again.json()["result_id"] == job["result_id"]
    other = svc.client.post(job["links"]["cancel"], headers=svc.h("other"))
    assert other.status_code == 404
    missing = svc.client.get("/v1/jobs/" + "0" * 32, headers=svc.h("planner"))
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert svc.client.get("/v1/jobs").status_code == 401
