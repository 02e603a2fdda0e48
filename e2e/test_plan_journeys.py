"""Browser journeys for recovery capital (the BARC-10) and the recovery plan.

1. A participant fills in the BARC-10 from their home page: a draft first, a refused finish with
   an answer missing, then the total with its chart and table; then they change a goal their coach
   wrote and add one of their own.
2. The coach and the participant each agree the plan from their own browser; the participant
   changes it afterwards, so it needs agreeing again, and the earlier, agreed version shows what
   changed since.

(The coach following up a check-in's request to reach out is covered by
e2e/test_checkin_journeys.py, so it is not repeated here.)

Every journey runs at 360 px and 1280 px wide (the `browser` fixture, where the admin acts); the
coach and the participant each act in a browser of their own (`people`). Every page visited is
checked with `check_page` (axe-core, the crisis link, no sideways scroll at 360 px).
"""

from __future__ import annotations

from dataclasses import dataclass

from conftest import check_page, perform_setup, strong_password, unique_email
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from test_admin_journeys import invite_link
from test_journeys import click_and_wait_for_new_page, path_of, visible
from test_participant_journeys import (
    EN,
    accept_invitation,
    add_participant,
    invite_member,
    people,  # noqa: F401 - a fixture
    query_of,
    staff_home,
    wait,
)

PERSON = "Dana Whitfield"  # the name on the participant's record
PERSON_DISPLAY = "Dana"  # the display name Dana gives when accepting the invitation
COACH = "Robin Coach"


def message(key: str, **values: str) -> str:
    """An English message with its {placeholders} filled in."""
    text = EN[key]
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text


def words(element) -> str:
    return " ".join(element.text.split())


@dataclass
class Cast:
    base: str
    participant_id: str
    staff: object  # the coach's browser, signed in, on the participant's page
    person: object  # the participant's browser, signed in, on their home page
    data_dir: str = ""  # the server's data directory (its SQLite database)


def coach_and_participant(
    browser, fresh_server, people, name: str, service: str = "recovery_coaching"  # noqa: F811
) -> Cast:
    """As in the check-in journey: the admin sets up and invites a coach; the coach adds the
    participant (with a first engagement of `service`) and invites them to sign in; the
    participant accepts in a browser of their own."""
    srv = fresh_server(name)
    base = srv.base_url
    admin = perform_setup(browser, srv)
    coach_password = strong_password()
    _, link = invite_member(browser, base, "coach")
    staff = people("coach")
    accept_invitation(staff, link, admin.org_name, COACH, coach_password, "coach")
    staff_home(staff, "caseload_title", "home (coach, empty caseload)")
    participant_id = add_participant(
        staff,
        preferred_name=PERSON,
        pronouns="they/them",
        pathways=["smart"],
        contact_methods=["text"],
        service=service,
        referral="self",
        funding="grant",
        name="coach",
    )
    field = staff.find_element(By.CSS_SELECTOR, "form[action$='/invite'] #email")
    field.send_keys(unique_email("dana"))
    click_and_wait_for_new_page(staff, staff.find_element(By.CSS_SELECTOR, "button#invite-participant"))
    participant_link = invite_link(staff)
    person = people("participant")
    accept_invitation(person, participant_link, admin.org_name, PERSON_DISPLAY, strong_password(), "participant")
    return Cast(base=base, participant_id=participant_id, staff=staff, person=person, data_dir=srv.data_dir)


# ---------------------------------------------------------------------------------------
# Helpers for the BARC-10


def response_status(driver) -> int:
    """The HTTP status of the document now showing (Chromium's navigation timing)."""
    return driver.execute_script("return performance.getEntriesByType('navigation')[0].responseStatus;")


def answer(driver, item: int, value: int) -> None:
    """Picks an answer by clicking its label, as a thumb would."""
    box = driver.find_element(By.CSS_SELECTOR, f"input#item_{item}-{value}")
    assert box.get_dom_attribute("name") == f"item_{item}" and box.get_dom_attribute("value") == str(value)
    label = driver.find_element(By.CSS_SELECTOR, f"label[for='item_{item}-{value}']")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", label)
    label.click()
    assert box.is_selected(), f"item_{item}={value} did not get chosen"


def answers_shown(driver) -> dict[int, int]:
    """The answers checked on the BARC-10 form, by item number."""
    shown = {}
    for item in range(1, 11):
        checked = driver.find_elements(By.CSS_SELECTOR, f"input[name='item_{item}']:checked")
        assert len(checked) <= 1, f"item_{item} has {len(checked)} answers checked"
        if checked:
            shown[item] = int(checked[0].get_dom_attribute("value"))
    return shown


def open_barc_form(driver, participant_id: str, name: str) -> None:
    click_and_wait_for_new_page(driver, visible(driver, "a#barc-start"))
    wait(driver).until(lambda d: path_of(d) == f"/participants/{participant_id}/recovery-capital/form")
    visible(driver, "form#barc-form")
    fieldsets = driver.find_elements(By.CSS_SELECTOR, "form#barc-form fieldset")
    assert [f.get_dom_attribute("id") for f in fieldsets] == [f"item_{n}" for n in range(1, 11)], (
        f"the BARC-10 form's fieldsets are {[f.get_dom_attribute('id') for f in fieldsets]}"
    )
    for item in range(1, 11):
        values = [
            box.get_dom_attribute("value")
            for box in driver.find_elements(By.CSS_SELECTOR, f"input[type=radio][name='item_{item}']")
        ]
        assert values == [str(v) for v in range(1, 7)], f"item_{item} offers the answers {values}"
    legend = words(driver.find_element(By.CSS_SELECTOR, "fieldset#item_1 legend"))
    assert legend == f"1. {EN['barc_item_1']}", f"the first statement reads {legend!r}"
    check_page(driver, name)


# ---------------------------------------------------------------------------------------
# Helpers for the plan


def domain_section(driver, domain_key: str):
    """The plan page's section for a life domain, found by its heading."""
    for section in driver.find_elements(By.CSS_SELECTOR, "section.plan-domain"):
        if section.find_element(By.TAG_NAME, "h2").text.strip() == EN[domain_key]:
            return section
    raise AssertionError(f"the plan page has no section headed {EN[domain_key]!r}")


def open_plan_section(driver, participant_id: str, domain_key: str, name: str) -> None:
    """On the plan page: follows the link to change a life domain's section."""
    link = domain_section(driver, domain_key).find_element(
        By.CSS_SELECTOR, f"a[href^='/participants/{participant_id}/plan/edit/d']"
    )
    assert words(link) == f"{EN['plan_edit_domain']} {EN[domain_key]}", f"the edit link reads {link.text!r}"
    href = link.get_dom_attribute("href")
    click_and_wait_for_new_page(driver, link)
    wait(driver).until(lambda d: path_of(d) == href)
    visible(driver, "form#plan-edit-form")
    assert visible(driver, "h1").text.strip() == EN[domain_key]
    check_page(driver, name)


def open_values(driver, participant_id: str, name: str) -> None:
    link = visible(driver, f"section#plan-values a[href='/participants/{participant_id}/plan/edit/values']")
    assert link.text.strip() == EN["plan_edit_values"], f"the values link reads {link.text!r}"
    click_and_wait_for_new_page(driver, link)
    wait(driver).until(lambda d: path_of(d) == f"/participants/{participant_id}/plan/edit/values")
    visible(driver, "textarea#values")
    check_page(driver, name)


def type_into(driver, css: str, text: str) -> None:
    field = driver.find_element(By.CSS_SELECTOR, css)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", field)
    field.clear()
    field.send_keys(text)
    assert field.get_attribute("value") == text, f"{css} holds {field.get_attribute('value')!r} after typing"


def type_date(driver, css: str, iso: str) -> None:
    """Types a date into a date input the way an en-US keyboard user would (month, day, year)."""
    field = driver.find_element(By.CSS_SELECTOR, css)
    assert field.get_dom_attribute("type") == "date"
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", field)
    year, month, day = iso.split("-")
    field.send_keys(month + day + year)
    assert field.get_attribute("value") == iso, f"{css} holds {field.get_attribute('value')!r}, expected {iso}"


def save_plan(driver, participant_id: str, name: str) -> None:
    click_and_wait_for_new_page(driver, driver.find_element(By.CSS_SELECTOR, "button#save-plan"))
    wait(driver).until(lambda d: path_of(d) == f"/participants/{participant_id}/plan")
    assert query_of(driver).get("saved") == ["1"], f"after saving the address is {driver.current_url}"
    notice = visible(driver, "main div.notice.success").text
    assert EN["plan_saved_notice"] in notice, f"the notice after saving reads {notice!r}"
    check_page(driver, name)


def goals_of(section) -> list[dict]:
    """The goals a plan section shows: heading text, done badge, who wrote it, steps."""
    goals = []
    for card in section.find_elements(By.CSS_SELECTOR, "div.goal"):
        heading = card.find_element(By.TAG_NAME, "h3")
        badges = [b.text.strip() for b in heading.find_elements(By.CSS_SELECTOR, "span.badge")]
        title = words(heading)
        for badge in badges:
            title = title.removesuffix(badge).strip()
        goals.append(
            {
                "text": title,
                "badges": badges,
                "written_by": words(card.find_element(By.CSS_SELECTOR, "p.muted")),
                "steps": [words(li) for li in card.find_elements(By.CSS_SELECTOR, "ul.steps li")],
            }
        )
    return goals


def agreement_state(driver) -> str:
    return words(visible(driver, "#plan-agreement-state"))


def agree_plan(driver, participant_id: str, typed_name: str, who: str) -> None:
    """On the plan page: types the name and agrees the current version (as the coach when the form
    asks who is signing)."""
    form = visible(driver, "form#plan-sign-form")
    intro = visible(driver, "section#plan-agreement").text
    assert EN["plan_agree_intro"] in intro, f"the agreement section reads {intro!r}"
    choices = form.find_elements(By.CSS_SELECTOR, "input[type=radio][name=signer]")
    if choices:
        assert who == "coach", f"the {who} is asked who is signing"
        coach_choice = form.find_element(By.CSS_SELECTOR, "input#signer-coach")
        label = form.find_element(By.CSS_SELECTOR, "label[for='signer-coach']")
        assert label.text.strip() == EN["plan_sign_as_coach"], f"the coach's choice reads {label.text!r}"
        label.click()
        assert coach_choice.is_selected(), "signing as the coach did not get chosen"
    else:
        signer = form.find_element(By.CSS_SELECTOR, "input[type=hidden][name=signer]").get_dom_attribute("value")
        assert signer == who, f"the {who} signs as {signer!r}"
    type_into(driver, "form#plan-sign-form #typed_name", typed_name)
    click_and_wait_for_new_page(driver, form.find_element(By.CSS_SELECTOR, "button#agree-plan"))
    wait(driver).until(lambda d: path_of(d) == f"/participants/{participant_id}/plan")
    assert query_of(driver).get("signed") == ["1"], f"after agreeing the address is {driver.current_url}"
    notice = visible(driver, "main div.notice.success").text
    assert EN["plan_signed_notice"] in notice, f"the notice after agreeing reads {notice!r}"
    signatures = [words(li) for li in driver.find_elements(By.CSS_SELECTOR, "ul#plan-signatures li")]
    label = EN["signer_coach" if who == "coach" else "signer_participant"]
    assert any(s.startswith(f"{label}: {typed_name} ·") for s in signatures), (
        f"after the {who} agreed, the signatures read {signatures}"
    )
    check_page(driver, f"plan after the {who} agreed")


def open_plan_from_home(driver, base: str, participant_id: str, name: str) -> None:
    driver.get(base + "/")
    check_page(driver, f"home before the {name}")
    click_and_wait_for_new_page(driver, visible(driver, "a#my-plan"))
    wait(driver).until(lambda d: path_of(d) == f"/participants/{participant_id}/plan")
    visible(driver, "section#plan-values")
    check_page(driver, name)


def open_plan_as_coach(driver, base: str, participant_id: str, name: str) -> None:
    driver.get(base + f"/participants/{participant_id}")
    check_page(driver, f"participant page before the {name}")
    click_and_wait_for_new_page(driver, visible(driver, "a#plan-link"))
    wait(driver).until(lambda d: path_of(d) == f"/participants/{participant_id}/plan")
    visible(driver, "section#plan-values")
    check_page(driver, name)


def coach_writes_housing_goal(staff, participant_id: str, goal: str, step: str) -> None:
    """On the plan page as the coach: writes a Housing goal with one step, and saves."""
    open_plan_section(staff, participant_id, "domain_housing", "plan: housing form (coach)")
    assert not staff.find_elements(By.CSS_SELECTOR, "#goal_1_text"), "an empty section offers two blank goals"
    type_into(staff, "#goal_0_text", goal)
    type_into(staff, "#goal_0_why", "A door that locks and a bed that is mine")
    type_into(staff, "#goal_0_step_0_what", step)
    type_into(staff, "#goal_0_step_0_who", "Robin")
    type_date(staff, "#goal_0_step_0_due", "2031-06-15")
    Select(staff.find_element(By.CSS_SELECTOR, "select#goal_0_step_0_status")).select_by_value("in_progress")
    type_into(staff, "textarea#strengths", "Keeps every appointment")
    type_into(staff, "textarea#supports", "Sister in Dayton")
    type_into(staff, "textarea#barriers", "An eviction on record")
    save_plan(staff, participant_id, "plan after the coach wrote a housing goal")
    (written,) = goals_of(domain_section(staff, "domain_housing"))
    assert written["text"] == goal and written["badges"] == [], written
    assert written["written_by"] == message("plan_written_by_coach", name=COACH), written
    assert len(written["steps"]) == 1 and step in written["steps"][0], written
    assert EN["step_status_in_progress"] in written["steps"][0], written


# ---------------------------------------------------------------------------------------
# 1. The BARC-10, from a draft to a total; then the participant changes their plan


def test_participant_fills_barc10_and_edits_a_goal(browser, fresh_server, people):  # noqa: F811
    cast = coach_and_participant(browser, fresh_server, people, "barc-plan")
    base, pid, staff, person = cast.base, cast.participant_id, cast.staff, cast.person
    history_path = f"/participants/{pid}/recovery-capital"

    # Dana opens recovery capital from the home page: nothing scored yet, a BARC-10 is due.
    link = visible(person, "section#today a#recovery-capital-link")
    assert link.text.strip() == EN["barc_title"], f"the home page's link reads {link.text!r}"
    click_and_wait_for_new_page(person, link)
    wait(person).until(lambda d: path_of(d) == history_path)
    assert visible(person, "h1").text.strip() == EN["barc_title"]
    assert EN["barc_none_yet"] in visible(person, "#barc-summary").text
    assert EN["barc_due_now"] in visible(person, "#barc-due").text
    assert visible(person, "a#barc-start").text.strip() == EN["barc_start"]
    assert not person.find_elements(By.CSS_SELECTOR, "#barc-chart, #barc-scores"), "a chart with no totals"
    check_page(person, "recovery capital before any BARC-10 (participant)")

    # Three answers, kept as a draft.
    open_barc_form(person, pid, "BARC-10 form, empty (participant)")
    first = {1: 4, 2: 3, 3: 5}
    for item, value in first.items():
        answer(person, item, value)
    click_and_wait_for_new_page(person, person.find_element(By.CSS_SELECTOR, "button#barc-draft"))
    wait(person).until(lambda d: path_of(d) == history_path)
    assert query_of(person).get("saved") == ["1"], f"after saving a draft the address is {person.current_url}"
    assert EN["barc_draft_saved_notice"] in visible(person, "main div.notice.success").text
    assert EN["barc_none_yet"] in visible(person, "#barc-summary").text, "a draft was given a total"
    assert visible(person, "a#barc-start").text.strip() == EN["barc_continue_draft"]
    check_page(person, "recovery capital with a draft (participant)")

    # Back to the draft: the answers are still there. Finishing with item 10 missing is refused.
    open_barc_form(person, pid, "BARC-10 form, the draft (participant)")
    assert answers_shown(person) == first, f"the draft reopens with {answers_shown(person)}"
    rest = {item: 5 for item in range(4, 10)}
    for item, value in rest.items():
        answer(person, item, value)
    click_and_wait_for_new_page(person, person.find_element(By.CSS_SELECTOR, "button#barc-complete"))
    assert response_status(person) == 422, f"finishing with an answer missing answered {response_status(person)}"
    summary = visible(person, "div.error-summary")
    assert EN["error_summary_title"] in summary.text, summary.text
    links = summary.find_elements(By.CSS_SELECTOR, "a")
    assert [a.get_dom_attribute("href") for a in links] == ["#item_10"], (
        f"the error summary links to {[a.get_dom_attribute('href') for a in links]}"
    )
    expected = EN["barc_item_error"].replace("{number}", "10").replace("{message}", EN["error_barc_answer_required"])
    assert links[0].text.strip() == expected, links[0].text
    missing = person.find_element(By.CSS_SELECTOR, "fieldset#item_10")
    assert "has-error" in missing.get_dom_attribute("class").split(), "fieldset#item_10 is not marked"
    assert EN["error_barc_answer_required"] in missing.find_element(By.CSS_SELECTOR, "p.field-error").text
    assert not person.find_elements(By.CSS_SELECTOR, "fieldset.has-error:not(#item_10)"), "other items marked"
    assert answers_shown(person) == first | rest, f"the refused form comes back with {answers_shown(person)}"
    check_page(person, "BARC-10 form with an answer missing (participant)")
    links[0].click()
    wait(person).until(lambda d: d.execute_script("return location.hash") == "#item_10")

    # All ten: 4 + 3 + 5 + 6 × 5 + 6 = 48, at or above the reference of 47.
    answer(person, 10, 6)
    total = sum((first | rest | {10: 6}).values())
    assert total == 48
    click_and_wait_for_new_page(person, person.find_element(By.CSS_SELECTOR, "button#barc-complete"))
    wait(person).until(lambda d: path_of(d) == history_path)
    assert query_of(person).get("completed") == ["1"], f"after finishing the address is {person.current_url}"
    assert EN["barc_completed_notice"] in visible(person, "main div.notice.success").text
    latest = visible(person, "#barc-latest").text.strip()
    assert f"{total} of 60" in latest, f"#barc-latest reads {latest!r}"
    assert latest == message("barc_latest_at_or_above", total=str(total), reference="47"), latest
    assert EN["barc_next_due"] in visible(person, "#barc-due").text, "a BARC-10 is still due after one was done"
    assert visible(person, "a#barc-start").text.strip() == EN["barc_start"], "the draft is still offered"
    chart = visible(person, "svg#barc-chart")
    assert chart.get_dom_attribute("role") == "img", "svg#barc-chart has no role=img"
    assert EN["barc_chart_title"] in chart.accessible_name, f"the chart's accessible name is {chart.accessible_name!r}"
    details = person.find_element(By.CSS_SELECTOR, "figure details")
    summary_line = details.find_element(By.TAG_NAME, "summary")
    assert summary_line.text.strip() == EN["barc_table_summary"]
    summary_line.click()
    wait(person).until(lambda d: details.get_dom_attribute("open") is not None)
    rows = visible(person, "table#barc-scores").find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) == 1, f"table#barc-scores has {len(rows)} rows"
    cells = {
        td.get_dom_attribute("data-label"): td.text.strip() for td in rows[0].find_elements(By.TAG_NAME, "td")
    }
    assert cells[EN["barc_total"]] == str(total), cells
    assert cells[EN["barc_reference_column"]] == EN["barc_at_or_above_short"], cells
    assert cells[EN["barc_filled"]] == EN["barc_alone"], cells
    check_page(person, "recovery capital with a total (participant)")

    # The coach writes a Housing goal in the plan.
    housing_goal = "Find a room of my own near the bus line"
    step = "Call the housing office"
    click_and_wait_for_new_page(staff, visible(staff, "a#plan-link"))
    wait(staff).until(lambda d: path_of(d) == f"/participants/{pid}/plan")
    assert EN["plan_empty_edit"] in visible(staff, "main").text, "the empty plan does not say where to start"
    check_page(staff, "empty plan (coach)")
    coach_writes_housing_goal(staff, pid, housing_goal, step)

    # Dana opens the plan from home, changes that goal, marks its step done and adds a goal.
    open_plan_from_home(person, base, pid, "plan (participant)")
    (seen,) = goals_of(domain_section(person, "domain_housing"))
    assert seen["text"] == housing_goal, seen
    open_plan_section(person, pid, "domain_housing", "plan: housing form (participant)")
    goal_field = person.find_element(By.CSS_SELECTOR, "#goal_0_text")
    assert goal_field.get_attribute("value") == housing_goal
    written_note = words(person.find_element(By.CSS_SELECTOR, "fieldset#goal_0 > p.muted"))
    assert written_note == message("plan_written_by_coach", name=COACH), written_note
    assert person.find_element(By.CSS_SELECTOR, "#goal_0_step_0_what").get_attribute("value") == step
    assert person.find_element(By.CSS_SELECTOR, "#goal_0_step_0_due").get_attribute("value") == "2031-06-15"
    assert person.find_element(By.CSS_SELECTOR, "#goal_1_text").get_attribute("value") == "", "no blank goal"
    changed_goal = "Move into my own room near the bus line"
    new_goal = "Save for a deposit"
    type_into(person, "#goal_0_text", changed_goal)
    status = Select(person.find_element(By.CSS_SELECTOR, "select#goal_0_step_0_status"))
    assert status.first_selected_option.get_attribute("value") == "in_progress"
    status.select_by_value("done")
    type_into(person, "#goal_1_text", new_goal)
    save_plan(person, pid, "plan after the participant changed it")

    goals = goals_of(domain_section(person, "domain_housing"))
    assert [g["text"] for g in goals] == [changed_goal, new_goal], goals
    assert goals[0]["badges"] == [EN["plan_goal_done"]], goals[0]
    assert goals[0]["written_by"] == message("plan_written_by_coach", name=COACH), goals[0]
    assert EN["step_status_done"] in goals[0]["steps"][0], goals[0]
    assert goals[1]["badges"] == [], goals[1]
    assert goals[1]["written_by"] == message("plan_written_by_participant", name=PERSON_DISPLAY), goals[1]
    assert f"{EN['plan_goals_done_label']} 1/2" in visible(person, "main").text, "the goals-done count is wrong"

    # The coach sees the same.
    staff.get(base + f"/participants/{pid}/plan")
    goals = goals_of(domain_section(staff, "domain_housing"))
    assert [(g["text"], g["badges"]) for g in goals] == [(changed_goal, [EN["plan_goal_done"]]), (new_goal, [])]
    check_page(staff, "plan after the participant changed it (coach)")


# ---------------------------------------------------------------------------------------
# 2. Both agree the plan; a later change needs agreeing again; the versions show what changed


def test_coach_and_participant_agree_the_plan_and_coach_follows_up(browser, fresh_server, people):  # noqa: F811
    cast = coach_and_participant(browser, fresh_server, people, "plan-agree")
    base, pid, staff, person = cast.base, cast.participant_id, cast.staff, cast.person
    old_values = "Being there for my kids, and being honest with them"
    new_values = "Being there for my kids, staying honest, and finishing my GED"

    # Version 1: the coach writes what matters most. Version 2: a Housing goal.
    open_plan_as_coach(staff, base, pid, "empty plan (coach)")
    assert EN["plan_values_empty"] in visible(staff, "section#plan-values").text
    assert not staff.find_elements(By.CSS_SELECTOR, "#plan-agreement"), "an empty plan offers agreeing"
    open_values(staff, pid, "plan: values form (coach)")
    type_into(staff, "textarea#values", old_values)
    save_plan(staff, pid, "plan after the coach wrote the values")
    assert visible(staff, "section#plan-values p.prewrap").text.strip() == old_values
    assert agreement_state(staff) == EN["plan_not_agreed"]
    coach_writes_housing_goal(staff, pid, "Keep the apartment through the winter", "Set up the rent autopay")
    assert f"{EN['plan_version']} 2" in visible(staff, "#plan-person").text

    # The coach agrees version 2, then Dana does from her own browser.
    assert agreement_state(staff) == EN["plan_not_agreed"]
    agree_plan(staff, pid, COACH, "coach")
    assert agreement_state(staff) == EN["plan_not_agreed"], "agreed with the coach's signature only"
    assert not staff.find_elements(By.CSS_SELECTOR, "#signer-coach"), "the coach is asked to sign again"

    open_plan_from_home(person, base, pid, "plan waiting for the participant")
    assert agreement_state(person) == EN["plan_not_agreed"]
    assert not person.find_elements(By.CSS_SELECTOR, "#signer-coach, #signer-participant"), (
        "the participant is asked who is signing"
    )
    agree_plan(person, pid, PERSON, "participant")
    assert agreement_state(person) == EN["plan_agreed"]
    assert not person.find_elements(By.CSS_SELECTOR, "form#plan-sign-form"), "the participant is asked to sign again"

    staff.get(base + f"/participants/{pid}/plan")
    assert agreement_state(staff) == EN["plan_agreed"]
    assert not staff.find_elements(By.CSS_SELECTOR, "form#plan-sign-form"), "an agreed plan offers signing"
    check_page(staff, "agreed plan (coach)")

    # Dana changes what matters most: version 3, not agreed yet.
    open_values(person, pid, "plan: values form (participant)")
    assert person.find_element(By.CSS_SELECTOR, "textarea#values").get_attribute("value") == old_values
    type_into(person, "textarea#values", new_values)
    save_plan(person, pid, "plan after the participant changed the values")
    assert visible(person, "section#plan-values p.prewrap").text.strip() == new_values
    assert agreement_state(person) == EN["plan_not_agreed"], "a changed plan still reads as agreed"
    assert not person.find_elements(By.CSS_SELECTOR, "ul#plan-signatures li"), "old signatures on the new version"
    assert f"{EN['plan_version']} 3" in visible(person, "#plan-person").text

    # The versions: three, only version 2 agreed.
    link = visible(person, "a#plan-versions-link")
    assert link.text.strip() == EN["plan_versions_title"]
    click_and_wait_for_new_page(person, link)
    wait(person).until(lambda d: path_of(d) == f"/participants/{pid}/plan/versions")
    rows = {}
    for row in visible(person, "table#plan-versions").find_elements(By.CSS_SELECTOR, "tbody tr"):
        cells = {td.get_dom_attribute("data-label"): words(td) for td in row.find_elements(By.TAG_NAME, "td")}
        rows[cells[EN["plan_version"]]] = cells | {"element": row}
    assert sorted(rows) == [f"{EN['plan_version']} {n}" for n in (1, 2, 3)], f"the versions listed: {sorted(rows)}"
    agreed = {number: cells[EN["plan_agreement"]] for number, cells in rows.items()}
    assert agreed == {
        f"{EN['plan_version']} 1": EN["plan_not_agreed"],
        f"{EN['plan_version']} 2": EN["plan_agreed"],
        f"{EN['plan_version']} 3": EN["plan_not_agreed"],
    }, agreed
    by = {number: cells[EN["plan_saved_by_column"]] for number, cells in rows.items()}
    assert by == {
        f"{EN['plan_version']} 1": COACH,
        f"{EN['plan_version']} 2": COACH,
        f"{EN['plan_version']} 3": PERSON_DISPLAY,
    }, by
    check_page(person, "plan versions (participant)")

    # Version 2, as agreed, with what changed since: the new values in, the old ones out.
    version_2 = rows[f"{EN['plan_version']} 2"]["element"].find_element(
        By.CSS_SELECTOR, f"a[href='/participants/{pid}/plan/versions/2']"
    )
    click_and_wait_for_new_page(person, version_2)
    wait(person).until(lambda d: path_of(d) == f"/participants/{pid}/plan/versions/2")
    assert visible(person, "h1").text.strip() == f"{EN['plan_title']} · {EN['plan_version']} 2"
    assert agreement_state(person) == EN["plan_agreed"]
    changes = visible(person, "section#plan-changes")
    assert words(changes.find_element(By.TAG_NAME, "h2")) == f"{EN['plan_changes_since']} 3"
    added = [words(e) for e in changes.find_elements(By.TAG_NAME, "ins")]
    removed = [words(e) for e in changes.find_elements(By.TAG_NAME, "del")]
    assert added == [f"{EN['plan_change_added']} {EN['plan_values']}: {new_values}"], f"ins: {added}"
    assert removed == [f"{EN['plan_change_removed']} {EN['plan_values']}: {old_values}"], f"del: {removed}"
    assert visible(person, "section#plan-values p.prewrap").text.strip() == old_values, "version 2 shows new values"
    assert not person.find_elements(By.CSS_SELECTOR, "a[href*='/plan/edit/']"), "an earlier version offers editing"
    check_page(person, "plan version 2 with the changes since (participant)")

    # The coach follows up the change: the plan reads as not agreed, with Dana's words; the coach
    # agrees version 3, which waits for Dana again.
    open_plan_as_coach(staff, base, pid, "plan changed by the participant (coach)")
    assert agreement_state(staff) == EN["plan_not_agreed"]
    assert visible(staff, "section#plan-values p.prewrap").text.strip() == new_values
    assert f"{EN['plan_version']} 3" in visible(staff, "#plan-person").text
    agree_plan(staff, pid, COACH, "coach")
    assert agreement_state(staff) == EN["plan_not_agreed"], "version 3 agreed with the coach's signature only"
