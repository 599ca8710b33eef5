"""The public library API in ``router/__init__.py``: every name resolves, importing the package
loads nothing heavy, and a quote runs end to end through it alone."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import router


def test_every_public_name_resolves() -> None:
    assert router.__all__ == sorted(router._EXPORTS)
    for name in router.__all__:
        assert getattr(router, name) is not None, name


def test_unknown_name_is_an_attribute_error() -> None:
    try:
        router.no_such_thing  # noqa: B018
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


def test_import_router_loads_no_solver_or_web_framework() -> None:
    code = (
        "import sys, router; "
        "heavy = [m for m in ('ortools', 'fastapi', 'scipy', 'geopandas', 'router.routing.search') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_quote_through_the_public_api(tiny_dir: Path) -> None:
    network = router.load_network(tiny_dir)
    cn = router.compile_network(network)
    request = router.QuoteRequest(
        router.PlaceRef("CNSZX"),
        router.PlaceRef("DEFRA"),
        # containers are not flown: declared weight and volume give the air option as loose cargo
        router.Cargo(containers=(("22G1", 1),), weight_kg=2_000.0, volume_m3=10.0),
        datetime(2025, 6, 2, 8, 0),
    )
    quote = router.make_quote(cn, request)
    assert quote["status"] == "ok"
    assert router.check_quote(network, request, quote) == []
