"""The command line as an operator uses it: setup from a script, backup while serving,
restore (refused while serving, checked before it replaces anything), the demo, and a
graceful stop on SIGTERM. Real processes, a real SQLite file, no mocks."""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import REPO_ROOT, SERVER_BINARY, free_port, strong_password

DEADLINE = 60


@pytest.fixture
def data_dir():
    path = tempfile.mkdtemp(prefix="tandem-ops-")
    yield path
    shutil.rmtree(path, ignore_errors=True)


def env_for(data_dir: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env["TANDEM_DATA_DIR"] = data_dir
    env.update(extra)
    return env


def tandem(data_dir: str, *args: str, stdin: str | None = None, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SERVER_BINARY), *args],
        cwd=REPO_ROOT,
        env=env_for(data_dir, **extra),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=DEADLINE,
    )


class Served:
    """`tandem serve` (or `demo`) in the background, with its output collected."""

    def __init__(self, data_dir: str, command: str = "serve", **extra: str) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [str(SERVER_BINARY), command, "--hostname", "127.0.0.1", "--port", str(self.port)],
            cwd=REPO_ROOT,
            env=env_for(data_dir, TANDEM_BASE_URL=self.base_url, **extra),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "server exited early:\n" + "\n".join(self.lines)
            try:
                with urllib.request.urlopen(self.base_url + "/readyz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            try:  # poll again shortly, waking at once if the process exits
                self.process.wait(timeout=0.1)
            except subprocess.TimeoutExpired:
                pass
        raise AssertionError("server not ready:\n" + "\n".join(self.lines))

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.reader.join(timeout=5)
        return self.process.returncode


def organization_names(database: Path) -> list[str]:
    with sqlite3.connect(database) as db:
        return [row[0] for row in db.execute("SELECT name FROM organizations ORDER BY name")]


def test_setup_command_creates_organizations_and_refuses_weak_passwords(data_dir):
    first = tandem(data_dir, "setup", "--org", "Riverbend", "--email", "dana@example.org", TANDEM_SETUP_PASSWORD=strong_password())
    assert first.returncode == 0, first.stderr
    assert "Created Riverbend with admin dana@example.org." in first.stdout
    # The password may also come from standard input.
    second = tandem(data_dir, "setup", "--org", "Hillside", "--email", "kai@example.org", stdin=strong_password() + "\n")
    assert second.returncode == 0, second.stderr
    weak = tandem(data_dir, "setup", "--org", "Weak Org", "--email", "w@example.org", TANDEM_SETUP_PASSWORD="password1")
    assert weak.returncode != 0
    assert "too common" in weak.stderr
    missing = tandem(data_dir, "setup", "--org", "No Email", TANDEM_SETUP_PASSWORD=strong_password())
    assert missing.returncode != 0
    assert "--email" in missing.stderr
    assert organization_names(Path(data_dir) / "tandem.sqlite") == ["Hillside", "Riverbend"]


def test_migrate_is_safe_to_run_twice(data_dir):
    for _ in range(2):
        result = tandem(data_dir, "migrate")
        assert result.returncode == 0, result.stderr
        assert "Migrations are up to date." in result.stdout


def test_backup_while_serving_then_restore_after_stopping(data_dir):
    assert tandem(data_dir, "setup", "--org", "Before Backup", "--email", "a@example.org", TANDEM_SETUP_PASSWORD=strong_password()).returncode == 0
    server = Served(data_dir)
    backup = Path(data_dir) / "backups" / "tandem-backup.sqlite"
    backup.parent.mkdir()
    try:
        made = tandem(data_dir, "backup", str(backup))
        assert made.returncode == 0, made.stderr
        assert "Backed up to" in made.stdout
        with sqlite3.connect(backup) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert organization_names(backup) == ["Before Backup"]
        again = tandem(data_dir, "backup", str(backup))
        assert again.returncode != 0 and "exists already" in again.stderr

        refused = tandem(data_dir, "restore", str(backup))
        assert refused.returncode != 0
        assert "is using" in refused.stderr
    finally:
        assert server.stop() == 0, "SIGTERM should stop the server cleanly:\n" + "\n".join(server.lines)

    # Change the live database, then restore the backup over it.
    assert tandem(data_dir, "setup", "--org", "After Backup", "--email", "b@example.org", TANDEM_SETUP_PASSWORD=strong_password()).returncode == 0
    assert organization_names(Path(data_dir) / "tandem.sqlite") == ["After Backup", "Before Backup"]
    restored = tandem(data_dir, "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert organization_names(Path(data_dir) / "tandem.sqlite") == ["Before Backup"]


def test_restore_refuses_a_damaged_or_foreign_file_and_changes_nothing(data_dir):
    assert tandem(data_dir, "setup", "--org", "Keep Me", "--email", "a@example.org", TANDEM_SETUP_PASSWORD=strong_password()).returncode == 0
    garbage = Path(data_dir) / "garbage.sqlite"
    garbage.write_bytes(b"this is not a database" * 100)
    result = tandem(data_dir, "restore", str(garbage))
    assert result.returncode != 0
    assert "not" in result.stderr and "database" in result.stderr
    foreign = Path(data_dir) / "foreign.sqlite"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE notes (id INTEGER)")
    result = tandem(data_dir, "restore", str(foreign))
    assert result.returncode != 0
    assert "not a Tandem database" in result.stderr
    assert organization_names(Path(data_dir) / "tandem.sqlite") == ["Keep Me"]


def test_a_restarted_server_prints_a_fresh_setup_link_until_setup_is_done(data_dir):
    links = []
    for _ in range(2):
        server = Served(data_dir)
        server.stop()
        found = [line for line in server.lines if re.search(r"/setup/\S+", line)]
        assert found, "\n".join(server.lines)
        links.append(found[0])
    assert links[0] != links[1]
    assert tandem(data_dir, "setup", "--org", "Done", "--email", "a@example.org", TANDEM_SETUP_PASSWORD=strong_password()).returncode == 0
    server = Served(data_dir)
    server.stop()
    assert not any("/setup/" in line for line in server.lines)


def test_demo_prints_sign_ins_that_work_and_labels_pages(data_dir):
    server = Served(data_dir, command="demo")
    try:
        text = "\n".join(server.lines)
        password = re.search(r"password (demo-\S+):", text)
        assert password, text
        for role in ["admin", "supervisor", "coach", "participant", "family", "partner"]:
            assert re.search(rf"^\s+{role}: \S+@demo\.tandem\.test$", text, re.M), f"no {role} sign-in:\n{text}"
        coach = re.search(r"coach: (\S+)", text).group(1)
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(server.base_url + "/signin").read().decode()
        assert "demo-banner" in page
        token = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"_csrf": token, "email": coach, "password": password.group(1)}).encode()
        home = opener.open(server.base_url + "/signin", data=form).read().decode()
        assert "Rosa Delgado" in home
        assert "demo-banner" in home
        assert 'id="caseload"' in home and "Jamie Okafor" in home, home
        # The family member signs in to her own family coaching and sees what Jamie shares.
        family = re.search(r"family: (\S+)", text).group(1)
        jar.clear()
        page = opener.open(server.base_url + "/signin").read().decode()
        token = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"_csrf": token, "email": family, "password": password.group(1)}).encode()
        home = opener.open(server.base_url + "/signin", data=form).read().decode()
        assert 'id="wellbeing-button"' in home and 'id="shared-with-me"' in home, home
        assert "Jamie Okafor" in home, home
        # The public site, read without signing in, has the demo's articles.
        site = re.search(r"Public site \(no sign-in\): (/organizations/\S+)", text).group(1)
        public = urllib.request.urlopen(server.base_url + site, timeout=10).read().decode()
        assert "What a peer recovery coach does" in public and "Call or text 555-0100" in public, public
        assert Path(data_dir, "demo.sqlite").exists() and not Path(data_dir, "tandem.sqlite").exists()
        with sqlite3.connect(Path(data_dir) / "demo.sqlite") as db:
            services = {row[0] for row in db.execute("SELECT DISTINCT service_type FROM engagements")}
            coaches = db.execute("SELECT COUNT(DISTINCT coach_id) FROM engagement_coaches").fetchone()[0]
        assert services == {
            "recovery_coaching", "peer_recovery_support", "sober_companion", "sober_escort",
            "family_recovery_coaching", "virtual_coaching",
        }
        assert coaches >= 4
    finally:
        assert server.stop() == 0


def test_audit_verify_names_the_first_altered_entry(data_dir):
    for org in ("One", "Two", "Three"):
        assert tandem(data_dir, "setup", "--org", org, "--email", f"{org.lower()}@example.org", TANDEM_SETUP_PASSWORD=strong_password()).returncode == 0
    intact = tandem(data_dir, "audit", "verify")
    assert intact.returncode == 0, intact.stderr
    assert "The audit chain is intact: 3 entries." in intact.stdout
    with sqlite3.connect(Path(data_dir) / "tandem.sqlite") as db:
        db.execute("UPDATE audit_events SET action = 'organization.delete' WHERE sequence = 2")
    broken = tandem(data_dir, "audit", "verify")
    assert broken.returncode != 0
    assert "broken at entry 2 (organization.delete" in broken.stderr
