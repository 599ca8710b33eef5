"""Where customs steps may happen, in the checker (docs/customs-model.md): import clearance at the
point of entry or the office of destination and nowhere else, transit declarations, which states
each link regime carries (free ports, plain road, TIR), the Combined Port, AEO only where it has
effect, drug-import ports and the drug permit, dangerous goods by class and division.

Each test takes a legal engine quote on the ``v2`` network (verify_kit) and breaks one rule: by
editing the document, or by checking it against a network or request where the same route is not
legal (an engine quote on a network where the illegal route is legal, checked against the real
one)."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from verify_kit import (
    SZ_CUSTOMS,
    alternative,
    assert_flags,
    drop_events,
    event_of,
    operations,
    quote,
    quote_ok,
    request,
    v2_network,
    with_event,
    with_jurisdiction,
    with_link,
    with_node,
)

from router.network import Network
from router.network.model import AeoLevel, CargoClass, Mode
from router.quotes.document import make_quote
from router.routing.compiled import compile_network
from router.routing.request import Cargo, CustomsScope, TraderProfile
from router.verify.legality import check_alternative, check_quote

AIR = frozenset({Mode.TRUCK, Mode.AIR})
ADVANCED = TraderProfile(aeo_level=AeoLevel.ADVANCED)


@pytest.fixture(scope="module")
def net() -> Network:
    return v2_network()


def test_every_engine_quote_on_the_v2_network_passes(net: Network) -> None:
    """All node pairs, rotating cargo (general, pharma, class 9, e-commerce), trader (AEO,
    direct loading, 一单两报, white-listed importer, no Combined Port) and customs scope."""
    # the boxes declare their cargo, so that they also have air options as loose cargo
    # (containers are not flown)
    cargos = [
        Cargo(containers=(("42G1", 1),), weight_kg=8_000.0, volume_m3=40.0),
        Cargo(
            containers=(("22G1", 1),),
            cargo_class=CargoClass.PHARMA,
            weight_kg=4_000.0,
            volume_m3=20.0,
        ),
        Cargo(
            containers=(("22G1", 1),),
            cargo_class=CargoClass.DANGEROUS,
            imdg_class="9",
            weight_kg=4_000.0,
            volume_m3=20.0,
        ),
        Cargo(weight_kg=300.0, cargo_class=CargoClass.ECOMMERCE),
    ]
    traders = [
        TraderProfile(),
        TraderProfile(
            AeoLevel.ADVANCED,
            direct_eligible=True,
            joint_declaration_eligible=True,
            drug_whitelisted=True,
        ),
        TraderProfile(combined_port_allowed=False),
    ]
    cn = compile_network(net)
    routed = 0
    for i, (o, d) in enumerate(itertools.permutations(sorted(net.nodes), 2)):
        for j in range(2):
            k = 2 * i + j
            req = request(
                o,
                d,
                cargos[k % len(cargos)],
                trader=traders[k % len(traders)],
                scope=list(CustomsScope)[k % 3],
                alternatives=5,
            )
            q = make_quote(cn, req)
            routed += q["status"] == "ok"
            assert check_quote(net, req, q) == [], (o, d, req.cargo, req.trader, req.customs_scope)
    assert routed >= 250


# ------------------------------------------------------------------ where import may happen
def test_a_box_landed_at_yantian_is_not_cleared_at_baoan(net: Network) -> None:
    """Clearance shopping (issue 9, item 8): a box landed at Yantian and cleared at the airport,
    whose dwell is shorter. Yantian, Bao'an and the destination are one customs office, so no
    transit declaration may be lodged at Yantian: the box is imported there. The engine routes
    the shopping only where the mainland were a free port."""
    req = request("RTM", "SZ")
    legal = quote_ok(net, req)
    assert all(("import_clearance", "YTN") in operations(a) for a in legal["alternatives"]), (
        "imported at the point of entry"
    )
    shopping = with_event(
        quote(with_jurisdiction(net, "CN", free_port=True), req), "import_clearance", "SZX"
    )
    assert_flags(
        check_alternative(net, req, shopping),
        "(import_clearance at SZX): import clearance of in_transit cargo at SZX, not at its point "
        "of entry YTN (clearance shopping",
        "(S-YTN-SZX): supervised link boarded by in_transit cargo outside a free port",
    )


def test_air_cargo_landed_at_amsterdam_is_not_cleared_at_duisburg(net: Network) -> None:
    """Air cargo for Rotterdam lands at Amsterdam: imported there, or declared in transit (T1)
    to Rotterdam and imported there; a T1 to Duisburg (faster) to clear there is clearance
    shopping. The engine routes it only where Duisburg were in Rotterdam's customs district."""
    req = request("SZ", "RTM", allowed_modes=AIR)
    legal = quote_ok(net, req)
    assert ("transit_declaration", "AMS") in operations(alternative(legal, "S-AMS-RTM")), (
        "T1 from Amsterdam to Rotterdam"
    )
    widened = with_node(net, "DUI", customs_district="Douane Rotterdam")
    shopping = with_event(quote(widened, req), "import_clearance", "DUI")
    assert check_alternative(widened, req, shopping) == []
    assert_flags(
        check_alternative(net, req, shopping),
        "(import_clearance at DUI): import clearance of in_bond cargo at DUI, which is not the "
        "office of destination",
    )


def test_no_transit_declaration_within_the_entry_offices_own_district(net: Network) -> None:
    req = request("SZ", "RTM", allowed_modes=AIR)
    alt = with_event(quote_ok(net, req), "transit_declaration", "AMS")
    one_office = with_node(net, "AMS", customs_district="Douane Rotterdam")
    assert_flags(
        check_alternative(one_office, req, alt),
        "(transit_declaration at AMS): transit declaration within the entry point's own office",
    )


def test_in_transit_becomes_in_bond_only_by_a_transit_declaration(net: Network) -> None:
    """The T1 at Amsterdam dropped: the cargo rides the bonded truck still in transit."""
    req = request("SZ", "RTM", allowed_modes=AIR)
    alt = with_event(quote_ok(net, req), "transit_declaration", "AMS")
    assert_flags(
        check_alternative(net, req, drop_events(alt, "transit_declaration", "AMS")),
        "(S-AMS-RTM): supervised link boarded by in_transit cargo outside a free port",
        "(import_clearance at RTM): state_before is 'in_bond' but the cargo is in_transit",
    )


def test_a_transit_declaration_away_from_the_point_of_entry_is_flagged(net: Network) -> None:
    req = request("SZ", "RTM", allowed_modes=AIR)
    alt = with_event(quote_ok(net, req), "transit_declaration", "AMS")
    event_of(alt, "transit_declaration", "AMS")["node"] = "RTM"
    assert_flags(check_alternative(net, req, alt), "happens at RTM but the cargo is at AMS")


def test_import_only_into_the_destinations_territory_or_a_free_port(net: Network) -> None:
    """Frankfurt → Shenzhen via HKIA: imported into Hong Kong (a free port, no duty) and
    re-exported by road. Where Hong Kong were not a free port, that import would be an import
    into a territory only crossed."""
    req = request("FRA", "SZ")
    alt = with_event(quote_ok(net, req), "import_clearance", "HKA")
    assert_flags(
        check_alternative(with_jurisdiction(net, "HK", free_port=False), req, alt),
        "(import_clearance at HKA): import clearance into HK, which is neither the destination's "
        "territory nor a free port",
    )


# ---------------------------------------------------------------- which regime carries what
def test_plain_road_carries_no_cargo_in_transit(net: Network) -> None:
    """Through cargo from HKIA rides a TIR truck into the mainland; on a plain cross-border truck
    (no TIR carnet) it would first have to be cleared out of Hong Kong."""
    req = request("FRA", "SZ")
    tir = with_link(net, "T-HKB-SZB", mode=Mode.TIR)
    alt = alternative(quote_ok(tir, req), "T-HKB-SZB")
    assert ("transhipment", "HKB") in operations(alt)
    for leg in alt["legs"]:
        if leg["link_id"] == "T-HKB-SZB":
            leg["mode"] = Mode.TRUCK.value
    assert_flags(
        check_alternative(net, req, alt),
        "(T-HKB-SZB): plain road crossing boarded by in_transit cargo",
    )


def test_through_cargo_rides_links_in_transit_only_in_a_free_port(net: Network) -> None:
    """HKIA flying out: the box crosses Hong Kong in transit (carrier's control, HK has no bonded
    regime for general cargo). The same route through a territory that is not a free port is
    not legal."""
    req = request("SZ", "FRA", required_nodes=("HKA",))
    alt = alternative(quote_ok(net, req), "T-SZB-HKB", "T-HKB-HKA", "A-HKA-FRA")
    assert "import_clearance" not in [op for op, node in operations(alt) if node.startswith("HK")]
    assert_flags(
        check_alternative(with_jurisdiction(net, "HK", free_port=False), req, alt),
        "(T-HKB-HKA): domestic link carries in_transit cargo",
    )


# ----------------------------------------------------------------------------- Combined Port
def test_combined_port_declaration_at_the_feeder_none_at_the_hub(net: Network) -> None:
    req = request("SZ", "RTM", required_nodes=("SDX",))
    alt = alternative(quote_ok(net, req), "B-SDX-SHK", "D-SHK-RTM")
    assert [op for op in operations(alt) if op[0] in ("combined_port", "export_clearance")] == [
        ("combined_port", "SDX")
    ]
    assert next(leg for leg in alt["legs"] if leg["link_id"] == "D-SHK-RTM")["dwell_basis"] == (
        "combined_port"
    )


def test_a_barge_export_to_hong_kong_is_not_combined_port(net: Network) -> None:
    """Issue 9, item 5: the Combined Port is valid only onward to the feeder's mainland hub."""
    req = request(
        "SZ", "HKG", required_nodes=("SDX",), allowed_modes=frozenset({Mode.TRUCK, Mode.BARGE})
    )
    alt = alternative(quote_ok(net, req), "B-SDX-HKG")
    export = event_of(alt, "export_clearance", "SDX")
    export["operation"] = "combined_port"
    assert_flags(
        check_alternative(net, req, alt),
        "the Combined Port declaration made at SDX is valid only onward from its hub SHK, but the "
        "cargo leaves CN at SDX",
    )


def test_the_combined_port_is_never_for_hong_kong(net: Network) -> None:
    req = request("SZ", "RTM", required_nodes=("SDX",))
    alt = alternative(quote_ok(net, req), "B-SDX-SHK", "D-SHK-RTM")
    hub_in_hk = with_node(net, "SDX", combined_port_hub="HKG")
    assert_flags(
        check_alternative(hub_in_hk, req, alt),
        "(combined_port at SDX): Combined Port hub HKG is in HK",
    )


# ---------------------------------------------------------------------------------------- AEO
def test_aeo_has_no_effect_in_the_us(net: Network) -> None:
    """No China–US AEO mutual recognition (issue 9, item 9): a quote applying the advanced
    profile to the US import (as the engine would under an MRA) is flagged."""
    req = request("SZ", "LAX", trader=ADVANCED)
    assert event_of(quote_ok(net, req)["alternatives"][0], "import_clearance", "LAX")[
        "inspection_probability"
    ] == pytest.approx(0.03)
    under_mra = with_jurisdiction(net, "US", aeo_mra_cn=True)
    alt = quote_ok(under_mra, req)["alternatives"][0]
    assert_flags(
        check_alternative(net, req, alt),
        "(import_clearance at LAX): clearance_h 2.92 but at LAX (US: no AEO mutual recognition "
        "with China: the none profile) the none AEO profile gives 4.72 h",
        "(import_clearance at LAX): inspection_probability 0.005",
    )


def test_aeo_has_effect_under_an_mra(net: Network) -> None:
    req = request("SZ", "FRA", trader=ADVANCED)
    alt = quote_ok(net, req)["alternatives"][0]
    assert event_of(alt, "import_clearance", "FRA")["inspection_probability"] == pytest.approx(
        0.005
    )
    assert_flags(
        check_alternative(with_jurisdiction(net, "EU", aeo_mra_cn=False), req, alt),
        "(import_clearance at FRA): clearance_h 3.03 but at FRA (EU: no AEO mutual recognition",
    )


def test_joint_declaration_only_for_eligible_traders(net: Network) -> None:
    """一单两报 at the Shenzhen Bay crossing: 0.5 h instead of 1 h, for eligible traders."""
    req = request("SZ", "HKG", trader=TraderProfile(joint_declaration_eligible=True))
    alt = with_event(quote_ok(net, req), "export_clearance", "SZB")
    assert event_of(alt, "export_clearance", "SZB")["clearance_h"] == pytest.approx(0.5)
    plain = dataclasses.replace(req, trader=TraderProfile())
    assert_flags(
        check_alternative(net, plain, alt), "(export_clearance at SZB): clearance_h 0.5 but"
    )


# -------------------------------------------------------------------------------------- drugs
PHARMA = Cargo(containers=(("22G1", 1),), cargo_class=CargoClass.PHARMA)


def test_pharma_enters_only_through_a_drug_import_port(net: Network) -> None:
    """The EU has designated ports in this network (Antwerp, Frankfurt): pharma for Rotterdam is
    imported at Antwerp; a route importing it at Rotterdam is flagged. The US has none, so any
    import office may clear it."""
    req = request("SZ", "RTM", PHARMA)
    assert all(
        ("import_clearance", "RTM") not in operations(a) for a in quote_ok(net, req)["alternatives"]
    )
    general = with_event(quote_ok(net, request("SZ", "RTM")), "import_clearance", "RTM")
    assert_flags(
        check_alternative(net, req, general),
        "pharma import at RTM, which is not a designated drug-import port of EU",
    )
    quote_ok(net, request("SZ", "LAX", Cargo(weight_kg=300.0, cargo_class=CargoClass.PHARMA)))


def test_an_unlisted_drug_importer_needs_the_drug_permit(net: Network) -> None:
    listed = request("SZ", "RTM", PHARMA, trader=TraderProfile(drug_whitelisted=True))
    unlisted = dataclasses.replace(listed, trader=TraderProfile())
    fast = with_event(quote_ok(net, listed), "import_clearance", "ANR")
    slow = with_event(quote_ok(net, unlisted), "import_clearance", "ANR")
    gap = (
        event_of(slow, "import_clearance", "ANR")["clearance_h"]
        - event_of(fast, "import_clearance", "ANR")["clearance_h"]
    )
    assert gap == pytest.approx(24.0)  # ANR's drug_permit_h
    assert_flags(check_alternative(net, unlisted, fast), "(import_clearance at ANR): clearance_h")
    assert_flags(check_alternative(net, listed, slow), "(import_clearance at ANR): clearance_h")


# ----------------------------------------------------------------------------- dangerous goods
def dg(imdg: str) -> Cargo:
    return Cargo(containers=(("22G1", 1),), cargo_class=CargoClass.DANGEROUS, imdg_class=imdg)


def test_a_dg_ban_covers_only_the_classes_it_lists(net: Network) -> None:
    """The Shenzhen Bay road crossing bars listed dangerous chemicals (classes 1–8): class 9
    batteries cross there (issue 9, item 11); class 3 may not."""
    batteries = request("SZ", "HKG", dg("9"))
    alt = alternative(quote_ok(net, batteries), "T-SZB-HKB")
    flammable = dataclasses.replace(batteries, cargo=dg("3"))
    assert quote(net, flammable)["status"] == "no_route"
    assert_flags(
        check_alternative(net, flammable, alt),
        "(T-SZB-HKB): T-SZB-HKB bars dangerous goods of IMDG class 3",
    )


@pytest.mark.parametrize("imdg", ["1.4", "1.4S"])
def test_a_terminal_permits_a_division(net: Network, imdg: str) -> None:
    """Yantian takes division 1.4 of class 1 only: 1.4S passes, 1.1 is flagged."""
    req = request("SZ", "RTM", dg(imdg))
    alt = alternative(quote_ok(net, req), "D-YTN-RTM")
    mass_explosive = dataclasses.replace(req, cargo=dg("1.1"))
    assert_flags(
        check_alternative(net, mass_explosive, alt),
        "dangerous goods of IMDG class 1.1 handled at YTN",
    )


def test_sz_customs_is_the_destination_district(net: Network) -> None:
    """The fixture's premise for the Yantian test: the port, the airport and the destination
    city are one customs office."""
    assert {net.nodes[n].customs_district for n in ("SZ", "YTN", "SZX")} == {SZ_CUSTOMS}


def test_bonded_cargo_moving_on_from_an_office_of_destination_is_flagged(net: Network) -> None:
    """Bonded cargo is cleared at the first office of destination it reaches (review of customs
    v2): a train arriving in bond at Duisburg, when Duisburg belongs to Rotterdam's office of
    destination, may not move on under bond to Rotterdam to clear there. The engine routes that
    only where Duisburg is another office."""
    req = request("SZ", "RTM")
    widened = with_node(net, "DUI", customs_district="Douane Rotterdam")
    legal = quote_ok(widened, req)
    assert all(
        ("import_clearance", "RTM") not in operations(a)
        for a in legal["alternatives"]
        if ("import_clearance", "DUI") in operations(a)
    )
    moving_on = [
        a
        for a in quote(net, req)["alternatives"]
        if any(leg["from"] == "DUI" for leg in a["legs"])
        and ("import_clearance", "RTM") in operations(a)
    ]
    assert moving_on, "the engine on the narrower district moves the bond on to Rotterdam"
    assert_flags(
        check_alternative(widened, req, moving_on[0]),
        "in_bond cargo moves on from DUI, an office of destination it has reached",
    )
