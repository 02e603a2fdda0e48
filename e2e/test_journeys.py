"""Browser journeys against the page contract (ids and classes the templates promise).

Every journey runs at 360 px and 1280 px wide (the `browser` fixture); every page visited is
checked with axe-core, and at 360 px must not scroll sideways (`check_page`).

The first-run setup can happen only once per database: the session fixture `admin` performs it
through the browser before any journey needs an account, and `test_setup` asserts on what it saw.
The two-factor journey changes its account for good, so each run of it gets its own server.
Language switching is done signed out, so it never changes an account's saved language.
"""

from urllib.parse import urlsplit

from conftest import WAIT, check_page, perform_setup
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait
from totp import counter_at, totp

SIGNIN_FIELDS = ("#email", "#password", "button[type=submit]")


def path_of(driver) -> str:
    return urlsplit(driver.current_url).path


def wait(driver, timeout: float = WAIT) -> WebDriverWait:
    return WebDriverWait(driver, timeout)


def click_and_wait_for_new_page(driver, element) -> None:
    """Clicks something that loads a new document and waits until it has loaded.

    While the old document is being swapped out, chromedriver sometimes answers the staleness
    probe with a transient "unhandled inspector error: Node with given id does not belong to
    the document" instead of a stale-element error; that is retried within the same timeout
    (the wait still fails if the page never changes)."""
    old = driver.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(driver, WAIT, ignored_exceptions=(WebDriverException,)).until(EC.staleness_of(old))
    wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")


def visible(driver, css: str):
    return wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, css)))


def error_summary_shown(driver) -> str:
    summary = visible(driver, "div.error-summary")
    assert summary.text.strip(), "div.error-summary is empty"
    return summary.text.strip()


def open_signin(driver, base_url: str) -> None:
    driver.get(base_url + "/signin")
    visible(driver, "#email")
    for css in SIGNIN_FIELDS:
        assert driver.find_elements(By.CSS_SELECTOR, css), f"/signin has no {css}"


def submit_signin(driver, base_url: str, email: str, password: str) -> None:
    open_signin(driver, base_url)
    driver.find_element(By.CSS_SELECTOR, "#email").send_keys(email)
    driver.find_element(By.CSS_SELECTOR, "#password").send_keys(password)
    click_and_wait_for_new_page(driver, driver.find_element(By.CSS_SELECTOR, "button[type=submit]"))


def sign_out(driver) -> None:
    click_and_wait_for_new_page(driver, visible(driver, "button#signout"))
    wait(driver).until(
        lambda d: path_of(d) == "/signin" or d.find_elements(By.CSS_SELECTOR, "a[href^='/signin']")
    )


def submit_code(driver, code: str) -> None:
    field = visible(driver, "#code")
    field.clear()
    field.send_keys(code)
    form = field.find_element(By.XPATH, "./ancestor::form")
    click_and_wait_for_new_page(driver, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))


def assert_home(driver, name: str) -> None:
    wait(driver).until(lambda d: path_of(d) == "/")
    assert visible(driver, "h1").is_displayed()
    check_page(driver, name)


# ---------------------------------------------------------------------------------------


def test_setup(browser, admin):
    """The setup link's form signs the person in and lands on / with the org in the header."""
    width = browser.tandem_width
    obs = admin.observations
    for width_seen in (360, 1280):
        missing = [css for css, present in obs[f"setup_fields_{width_seen}"].items() if not present]
        assert not missing, f"setup page at {width_seen}px lacks {missing}"
    assert obs[f"setup_page_{width}"] is None, obs[f"setup_page_{width}"]
    assert obs[f"landing_path_{width}"] == "/", f"setup landed on {obs[f'landing_path_{width}']}"
    assert obs[f"h1_visible_{width}"], "no visible h1 on / after setup"
    assert obs[f"brand_{width}"] is not None, "no a.brand in the header"
    assert admin.org_name in obs[f"brand_{width}"], f"a.brand shows {obs[f'brand_{width}']!r}"
    assert obs[f"home_page_{width}"] is None, obs[f"home_page_{width}"]


def test_signin(browser, server, admin):
    base = server.base_url
    open_signin(browser, base)
    check_page(browser, "signin")

    submit_signin(browser, base, admin.email, admin.password + "-wrong")
    wrong_password = error_summary_shown(browser)
    assert path_of(browser) == "/signin"
    check_page(browser, "signin: wrong password")

    submit_signin(browser, base, "nobody-" + admin.email, admin.password)
    unknown_email = error_summary_shown(browser)
    assert path_of(browser) == "/signin"
    assert unknown_email == wrong_password, "an unknown e-mail must get the same message as a wrong password"

    submit_signin(browser, base, admin.email, admin.password)
    assert_home(browser, "home after signin")
    brand = visible(browser, "a.brand")
    assert admin.org_name in brand.text


def test_signout(browser, server, admin):
    base = server.base_url
    submit_signin(browser, base, admin.email, admin.password)
    assert_home(browser, "home before signout")
    sign_out(browser)
    check_page(browser, "after signout")
    browser.get(base + "/account/security")
    wait(browser).until(lambda d: path_of(d) == "/signin")
    check_page(browser, "signin after visiting /account/security signed out")


def test_two_factor(browser, fresh_server):
    srv = fresh_server("two-factor")
    account = perform_setup(browser, srv)
    assert_home(browser, "home after setup (two-factor server)")

    browser.get(srv.base_url + "/account/two-factor")
    check_page(browser, "two-factor start")
    click_and_wait_for_new_page(browser, visible(browser, "#start-two-factor"))
    secret = "".join(visible(browser, "#totp-secret").text.split())
    assert secret, "#totp-secret is empty"
    href = browser.find_element(By.CSS_SELECTOR, "a#otpauth-link").get_attribute("href")
    assert href and href.startswith("otpauth://totp/"), f"a#otpauth-link href is {href!r}"
    check_page(browser, "two-factor enrolment")

    enrolled_at = counter_at()
    submit_code(browser, totp(secret))
    codes = wait(browser).until(
        lambda d: (items := d.find_elements(By.CSS_SELECTOR, "ul#recovery-codes li")) and len(items) >= 10 and items
    )
    assert len(codes) == 10, f"expected 10 recovery codes, got {len(codes)}"
    assert all(item.text.strip() for item in codes), "a recovery code is blank"
    check_page(browser, "recovery codes")

    # Password alone now leads to the code step.
    sign_out(browser)
    submit_signin(browser, srv.base_url, account.email, account.password)
    wait(browser).until(lambda d: path_of(d) == "/signin/code")
    visible(browser, "#code")
    check_page(browser, "signin code step")

    # A code is accepted only once: wait (if needed) for the 30 s window after enrolment.
    WebDriverWait(browser, 35, poll_frequency=0.25).until(lambda _: counter_at() > enrolled_at)
    code = totp(secret)
    submit_code(browser, code)
    assert_home(browser, "home after two-factor signin")
    browser.get(srv.base_url + "/account/two-factor")
    visible(browser, "form[action='/account/two-factor/disable'] #current_password")
    check_page(browser, "two-factor on")

    # The very same code again is refused.
    sign_out(browser)
    submit_signin(browser, srv.base_url, account.email, account.password)
    wait(browser).until(lambda d: path_of(d) == "/signin/code")
    submit_code(browser, code)
    error_summary_shown(browser)
    assert path_of(browser) == "/signin/code", f"a re-used code led to {path_of(browser)}"
    check_page(browser, "signin code step: reused code")


def html_lang(driver) -> str:
    return driver.execute_script("return document.documentElement.lang") or ""


def press_language(driver, lang: str) -> None:
    button = driver.find_element(By.CSS_SELECTOR, f"form.language-switch button[name=lang][value={lang}]")
    button.click()
    wait(driver).until(lambda d: html_lang(d).split("-")[0] == lang)
    wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")


def test_language(browser, server):
    base = server.base_url
    open_signin(browser, base)
    assert html_lang(browser).split("-")[0] == "en", f"<html lang> is {html_lang(browser)!r}"
    heading_en = visible(browser, "h1").text.strip()
    assert heading_en

    press_language(browser, "es")
    open_signin(browser, base)
    assert html_lang(browser).split("-")[0] == "es"
    heading_es = visible(browser, "h1").text.strip()
    assert heading_es and heading_es != heading_en, f"sign-in heading still {heading_es!r} in Spanish"
    check_page(browser, "signin (es)")

    press_language(browser, "en")
    open_signin(browser, base)
    assert html_lang(browser).split("-")[0] == "en"
    assert visible(browser, "h1").text.strip() == heading_en


def assert_crisis_link_leads_to_988(driver, name: str) -> None:
    link = visible(driver, "a.crisis-link")
    click_and_wait_for_new_page(driver, link)
    wait(driver).until(lambda d: path_of(d) == "/crisis")
    body = visible(driver, "body").text
    assert "988" in body, f"/crisis (from {name}) does not show 988"
    check_page(driver, f"crisis (from {name})")


def test_crisis(browser, server, admin):
    base = server.base_url
    open_signin(browser, base)
    assert_crisis_link_leads_to_988(browser, "signin")

    submit_signin(browser, base, admin.email, admin.password)
    assert_home(browser, "home")
    assert_crisis_link_leads_to_988(browser, "home")
