"""Optimisation over HTTP: batch assignment under live or scheduled space, train load plans,
roles and tenants, validation errors by path, stored runs, the quote split and body limits.

On the tiny network Duisburg is reached only by the X8428 train (82 TEU, Tue and Fri 20:00), so
shipments from Shenzhen to Duisburg compete for its departures.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from api_testkit import READY, Service

from router.network.capacity import LinkCapacity, link_capacity
from router.store import repositories as repo

RAIL = "RAIL-PHS-DUI"
#: cargo ready on Monday makes Friday's train (export dwell and cut-off rule out Tuesday's); it
#: arrives after about 18 days; by the deadline two departures arrive: that Friday's and the next
#: Tuesday's
DEADLINE = (READY + timedelta(days=27)).isoformat()
FRIDAY = (READY + timedelta(days=4)).replace(hour=20).isoformat() + "+08:00"


def shipment(sid: str, feu: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": sid,
        "origin": "SZ-CITY",
        "destination": "DEDUI",
        "containers": [{"type": "42G1", "count": feu}],
        "ready": READY.isoformat(),
        "deadline": DEADLINE,
        **extra,
    }


BATCH = [shipment("A", 30), shipment("B", 20), shipment("C", 10)]  # 60 + 40 + 20 TEU


def assign(svc: Service, who: str = "planner", **body: Any) -> Any:
    """Solve inside the request (``sync=true``: 201 with the run); test_jobs_api.py covers the
    default, a job."""
    return svc.client.post(
        "/v1/assignments",
        params={"sync": "true"},
        json={"shipments": BATCH, "time_limit_s": 5, **body},
        headers=svc.h(who),
    )


def check_assignment(result: dict[str, Any], capacity: dict[str, float]) -> None:
    """Invariants: loads within capacity and equal to the assigned shipments' TEU."""
    teu = {a["shipment_id"]: 0.0 for a in result["assignments"]}
    for s in BATCH:
        teu[s["id"]] = 2.0 * s["containers"][0]["count"]
    for dep in result["departures"]:
        if dep["capacity"] is not None:
            assert dep["load"] <= dep["capacity"] + 1e-6, dep
        on_it = [
            a["shipment_id"]
            for a in result["assignments"]
            if a["status"] == "assigned"
            and {"link_id": dep["link_id"], "departure": dep["departure"]} in a["departures"]
        ]
        assert sorted(on_it) == sorted(dep["shipments"])
        assert abs(dep["load"] - dep["fixed_load"] - sum(teu[s] for s in on_it)) < 1e-6
        if dep["link_id"] in capacity and dep["capacity"] is not None:
            assert dep["capacity"] <= capacity[dep["link_id"]]


def test_assignment_shares_the_trains_and_is_stored(svc: Service) -> None:
    # the LP bound leaves a gap here: the proof of optimality enumerates every path that could
    # still improve the plan
    response = assign(svc)
    assert response.status_code == 201, response.text
    run = response.json()
    assert run["kind"] == "assignment" and run["status"] == "optimal"
    result = run["result"]
    assert result["space"] == "live" and result["solve"]["gap"] == 0.0
    # 120 TEU over two departures of 82: all fit, each train within its capacity
    assert result["assigned"] == 3 and result["unassigned"] == 0
    check_assignment(result, {RAIL: 82.0})
    rail = [d for d in result["departures"] if d["link_id"] == RAIL and d["load"] > 0]
    assert len(rail) == 2 and sum(d["load"] for d in rail) == 120.0

    stored = svc.client.get(run["links"]["self"], headers=svc.h("planner"))
    assert stored.status_code == 200 and stored.json()["result"] == result
    listed = svc.client.get("/v1/assignments", headers=svc.h("planner")).json()
    assert [r["id"] for r in listed["items"]] == [run["id"]] and "result" not in listed["items"][0]
    # operators may run and read assignments of their own tenant; others get 404, shippers 403
    assert svc.client.get(run["links"]["self"], headers=svc.h("operator")).status_code == 404
    assert svc.client.get(run["links"]["self"], headers=svc.h("admin")).status_code == 200
    assert svc.client.get(run["links"]["self"], headers=svc.h("shipper")).status_code == 403
    assert assign(svc, who="shipper").status_code == 403
    assert svc.client.post("/v1/assignments", json={"shipments": BATCH}).status_code == 401


def test_live_space_counts_the_services_bookings(svc: Service) -> None:
    # 80 of the first Friday train's 82 TEU are booked through the service: with live space only
    # the next Tuesday's train has room, so one shipment of the 120 TEU cannot go; on the full
    # schedule all go
    cap = link_capacity(svc.ctx.network.links[RAIL])  # type: ignore[union-attr]
    assert cap == LinkCapacity("teu", 82.0)
    with svc.ctx.db.write() as session:
        repo.reserve(
            session, repo.LegSpace(0, RAIL, datetime.fromisoformat(FRIDAY), "teu", 82.0, 80.0)
        )
    live = assign(svc).json()["result"]
    # the LP relaxation spreads the third shipment over the free space fractionally, so the
    # bound over every path stays below the plan: the status says so instead of "optimal"
    solve = live["solve"]
    assert solve["details"]["converged"] is True
    assert solve["best_bound"] <= solve["objective"] + 1e-6
    if live["status"] == "feasible":
        assert solve["gap"] > 0
    else:
        assert live["status"] == "optimal" and solve["gap"] == 0.0
    check_assignment(live, {RAIL: 82.0})
    assert live["assigned"] == 2 and live["unassigned"] == 1
    # the full departure is never offered (it has 2 TEU left, the smallest shipment needs 20)
    assert all(d["departure"] != FRIDAY or d["load"] == 0.0 for d in live["departures"])
    (left,) = [a for a in live["assignments"] if a["status"] == "unassigned"]
    assert "full" in left["reasons"][0], left
    # the penalty of leaving a shipment out is 10x its cost, which grows with its size: of the
    # sets that fit 82 TEU ({A, C} = 80, {B, C} = 60), the optimum leaves out B (40), not A (60)
    assert left["shipment_id"] == "B"

    schedule = assign(svc, space="schedule").json()["result"]
    assert schedule["space"] == "schedule" and schedule["assigned"] == 3
    check_assignment(schedule, {RAIL: 82.0})


def test_minimum_load_cancels_a_thin_train(svc: Service) -> None:
    # a departure runs only with 70 TEU booked and costs CNY 1m to run: one 20 TEU shipment
    # cannot justify it and is left unassigned (its penalty is lower than running the train)
    body = {
        "shipments": [shipment("C", 10, penalty_cny=50_000)],
        "min_loads": [{"link_id": RAIL, "min_teu": 70, "fixed_cost_cny": 1_000_000}],
    }
    result = assign(svc, **body).json()["result"]
    assert result["status"] == "optimal" and result["unassigned"] == 1
    assert all(not d["runs"] for d in result["departures"] if d["link_id"] == RAIL)
    assert result["total_generalised_cost_cny"] == 50_000.0


def test_assignment_input_errors_name_the_field(svc: Service) -> None:
    bad = [shipment("A", 1), shipment("B", 1, origin="NOWHERE"), shipment("A", 1)]
    response = assign(svc, shipments=bad)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert "duplicate id: A" in body["message"]

    response = assign(svc, shipments=[shipment("A", 1), shipment("B", 1, destination="DEDUX")])
    assert response.status_code == 422
    (detail,) = response.json()["details"]
    assert detail["field"] == "shipments.1.destination"
    assert detail["loc"] == ["body", "shipments", 1, "destination"]
    assert "DEDUI" in detail["message"]

    response = assign(svc, min_loads=[{"link_id": "NO-SUCH-LINK", "min_teu": 10}])
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "min_loads.0.link_id"

    response = assign(svc, time_limit_s=600)
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "time_limit_s"
    assert "at most 5 s" in response.json()["message"]

    response = assign(svc, shipments=[{**shipment("A", 1), "containers": []}])
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "shipments.0.containers"

    response = assign(svc, supplies=[{"node": "NOWHERE", "teu": 4}])
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "supplies.NOWHERE"

    hard = {"link_id": RAIL, "min_teu": 10, "hard": True}  # no departure named
    response = assign(svc, min_loads=[hard])
    assert response.status_code == 422
    assert "names its departure" in response.json()["message"]

    response = assign(svc, method="guess")
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "method"

    truck = {"link_id": "TRK-SZ-SHK"}  # boxes are shared on timetabled vessels and trains
    response = assign(svc, shared_boxes=[truck])
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "shared_boxes.0.link_id"


def test_assignment_from_depots_within_their_stock(svc: Service) -> None:
    # the same two shipments from the city or from Dongguan; the city holds stock for one
    ships = [
        {**shipment("A", 5), "origins": ["SZ-CITY", "DG-CITY"]},
        {**shipment("B", 5), "origins": ["SZ-CITY", "DG-CITY"]},
    ]
    supplies = [{"node": "SZ-CITY", "teu": 10}, {"node": "DG-CITY", "teu": 10}]
    response = assign(svc, shipments=ships, supplies=supplies, time_limit_s=5)
    assert response.status_code == 201, response.text
    result = response.json()["result"]
    assert result["assigned"] == 2
    starts = sorted(a["legs"][0]["from"] for a in result["assignments"])
    assert starts == ["DG-CITY", "SZ-CITY"]


# ------------------------------------------------------------------------ consolidation
def container(cid: str, iso: str = "42G1", **extra: Any) -> dict[str, Any]:
    day = READY.date().isoformat()
    return {
        "container_id": cid,
        "iso_type": iso,
        "gross_kg": 20_000,
        "destination": "DEDUI",
        "ready": day,
        **extra,
    }


def wagons(count: int, **extra: Any) -> dict[str, Any]:
    return {
        "departure_id": "X8428-1",
        "date": (READY.date() + timedelta(days=1)).isoformat(),
        "origin": "SZ-PINGHU-RAIL",
        "destinations": ["DEDUI"],
        "max_gross_t": 2_000,
        "max_length_m": 800,
        "wagon_type": "NX70A",
        "wagons": count,
        "slot_pattern": "1x40/2x20",
        "payload_t": 70,
        "tare_t": 23.8,
        "wagon_length_m": 13.966,
        **extra,
    }


def plan(svc: Service, containers: list, trains: list, who: str = "operator", **body: Any) -> Any:
    return svc.client.post(
        "/v1/consolidation/plans",
        params={"sync": "true"},
        json={"containers": containers, "trains": trains, "time_limit_s": 5, **body},
        headers=svc.h(who),
    )


def test_train_load_plan_fills_wagons_and_reports_what_is_left(svc: Service) -> None:
    # 3 wagons taking one 40' or two 20' each; 3 x 40' and 2 x 20', one of them held by customs.
    # The held box may not go; the three 40' fill the three wagons (6 TEU, the optimum: putting
    # the free 20' on a wagon leaves its other slot empty and a 40' behind, 5 TEU)
    boxes = [
        container("F1"),
        container("F2"),
        container("F3"),
        container("T1", "22G1", gross_kg=10_000),
        container("T2", "22G1", gross_kg=10_000, customs_status="held"),
    ]
    response = plan(svc, boxes, [wagons(3)])
    assert response.status_code == 201, response.text
    run = response.json()
    result = run["result"]
    assert run["kind"] == "consolidation" and result["status"] == "optimal"
    (train,) = result["plans"]
    loaded = [c for w in train["wagons"] for c in w["containers"]]
    assert len(loaded) == len(set(loaded)) == result["loaded"] == 3
    assert sum(w["teu"] for w in train["wagons"]) == 6
    left = {u["container_id"]: u["reasons"] for u in result["unassigned"]}
    assert set(left) == {"T1", "T2"}
    assert any("export" in r for r in left["T2"]), left["T2"]
    assert result["loaded"] + result["unloaded"] == result["containers"] == 5

    stored = svc.client.get(run["links"]["self"], headers=svc.h("operator"))
    assert stored.status_code == 200 and stored.json()["result"] == result
    assert svc.client.get(run["links"]["self"], headers=svc.h("planner")).status_code == 403
    listed = svc.client.get("/v1/consolidation/plans", headers=svc.h("operator")).json()
    assert listed["total"] == 1
    assert plan(svc, boxes, [wagons(3)], who="planner").status_code == 403


def test_train_load_plan_errors_name_the_row_and_field(svc: Service) -> None:
    response = plan(svc, [container("F1")], [wagons(2, slot_pattern="1x33")])
    assert response.status_code == 422
    (detail,) = response.json()["details"]
    assert detail["field"] == "trains.0.slot_pattern"

    response = plan(svc, [container("F1"), container("F1")], [wagons(2)])
    assert response.status_code == 422
    assert "duplicate container_id: F1" in response.json()["message"]

    response = plan(svc, [container("F1")], [wagons(2), wagons(1, max_gross_t=900)])
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "trains.1.max_gross_t"

    response = plan(svc, [container("F1", gross_kg=-1)], [wagons(2)])
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "containers.0.gross_kg"


def test_batch_endpoints_take_larger_bodies(svc: Service) -> None:
    # 300 KB: over the 256 KiB limit of ordinary requests, under the 4 MiB of batch inputs
    padding = {"container_id": "X" * 90}
    junk = {"containers": [padding] * 3000, "trains": []}
    assert svc.client.post("/v1/quotes", json=junk, headers=svc.h("admin")).status_code == 413
    response = svc.client.post("/v1/consolidation/plans", json=junk, headers=svc.h("admin"))
    assert response.status_code == 422


# --------------------------------------------------------------------------- quote split
#: 50 x 40' = 100 TEU by truck and rail only: no single X8428 departure (82 TEU) takes it
RAIL_100_TEU = {
    "origin": "SZ-CITY",
    "destination": "DEDUI",
    "cargo": {"containers": [{"type": "42G1", "count": 50}]},
    "ready": READY.isoformat(),
    "constraints": {"allowed_modes": ["truck", "rail"]},
}


def test_quote_split_over_departures(svc: Service) -> None:
    # 50 x 40' = 100 TEU by rail only: no single X8428 departure (82 TEU) takes it, so the
    # quote has no single route, and a split over two departures within their capacity carries
    # all of it: status "split", created and bookable (201)
    body = RAIL_100_TEU
    response = svc.client.post("/v1/quotes", json=body, headers=svc.h("shipper"))
    assert response.status_code == 201, response.text
    quote = response.json()
    assert quote["status"] == "split" and "split" in quote["reasons"][0]
    assert quote["alternatives"] == []
    split = quote["split"]
    assert split["status"] == "ok"
    assert sum(p["containers"] for p in split["parts"]) == split["placed"] == 50
    loads: dict[str, float] = {}
    for part in split["parts"]:
        for leg in part["legs"]:
            if leg["link_id"] == RAIL:
                loads[leg["departure"]] = loads.get(leg["departure"], 0.0) + part["teu"]
    assert len(loads) == 2 and all(v <= 82.0 for v in loads.values())
    assert {d["departure"]: d["used"] for d in split["departures"] if d["link_id"] == RAIL} == loads

    asked = svc.client.post(
        "/v1/quotes",
        json={**body, "cargo": {"containers": [{"type": "42G1", "count": 2}]}, "split": True},
        headers=svc.h("shipper"),
    ).json()
    assert asked["status"] == "ok" and asked["split"]["status"] == "ok"
    assert sum(p["containers"] for p in asked["split"]["parts"]) == 2


def test_booking_a_split_takes_each_parts_space(svc: Service) -> None:
    body = RAIL_100_TEU
    quote = svc.client.post("/v1/quotes", json=body, headers=svc.h("shipper")).json()
    used = {d["departure"]: d["used"] for d in quote["split"]["departures"] if d["link_id"] == RAIL}
    assert sum(used.values()) == 100.0 and len(used) == 2
    # the quote has no single route: booking an alternative is refused, the split is not
    assert svc.book(quote["id"]).status_code == 409
    both = {"quote_id": quote["id"], "alternative": 0, "split": True}
    assert svc.client.post("/v1/bookings", json=both, headers=svc.h("shipper")).status_code == 422

    split = {"quote_id": quote["id"], "split": True, "reference": "PO-SPLIT"}
    response = svc.client.post("/v1/bookings", json=split, headers=svc.h("shipper"))
    assert response.status_code == 201, response.text
    booking = response.json()
    assert booking["split"] is True and booking["alternative"] is None
    held: dict[datetime, float] = {}
    for leg in booking["legs"]:
        if leg["link_id"] == RAIL:
            moment = datetime.fromisoformat(leg["departure"])
            held[moment] = held.get(moment, 0.0) + leg["space"]["amount"]
    assert held == {datetime.fromisoformat(k): v for k, v in used.items()}
    for departure, amount in used.items():
        assert svc.departure(departure)["remaining"] == 82.0 - amount
    again = svc.client.post("/v1/bookings", json=split, headers=svc.h("shipper"))
    assert again.status_code == 409 and "already booked" in again.json()["message"]
    # another tenant cannot see or book it; cancelling releases every part's space
    assert svc.client.post("/v1/bookings", json=split, headers=svc.h("other")).status_code == 404
    cancel = svc.client.post(f"/v1/bookings/{booking['id']}/cancel", headers=svc.h("shipper"))
    assert cancel.status_code == 200
    assert all(svc.departure(d)["remaining"] == 82.0 for d in used)


def test_booking_a_split_needs_one(svc: Service) -> None:
    quote = svc.quote()
    split = {"quote_id": quote["id"], "split": True}
    response = svc.client.post("/v1/bookings", json=split, headers=svc.h("shipper"))
    assert response.status_code == 409
    assert "no split to book" in response.json()["message"]
