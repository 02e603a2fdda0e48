"""Browser journeys for hand-offs from treatment centers and online programs.

A treatment center's liaison refers a person before discharge (a form sent empty first is
refused), with the person's consent to see the status; the admin accepts the hand-off and
assigns the coach, which schedules the introduction call and the aftercare contacts; the
coach finds the hand-off from the person's record and records the call as a signed session
note; the liaison then sees the introduction made on time.

An admin publishes a free online program; a visitor reads its public page, joins with a new
sign-in (refused first without accepting the terms), and follows the guided start to the
first part of a recovery plan and a first goal.

Runs at 360 px and 1280 px; every page passes `check_page` (axe-core, the crisis link, no
sideways scroll at 360 px).
"""

from __future__ import annotations

from datetime import date, timedelta

from conftest import check_page, free_port, perform_setup, strong_password, unique_email
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from test_journeys import click_and_wait_for_new_page, error_summary_shown, path_of, visible
from test_participant_journeys import EN, accept_invitation, invite_member, people, query_of, wait  # noqa: F401
from test_plan_journeys import COACH, type_into
from test_email import body_of, smtp_env, start_mail_server, to
from test_session_note_journeys import choose, set_value, submit
from test_admin_journeys import sign_in
from test_operations import tandem

LIAISON = "Morgan Liaison"
REFERRED = "Sam Rivera"


def test_liaison_refers_admin_accepts_coach_calls_liaison_sees_it_on_time(browser, fresh_server, people):  # noqa: F811
    srv = fresh_server("handoffs")
    base = srv.base_url
    admin = perform_setup(browser, srv)
    _, coach_link = invite_member(browser, base, "coach")
    coach = people("coach")
    accept_invitation(coach, coach_link, admin.org_name, COACH, strong_password(), "coach")
    _, liaison_link = invite_member(browser, base, "partner")
    liaison = people("liaison")
    accept_invitation(liaison, liaison_link, admin.org_name, LIAISON, strong_password(), "partner")

    # The liaison opens hand-offs from the menu and refers someone; an empty form is refused.
    click_and_wait_for_new_page(liaison, visible(liaison, "nav.side-nav a[href='/handoffs']"))
    check_page(liaison, "hand-offs (liaison, none yet)")
    click_and_wait_for_new_page(liaison, visible(liaison, "a#refer-someone"))
    check_page(liaison, "refer someone")
    submit(liaison, "button#send-handoff")
    summary = error_summary_shown(liaison)
    assert EN["error_handoff_contact"] in summary, summary
    check_page(liaison, "refer someone with errors")

    discharge = date.today() + timedelta(days=3)
    type_into(liaison, "input#treatment_center", "Lakeside Treatment")
    type_into(liaison, "input#preferred_name", REFERRED)
    type_into(liaison, "input#phone", "555 0100")
    set_value(liaison, "input#discharge_date", discharge.isoformat())
    Select(liaison.find_element(By.CSS_SELECTOR, "select#service_type")).select_by_value("virtual_coaching")
    type_into(liaison, "textarea#notes", "Evenings are best.")
    accept(liaison, "input#status_consent")
    type_into(liaison, "input#consent_signed_name", REFERRED)
    submit(liaison, "button#send-handoff")
    wait(liaison).until(lambda d: path_of(d) == "/handoffs")
    assert query_of(liaison).get("sent") == ["1"]
    waiting = visible(liaison, "#handoffs-waiting").text
    assert REFERRED in waiting and EN["handoff_status_referred"] in waiting, waiting
    check_page(liaison, "hand-offs (liaison, one waiting)")

    # The admin accepts it and assigns the coach: the introduction call is suggested by phone.
    browser.get(f"{base}/handoffs")
    click_and_wait_for_new_page(browser, visible(browser, "#handoffs-waiting a"))
    handoff_path = path_of(browser)
    visible(browser, "form#accept-form")
    check_page(browser, "hand-off to decide")
    submit(browser, "button#accept-handoff")
    summary = error_summary_shown(browser)
    assert EN["error_choose_one"] in summary, summary
    Select(browser.find_element(By.CSS_SELECTOR, "select#primary_coach")).select_by_visible_text(COACH)
    Select(browser.find_element(By.CSS_SELECTOR, "select#funding")).select_by_value("grant")
    assert browser.find_element(By.CSS_SELECTOR, "input#call_mode-phone").is_selected()
    submit(browser, "button#accept-handoff")
    wait(browser).until(lambda d: path_of(d) == handoff_path)
    assert visible(browser, "#handoff-status").text.strip() == EN["handoff_status_accepted"]
    rows = browser.find_elements(By.CSS_SELECTOR, "#handoff-contacts tbody tr")
    assert len(rows) == 14, [row.text for row in rows]
    assert EN["handoff_timing_due"] in rows[0].text, rows[0].text
    check_page(browser, "accepted hand-off with its contacts")

    # The coach finds the hand-off from the person's record and records the call.
    coach.get(f"{base}/")
    person_link = wait(coach).until(
        lambda d: next(
            (a for a in d.find_elements(By.CSS_SELECTOR, "main a[href^='/participants/']") if a.text.strip() == REFERRED),
            None,
        )
    )
    click_and_wait_for_new_page(coach, person_link)
    click_and_wait_for_new_page(coach, visible(coach, "a#handoff-link"))
    wait(coach).until(lambda d: path_of(d) == handoff_path)
    check_page(coach, "hand-off (coach)")
    click_and_wait_for_new_page(coach, visible(coach, "a#record-contact"))
    visible(coach, "form#note-form")
    set_value(coach, "input#start", "09:00")
    set_value(coach, "input#end", "09:20")
    choose(coach, "mode-phone")
    type_into(coach, "textarea#done", "Introduction call before discharge; agreed to talk the day after.")
    type_into(coach, "textarea#response", "Glad to have someone to call.")
    type_into(coach, "textarea#next_steps", "Call the day after discharge.")
    submit(coach, "button#save-note")
    wait(coach).until(lambda d: path_of(d).startswith("/notes/"))
    type_into(coach, "input#typed_name", "Robin Coach")
    submit(coach, "button#sign-button")
    assert query_of(coach).get("signed") == ["1"]

    # The liaison sees the introduction made on time, and nothing of the record itself.
    liaison.get(f"{base}{handoff_path}")
    rows = liaison.find_elements(By.CSS_SELECTOR, "#handoff-contacts tbody tr")
    assert EN["handoff_timing_on_time"] in rows[0].text, rows[0].text
    assert EN["handoff_timing_upcoming"] in rows[1].text, rows[1].text
    assert not liaison.find_elements(By.CSS_SELECTOR, "a#handoff-record, a#record-contact, a#intro-call-link")
    check_page(liaison, "hand-off status (liaison, introduction on time)")


def test_visitor_joins_a_free_program_and_starts_a_plan(browser, fresh_server, people):  # noqa: F811
    port = free_port()
    controller, inbox = start_mail_server(port)
    try:
        visitor_joins_and_starts_a_plan(browser, fresh_server("programs", env=smtp_env(port)), people, inbox)
    finally:
        controller.stop()


def publish_program(admin, base: str, title: str, check: bool = True) -> None:
    """An admin writes and publishes a free program with the default terms."""
    admin.get(f"{base}/admin/programs")
    if check:
        check_page(admin, "programs (admin, none)")
    click_and_wait_for_new_page(admin, visible(admin, "a#new-program"))
    if check:
        check_page(admin, "new program")
    type_into(admin, "input#title", title)
    type_into(admin, "input#summary", "Twelve weeks of support, at your pace")
    assert "not treatment" in admin.find_element(By.CSS_SELECTOR, "textarea#terms").get_attribute("value")
    accept(admin, "input#published")
    submit(admin, "button#save-program")
    wait(admin).until(lambda d: query_of(d).get("saved") == ["1"])
    if check:
        check_page(admin, "program (admin)")


def accept(driver, selector: str) -> None:
    """Ticks a checkbox, scrolled into view first."""
    box = driver.find_element(By.CSS_SELECTOR, selector)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
    box.click()


def visitor_joins_and_starts_a_plan(browser, srv, people, inbox) -> None:  # noqa: F811
    base = srv.base_url
    perform_setup(browser, srv)

    # The admin writes and publishes a free program.
    publish_program(browser, base, "Fresh Start")

    # A visitor finds it on the public list and reads its page.
    visitor = people("visitor")
    visitor.get(f"{base}/programs")
    check_page(visitor, "online programs (public)")
    click_and_wait_for_new_page(visitor, visible(visitor, "#programs a"))
    assert visible(visitor, "#program-price").text.strip() == EN["program_free"]
    check_page(visitor, "program page (public)")

    # Joining without accepting the terms is refused; then with a new sign-in. With e-mail on,
    # the password is chosen on the mailed link's page, not on this public form.
    address = unique_email("jo")
    assert not visitor.find_elements(By.CSS_SELECTOR, "input#password"), "the public form asks for a password"
    type_into(visitor, "input#name", "Jo")
    type_into(visitor, "input#email", address)
    submit(visitor, "button#enroll-program")
    summary = error_summary_shown(visitor)
    assert EN["error_program_accept_terms"] in summary, summary
    check_page(visitor, "program page with errors")
    accept(visitor, "input#accept_terms")
    submit(visitor, "button#enroll-program")
    # The next step comes by e-mail; the page says so, the same for any address.
    visible(visitor, "#program-check-email")
    assert query_of(visitor).get("sent") == ["1"] and "@" not in visitor.current_url
    check_page(visitor, "program page, sign-up mailed")
    letter = inbox.wait_for(to(address), "with the link to finish joining")
    link = next(word for word in body_of(letter).split() if word.startswith(base + "/join/"))
    visitor.get(link)
    assert "Jo" in visible(visitor, "#join-intro").text
    assert visible(visitor, "#join-price").text.strip() == EN["program_free"]
    check_page(visitor, "finish joining")
    submit(visitor, "button#finish-joining")
    assert error_summary_shown(visitor), "finishing without a password shows no error"
    check_page(visitor, "finish joining without a password")
    type_into(visitor, "input#password", strong_password())
    submit(visitor, "button#finish-joining")
    wait(visitor).until(lambda d: path_of(d).endswith("/start"))
    start_path = path_of(visitor)
    check_page(visitor, "program start")

    # The guided start: what matters, then a first goal, each returning to the start.
    click_and_wait_for_new_page(visitor, visible(visitor, "#step-values a"))
    type_into(visitor, "textarea#values", "My kids, my health, my music.")
    submit(visitor, "button#save-plan")
    wait(visitor).until(lambda d: path_of(d) == start_path)
    assert visible(visitor, "#step-values .badge").text.strip() == EN["program_step_done"]
    click_and_wait_for_new_page(visitor, visible(visitor, "#step-goal a"))
    type_into(visitor, "input#goal_0_text", "Walk every morning")
    submit(visitor, "button#save-plan")
    wait(visitor).until(lambda d: path_of(d) == start_path)
    assert visible(visitor, "#step-goal .badge").text.strip() == EN["program_step_done"]
    check_page(visitor, "program start with a first plan")

    # The plan is theirs, on their record.
    participant_link = visible(visitor, "#step-values a").get_attribute("href")
    visitor.get(participant_link.split("/plan/")[0] + "/plan")
    plan = visible(visitor, "main").text
    assert "My kids, my health, my music." in plan and "Walk every morning" in plan, plan


def test_person_of_one_organization_joins_anothers_program_and_moves_between_them(browser, fresh_server, people):  # noqa: F811
    srv = fresh_server("two-organizations")
    base = srv.base_url
    perform_setup(browser, srv, check=False)
    publish_program(browser, base, "Harbor Steps", check=False)

    # Jo joins Harbor's program with a new sign-in (no e-mail here: the form takes the password).
    jo = people("jo")
    jo.get(f"{base}/programs")
    click_and_wait_for_new_page(jo, visible(jo, "#programs a"))
    type_into(jo, "input#name", "Jo")
    type_into(jo, "input#email", unique_email("jo"))
    type_into(jo, "input#password", strong_password())
    accept(jo, "input#accept_terms")
    submit(jo, "button#enroll-program")
    wait(jo).until(lambda d: path_of(d).endswith("/start"))
    harbor = visible(jo, ".brand").text.strip()

    # A second organization, made from the command line, publishes a program of its own.
    password = strong_password()
    hills_admin = unique_email("hills")
    made = tandem(srv.data_dir, "setup", "--org", "Hillside Recovery", "--email", hills_admin, TANDEM_SETUP_PASSWORD=password)
    assert made.returncode == 0, made.stderr
    hills = people("hills")
    sign_in(hills, base, hills_admin, password)
    publish_program(hills, base, "Hill Steps", check=False)
    program_page = visible(hills, "a#public-page").get_attribute("href")

    # Jo, signed in at Harbor, joins Hillside's program with the same sign-in, told what it shares.
    jo.get(program_page)
    note = visible(jo, "#join-another-note").text
    assert "Hillside Recovery" in note, note
    check_page(jo, "program page, joining from another organization")
    submit(jo, "button#join-program")
    assert EN["error_program_accept_terms"] in error_summary_shown(jo)
    accept(jo, "input#accept_terms")
    submit(jo, "button#join-program")
    wait(jo).until(lambda d: path_of(d).endswith("/start"))
    assert visible(jo, ".brand").text.strip() == "Hillside Recovery"
    check_page(jo, "program start in the second organization")

    # Back to Harbor from the header: the organizations page, then one press.
    click_and_wait_for_new_page(jo, visible(jo, "a#switch-organization"))
    assert "Hillside Recovery" in visible(jo, "#organization-current").find_element(By.XPATH, "../..").text
    check_page(jo, "your organizations")
    card = next(c for c in jo.find_elements(By.CSS_SELECTOR, "#organization-list li") if c.find_element(By.TAG_NAME, "strong").text == harbor)
    click_and_wait_for_new_page(jo, card.find_element(By.CSS_SELECTOR, "button"))
    wait(jo).until(lambda d: path_of(d) == "/")
    assert visible(jo, ".brand").text.strip() == harbor
    check_page(jo, "home after moving back")
