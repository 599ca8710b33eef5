"""CSV/JSON inputs of the optimisers: the bundled samples parse, every problem is reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from router.errors import InvalidRecordsError, InvalidRequestError
from router.optimise.io import (
    capacities_from_records,
    containers_from_records,
    min_loads_from_records,
    read_bookings,
    read_csv,
    read_shipments,
    read_trains,
    shipments_from_records,
    trains_from_records,
    write_bookings,
    write_trains,
)

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


def test_the_bundled_samples_parse():
    containers = read_bookings(SAMPLES / "bookings.csv")
    trains = read_trains(SAMPLES / "trains.csv")
    shipments = read_shipments(SAMPLES / "shipments.csv")
    assert len(containers) == 160 and len({c.id for c in containers}) == 160
    assert len(trains) >= 4 and all(len(t.wagons) == 55 for t in trains)
    assert {w.code for t in trains for w in t.wagons} == {"NX70A", "SGNS60"}
    assert len(shipments) == 10
    assert min_loads_from_records(read_csv(SAMPLES / "min_loads.csv"))
    assert capacities_from_records(read_csv(SAMPLES / "capacities.csv"))


def test_round_trip(tmp_path):
    containers = read_bookings(SAMPLES / "bookings.csv")
    trains = read_trains(SAMPLES / "trains.csv")
    write_bookings(tmp_path / "b.csv", containers)
    write_trains(tmp_path / "t.csv", trains)
    assert read_bookings(tmp_path / "b.csv") == containers
    again = read_trains(tmp_path / "t.csv")
    assert [(t.id, sorted(w.code for w in t.wagons)) for t in again] == [
        (t.id, sorted(w.code for w in t.wagons)) for t in trains
    ]


def test_every_problem_of_a_bookings_table_is_reported_at_once():
    rows = [
        {"container_id": "A", "length_ft": "40", "gross_kg": "x", "destination": "D", "ready": "2025-03-03"},
        {"container_id": "B", "length_ft": "40", "gross_kg": "9000", "destination": "D", "ready": "03/03/2025"},
        {"container_id": "C", "length_ft": "30", "gross_kg": "9000", "destination": "D", "ready": "2025-03-03"},
        {"container_id": "D", "length_ft": "40", "gross_kg": "9000", "destination": "D", "ready": "2025-03-03", "customs_status": "maybe"},
        {"container_id": "E", "length_ft": "40", "gross_kg": "9000", "destination": "D", "ready": "2025-03-03", "dg_class": "11"},
    ]  # fmt: skip
    with pytest.raises(InvalidRequestError) as err:
        containers_from_records(rows, "bookings.csv")
    text = str(err.value)
    assert "5 problem(s)" in text
    for expected in (
        "row 2, field 'gross_kg': 'x' is not a number",
        "row 3, field 'ready'",
        "row 4, field 'length_ft': must be 20, 40 or 45",
        "row 5, field 'customs_status'",
        "row 6, field 'dg_class'",
    ):
        assert expected in text


def test_trains_rows_of_one_departure_must_agree():
    base = {
        "departure_id": "T", "date": "2025-03-03", "destinations": "P;Q", "max_gross_t": "2000",
        "max_length_m": "800", "wagon_type": "NX70A", "wagons": "10", "slot_pattern": "1x40/2x20",
        "payload_t": "70", "tare_t": "23.8", "wagon_length_m": "13.966",
    }  # fmt: skip
    ok = trains_from_records(
        [base, {**base, "wagon_type": "S60", "wagons": "2", "slot_pattern": "1x45"}]
    )
    assert len(ok) == 1 and len(ok[0].wagons) == 12 and ok[0].destinations == ("P", "Q")
    with pytest.raises(InvalidRequestError) as err:
        trains_from_records(
            [base, {**base, "max_length_m": "900"}, {**base, "slot_pattern": "9x9"}]
        )
    assert "row 3, field 'max_length_m': differs" in str(err.value)
    assert "row 4, field 'slot_pattern'" in str(err.value)


def test_shipments_records_from_json():
    rows = [
        {
            "id": "S1", "origin": "A", "destination": "B", "containers": ["2x42G1", "1x22G1"],
            "ready": "2025-03-03T08:00", "booked": [{"link_id": "RAIL", "departure": "2025-03-03T10:00"}],
            "direct_eligible": True, "aeo_level": "advanced",
        }
    ]  # fmt: skip
    (s,) = shipments_from_records(rows, "shipments", first_row=0)
    assert (
        s.request.cargo.teu == 5 and s.booked[0][0] == "RAIL" and s.request.trader.direct_eligible
    )
    with pytest.raises(InvalidRecordsError) as err:
        shipments_from_records(
            [{**rows[0], "containers": "two boxes"}, {**rows[0], "id": "S2", "booked": "RAIL"}],
            "shipments",
            first_row=0,
        )
    # JSON arrays name each problem by its path (array.index.field)
    assert err.value.problems == (
        ("shipments.0.containers", "'two boxes' must look like 2x42G1"),
        ("shipments.1.booked", "'RAIL' must look like LINK_ID@2025-03-07T20:00"),
    )
    with pytest.raises(InvalidRequestError):
        shipments_from_records([rows[0], rows[0]], "shipments")


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(InvalidRequestError) as err:
        read_csv(tmp_path / "nope.csv")
    assert "file not found" in str(err.value)


def test_shipment_rows_carry_the_customs_measures(tmp_path) -> None:
    """The optional trader and e-commerce columns reach the shipment's request (issue 9)."""
    from router.optimise.io import read_shipments

    path = tmp_path / "shipments.csv"
    path.write_text(
        "id,origin,destination,containers,ready,cargo_class,aeo_level,joint_declaration_eligible,"
        "drug_whitelisted,inspect_first_pilot,ecommerce_regime\n"
        "S1,CN-SZ-CITY,NLRTM,1x42G1,2026-12-01T08:00,ecommerce,advanced,yes,no,yes,9810\n"
    )
    (shipment,) = read_shipments(path)
    trader = shipment.request.trader
    assert trader.joint_declaration_eligible and trader.inspect_first_pilot
    assert not trader.drug_whitelisted
    assert shipment.request.cargo.ecommerce_regime == "9810"


def test_shipment_rows_refuse_the_abolished_general_aeo_level(tmp_path) -> None:
    from router.errors import InvalidRecordsError
    from router.optimise.io import read_shipments

    path = tmp_path / "shipments.csv"
    path.write_text(
        "id,origin,destination,containers,ready,aeo_level\n"
        "S1,CN-SZ-CITY,NLRTM,1x42G1,2026-12-01T08:00,general\n"
    )
    try:
        read_shipments(path)
    except InvalidRecordsError as exc:
        assert "GAC Decree 251" in str(exc) and "aeo_level" in str(exc)
    else:
        raise AssertionError("the general AEO level must be refused")


def test_depots_hard_minimum_loads_and_supplies_from_csv(tmp_path) -> None:
    from router.optimise.io import supplies_from_records

    path = tmp_path / "shipments.csv"
    path.write_text(
        "id,origin,destination,containers,ready,origins\n"
        "S1,CN-SZ-CITY,NLRTM,1x42G1,2026-12-01T08:00,CNYTN;CNSHK\n"
    )
    (shipment,) = read_shipments(path)
    assert shipment.origins == ("CNYTN", "CNSHK")
    rules = min_loads_from_records(
        [
            {"link_id": "R", "departure": "2026-12-04T20:00", "min_teu": "40", "hard": "true"},
            {"link_id": "R", "min_teu": "20"},
        ]
    )
    assert [r.hard for r in rules] == [True, False]
    assert supplies_from_records([{"node": "CNYTN", "teu": "12"}]) == {"CNYTN": 12.0}
    with pytest.raises(InvalidRecordsError) as err:
        supplies_from_records([{"node": "CNYTN", "teu": "-1"}, {"node": "CNYTN", "teu": "2"}])
    text = str(err.value)
    assert "teu" in text and "must be >= 0" in text
