"""Independent customs-legality and consistency checker for quote documents.

The checker replays a route from the quote document (DESIGN.md §4.1, as produced by
:func:`router.quotes.document.make_quote`) against the :class:`~router.network.model.Network` and the
:class:`~router.routing.request.QuoteRequest`, and lists every rule the route breaks. It shares no
code with the search (:mod:`router.routing` beyond the request type, :mod:`router.quotes`,
:mod:`router.optimise`): the rules are written down a second time, from DESIGN.md §2.2–2.3 and
docs/customs-model.md, so that a bug in the search shows up as a violation here instead of being
repeated.

This module is the entry point (:func:`check_quote`, :func:`check_alternative`); the work is done by
:mod:`~router.verify.route` (one alternative from start to end) with :mod:`~router.verify.state`
(the replayed route), :mod:`~router.verify.legs`, :mod:`~router.verify.borders` (the border events
of a leg), :mod:`~router.verify.customs` (customs steps and link regimes),
:mod:`~router.verify.departures` (the departure rule), :mod:`~router.verify.totals` (the
document's sums), :mod:`~router.verify.quote_set` (tags, Pareto optimality),
:mod:`~router.verify.places`, :mod:`~router.verify.rules` and :mod:`~router.verify.document`.

What is checked (an empty list means the route is legal and the document consistent), by the
customs model v2 (docs/customs-model.md):

* **customs states** — cargo starts ``free`` at the origin; ``domestic`` links carry only cargo free
  in their own jurisdiction; ``supervised`` links carry ``cleared_export``/``in_bond`` cargo and stay
  inside one jurisdiction; inside a free port (Hong Kong) cargo ``in_transit`` rides domestic and
  supervised links as through cargo and stays ``in_transit``, nowhere else; ``international`` links
  cross jurisdictions, start at an ``exit`` node, end at an ``entry`` node, need a supervised state
  on boarding (export clearance in the jurisdiction being left; a plain international truck link,
  without TIR, only ``cleared_export`` or ``in_bond`` cargo; a Combined Port declaration only from
  its hub; ``cleared_export`` cargo at a land border crossing, its point of exit, boards
  nothing but an international link) and deliver ``in_transit`` at the point of entry, or ``in_bond`` when the leg enters the
  destination's territory at a border before its end (the transit declaration is the entry
  event); cargo that is not ``free`` is only ever at supervised nodes; each customs event's
  ``state_before`` is the state the cargo is in; the state changes only through events.
* **border events** — every change of customs territory along a leg (origin, ``via`` crossings,
  destination) shows ``exit`` at the last stop in the territory left, the ``advance_info`` the
  network's table requires for the territory entered and the leg's mode (due before loading or
  before arrival at the border) and ``entry`` at the first stop in the territory entered, each
  stamped where the vehicle is (running time x share of the distance along the leg's geometry, plus
  the border waits before it; within an hour, or 0.5 % of a long leg); an entry that declares
  transit costs the declaration fee; cargo that stays ``in_transit`` and changes vehicle outside
  the destination's territory does so under a ``transhipment`` event; events are in time order and
  none is stray (v1's ``transit_border`` events are not events of v2).
* **customs steps** — export clearance (``combined_port`` included: a feeder terminal whose hub is in
  its own, non-free-port territory) where offered, outside the destination's territory; import
  clearance where offered, into the destination's territory or a free port, of cargo ``in_transit``
  only at its point of entry (or, carried through a free port, at the office of destination) and
  of cargo ``in_bond`` only at the office of destination (a destination node or a node of its
  customs district): no clearance shopping; a transit declaration only at the point of entry, where
  offered, never within the office of destination; clearance times by the trader's AEO profile in
  China and under an AEO MRA with China, the ``none`` profile elsewhere, 一单两报 where offered to
  eligible traders, the drug permit for importers not on the white list; at the destination the
  cargo is ``free`` when the request's customs scope includes import or the shipment is domestic,
  and never ``cleared_export``.
* **cargo classes** — every link accepts the cargo class (and ``reefer`` for reefer containers);
  handling nodes have reefer plugs and permit the dangerous goods' IMDG class or division, and no
  link's ``dg_banned`` lists it; pharma enters a jurisdiction with designated drug-import ports only
  through one; e-commerce exports only at e-commerce nodes.
* **closures** — no leg of a mode closed at its origin, destination or via node departs on or after
  the closure date (e.g. trucks through Huanggang since 2025-12-21; before it they may), and no leg
  departs on or after its link's own ``closed_since`` day (CST).
* **request constraints** — allowed modes, excluded nodes and operators, required nodes,
  max transfers (a transfer is a change of vehicle at a node: consecutive road legs are one haul),
  deadline, origin and destination.
* **time** — legs in order and connected; departures after the cargo is ready at the node (customs
  events, handling at transfers, export yard dwell, cut-off); running time = transit + border time;
  weekly departures on a scheduled weekday/time (CST), headway departures on the continuous
  headway grid (Monday 2024-01-01 00:00 CST + offset + k x headway, whatever week the cargo is
  ready in), ``any``-time departures within the node's opening hours; export yard dwell before
  international vessel/train/aircraft departures of cleared or bonded cargo, shortened (direct
  loading / pick-up, Combined Port) only where the trader and node qualify.
* **document consistency** — duration, departure/arrival, time breakdown (customs time = customs
  steps + border waits of the legs), cost breakdown, per-leg and per-event sums (every cost once:
  legs plus customs events make the total), CO2e total, transfers, tags and Pareto optimality
  between alternatives.
* **capacity** — the shipment fits one departure (TEU, or chargeable kg for air).

Known limits: a lon/lat origin or destination has no jurisdiction in the model; it is taken to be
that of the nearest node that is not a border crossing (:func:`point_jurisdiction`), and a first- or
last-mile truck leg must stay inside it (besides carrying ``free`` cargo, within ``max_truck_km``,
to a truck-served node not closed to trucks); its office of destination is every truck-served node
of that jurisdiction within ``max_truck_km`` and their customs districts (the engine tries the
nearest few). Booked capacity of dated departures is not known here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from router.network.model import Network
from router.routing.request import QuoteRequest
from router.verify.document import Malformed
from router.verify.places import point_jurisdiction
from router.verify.quote_set import check_set
from router.verify.route import run
from router.verify.rules import EXPORT_OPS
from router.verify.state import RouteState

__all__ = ["EXPORT_OPS", "check_alternative", "check_quote", "point_jurisdiction"]


def check_alternative(
    network: Network, request: QuoteRequest, alternative: Mapping[str, Any]
) -> list[str]:
    """Every customs-legality and consistency violation of one alternative (empty: legal)."""
    replay = RouteState(network, request)
    try:
        run(replay, alternative)
    except Malformed as exc:
        replay.bad(f"malformed document: {exc}")
    except (AttributeError, TypeError, ValueError) as exc:
        replay.bad(f"malformed document: {type(exc).__name__}: {exc}")
    return replay.problems


def check_quote(network: Network, request: QuoteRequest, quote: Mapping[str, Any]) -> list[str]:
    """Every violation of a quote document: each alternative, and the set of alternatives."""
    status = quote.get("status")
    alternatives = quote.get("alternatives")
    if not isinstance(alternatives, list):
        return ["malformed document: 'alternatives' is not a list"]
    problems: list[str] = []
    if status in ("no_route", "split"):
        if alternatives:
            problems.append(f"status {status} but the quote has alternatives")
        if not quote.get("reasons"):
            problems.append(f"status {status} without reasons")
        split = quote.get("split") or {}
        if status == "split" and split.get("status") != "ok":
            problems.append("status split but the split does not place every container")
        if status == "no_route" and split.get("status") == "ok":
            problems.append("status no_route but the split places every container")
        return problems
    if status != "ok":
        return [f"unknown status {status!r}"]
    if not alternatives:
        problems.append("status ok but no alternatives")
    if len(alternatives) > request.preferences.alternatives:
        problems.append(
            f"{len(alternatives)} alternatives, more than the {request.preferences.alternatives} asked"
        )
    for i, alt in enumerate(alternatives):
        problems.extend(f"alternative {i}: {p}" for p in check_alternative(network, request, alt))
    problems.extend(check_set(alternatives))
    return problems
