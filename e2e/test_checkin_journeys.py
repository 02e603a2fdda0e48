"""Browser journeys for daily check-ins: a participant checks in (at 360 px and 1280 px, with
page scripts off: the check-in is a core flow), asks their coach to reach out, and changes the
check-in the same day; the coach sees the request on the caseload and follows it up.

Every page visited is checked with `check_page` (axe-core, the crisis link, no sideways scroll
at 360 px)."""

from __future__ import annotations

from conftest import check_page, perform_setup, strong_password
from selenium.webdriver.common.by import By
from test_admin_journeys import sign_in
from test_journeys import click_and_wait_for_new_page, path_of, visible
from test_participant_journeys import (
    EN,
    accept_invitation,
    add_participant,
    caseload_rows,
    check_page_without_scripts,
    invite_link,
    invite_member,
    people,  # noqa: F401 - a fixture
    staff_home,
    tick,
    turn_off_page_scripts,
    wait,
)

PERSON = "Marisol Vega"


def choose(driver, name: str, value: str) -> None:
    """Picks a radio answer by clicking its label, as a thumb would."""
    box = driver.find_element(By.CSS_SELECTOR, f"input[name='{name}'][value='{value}']")
    driver.find_element(By.CSS_SELECTOR, f"label[for='{box.get_dom_attribute('id')}']").click()
    assert box.is_selected(), f"{name}={value} did not get chosen"


def test_checkin_and_reach_out_journey(browser, fresh_server, people):  # noqa: F811
    srv = fresh_server("check-ins")
    base = srv.base_url
    admin = perform_setup(browser, srv)
    coach = {"name": "Robin Coach", "password": strong_password()}
    coach["email"], link = invite_member(browser, base, "coach")
    staff = people("coach")
    accept_invitation(staff, link, admin.org_name, coach["name"], coach["password"], "coach")
    staff_home(staff, "caseload_title", "home (coach, empty caseload)")
    participant_id = add_participant(
        staff,
        preferred_name=PERSON,
        pronouns="she/her",
        pathways=["twelve_step"],
        contact_methods=["text"],
        service="recovery_coaching",
        referral="self",
        funding="grant",
        name="coach",
    )
    field = staff.find_element(By.CSS_SELECTOR, "form[action$='/invite'] #email")
    field.send_keys(f"marisol.{admin.org_name.rsplit(' ', 1)[-1].lower()}@example.org")
    click_and_wait_for_new_page(staff, staff.find_element(By.CSS_SELECTOR, "button#invite-participant"))
    participant_link = invite_link(staff)

    # Marisol accepts, then checks in from her home page with page scripts off.
    person = people("participant")
    accept_invitation(person, participant_link, admin.org_name, "Marisol", strong_password(), "participant")
    turn_off_page_scripts(person)
    today = visible(person, "section#today").text
    assert EN["home_check_in_prompt"] in today, f"the home page's today card reads {today!r}"
    click_and_wait_for_new_page(person, visible(person, "a#check-in-button"))
    wait(person).until(lambda d: path_of(d) == "/check-in")
    check_page_without_scripts(person, "check-in form")

    # Sending without a mood: the error summary names it, nothing is kept.
    choose(person, "craving", "6")
    click_and_wait_for_new_page(person, person.find_element(By.CSS_SELECTOR, "button#send-check-in"))
    summary = visible(person, "div.error-summary").text
    assert EN["error_checkin_mood_required"] in summary, f"the error summary reads {summary!r}"
    assert person.find_element(By.CSS_SELECTOR, "input[name='craving'][value='6']").is_selected(), "the craving was lost"
    check_page_without_scripts(person, "check-in form with an error")

    choose(person, "mood", "2")
    choose(person, "use", "yes")
    tick(person, "input[name='supports[]'][value='online_meeting']")
    person.find_element(By.CSS_SELECTOR, "#went_well").send_keys("Went for a walk with my sister")
    tick(person, "input#reach_out")
    click_and_wait_for_new_page(person, person.find_element(By.CSS_SELECTOR, "button#send-check-in"))
    wait(person).until(lambda d: path_of(d) == "/check-in/done")
    assert EN["checkin_done_thanks"] in visible(person, "#check-in-thanks").text
    helps = visible(person, "#what-would-help").text
    assert EN["checkin_used_title"] in helps, f"after a 'yes' the page reads {helps!r}"
    for word in ("relapse", "reset", "failed"):
        assert word not in helps.lower(), f"the kind word after a 'yes' says {word!r}"
    assert EN["checkin_coach_will_reach_out"] in visible(person, "#coach-will-reach-out").text
    check_page_without_scripts(person, "after the check-in")

    # The coach sees the request on the caseload and follows it up from the history.
    staff.delete_all_cookies()
    sign_in(staff, base, coach["email"], coach["password"], "signin (coach)")
    staff_home(staff, "caseload_title", "caseload with a request to reach out")
    (row,) = caseload_rows(staff)
    assert EN["attention_reach_out"] in row[EN["caseload_attention"]], row
    assert row[EN["caseload_last_check_in"]] not in ("", EN["caseload_no_check_in"]), row
    click_and_wait_for_new_page(staff, visible(staff, f"table#caseload a[href='/participants/{participant_id}']"))
    click_and_wait_for_new_page(staff, visible(staff, "a#check-ins-link"))
    wait(staff).until(lambda d: path_of(d) == f"/participants/{participant_id}/check-ins")
    history = visible(staff, "table#check-ins").text
    assert "Went for a walk with my sister" in history and EN["checkin_use_yes"] in history, history
    check_page(staff, "check-in history (coach)")
    follow = staff.find_element(By.XPATH, f"//button[normalize-space()={EN['checkin_mark_followed_up']!r}]")
    click_and_wait_for_new_page(staff, follow)
    wait(staff).until(lambda d: "followed=1" in d.current_url)
    assert EN["checkin_followed_up"] in visible(staff, "table#check-ins").text
    check_page(staff, "check-in history after the follow-up")
    staff.get(base + "/")
    (row,) = caseload_rows(staff)
    assert EN["attention_reach_out"] not in row[EN["caseload_attention"]], row

    # The same day, Marisol changes her check-in; it stays one check-in, followed up.
    person.get(base + "/check-in")
    visible(person, "#check-in-form")
    assert person.find_element(By.CSS_SELECTOR, "input[name='mood'][value='2']").is_selected()
    assert EN["checkin_reach_out_followed_up"] in visible(person, "main").text
    choose(person, "mood", "4")
    click_and_wait_for_new_page(person, person.find_element(By.CSS_SELECTOR, "button#send-check-in"))
    wait(person).until(lambda d: path_of(d) == "/check-in/done")
    person.get(base + f"/participants/{participant_id}/check-ins")
    rows = person.find_elements(By.CSS_SELECTOR, "table#check-ins tbody tr")
    assert len(rows) == 1, f"the history lists {len(rows)} check-ins after a change the same day"
    assert EN["checkin_mood_4"] in rows[0].text, rows[0].text
    check_page_without_scripts(person, "check-in history (participant)")
