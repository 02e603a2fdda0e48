"""Browser-journey harness: starts the built server on a free port with a fresh data dir,
drives headless Debian Chromium through Selenium (Debian's chromedriver, no Selenium Manager),
checks pages with axe-core, and keeps a screenshot of every failed test in e2e/artifacts/."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import importlib.util
from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

REPO_ROOT = Path(__file__).resolve().parent.parent
SERVER_BINARY = REPO_ROOT / ".build" / "debug" / "tandem"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SETUP_LINK = re.compile(r"https?://\S+/setup/\S+")
STARTUP_DEADLINE = 60.0
POLL = 0.1
WAIT = 15  # seconds for WebDriverWait conditions
WIDTHS = [360, 1280]
HEIGHT = 900


# ---------------------------------------------------------------------------------------
# The server under test


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class TandemServer:
    """One `tandem serve` process with its own data dir (hence its own SQLite database)."""

    name: str = "server"
    base_url: str = ""
    setup_link: str = ""
    stdout_lines: list[str] = field(default_factory=list)
    process: subprocess.Popen | None = None
    data_dir: str = ""
    _setup_seen: threading.Event = field(default_factory=threading.Event)
    _reader: threading.Thread | None = None
    env: dict[str, str] = field(default_factory=dict)  # extra environment for the process
    port: int = 0

    def start(self) -> "TandemServer":
        if not SERVER_BINARY.is_file():
            pytest.fail(
                f"server binary {SERVER_BINARY} is missing: build it first with `swift build --build-tests` "
                "(or run `make test`)",
                pytrace=False,
            )
        # A restart keeps the port and the data dir (and so the database).
        self.port = self.port or free_port()
        port = self.port
        self.base_url = f"http://127.0.0.1:{port}"
        self.data_dir = self.data_dir or tempfile.mkdtemp(prefix="tandem-e2e-")
        env = dict(os.environ)
        env.pop("DATABASE_URL", None)  # always the fresh SQLite database in the data dir
        env.update(
            {
                "TANDEM_DATA_DIR": self.data_dir,
                "TANDEM_BASE_URL": self.base_url,
                "LOG_LEVEL": "info",
            }
        )
        env.update(self.env)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [str(SERVER_BINARY), "serve", "--hostname", "127.0.0.1", "--port", str(port)],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        self._reader = threading.Thread(target=self._read_stdout, name=f"{self.name}-stdout", daemon=True)
        self._reader.start()
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _read_stdout(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        with open(ARTIFACTS / f"{self.name}.log", "w", encoding="utf-8") as log:
            for line in self.process.stdout:
                line = line.rstrip("\n")
                self.stdout_lines.append(line)
                log.write(line + "\n")
                log.flush()
                if not self._setup_seen.is_set():
                    match = SETUP_LINK.search(line)
                    if match:
                        self.setup_link = self._local_link(match.group(0))
                        self._setup_seen.set()

    def _local_link(self, link: str) -> str:
        """The printed link, pointed at this server (whatever host it was printed with)."""
        link = link.rstrip(".,;:)]}>'\"")
        parts = urlsplit(link)
        return self.base_url + parts.path + (f"?{parts.query}" if parts.query else "")

    def _ready(self) -> bool:
        try:
            with urllib.request.urlopen(self.base_url + "/readyz", timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            return False

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_DEADLINE
        ready = False
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._reader.join(timeout=5)
                pytest.fail(
                    f"tandem serve exited with code {self.process.returncode} before it was ready; output:\n"
                    + "\n".join(self.stdout_lines[-60:]),
                    pytrace=False,
                )
            ready = ready or self._ready()
            if ready and self._setup_seen.is_set():
                return
            self._setup_seen.wait(POLL)  # wakes early when the setup link shows up
        pytest.fail(
            f"tandem serve not ready within {STARTUP_DEADLINE:.0f}s "
            f"(GET /readyz 200: {ready}, setup link seen: {self._setup_seen.is_set()}); output:\n"
            + "\n".join(self.stdout_lines[-60:]),
            pytrace=False,
        )

    def restart(self) -> "TandemServer":
        """Stops the process (SIGTERM) and starts it again on the same database and port."""
        self._stop_process()
        self._setup_seen.set()  # an organization exists: no setup link is printed again
        return self.start()

    def stop(self) -> None:
        self._stop_process()
        if self.data_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def _stop_process(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        if self._reader is not None:
            self._reader.join(timeout=5)


@pytest.fixture(scope="session")
def server():
    """The shared server: `base_url`, `setup_link`, `stdout_lines`."""
    instance = TandemServer(name="server").start()
    yield instance
    instance.stop()


@pytest.fixture
def fresh_server():
    """A factory for extra servers with their own empty database (for journeys that change an
    account for good, such as turning on two-factor sign-in). Stopped after the test."""
    started: list[TandemServer] = []

    def make(name: str = "fresh", env: dict[str, str] | None = None) -> TandemServer:
        instance = TandemServer(name=f"{name}-{len(started) + 1}", env=dict(env or {})).start()
        started.append(instance)
        return instance

    yield make
    for instance in started:
        instance.stop()


# ---------------------------------------------------------------------------------------
# Browsers


def make_driver(width: int, height: int = HEIGHT) -> webdriver.Chrome:
    options = Options()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    options.add_argument(f"--window-size={width},{height}")
    options.add_argument("--lang=en-US")
    options.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_window_size(width, height)
    driver.set_script_timeout(60)
    driver.tandem_width = width  # read by the journeys
    return driver


@pytest.fixture(params=WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def browser(request):
    driver = make_driver(request.param)
    yield driver
    driver.quit()


# ---------------------------------------------------------------------------------------
# Checks shared by the journeys


def _current_axe_script() -> str:
    """axe-selenium-python bundles axe-core 3.1; use the current axe-core (4.x) shipped in
    axe-playwright-python's package data instead (installed without its dependencies)."""
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("axe-playwright-python is not installed: run make test (it installs e2e/requirements-axe.txt)")
    path = Path(list(spec.submodule_search_locations)[0]) / "axe.min.js"
    if not path.exists():
        raise RuntimeError(f"axe.min.js not found at {path}")
    return str(path)


AXE_SCRIPT = _current_axe_script()


def check_axe(driver, name: str) -> None:
    """Runs axe-core on the current page; fails on any serious or critical violation."""
    axe = Axe(driver, script_url=AXE_SCRIPT)
    axe.inject()
    results = axe.run()
    bad = [v for v in results.get("violations", []) if v.get("impact") in ("serious", "critical")]
    if bad:
        lines = []
        for violation in bad:
            targets = [", ".join(node.get("target", [])) for node in violation.get("nodes", [])][:5]
            lines.append(
                f"- [{violation.get('impact')}] {violation.get('id')}: {violation.get('help')} "
                f"({violation.get('helpUrl')}) at {targets}"
            )
        raise AssertionError(
            f"axe: {len(bad)} serious/critical violation(s) on '{name}' ({driver.current_url}):\n" + "\n".join(lines)
        )


def check_no_horizontal_scroll(driver, name: str) -> None:
    scroll_width, inner_width = driver.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth];"
    )
    assert scroll_width <= inner_width + 1, (
        f"'{name}' scrolls sideways at {inner_width}px: scrollWidth {scroll_width} > innerWidth {inner_width} + 1"
    )


def check_page(driver, name: str) -> None:
    """Every page a journey visits: axe, and no sideways scroll at the narrow width."""
    WebDriverWait(driver, WAIT).until(lambda d: d.execute_script("return document.readyState") == "complete")
    assert driver.find_elements(By.CSS_SELECTOR, "a.crisis-link"), f"'{name}' has no a.crisis-link"
    check_axe(driver, name)
    if getattr(driver, "tandem_width", None) == 360 or driver.execute_script("return window.innerWidth") <= 400:
        check_no_horizontal_scroll(driver, name)


def strong_password() -> str:
    return "Tw-" + secrets.token_urlsafe(18) + "-9q"


def unique_email(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}@example.org"


@dataclass
class Account:
    org_name: str
    display_name: str
    email: str
    password: str
    base_url: str
    observations: dict = field(default_factory=dict)


def perform_setup(driver, srv: TandemServer, check: bool = True) -> Account:
    """First-run setup through the browser: fills the form behind the printed setup link."""
    account = Account(
        org_name=f"Harbor Recovery {secrets.token_hex(2)}",
        display_name="Avery Admin",
        email=unique_email("admin"),
        password=strong_password(),
        base_url=srv.base_url,
    )
    wait = WebDriverWait(driver, WAIT)
    driver.get(srv.setup_link)
    wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#org_name")))
    if check:
        check_page(driver, "setup")
    driver.find_element(By.CSS_SELECTOR, "#org_name").send_keys(account.org_name)
    driver.find_element(By.CSS_SELECTOR, "#display_name").send_keys(account.display_name)
    driver.find_element(By.CSS_SELECTOR, "#email").send_keys(account.email)
    driver.find_element(By.CSS_SELECTOR, "#password").send_keys(account.password)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(lambda d: urlsplit(d.current_url).path == "/")
    wait.until(EC.visibility_of_element_located((By.TAG_NAME, "h1")))
    return account


def screenshot(driver, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[:150]
    try:
        driver.save_screenshot(str(ARTIFACTS / f"{safe}.png"))
        (ARTIFACTS / f"{safe}.html").write_text(driver.page_source, encoding="utf-8")
    except Exception:  # a dead browser must not hide the real failure
        pass


@pytest.fixture(scope="session")
def admin(server):
    """Performs the one-time setup through the browser (first, before any journey needs an
    account) and returns the credentials plus what was observed on the way, for test_setup."""
    obs: dict = {}
    driver = make_driver(360)
    try:
        # The setup page at both widths before submitting (GET does not use up the link).
        for width in (1280, 360):
            driver.set_window_size(width, HEIGHT)
            driver.tandem_width = width
            driver.get(server.setup_link)
            WebDriverWait(driver, WAIT).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#org_name")))
            obs[f"setup_fields_{width}"] = {
                sel: bool(driver.find_elements(By.CSS_SELECTOR, sel))
                for sel in ("#org_name", "#display_name", "#email", "#password", "button[type=submit]")
            }
            try:
                check_page(driver, f"setup ({width}px)")
                obs[f"setup_page_{width}"] = None
            except AssertionError as problem:
                obs[f"setup_page_{width}"] = str(problem)
        account = perform_setup(driver, server, check=False)
        for width in (360, 1280):
            driver.set_window_size(width, HEIGHT)
            driver.tandem_width = width
            WebDriverWait(driver, WAIT).until(lambda d: d.execute_script("return window.innerWidth") <= width)
            obs[f"landing_path_{width}"] = urlsplit(driver.current_url).path
            obs[f"h1_visible_{width}"] = driver.find_element(By.TAG_NAME, "h1").is_displayed()
            brands = driver.find_elements(By.CSS_SELECTOR, "a.brand")
            obs[f"brand_{width}"] = brands[0].text if brands else None
            try:
                check_page(driver, f"home after setup ({width}px)")
                obs[f"home_page_{width}"] = None
            except AssertionError as problem:
                obs[f"home_page_{width}"] = str(problem)
        account.observations = obs
    except BaseException:
        screenshot(driver, "admin-setup-failure")
        driver.quit()
        raise
    driver.quit()
    return account


# ---------------------------------------------------------------------------------------
# Screenshot of every failed test


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed and report.when in ("setup", "call"):
        driver = item.funcargs.get("browser") if hasattr(item, "funcargs") else None
        if driver is not None:
            screenshot(driver, f"{item.nodeid}-{report.when}")
    return report
