"""schemathesis against the served OpenAPI document, as a signed-in coach of the demo
organization (a real caseload behind the token): no 5xx, every status and body as documented,
a bad request refused. Deterministic (fixed seed), bounded."""

from __future__ import annotations

import json
import re
import subprocess
import urllib.request
from pathlib import Path

from conftest import REPO_ROOT
from test_operations import Served, data_dir  # noqa: F401 - data_dir is a fixture

SCHEMATHESIS = REPO_ROOT / ".venv" / "bin" / "schemathesis"


def test_schemathesis_finds_no_server_errors_or_schema_violations(data_dir):  # noqa: F811
    server = Served(data_dir, command="demo")
    try:
        text = "\n".join(server.lines)
        password = re.search(r"password (demo-\S+):", text).group(1)
        coach = re.search(r"coach: (\S+)", text).group(1)
        body = json.dumps({"email": coach, "password": password, "name": "fuzz"}).encode()
        request = urllib.request.Request(
            server.base_url + "/api/v1/tokens", data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            token = json.load(response)["token"]
        result = subprocess.run(
            [
                str(SCHEMATHESIS), "--config-file", str(REPO_ROOT / "e2e" / "schemathesis.toml"),
                "run", server.base_url + "/api/openapi.json",
                "--url", server.base_url + "/api/v1",
                "-H", f"Authorization: Bearer {token}",
                "--checks", "all",
                "--max-examples", "40",
                "--seed", "7411",
                "--generation-deterministic",
                "--no-color",
            ],
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=600,
        )
        report = result.stdout + result.stderr
        Path(REPO_ROOT / "e2e" / "artifacts").mkdir(parents=True, exist_ok=True)
        (REPO_ROOT / "e2e" / "artifacts" / "schemathesis.txt").write_text(report)
        assert result.returncode == 0, report[-6000:]
    finally:
        assert server.stop() == 0
