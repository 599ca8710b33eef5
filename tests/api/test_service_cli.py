"""``router serve`` (first admin key) and ``router keys create/list/revoke``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from router.cli import app
from router.config import get_settings
from router.store import repositories as repo
from router.store.db import Database

runner = CliRunner()
KEY = re.compile(r"gbr_[0-9a-f]{8}_[A-Za-z0-9_-]+")


@pytest.fixture
def db_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_dir: Path) -> str:
    url = f"sqlite:///{tmp_path / 'var' / 'router.sqlite'}"
    monkeypatch.setenv("ROUTER_DATABASE_URL", url)
    monkeypatch.setenv("ROUTER_DATA_DIR", str(tiny_dir))
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def _active(url: str, secret: str) -> tuple[str, str] | None:
    db = Database(url)
    with db.read() as session:
        row = repo.find_active_key(session, secret)
        found = None if row is None else (row.role, row.tenant)
    db.dispose()
    return found


def test_keys_create_prints_a_new_key_once(db_env: str) -> None:
    result = runner.invoke(app, ["keys", "create", "--role", "shipper", "--name", "ACME"])
    assert result.exit_code == 0, result.output
    keys = KEY.findall(result.output)
    assert len(keys) == 1 and "shown only this once" in result.output
    assert _active(db_env, keys[0]) == ("shipper", "ACME")
    listed = runner.invoke(app, ["keys", "list"])
    assert listed.exit_code == 0 and "ACME" in listed.output and "shipper" in listed.output
    assert keys[0] not in listed.output
    bad = runner.invoke(app, ["keys", "create", "--role", "king", "--name", "x"])
    assert bad.exit_code == 2 and "role" in bad.output


def test_keys_revoke(db_env: str) -> None:
    created = runner.invoke(app, ["keys", "create", "--role", "operator", "--name", "Rail"])
    secret = KEY.findall(created.output)[0]
    prefix = secret.split("_")[1]
    result = runner.invoke(app, ["keys", "revoke", prefix])
    assert result.exit_code == 0 and f"revoked operator key {prefix}" in result.output
    assert _active(db_env, secret) is None
    missing = runner.invoke(app, ["keys", "revoke", "ffffffff"])
    assert missing.exit_code == 1


def test_serve_creates_and_prints_the_first_admin_key_once(
    db_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict] = []
    monkeypatch.setattr("uvicorn.run", lambda target, **kw: calls.append({"target": target, **kw}))
    first = runner.invoke(app, ["serve", "--port", "8123", "--workers", "2"])
    assert first.exit_code == 0, first.output
    keys = KEY.findall(first.output)
    assert len(keys) == 1 and "Empty database" in first.output
    assert _active(db_env, keys[0]) == ("admin", "admin")
    assert calls[0]["target"] == "router.api.app:app_factory" and calls[0]["factory"] is True
    assert (calls[0]["port"], calls[0]["workers"], calls[0]["host"]) == (8123, 2, "127.0.0.1")
    again = runner.invoke(app, ["serve"])
    assert again.exit_code == 0 and not KEY.findall(again.output)  # only on first start


def test_workers_end_when_the_supervisor_is_killed(tmp_path: Path, tiny_dir: Path) -> None:
    """Issue 13 defect 9: ``kill -9`` of ``router serve --workers 2`` must not leave its workers
    serving the port (a restart then failed with "address already in use")."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "ROUTER_DATABASE_URL": f"sqlite:///{tmp_path / 'router.sqlite'}",
        "ROUTER_DATA_DIR": str(tiny_dir),
        "ROUTER_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "router", "serve", "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            pytest.fail("router serve did not start")
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1)
            except httpx.HTTPError:
                break  # nobody serves the port any more
            time.sleep(0.5)
        else:
            pytest.fail("the workers went on serving after their supervisor was killed")
    finally:
        if server.poll() is None:
            server.kill()


def test_the_default_database_is_the_same_from_any_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13 (newcomer friction): ``router keys ...`` run from another folder wrote to
    another ``var/router.sqlite`` than the server's."""
    from router.config import Settings

    monkeypatch.delenv("ROUTER_DATABASE_URL", raising=False)
    here = Settings().database_url
    monkeypatch.chdir(tmp_path)
    assert Settings().database_url == here
    assert here.startswith("sqlite:////") and here.endswith("/var/router.sqlite")  # absolute


def test_keys_commands_say_which_database_they_use(db_env: str) -> None:
    created = runner.invoke(app, ["keys", "create", "--role", "planner", "--name", "Plan"])
    assert created.exit_code == 0 and db_env in created.output
    listed = runner.invoke(app, ["keys", "list"])
    assert f"1 key(s) in {db_env}" in listed.output
