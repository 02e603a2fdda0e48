"""Durability: participants are created through the API by several writers while the server
is killed with SIGKILL; after a restart every acknowledged create is there and SQLite's
integrity check is ok. A real process, a real file, no mocks."""

from __future__ import annotations

import json
import signal
import sqlite3
import threading
import urllib.error
import urllib.request
from pathlib import Path

from conftest import strong_password
from test_operations import Served, data_dir, tandem  # noqa: F401 (data_dir is a fixture)

WRITERS = 4
KILL_AFTER = 120  # acknowledged creates before the kill


def call(base: str, method: str, path: str, token: str | None = None, body: dict | None = None,
         headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(base + "/api/v1" + path, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, data=data, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, {}


def serve_organization(data_dir: str, name: str) -> tuple[Served, str]:
    """Sets up an organization, serves it, and signs its admin in to the API: (server, token)."""
    password = strong_password()
    made = tandem(data_dir, "setup", "--org", name, "--email", "admin@example.org", TANDEM_SETUP_PASSWORD=password)
    assert made.returncode == 0, made.stderr
    server = Served(data_dir)
    status, created = call(server.base_url, "POST", "/tokens", body={"email": "admin@example.org", "password": password})
    if status != 201:
        server.stop()
    assert status == 201, created
    return server, created["token"]


def test_acknowledged_creates_survive_sigkill(data_dir):
    server, token = serve_organization(data_dir, "Durable")
    acknowledged: list[tuple[str, str]] = []
    refusals: list[tuple[int, dict]] = []
    lock = threading.Lock()
    enough = threading.Event()
    try:
        status, me = call(server.base_url, "GET", "/me", token)
        assert status == 200

        def write(writer: int) -> None:
            for number in range(10_000):
                key = f"w{writer}-{number}"
                body = {
                    "profile": {"preferredName": f"Durable {writer}-{number}", "pathways": ["smart"]},
                    "engagement": {"serviceType": "recovery_coaching", "referralSource": "self",
                                   "funding": "grant", "primaryCoachId": me["id"]},
                }
                try:
                    status, answer = call(server.base_url, "POST", "/participants", token, body, {"Idempotency-Key": key})
                except (urllib.error.URLError, OSError, ConnectionError):
                    return  # the server is gone: this request was never acknowledged
                if status != 201:
                    with lock:
                        refusals.append((status, answer))
                    return
                with lock:
                    acknowledged.append((answer["id"], body["profile"]["preferredName"]))
                    if len(acknowledged) >= KILL_AFTER:
                        enough.set()

        threads = [threading.Thread(target=write, args=(n,), daemon=True) for n in range(WRITERS)]
        for thread in threads:
            thread.start()
        assert enough.wait(timeout=120), f"only {len(acknowledged)} creates were acknowledged; refused: {refusals}"
        server.process.send_signal(signal.SIGKILL)  # mid-stream: the writers are still sending
        server.process.wait(timeout=10)
        for thread in threads:
            thread.join(timeout=20)
    finally:
        server.stop()
    with lock:
        survivors = list(acknowledged)
    assert len(survivors) >= KILL_AFTER

    with sqlite3.connect(Path(data_dir) / "tandem.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    restarted = Served(data_dir)
    try:
        for participant_id, name in survivors:
            status, record = call(restarted.base_url, "GET", f"/participants/{participant_id}", token)
            assert status == 200, f"acknowledged participant {participant_id} is missing after the restart"
            assert record["profile"]["preferredName"] == name
            assert len(record["engagements"]) == 1
    finally:
        assert restarted.stop() == 0
    with sqlite3.connect(Path(data_dir) / "tandem.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_sigterm_under_load_lets_requests_finish_and_exits_cleanly(data_dir):
    """A restart under load: requests under way when SIGTERM arrives are answered before the
    databases close, and the server exits with status 0, not a crash."""
    server, token = serve_organization(data_dir, "Restart")
    answered = 0
    failures: list[int] = []
    lock = threading.Lock()
    enough = threading.Event()
    try:
        def read() -> None:
            nonlocal answered
            while True:
                try:
                    status, _ = call(server.base_url, "GET", "/engagements", token)
                except (urllib.error.URLError, OSError, ConnectionError):
                    return  # the server has stopped taking requests
                with lock:
                    if status == 200:
                        answered += 1
                        if answered >= 300:
                            enough.set()
                    else:
                        failures.append(status)

        threads = [threading.Thread(target=read, daemon=True) for _ in range(8)]
        for thread in threads:
            thread.start()
        assert enough.wait(timeout=120), f"only {answered} answers; failures: {failures}"
        server.process.send_signal(signal.SIGTERM)  # while the readers are still sending
        exit_status = server.process.wait(timeout=30)
        for thread in threads:
            thread.join(timeout=20)
    finally:
        server.stop()
    output = "\n".join(server.lines)
    assert "Swift runtime failure" not in output and "Fatal error" not in output, output[-3000:]
    assert exit_status == 0, output[-3000:]
    assert failures == [], failures
