"""Browser journeys for the admin pages and the account pages around them.

Every journey runs at 360 px and 1280 px wide (the `browser` fixture) and every page visited is
checked with `check_page` (axe-core, the crisis link, no sideways scroll at 360 px).

Journeys that change something for good (organization settings, the admin's own password) run on
their own `fresh_server`; the rest use the shared session server with unique e-mails, so no
journey depends on another having run first. A "new session" is a second browser
(`make_driver`), so the admin stays signed in in the first one.
"""

from __future__ import annotations

import json
import urllib.request
from urllib.parse import urlsplit

import pytest
from conftest import (
    REPO_ROOT,
    WAIT,
    check_page,
    make_driver,
    perform_setup,
    screenshot,
    strong_password,
    unique_email,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait
from test_journeys import (
    click_and_wait_for_new_page,
    error_summary_shown,
    open_signin,
    path_of,
    press_language,
    sign_out,
    visible,
)

INVITE_FORM = "form[action='/admin/invitations']"
ERROR_TITLE = "Something went wrong"
FORBIDDEN_TEXT = "You do not have access to this page."
NOT_FOUND_TEXT = "We could not find that page."


def wait(driver, timeout: float = WAIT) -> WebDriverWait:
    return WebDriverWait(driver, timeout)


# ---------------------------------------------------------------------------------------
# Helpers


def sign_in(driver, base_url: str, email: str, password: str, name: str = "signin") -> None:
    """Opens /signin (checked like every page), fills it in and submits."""
    open_signin(driver, base_url)
    check_page(driver, name)
    driver.find_element(By.CSS_SELECTOR, "#email").send_keys(email)
    driver.find_element(By.CSS_SELECTOR, "#password").send_keys(password)
    click_and_wait_for_new_page(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/signin'] button[type=submit]"))


def assert_signed_in_home(driver, display_name: str, name: str) -> None:
    wait(driver).until(lambda d: path_of(d) == "/")
    assert visible(driver, "h1").text.strip(), "no heading on /"
    menu = visible(driver, ".account-menu").text
    assert display_name in menu, f"the account menu on / reads {menu!r}, expected {display_name!r}"
    check_page(driver, name)


def open_members(driver, base_url: str, name: str = "admin members") -> None:
    driver.get(base_url + "/admin/members")
    visible(driver, "table.data")
    check_page(driver, name)


def member_row(driver, email: str):
    rows = [
        row
        for row in driver.find_elements(By.CSS_SELECTOR, "table.data tbody tr")
        if any(cell.text.strip() == email for cell in row.find_elements(By.TAG_NAME, "td"))
    ]
    assert rows, f"no row for {email} in table.data on {path_of(driver)}"
    return rows[0]


def submit_invite(driver, email: str, role: str = "coach") -> None:
    form = visible(driver, INVITE_FORM)
    field = form.find_element(By.CSS_SELECTOR, "#email")
    field.clear()
    if email:
        field.send_keys(email)
    Select(form.find_element(By.CSS_SELECTOR, "select#role")).select_by_value(role)
    click_and_wait_for_new_page(driver, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))


def invite_link(driver) -> str:
    link = visible(driver, "#invite-link").text.strip()
    parts = urlsplit(link)
    assert parts.scheme in ("http", "https") and parts.netloc, f"#invite-link is not an absolute URL: {link!r}"
    assert parts.path.startswith("/invite/"), f"#invite-link points to {parts.path!r}"
    return link


def second_browser(width: int):
    return make_driver(width)


def accept_invitation(driver, link: str, org_name: str, display_name: str, password: str) -> None:
    """In a browser with no session: opens the invitation, checks it, accepts it."""
    driver.get(link)
    visible(driver, "#display_name")
    body = visible(driver, "main").text
    assert org_name in body, f"the invite page does not name the organization {org_name!r}: {body!r}"
    check_page(driver, "invite")
    driver.find_element(By.CSS_SELECTOR, "#display_name").send_keys(display_name)
    driver.find_element(By.CSS_SELECTOR, "#password").send_keys(password)
    form = driver.find_element(By.CSS_SELECTOR, "form[action^='/invite/']")
    click_and_wait_for_new_page(driver, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert_signed_in_home(driver, display_name, "home after accepting the invitation")


def invite_coach(admin_driver, other_driver, base_url: str, org_name: str) -> tuple[str, str, str]:
    """The admin invites a coach; the coach accepts in the other browser. Returns (email, name, password)."""
    email = unique_email("coach")
    display_name = f"Casey Coach {email.split('-')[1].split('@')[0]}"
    password = strong_password()
    open_members(admin_driver, base_url)
    submit_invite(admin_driver, email, "coach")
    link = invite_link(admin_driver)
    check_page(admin_driver, "admin members: invitation link shown")
    accept_invitation(other_driver, link, org_name, display_name, password)
    return email, display_name, password


def run_with_second_browser(browser, journey):
    other = second_browser(browser.tandem_width)
    try:
        journey(other)
    except BaseException:
        screenshot(other, f"second-browser-{journey.__name__}-{browser.tandem_width}px")
        raise
    finally:
        other.quit()


# ---------------------------------------------------------------------------------------
# 1. Members and invitation


def test_members_and_invitation(browser, server, admin):
    base = server.base_url
    sign_in(browser, base, admin.email, admin.password)
    assert_signed_in_home(browser, admin.display_name, "home (admin)")

    open_members(browser, base)
    member_row(browser, admin.email)

    # An empty e-mail is refused with an error summary pointing at the field.
    submit_invite(browser, "", "coach")
    error_summary_shown(browser)
    links = browser.find_elements(By.CSS_SELECTOR, "div.error-summary a")
    hrefs = [a.get_dom_attribute("href") for a in links]
    assert "#email" in hrefs, f"the error summary links to {hrefs}, not #email"
    assert browser.find_elements(By.CSS_SELECTOR, ".field.has-error #email"), "the e-mail field is not marked .has-error"
    assert not browser.find_elements(By.CSS_SELECTOR, "#invite-link"), "an invitation link was shown for an empty e-mail"
    check_page(browser, "admin members: empty invitation e-mail")

    def journey_coach(other):
        email, display_name, _ = invite_coach(browser, other, base, admin.org_name)
        # The coach is now a member.
        open_members(browser, base, "admin members after the coach joined")
        member_row(browser, email)
        # ... and may not open the admin pages.
        other.get(base + "/admin/members")
        heading = visible(other, "h1").text.strip()
        assert heading == ERROR_TITLE, f"a coach on /admin/members sees h1 {heading!r}"
        body = visible(other, "main").text
        assert FORBIDDEN_TEXT in body, f"a coach on /admin/members sees {body!r}"
        assert not other.find_elements(By.CSS_SELECTOR, "table.data"), "a coach sees the members table"
        check_page(other, "admin members as a coach (forbidden)")

    run_with_second_browser(browser, journey_coach)


def test_roles_removal_and_invitations(browser, fresh_server):
    """The admin makes a coach a supervisor, removes them when they leave (after a page that
    asks), and withdraws an invitation that is still waiting; each page is checked."""
    srv = fresh_server("members")
    base = srv.base_url
    owner = perform_setup(browser, srv)

    def journey(other):
        email, display_name, _ = invite_coach(browser, other, base, owner.org_name)
        open_members(browser, base, "admin members with role forms")
        row = member_row(browser, email)
        Select(row.find_element(By.CSS_SELECTOR, "select[name=role]")).select_by_value("supervisor")
        click_and_wait_for_new_page(browser, row.find_element(By.CSS_SELECTOR, "form[action$='/role'] button"))
        visible(browser, "#members-done")
        assert "Supervisor" in member_row(browser, email).text
        check_page(browser, "admin members: role changed")
        # Removing asks first, on a page of its own.
        click_and_wait_for_new_page(browser, member_row(browser, email).find_element(By.CSS_SELECTOR, "a[id^=remove-]"))
        assert display_name in visible(browser, "#remove-member").text
        check_page(browser, "remove a member")
        click_and_wait_for_new_page(browser, visible(browser, "#confirm-remove"))
        visible(browser, "#members-done")
        emails = [cell.text.strip() for cell in browser.find_elements(By.CSS_SELECTOR, "table#members td")]
        assert email not in emails, emails
        # Their session ends with it.
        other.get(base + "/")
        visible(other, "input#email")

    run_with_second_browser(browser, journey)

    # An invitation waiting, then withdrawn: its link no longer works.
    waiting = unique_email("waiting")
    submit_invite(browser, waiting, "coach")
    link = invite_link(browser)
    open_members(browser, base, "admin members with an invitation waiting")
    pending = visible(browser, "#pending-invitations")
    assert waiting in pending.text
    click_and_wait_for_new_page(browser, pending.find_element(By.CSS_SELECTOR, "button[id^=withdraw-]"))
    visible(browser, "#members-done")
    assert not browser.find_elements(By.CSS_SELECTOR, "#pending-invitations")
    check_page(browser, "admin members: invitation withdrawn")
    browser.get(link)
    assert not browser.find_elements(By.CSS_SELECTOR, "#display_name"), "a withdrawn invitation still opens"


# ---------------------------------------------------------------------------------------
# 2. Password reset link


def test_password_reset_link(browser, server, admin):
    base = server.base_url
    sign_in(browser, base, admin.email, admin.password)
    assert_signed_in_home(browser, admin.display_name, "home (admin)")

    def journey_reset(other):
        email, display_name, _ = invite_coach(browser, other, base, admin.org_name)
        other.delete_all_cookies()  # a new session for the person who got the reset link

        open_members(browser, base)
        row = member_row(browser, email)
        form = row.find_element(By.CSS_SELECTOR, "form[action^='/admin/members/'][action$='/reset']")
        button = form.find_element(By.CSS_SELECTOR, "button[type=submit]")
        assert "Password reset link" in button.text, f"the reset button reads {button.text!r}"
        click_and_wait_for_new_page(browser, button)
        link = visible(browser, "#reset-link").text.strip()
        parts = urlsplit(link)
        assert parts.scheme in ("http", "https") and parts.path.startswith("/reset/"), f"#reset-link is {link!r}"
        check_page(browser, "admin members: reset link shown")

        other.get(link)
        visible(other, "#new_password")
        check_page(other, "reset password")

        field = other.find_element(By.CSS_SELECTOR, "#new_password")
        field.send_keys("password123")
        click_and_wait_for_new_page(other, other.find_element(By.CSS_SELECTOR, "form[action^='/reset/'] button[type=submit]"))
        error_summary_shown(other)
        assert other.find_elements(By.CSS_SELECTOR, ".field.has-error #new_password"), "#new_password not marked .has-error"
        check_page(other, "reset password: too common")

        new_password = strong_password()
        field = visible(other, "#new_password")
        field.clear()
        field.send_keys(new_password)
        click_and_wait_for_new_page(other, other.find_element(By.CSS_SELECTOR, "form[action^='/reset/'] button[type=submit]"))
        wait(other).until(lambda d: path_of(d) == "/signin")
        notice = visible(other, "div.notice")
        assert notice.text.strip(), "div.notice on /signin after the reset is empty"
        check_page(other, "signin after password reset")

        sign_in(other, base, email, new_password, "signin with the new password")
        assert_signed_in_home(other, display_name, "home after signing in with the new password")

    run_with_second_browser(browser, journey_reset)


# ---------------------------------------------------------------------------------------
# 3. Organization settings (own server: the crisis line shows on every page)


def set_up_fresh(browser, fresh_server, name: str):
    """A new server with its own organization, its admin signed in on the home page."""
    srv = fresh_server(name)
    account = perform_setup(browser, srv)
    assert_signed_in_home(browser, account.display_name, f"home after setup ({name} server)")
    return srv, account


def test_settings_crisis_line(browser, fresh_server):
    srv, _ = set_up_fresh(browser, fresh_server, "settings")

    browser.get(srv.base_url + "/admin/settings")
    visible(browser, "#crisis_line")
    check_page(browser, "admin settings")

    def save_crisis_line(value: str) -> None:
        field = visible(browser, "#crisis_line")
        field.clear()
        field.send_keys(value)
        form = browser.find_element(By.CSS_SELECTOR, "form[action='/admin/settings']")
        click_and_wait_for_new_page(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))

    save_crisis_line("call me")
    error_summary_shown(browser)
    hrefs = [a.get_dom_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "div.error-summary a")]
    assert "#crisis_line" in hrefs, f"the error summary links to {hrefs}, not #crisis_line"
    assert browser.find_elements(By.CSS_SELECTOR, ".field.has-error #crisis_line"), "#crisis_line not marked .has-error"
    assert not browser.find_elements(By.CSS_SELECTOR, "div.notice.success"), "a success notice with an error"
    check_page(browser, "admin settings: invalid crisis line")

    save_crisis_line("1-800-662-4357")
    visible(browser, "div.notice.success")
    header_link = visible(browser, "header a.crisis-link").text
    assert "1-800-662-4357" in header_link, f"the header crisis link reads {header_link!r} right after saving"
    check_page(browser, "admin settings: saved")

    # And on the next page too.
    browser.get(srv.base_url + "/")
    wait(browser).until(lambda d: path_of(d) == "/")
    header_link = visible(browser, "header a.crisis-link").text
    assert "1-800-662-4357" in header_link, f"the header crisis link on / reads {header_link!r}"
    check_page(browser, "home with the new crisis line")

    # Back to 988 (own server, but keep the organization as it was).
    browser.get(srv.base_url + "/admin/settings")
    visible(browser, "#crisis_line")
    check_page(browser, "admin settings again")
    save_crisis_line("988")
    visible(browser, "div.notice.success")
    assert "988" in visible(browser, "header a.crisis-link").text
    check_page(browser, "admin settings: saved 988")


# ---------------------------------------------------------------------------------------
# 4. Security page and password change (own server: the password changes for good)


def test_security_and_password_change(browser, fresh_server):
    srv, account = set_up_fresh(browser, fresh_server, "password")

    browser.get(srv.base_url + "/account/security")
    visible(browser, "h1")
    two_factor = visible(browser, "section[aria-labelledby='tf-heading']")
    badge = two_factor.find_element(By.CSS_SELECTOR, ".badge").text.strip()
    assert badge == "Off", f"the two-factor status badge reads {badge!r}"
    tokens = visible(browser, "section[aria-labelledby='tokens-heading']")
    empty = tokens.find_elements(By.CSS_SELECTOR, ".empty-state")
    assert empty and empty[0].text.strip(), "the API tokens section has no empty state"
    assert not tokens.find_elements(By.CSS_SELECTOR, "table.data"), "the API tokens section shows a table"
    check_page(browser, "account security")

    # A token made through the API is listed; revoking it asks first, on a page of its own.
    made = urllib.request.Request(
        srv.base_url + "/api/v1/tokens",
        data=json.dumps({"email": account.email, "password": account.password, "name": "Calendar sync"}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(made, timeout=WAIT) as response:
        assert response.status == 201, f"making an API token answered {response.status}"
    browser.get(srv.base_url + "/account/security")
    row = visible(browser, "section[aria-labelledby='tokens-heading'] table.data tbody tr")
    assert "Calendar sync" in row.text, f"the new token is not listed: {row.text!r}"
    click_and_wait_for_new_page(browser, row.find_element(By.CSS_SELECTOR, "a.button.danger"))
    intro = visible(browser, "#revoke-token-intro").text
    assert "Calendar sync" in intro, f"the confirmation does not name the token: {intro!r}"
    check_page(browser, "revoke an API token")
    click_and_wait_for_new_page(browser, browser.find_element(By.CSS_SELECTOR, "#confirm-revoke-token"))
    assert path_of(browser) == "/account/security", f"revoking led to {path_of(browser)}"
    tokens = visible(browser, "section[aria-labelledby='tokens-heading']")
    assert tokens.find_elements(By.CSS_SELECTOR, ".empty-state"), "the revoked token is still listed"

    def change_password(current: str, new: str) -> None:
        visible(browser, "#current_password").clear()
        browser.find_element(By.CSS_SELECTOR, "#current_password").send_keys(current)
        browser.find_element(By.CSS_SELECTOR, "#new_password").clear()
        browser.find_element(By.CSS_SELECTOR, "#new_password").send_keys(new)
        form = browser.find_element(By.CSS_SELECTOR, "form[action='/account/password']")
        click_and_wait_for_new_page(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))

    browser.get(srv.base_url + "/account/password")
    visible(browser, "#current_password")
    check_page(browser, "change password")

    new_password = strong_password()
    change_password(account.password + "-wrong", new_password)
    error_summary_shown(browser)
    assert browser.find_elements(By.CSS_SELECTOR, ".field.has-error #current_password"), (
        "#current_password not marked .has-error"
    )
    assert not browser.find_elements(By.CSS_SELECTOR, "div.notice.success"), "a success notice with an error"
    check_page(browser, "change password: wrong current password")

    change_password(account.password, new_password)
    visible(browser, "div.notice.success")
    assert not browser.find_elements(By.CSS_SELECTOR, "div.error-summary"), "an error summary with the success notice"
    check_page(browser, "change password: done")

    # The new password is the one that works now.
    sign_out(browser)
    check_page(browser, "after signout")
    sign_in(browser, srv.base_url, account.email, new_password, "signin with the changed password")
    assert_signed_in_home(browser, account.display_name, "home after signing in with the changed password")


# ---------------------------------------------------------------------------------------
# 5. Not found


def test_not_found_page(browser, server):
    browser.get(server.base_url + "/no-such-page")
    heading = visible(browser, "h1").text.strip()
    assert heading == ERROR_TITLE, f"/no-such-page h1 is {heading!r}"
    content_type = browser.execute_script("return document.contentType")
    assert content_type == "text/html", f"/no-such-page is {content_type}"
    body = visible(browser, "main").text
    assert NOT_FOUND_TEXT in body, f"/no-such-page says {body!r}"
    assert browser.find_elements(By.CSS_SELECTOR, "header a.crisis-link"), "/no-such-page has no crisis link in the header"
    check_page(browser, "404")


def test_used_or_unknown_link_page(browser, server):
    for path in ("/setup/", "/invite/", "/reset/"):
        browser.get(server.base_url + path + "x" * 43)
        heading = visible(browser, "h1").text.strip()
        assert heading == "This link does not work any more", f"{path} h1 is {heading!r}"
        assert browser.find_elements(By.CSS_SELECTOR, "main a[href='/signin']"), f"{path} offers no way to sign in"
        check_page(browser, f"link gone {path}")


# ---------------------------------------------------------------------------------------
# 6. Spanish error summary (signed out, so no account's language changes)


def html_lang(driver) -> str:
    return (driver.execute_script("return document.documentElement.lang") or "").split("-")[0]


def test_spanish_signin_error(browser, server, admin):
    base = server.base_url
    open_signin(browser, base)
    check_page(browser, "signin (en)")
    press_language(browser, "es")
    check_page(browser, "after switching to es")

    open_signin(browser, base)
    assert html_lang(browser) == "es"
    check_page(browser, "signin (es)")
    browser.find_element(By.CSS_SELECTOR, "#email").send_keys(admin.email)
    browser.find_element(By.CSS_SELECTOR, "#password").send_keys(admin.password + "-wrong")
    click_and_wait_for_new_page(browser, browser.find_element(By.CSS_SELECTOR, "form[action='/signin'] button[type=submit]"))
    summary = error_summary_shown(browser)
    assert "Hay un problema" in summary, f"the error summary in Spanish reads {summary!r}"
    assert path_of(browser) == "/signin"
    assert html_lang(browser) == "es"
    check_page(browser, "signin (es): wrong password")

    press_language(browser, "en")
    open_signin(browser, base)
    assert html_lang(browser) == "en"
    check_page(browser, "signin (back to en)")

    # A successful sign-in (in English) clears the failure counters this journey added.
    sign_in(browser, base, admin.email, admin.password, "signin (en) before the clean-up sign-in")
    assert_signed_in_home(browser, admin.display_name, "home (admin, en)")
    assert html_lang(browser) == "en"


def test_audit_log(browser, server, admin):
    sign_in(browser, server.base_url, admin.email, admin.password)
    wait(browser).until(lambda d: path_of(d) == "/")
    nav = browser.find_elements(By.CSS_SELECTOR, "nav.side-nav a[href='/admin/audit']")
    assert nav, "admins have no Audit log link in the navigation"
    click_and_wait_for_new_page(browser, nav[0])
    rows = visible(browser, "table#audit-log").find_elements(By.CSS_SELECTOR, "tbody tr")
    assert rows, "the audit log is empty after sign-ins"
    check_page(browser, "audit log")
    click_and_wait_for_new_page(browser, visible(browser, "a#verify-chain"))
    assert "The log is intact" in visible(browser, "div.notice").text
    check_page(browser, "audit log verified")
    Select(browser.find_element(By.CSS_SELECTOR, "select#action")).select_by_value("signin")
    click_and_wait_for_new_page(browser, browser.find_element(By.CSS_SELECTOR, "form[action='/admin/audit'] button"))
    actions = {cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "table#audit-log tbody td:nth-child(3) code")}
    assert actions == {"signin"}, f"filtered to signin, the log shows {actions}"
    named = {cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "table#audit-log tbody td:nth-child(3)")}
    messages = json.loads((REPO_ROOT / "Resources" / "Localization" / "en.json").read_text(encoding="utf-8"))
    assert named == {f"{messages['audit_subject_signin']} signin"}, f"the sign-ins read {named}"
    check_page(browser, "audit log filtered")
