"""Resilience drills on PostgreSQL, with a real server of our own (scripts/postgres-test-server.sh,
durable settings) and real `tandem` processes.

1. PostgreSQL stops (an immediate shutdown, as a crash) while writers create participants
   through the API: `tandem` answers 503 with Retry-After while it is down, never 500, and
   serves again once it is back, without being restarted; every acknowledged create is there.
2. `tandem` is killed with SIGKILL under write load: after a restart every acknowledged create
   is there.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest
from conftest import REPO_ROOT, strong_password
from test_durability import call
from test_operations import Served, data_dir, tandem  # noqa: F401 (data_dir is a fixture)

PG_SCRIPT = REPO_ROOT / "scripts" / "postgres-test-server.sh"
WRITERS = 4
DEADLINE = 60


@pytest.fixture
def postgres(tmp_path):
    """A durable PostgreSQL of this test's own: (url, pg(command))."""
    env = dict(os.environ, PG_TEST_STATE_FILE=str(tmp_path / "pg.state"), PG_TEST_DURABLE="1")

    def pg(command: str) -> str:
        result = subprocess.run([str(PG_SCRIPT), command], env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    url = pg("start")
    try:
        yield url, pg
    finally:
        pg("stop")


class Writers:
    """Threads creating participants through the API, each create with its own idempotency key;
    keeps what was acknowledged and every status seen."""

    def __init__(self, base: str, token: str, coach_id: str, prefix: str) -> None:
        self.base, self.token, self.coach_id, self.prefix = base, token, coach_id, prefix
        self.acknowledged: list[tuple[str, str]] = []
        self.statuses: list[int] = []
        self.retry_after: set[str] = set()
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._write, args=(n,), daemon=True) for n in range(WRITERS)]

    def start(self) -> "Writers":
        for thread in self.threads:
            thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def count(self) -> int:
        with self.lock:
            return len(self.acknowledged)

    def wait_for(self, acknowledged: int) -> None:
        deadline = time.monotonic() + DEADLINE
        while self.count() < acknowledged:
            assert time.monotonic() < deadline, f"only {self.count()} acknowledged; statuses {set(self.statuses)}"
            time.sleep(0.05)

    def _write(self, writer: int) -> None:
        number = 0
        while not self.stopping.is_set():
            number += 1
            name = f"{self.prefix} {writer}-{number}"
            body = {
                "profile": {"preferredName": name, "pathways": ["smart"]},
                "engagement": {"serviceType": "recovery_coaching", "referralSource": "self", "funding": "grant",
                               "primaryCoachId": self.coach_id},
            }
            request = urllib.request.Request(self.base + "/api/v1/participants", method="POST")
            request.add_header("Authorization", f"Bearer {self.token}")
            request.add_header("Content-Type", "application/json")
            request.add_header("Idempotency-Key", f"{self.prefix}-{writer}-{number}")
            try:
                with urllib.request.urlopen(request, data=json.dumps(body).encode(), timeout=15) as response:
                    status, answer = response.status, json.loads(response.read())
            except urllib.error.HTTPError as error:
                status, answer = error.code, {}
                if error.headers.get("Retry-After"):
                    with self.lock:
                        self.retry_after.add(error.headers["Retry-After"])
            except (urllib.error.URLError, OSError, ConnectionError):
                if self.stopping.is_set():
                    return
                time.sleep(0.05)  # the server is gone for a moment: never acknowledged
                continue
            with self.lock:
                self.statuses.append(status)
                if status == 201:
                    self.acknowledged.append((answer["id"], name))
            if status != 201:
                time.sleep(0.05)


def serve_on(data_dir: str, url: str) -> tuple[Served, str, str]:
    """Sets up an organization in PostgreSQL and serves it: (server, token, admin id)."""
    password = strong_password()
    made = tandem(data_dir, "setup", "--org", "Statewide", "--email", "admin@example.org",
                  TANDEM_SETUP_PASSWORD=password, DATABASE_URL=url)
    assert made.returncode == 0, made.stderr
    server = Served(data_dir, DATABASE_URL=url)
    try:
        status, created = call(
            server.base_url, "POST", "/tokens", body={"email": "admin@example.org", "password": password})
        assert status == 201, created
        status, me = call(server.base_url, "GET", "/me", created["token"])
        assert status == 200
    except BaseException:
        server.stop()
        raise
    return server, created["token"], me["id"]


def ready(base: str) -> int:
    try:
        with urllib.request.urlopen(base + "/readyz", timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return 0


def check_all_there(base: str, token: str, acknowledged: list[tuple[str, str]]) -> None:
    for participant_id, name in acknowledged:
        status, record = call(base, "GET", f"/participants/{participant_id}", token)
        assert status == 200, f"acknowledged participant {participant_id} is missing"
        assert record["profile"]["preferredName"] == name


def test_postgres_stops_and_comes_back_under_write_load(data_dir, postgres):  # noqa: F811
    url, pg = postgres
    server, token, coach = serve_on(data_dir, url)
    try:
        stop_and_come_back(server, writers := Writers(server.base_url, token, coach, "Before"), pg)
        check_all_there(server.base_url, token, writers.acknowledged)
    finally:
        assert server.stop() == 0


def stop_and_come_back(server: Served, writers: Writers, pg) -> None:
    writers.start()
    try:
        writers.wait_for(40)
        pg("halt")  # an immediate shutdown: what a crash of the database server looks like
        deadline = time.monotonic() + DEADLINE
        while ready(server.base_url) != 503:
            assert time.monotonic() < deadline, "readiness never said the database is gone"
            time.sleep(0.1)
        during = writers.count()
        time.sleep(1)  # let the writers meet the missing database (a condition follows)
        deadline = time.monotonic() + DEADLINE
        while 503 not in writers.statuses:
            assert time.monotonic() < deadline, f"no 503 while the database was down: {set(writers.statuses)}"
            time.sleep(0.05)
        pg("resume")
        deadline = time.monotonic() + DEADLINE
        while ready(server.base_url) != 200:
            assert time.monotonic() < deadline, "tandem did not come back after the database did"
            time.sleep(0.1)
        writers.wait_for(during + 40)  # creates are acknowledged again, same process
    finally:
        writers.stop()
    assert server.process.poll() is None, "tandem exited when the database went away"
    assert 500 not in writers.statuses, "a 500 answered while the database was away or coming back"
    assert set(writers.statuses) <= {201, 503}, set(writers.statuses)
    assert writers.retry_after, "503 without Retry-After"


def test_acknowledged_creates_survive_sigkill_on_postgres(data_dir, postgres):  # noqa: F811
    url, _ = postgres
    server, token, coach = serve_on(data_dir, url)
    writers = Writers(server.base_url, token, coach, "Killed").start()
    try:
        writers.wait_for(120)
        server.process.send_signal(signal.SIGKILL)  # mid-stream: the writers are still sending
        server.process.wait(timeout=10)
    finally:
        writers.stop()
        server.stop()
    assert len(writers.acknowledged) >= 120
    restarted = Served(data_dir, DATABASE_URL=url)
    try:
        check_all_there(restarted.base_url, token, writers.acknowledged)
    finally:
        assert restarted.stop() == 0
