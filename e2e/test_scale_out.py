"""Two `tandem` processes sharing one PostgreSQL, as behind a load balancer: whatever one
process knows, the other knows, whichever one a request reaches.

Both trust 127.0.0.1 as their proxy (`TANDEM_TRUSTED_PROXIES`), as behind bench/cluster.sh's
nginx, so the client's address comes from `X-Forwarded-For`.

1. A token made on one works on the other; revoked on the other, it stops working on both.
2. A create sent to one and retried with the same `Idempotency-Key` on the other answers with
   the same record, kept once.
3. Failed sign-ins count across both: per account, and per client address as forwarded by
   the proxy; another address is not held back.
(Live messages across processes: test_message_journeys.py; scheduled jobs claimed once per
round: ScheduledJobsTests.)
"""

from __future__ import annotations

import uuid

from conftest import strong_password
from test_durability import call
from test_operations import Served, data_dir, tandem  # noqa: F401 (data_dir is a fixture)
from test_resilience import postgres  # noqa: F401 (a fixture)


def two_servers(data_dir: str, url: str) -> tuple[Served, Served, str]:
    password = strong_password()
    made = tandem(data_dir, "setup", "--org", "Statewide", "--email", "admin@example.org",
                  TANDEM_SETUP_PASSWORD=password, DATABASE_URL=url)
    assert made.returncode == 0, made.stderr
    first = Served(data_dir, DATABASE_URL=url, TANDEM_TRUSTED_PROXIES="127.0.0.1")
    try:
        second = Served(data_dir, DATABASE_URL=url, TANDEM_TRUSTED_PROXIES="127.0.0.1")
    except BaseException:
        first.stop()
        raise
    return first, second, password


def token(base: str, password: str, address: str = "198.51.100.1") -> tuple[int, dict]:
    return call(base, "POST", "/tokens", body={"email": "admin@example.org", "password": password},
                headers={"X-Forwarded-For": address})


def test_what_one_process_knows_the_other_knows(data_dir, postgres):  # noqa: F811
    url, _ = postgres
    first, second, password = two_servers(data_dir, url)
    try:
        a, b = first.base_url, second.base_url
        # 1. A token made on one process works on the other, until revoked on either.
        status, made = token(a, password)
        assert status == 201, made
        status, me = call(b, "GET", "/me", made["token"])
        assert status == 200
        assert call(b, "DELETE", f"/tokens/{made['id']}", made["token"])[0] == 204
        assert call(a, "GET", "/me", made["token"])[0] == 401
        assert call(b, "GET", "/me", made["token"])[0] == 401

        # 2. The same idempotency key on either process: one record, the same answer.
        status, made = token(b, password)
        assert status == 201
        bearer = made["token"]
        body = {
            "profile": {"preferredName": "Quinn Sørensen", "pathways": ["smart"]},
            "engagement": {"serviceType": "recovery_coaching", "referralSource": "self", "funding": "grant",
                           "primaryCoachId": me["id"]},
        }
        key = {"Idempotency-Key": str(uuid.uuid4())}
        status, created = call(a, "POST", "/participants", bearer, body, key)
        assert status == 201, created
        status, again = call(b, "POST", "/participants", bearer, body, key)
        assert status == 201 and again["id"] == created["id"]
        status, found = call(a, "GET", "/participants?q=Quinn", bearer)
        assert status == 200 and [p["id"] for p in found["items"]] == [created["id"]]

        # 3a. Failed sign-ins of one account count on both processes: five are free, then it
        # waits, whichever process is asked, even with the right password.
        statuses = [token(a if attempt % 2 else b, "not the password", "198.51.100.2")[0] for attempt in range(6)]
        assert statuses == [401] * 5 + [429], statuses
        assert token(a, password, "198.51.100.2")[0] == 429
        assert token(b, password, "198.51.100.2")[0] == 429
    finally:
        assert first.stop() == 0
        assert second.stop() == 0


def test_failures_count_by_the_forwarded_client_address(data_dir, postgres):  # noqa: F811
    url, _ = postgres
    first, second, _ = two_servers(data_dir, url)
    try:
        # 3b. Twenty failures from one address over many accounts (none of which exist, which
        # reads the same as a wrong password) are free, spread over both processes; then that
        # address waits, on both, while another address behind the same proxy does not (were
        # the header ignored, both would be 127.0.0.1 and wait together).
        guesser, neighbour = "203.0.113.50", "203.0.113.51"

        def guess(base: str, number: int, address: str) -> int:
            return call(base, "POST", "/tokens", body={"email": f"guess{number}@example.org", "password": "x" * 12},
                        headers={"X-Forwarded-For": f"10.9.9.9, {address}"})[0]

        statuses = [guess(first.base_url if n % 2 else second.base_url, n, guesser) for n in range(20)]
        assert statuses == [401] * 20, statuses
        assert guess(first.base_url, 100, guesser) == 429
        assert guess(second.base_url, 101, guesser) == 429
        assert guess(first.base_url, 102, neighbour) == 401
    finally:
        assert first.stop() == 0
        assert second.stop() == 0
