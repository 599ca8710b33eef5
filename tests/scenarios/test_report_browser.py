"""The scenario report in a real headless browser: Debian's Chromium driven by Playwright opens
report.html from disk, every request that is not file:/data:/blob:/about: is aborted and
recorded (there must be none), the Leaflet map draws its land, network and flow layers, the
difference layer toggles on, a popup opens, the console stays clean, and screenshots are kept
in $ROUTER_TEST_ARTIFACTS (default tests/artifacts/).

``make test`` installs Debian's Chromium (``make browser``) and the playwright package (a dev
dependency); without either the test fails and says how to get it. ``playwright install`` is
never needed: the browser is the system's."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import NoReturn

import pytest
from test_report import make_run_dir

from router.network import load_network
from router.scenarios.report import write_outputs

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("ROUTER_CHROMIUM", "/usr/bin/chromium")
ALLOWED_SCHEMES = ("file:", "data:", "blob:", "about:")
#: Chromium switches that keep the browser itself off the network
QUIET = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-domain-reliability",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-features=Translate,OptimizationHints,MediaRouter",
]


def _need(reason: str) -> NoReturn:
    pytest.fail(f"{reason}: the report's browser test needs it (make test installs it)")


@pytest.fixture(scope="module")
def sync_playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need("the playwright package is not installed (.venv/bin/pip install playwright)")
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        _need(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)")
    return sync_playwright


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("runs")
    networks = make_run_dir(out, load_network(REPO / "data"))
    return write_outputs(out, networks)["report"]


@pytest.fixture(scope="module")
def artifacts() -> Path:
    folder = Path(os.environ.get("ROUTER_TEST_ARTIFACTS") or REPO / "tests" / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_report_renders_offline_in_chromium(sync_playwright, report, artifacts):
    blocked: list[str] = []
    errors: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(ALLOWED_SCHEMES):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=QUIET)
        try:
            context = browser.new_context(
                viewport={"width": 1400, "height": 1000}, service_workers="block"
            )
            context.route("**/*", route)
            page = context.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
            page.goto(report.as_uri(), wait_until="load")
            page.wait_for_selector("body[data-map-ready='1']", timeout=30_000)
            page.wait_for_load_state("networkidle")

            pane = ".leaflet-overlay-pane svg"
            assert page.locator(f"{pane} path.land").count() >= 2  # land and its +360 copy
            assert page.locator(f"{pane} path.network").count() == 1
            flows = page.locator(f"{pane} path.flow-baseline").count()
            assert flows >= 5
            assert page.locator(f"{pane} path").count() > 10
            assert page.locator(f"{pane} path.flow-diff").count() == 0
            assert page.locator(".leaflet-control-layers-overlays label").count() >= 7
            # the land really covers the GBA: its path has a long outline
            assert len(page.locator(f"{pane} path.land").first.get_attribute("d") or "") > 1000

            page.wait_for_timeout(300)
            page.locator("#map").screenshot(path=str(artifacts / "scenario-report-map.png"))

            # turn a scenario's change layer on from the layer list
            change = page.get_by_text("Change: Rail shift vs baseline")
            change.click()
            assert page.locator(f"{pane} path.diff-rail-shift").count() > 0
            page.get_by_text("World", exact=True).click()
            page.wait_for_timeout(500)
            page.locator("#map").screenshot(path=str(artifacts / "scenario-report-map-world.png"))
            change.click()  # off again
            assert page.locator(f"{pane} path.diff-rail-shift").count() == 0

            # a flow's popup
            page.locator(f"{pane} path.flow-baseline").first.dispatch_event("click")
            popup = page.locator(".leaflet-popup-content")
            popup.wait_for(timeout=5_000)
            assert "TEU" in popup.inner_text()
            page.evaluate("() => { window.reportMap.closePopup(); }")

            # the charts are embedded and decode
            widths = page.eval_on_selector_all(
                ".charts img", "imgs => imgs.map(i => i.naturalWidth)"
            )
            assert len(widths) == 8 and all(w > 300 for w in widths)
            page.get_by_text("GBA", exact=True).click()
            page.wait_for_timeout(500)
            page.screenshot(path=str(artifacts / "scenario-report-page.png"), full_page=True)
        finally:
            browser.close()
    assert blocked == [], f"requests that would leave the machine: {blocked}"
    assert errors == [], f"console errors: {errors}"
    assert (artifacts / "scenario-report-map.png").stat().st_size > 10_000
