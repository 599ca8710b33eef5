"""Rail consolidation / train load planning with CP-SAT (DESIGN.md §3).

Which booked containers go on which train departure and which wagon slot.

Rules (every plan respects them; :func:`validate_plan` checks them independently):

* only export-cleared containers are loaded; a container never leaves before its ready date
  nor after its deadline (latest departure date), and only on a train serving its destination;
* a wagon takes a multiset of container lengths contained in one of its slot patterns (e.g.
  ``1x40/2x20``: one 40' or two 20'), at most its payload, and each container at most the
  wagon's per-container limit where one is given;
* the train is made of wagons of its departure's wagon set (a pool: the plan chooses which
  wagons run and marshals them), within the train's maximum gross weight (wagon tare plus
  containers) and length; wagons left empty between loaded ones run as spacers and count;
* containers are grouped in destination blocks, in the order the train serves them: block index
  never decreases along the train;
* dangerous goods of conflicting IMDG classes are on different wagons ("away from") or have at
  least one wagon between them ("separated from" or stricter), see :mod:`router.optimise.consolidation.dg`.

Objective, lexicographic: maximise loaded TEU weighted by priority, then minimise waiting days
(departure date minus ready date), then minimise wagons in the trains. It is one integer
objective with weights that keep the order strict; the reported objective is in
priority-weighted TEU (tie-breaks appear as a fraction below one TEU).

Models: ``exact`` is one CP-SAT model over container x departure x wagon; for large instances
``decomposed`` first assigns containers to departures with an aggregated CP-SAT model (slot
patterns counted per wagon type, payload, train weight and length), then plans each train's
wagons exactly in date order, then tries the containers a train could not take on the other
trains. ``auto`` picks by model size. Both start from the first-fit-decreasing plan as a hint;
:func:`first_fit_decreasing` is also the baseline of ``benchmarks/consolidation_bench.py``.
When a problem is one-dimensional bin packing (one departure, one wagon type, one destination,
one box length, no dangerous goods) ``auto`` and ``exact`` first run :mod:`.binpack` (lower
bound L2, searches for a packing at that bound); a packing of every box at the bound is optimal
and is returned as such (method ``bin packing``), otherwise it is the warm start of the model
``auto`` picks by size (or of ``exact``) and its bound bounds the result too.

Bounds and statuses. ``optimal`` means proved optimal for the whole problem given: CP-SAT proved
it on the exact model, or every box is loaded on as few wagons as the bin-packing lower bound.
The gap is always against a bound valid for the whole problem:

* ``exact``: CP-SAT's best bound on the exact model (the whole problem);
* ``decomposed``: the best bound of stage A, the aggregated model over **all** departures of the
  week. It is a relaxation of the whole problem, not a per-departure bound: any plan maps onto
  it (each wagon in the train, spacers included, counts once under its type and slot pattern;
  boxes per length fit the counted slots; loads fit the counted payload; tare, length and train
  weight sum the same) with the same objective, while block order, dangerous-goods separation
  and per-container wagon limits are dropped. So its optimum, and CP-SAT's bound on it, is at
  least the optimum of the whole week. The per-train solves of stage B (given the earlier
  trains' decisions) report no bound of their own; ``details.bound_source`` names the bound;
* weights are rounded up to whole kg and payloads down in every model (also in the bound).

Modules, one concern each: :mod:`.model` (inputs and options), :mod:`.result` (plans and the
result), :mod:`.eligibility`, :mod:`.objective` (the integer weights), :mod:`.plans` (solver
loads to plans, reasons for what stayed behind), :mod:`.cpsat` (the CP-SAT models),
:mod:`.heuristic` (first-fit decreasing), :mod:`.solve` (:func:`consolidate`), :mod:`.validate`
(:func:`validate_plan`), :mod:`.dg` (dangerous-goods separation) and :mod:`.binpack` (the
bin-packing core: lower bounds and packing searches).
"""

from router.optimise.consolidation.eligibility import eligible, ineligibility_reasons
from router.optimise.consolidation.heuristic import first_fit_decreasing
from router.optimise.consolidation.model import (
    ISO_LENGTH,
    MAX_CONTAINER_GROSS_KG,
    TEU_BY_LENGTH,
    BookedContainer,
    ConsolidationOptions,
    CustomsStatus,
    TrainDeparture,
    WagonType,
    parse_patterns,
    pattern_text,
)
from router.optimise.consolidation.objective import OBJECTIVE_UNIT
from router.optimise.consolidation.result import (
    ConsolidationResult,
    PlanStats,
    TrainPlan,
    Unloaded,
    WagonLoad,
)
from router.optimise.consolidation.solve import consolidate
from router.optimise.consolidation.validate import validate_plan

__all__ = [
    "ISO_LENGTH",
    "MAX_CONTAINER_GROSS_KG",
    "OBJECTIVE_UNIT",
    "TEU_BY_LENGTH",
    "BookedContainer",
    "ConsolidationOptions",
    "ConsolidationResult",
    "CustomsStatus",
    "PlanStats",
    "TrainDeparture",
    "TrainPlan",
    "Unloaded",
    "WagonLoad",
    "WagonType",
    "consolidate",
    "eligible",
    "first_fit_decreasing",
    "ineligibility_reasons",
    "parse_patterns",
    "pattern_text",
    "validate_plan",
]
