"""Column schemas of the tables a scenario run writes (polars), shared by the runner, the KPIs
and the reports. Units are in the column names.

``shipments`` (one row per shipment of the demand, per run):

* ``shipment_id``, ``origin``, ``destination`` (codes as in the demand), ``origin_node`` and
  ``destination_node`` (network node ids; null when the code did not resolve)
* ``teu`` (containers: TEU of the boxes; loose cargo: 0), ``weight_kg``, ``cargo_class``
* ``ready``, ``deadline`` (timezone-aware datetimes; deadline may be null)
* ``status``: ``routed`` (took its recommended route), ``no_route`` (no legal route),
  ``unassigned`` (capacity-aware mode: left unassigned by the assignment)
* ``route_key``: the route's identity: its link ids in order joined by ``>`` (access/egress
  legs as ``access:<node>`` / ``egress:<node>``); null when not routed
* ``main_mode``: the mode of the leg with the most km; ``modes``: the modes in route order,
  joined by ``+``
* ``departure``, ``arrival`` (datetimes), ``door_to_door_days`` ((arrival - ready) in days)
* ``on_time``: arrival <= deadline (null when no deadline or not routed)
* ``cost_cny`` (total), ``co2e_ttw_kg``, ``co2e_wtt_kg``
* ``customs_h`` (hours of customs operations), ``dwell_h`` (yard dwell hours),
  ``waiting_h``, ``transit_h``
* ``transfers``
* ``border_crossings``: node ids of border crossings on the route joined by ``+`` ("" none)

``legs`` (one row per leg of a routed shipment):

* ``shipment_id``, ``seq`` (0-based), ``link_id`` (null for access/egress), ``service``,
  ``operator``, ``mode``, ``from_node``, ``to_node``, ``departure``, ``arrival``,
  ``distance_km``, ``teu``, ``teu_km``, ``weight_kg``, ``tonne_km``, ``co2e_ttw_kg``,
  ``co2e_wtt_kg``, ``cost_cny``
"""

from __future__ import annotations

import polars as pl

DATETIME = pl.Datetime("us", "Asia/Shanghai")

SHIPMENTS_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "shipment_id": pl.String,
    "origin": pl.String,
    "destination": pl.String,
    "origin_node": pl.String,
    "destination_node": pl.String,
    "teu": pl.Float64,
    "weight_kg": pl.Float64,
    "cargo_class": pl.String,
    "ready": DATETIME,
    "deadline": DATETIME,
    "status": pl.String,
    "route_key": pl.String,
    "main_mode": pl.String,
    "modes": pl.String,
    "departure": DATETIME,
    "arrival": DATETIME,
    "door_to_door_days": pl.Float64,
    "on_time": pl.Boolean,
    "cost_cny": pl.Float64,
    "co2e_ttw_kg": pl.Float64,
    "co2e_wtt_kg": pl.Float64,
    "customs_h": pl.Float64,
    "dwell_h": pl.Float64,
    "waiting_h": pl.Float64,
    "transit_h": pl.Float64,
    "transfers": pl.Int32,
    "border_crossings": pl.String,
}

LEGS_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "shipment_id": pl.String,
    "seq": pl.Int32,
    "link_id": pl.String,
    "service": pl.String,
    "operator": pl.String,
    "mode": pl.String,
    "from_node": pl.String,
    "to_node": pl.String,
    "departure": DATETIME,
    "arrival": DATETIME,
    "distance_km": pl.Float64,
    "teu": pl.Float64,
    "teu_km": pl.Float64,
    "weight_kg": pl.Float64,
    "tonne_km": pl.Float64,
    "co2e_ttw_kg": pl.Float64,
    "co2e_wtt_kg": pl.Float64,
    "cost_cny": pl.Float64,
}

STATUSES = ("routed", "no_route", "unassigned")
