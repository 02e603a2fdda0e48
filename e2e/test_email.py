"""E-mail through a real SMTP server (PyPI `aiosmtpd`, on loopback).

An invitation and a password reset made in the browser arrive by e-mail with the same link the
page shows. The outbox survives restarts: a message queued while the mail server is down is
delivered once it is up, after a restart, and a further restart does not send it again.
"""

from __future__ import annotations

import email
import email.policy
import sqlite3
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller
from conftest import free_port, perform_setup, strong_password
from selenium.webdriver.common.by import By
from test_admin_journeys import member_row, open_members
from test_journeys import click_and_wait_for_new_page, visible
from test_participant_journeys import accept_invitation, invite_member, people  # noqa: F401

DEADLINE = 60  # seconds to wait for a message that should come


class Inbox:
    """aiosmtpd's handler: keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.arrived:
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, predicate, what: str):
        """The first message that satisfies `predicate`, waiting for it to arrive."""
        deadline = time.monotonic() + DEADLINE
        with self.arrived:
            while True:
                found = [m for m in self.messages if predicate(m)]
                if found:
                    return found[0]
                remaining = deadline - time.monotonic()
                assert remaining > 0, f"no e-mail {what} within {DEADLINE}s; got {[m['Subject'] for m in self.messages]}"
                self.arrived.wait(remaining)

    def count(self, predicate) -> int:
        with self.arrived:
            return sum(1 for m in self.messages if predicate(m))


def smtp_env(port: int) -> dict[str, str]:
    return {
        "TANDEM_SMTP_HOST": "127.0.0.1",
        "TANDEM_SMTP_PORT": str(port),
        "TANDEM_SMTP_SECURITY": "none",
        "TANDEM_SMTP_FROM": "tandem@example.org",
        "TANDEM_OUTBOX_INTERVAL_SECONDS": "1",
        "TANDEM_OUTBOX_RETRY_SECONDS": "1",
    }


def start_mail_server(port: int) -> tuple[Controller, Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, inbox


def to(address: str):
    return lambda message: message["To"] == address


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_invitation_and_reset_arrive_by_email(browser, fresh_server, people):  # noqa: F811
    port = free_port()
    controller, inbox = start_mail_server(port)
    try:
        srv = fresh_server("email", env=smtp_env(port))
        perform_setup(browser, srv)
        address, link = invite_member(browser, srv.base_url, "coach")
        visible(browser, "#link-emailed")
        invitation = inbox.wait_for(to(address), "with the invitation")
        assert invitation["Subject"] == "Your Tandem invitation"
        assert invitation["From"] == "tandem@example.org" and invitation["Message-ID"].endswith("@example.org>")
        assert link in body_of(invitation), body_of(invitation)

        coach = people("coach")
        accept_invitation(coach, link, "", "Robin Coach", strong_password(), "coach")
        open_members(browser, srv.base_url)
        form = member_row(browser, address).find_element(By.CSS_SELECTOR, "form[action$='/reset']")
        click_and_wait_for_new_page(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        reset_link = visible(browser, "#reset-link").text.strip()
        visible(browser, "#link-emailed")
        reset = inbox.wait_for(lambda m: to(address)(m) and "password" in m["Subject"], "with the reset link")
        text = body_of(reset)
        assert reset_link in text and text.startswith("Hi Robin,"), text
        assert "Coach" not in text, "only a first name"
    finally:
        controller.stop()


def outbox(data_dir: str) -> list[tuple[str, str, int]]:
    with sqlite3.connect(Path(data_dir) / "tandem.sqlite") as db:
        return list(db.execute("SELECT recipient, status, attempts FROM email_outbox ORDER BY created_at"))


def wait_for_outbox(srv, condition) -> None:
    """Polls the outbox table until `condition(rows)` holds (a condition, not a fixed wait)."""
    deadline = time.monotonic() + DEADLINE
    while not condition(outbox(srv.data_dir)):
        assert time.monotonic() < deadline, outbox(srv.data_dir)
        time.sleep(0.1)


def test_outbox_survives_restarts_without_sending_twice(browser, fresh_server):
    port = free_port()  # nothing listens here yet: the mail server is down
    srv = fresh_server("outbox", env=smtp_env(port))
    perform_setup(browser, srv)
    first, _ = invite_member(browser, srv.base_url, "coach")

    # Wait until delivery has failed at least once, then stop Tandem with the message queued.
    wait_for_outbox(srv, lambda rows: any(r == first and attempts >= 1 for r, _, attempts in rows))
    srv._stop_process()
    ((recipient, status, _),) = outbox(srv.data_dir)
    assert (recipient, status) == (first, "queued")

    controller, inbox = start_mail_server(port)
    try:
        srv.restart()
        message = inbox.wait_for(to(first), "after the restart")
        message_id = message["Message-ID"]
        wait_for_outbox(srv, lambda rows: [status for r, status, _ in rows if r == first] == ["sent"])

        # Restart again and queue a second message: once it arrives, the worker has gone
        # through the outbox since the restart, and the first was not sent again. (The admin's
        # session is kept in the database, so the browser is still signed in.)
        srv.restart()
        second, _ = invite_member(browser, srv.base_url, "supervisor")
        inbox.wait_for(to(second), "queued after the second restart")
        assert inbox.count(lambda m: m["Message-ID"] == message_id) == 1
        assert inbox.count(to(first)) == 1
        wait_for_outbox(srv, lambda rows: sorted(status for _, status, _ in rows) == ["sent", "sent"])
    finally:
        controller.stop()


def test_starttls_and_password_authentication(browser, fresh_server, tmp_path):
    """The mail server insists on STARTTLS before AUTH; Tandem checks its certificate (a
    throwaway one, trusted through TANDEM_SMTP_CA_FILE) and signs in with AUTH PLAIN."""
    import ssl
    import subprocess

    from aiosmtpd.smtp import AuthResult

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
        check=True, capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    logins: list[tuple[str, bool]] = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        good = auth_data.login == b"tandem" and auth_data.password == b"mail pass phrase"
        logins.append((mechanism, bool(session.ssl)))
        return AuthResult(success=good)

    port = free_port()
    inbox = Inbox()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, server_hostname="localhost", tls_context=context,
        require_starttls=True, authenticator=authenticator, auth_required=True, auth_require_tls=True,
    )
    controller.start()
    try:
        env = smtp_env(port) | {
            "TANDEM_SMTP_HOST": "localhost", "TANDEM_SMTP_SECURITY": "starttls", "TANDEM_SMTP_CA_FILE": str(cert),
            "TANDEM_SMTP_USER": "tandem", "TANDEM_SMTP_PASSWORD": "mail pass phrase",
        }
        srv = fresh_server("starttls", env=env)
        perform_setup(browser, srv)
        address, link = invite_member(browser, srv.base_url, "coach")
        message = inbox.wait_for(to(address), "over STARTTLS")
        assert link in body_of(message)
        assert logins and logins[-1] == ("PLAIN", True), logins
    finally:
        controller.stop()
