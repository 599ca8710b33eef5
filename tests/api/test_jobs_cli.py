"""``router worker`` and ``router jobs list|show|cancel`` on the service's database: jobs
submitted through the API are run by a separate worker process's command and read back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_optimise_api import BATCH
from typer.testing import CliRunner

from router.cli import app
from router.config import get_settings
from router.services import jobs
from router.services.auth import Principal, Role
from router.services.context import ServiceContext

runner = CliRunner()
PLANNER = Principal(key_id=None, name="t", tenant="acme", role=Role.PLANNER)  # type: ignore[arg-type]


@pytest.fixture
def ctx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_dir: Path):
    url = f"sqlite:///{tmp_path / 'router.sqlite'}"
    monkeypatch.setenv("ROUTER_DATABASE_URL", url)
    monkeypatch.setenv("ROUTER_DATA_DIR", str(tiny_dir))
    monkeypatch.setenv("ROUTER_JOB_HEARTBEAT_S", "0.1")
    get_settings.cache_clear()
    context = ServiceContext.open(get_settings())
    context.migrate()
    yield context
    context.close()
    get_settings.cache_clear()


def test_a_separate_worker_runs_the_queue_and_jobs_commands_show_it(ctx: ServiceContext) -> None:
    body = {"shipments": BATCH, "time_limit_s": 5}
    done_id = jobs.submit(ctx, PLANNER, "assignment", body)["id"]
    result = runner.invoke(app, ["worker", "--until-idle", "--name", "cli-worker"])
    assert result.exit_code == 0, result.output
    shown = runner.invoke(app, ["jobs", "show", done_id])
    assert shown.exit_code == 0, shown.output
    job = json.loads(shown.stdout)
    assert job["status"] == "succeeded" and job["links"]["result"].startswith("/v1/assignments/")

    queued_id = jobs.submit(ctx, PLANNER, "assignment", body)["id"]
    listed = runner.invoke(app, ["jobs", "list"])
    assert listed.exit_code == 0 and "2 job(s)" in listed.stdout
    lines = [line for line in listed.stdout.splitlines() if line[:32] in (done_id, queued_id)]
    assert [line.split()[2] for line in lines] == ["queued", "succeeded"]
    only = runner.invoke(app, ["jobs", "list", "--status", "queued", "--json"])
    assert [j["id"] for j in json.loads(only.stdout)["items"]] == [queued_id]
    assert runner.invoke(app, ["jobs", "list", "--status", "lost"]).exit_code == 2

    cancelled = runner.invoke(app, ["jobs", "cancel", queued_id])
    assert cancelled.exit_code == 0 and f"job {queued_id} cancelled" in cancelled.output
    again = runner.invoke(app, ["jobs", "cancel", done_id])
    assert "had already ended: succeeded" in again.output
    waited = runner.invoke(app, ["jobs", "show", queued_id, "--wait"])
    assert waited.exit_code == 1 and json.loads(waited.stdout)["status"] == "cancelled"
    missing = runner.invoke(app, ["jobs", "show", "0" * 32])
    assert missing.exit_code == 1 and "unknown job" in missing.output
