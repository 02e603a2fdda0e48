"""Browser journeys for participants, their engagements and agreements, and caseloads.

Every journey runs at 360 px and 1280 px wide (the `browser` fixture) and every page visited is
checked with `check_page` (axe-core, the crisis link, no sideways scroll at 360 px).

Each journey gets its own `fresh_server`: the caseload, the search results and the audit log are
then exactly what the journey did. The admin from setup acts in `browser`; everyone else acts in
their own extra browser (`people`), so each keeps a session of their own. A person signing in again
first has their cookies deleted.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

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
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait
from test_admin_journeys import invite_link, open_members, sign_in, submit_invite
from test_journeys import click_and_wait_for_new_page, open_signin, path_of, visible

EN = json.loads((REPO_ROOT / "Resources" / "Localization" / "en.json").read_text(encoding="utf-8"))
PARTICIPANT_NAME = "José Álvarez"


def wait(driver, timeout: float = WAIT) -> WebDriverWait:
    return WebDriverWait(driver, timeout)


# ---------------------------------------------------------------------------------------
# More browsers


def turn_off_page_scripts(driver, off: bool = True) -> None:
    """Stops (or lets) pages run scripts, for this and every later page in the browser.
    WebDriver's own synchronous scripts still run."""
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": off})


def check_page_without_scripts(driver, name: str) -> None:
    """`check_page` in a browser whose page scripts are off: axe-core needs timers, so scripts
    are on while it runs (on the page as it already is) and off again before anything else."""
    turn_off_page_scripts(driver, False)
    try:
        check_page(driver, name)
    finally:
        turn_off_page_scripts(driver, True)


@pytest.fixture
def people(request, browser):
    """A factory for extra browsers as wide as `browser`, one per person. All are quit after the
    test; when the test failed each leaves a screenshot in e2e/artifacts/ first."""
    started: list[tuple[str, webdriver.Chrome]] = []
    failures_before = request.session.testsfailed

    def make(name: str, javascript: bool = True) -> webdriver.Chrome:
        width = browser.tandem_width
        driver = make_driver(width)
        if not javascript:
            turn_off_page_scripts(driver)
        started.append((name, driver))
        return driver

    yield make
    failed = request.session.testsfailed > failures_before
    for name, driver in started:
        if failed:
            screenshot(driver, f"{request.node.nodeid}-{name}")
        driver.quit()


# ---------------------------------------------------------------------------------------
# Helpers


def query_of(driver) -> dict[str, list[str]]:
    return parse_qs(urlsplit(driver.current_url).query)


def id_from_path(driver, prefix: str) -> str:
    path = path_of(driver)
    assert path.startswith(prefix), f"expected a path under {prefix}, got {path}"
    return path[len(prefix) :].split("/")[0]


def invite_member(admin_driver, base_url: str, role: str) -> tuple[str, str]:
    """The admin makes an invitation on /admin/members. Returns (e-mail, link)."""
    email = unique_email(role)
    open_members(admin_driver, base_url, f"admin members (inviting a {role})")
    submit_invite(admin_driver, email, role)
    link = invite_link(admin_driver)
    check_page(admin_driver, f"admin members: {role} invitation link")
    return email, link


def accept_invitation(driver, link: str, org_name: str, display_name: str, password: str, who: str) -> None:
    """In a browser without a session: opens the invitation, accepts it, lands on the home page."""
    driver.delete_all_cookies()
    driver.get(link)
    visible(driver, "#display_name")
    body = visible(driver, "main").text
    assert org_name in body, f"the invitation for the {who} does not name {org_name!r}: {body!r}"
    check_page(driver, f"invitation ({who})")
    driver.find_element(By.CSS_SELECTOR, "#display_name").send_keys(display_name)
    driver.find_element(By.CSS_SELECTOR, "#password").send_keys(password)
    form = driver.find_element(By.CSS_SELECTOR, "form[action^='/invite/']")
    click_and_wait_for_new_page(driver, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    wait(driver).until(lambda d: path_of(d) == "/")
    visible(driver, "h1")
    check_page(driver, f"home after the {who} accepted the invitation")


def staff_home(driver, heading_key: str, name: str, check=check_page) -> None:
    wait(driver).until(lambda d: path_of(d) == "/")
    heading = visible(driver, "h1").text.strip()
    assert heading == EN[heading_key], f"h1 on / is {heading!r}, expected {EN[heading_key]!r}"
    check(driver, name)


def caseload_rows(driver) -> list[dict]:
    """The rows of table#caseload by column label (empty when the empty state shows instead)."""
    rows = []
    for row in driver.find_elements(By.CSS_SELECTOR, "table#caseload tbody tr"):
        cells = row.find_elements(By.TAG_NAME, "td")
        rows.append({cell.get_dom_attribute("data-label"): cell.text.strip() for cell in cells} | {"element": row})
    return rows


def tick(driver, css: str) -> None:
    box = driver.find_element(By.CSS_SELECTOR, css)
    if not box.is_selected():
        box.click()
    assert box.is_selected(), f"{css} did not get ticked"


def add_participant(
    driver,
    *,
    preferred_name: str,
    pronouns: str,
    pathways: list[str],
    contact_methods: list[str],
    service: str,
    referral: str,
    funding: str,
    status: str = "active",
    name: str,
) -> str:
    """From the caseload page: opens /participants/new, fills it in, saves. Returns the new id."""
    click_and_wait_for_new_page(driver, visible(driver, "main a[href='/participants/new']"))
    wait(driver).until(lambda d: path_of(d) == "/participants/new")
    visible(driver, "#preferred_name")
    check_page(driver, f"new participant form ({name})")

    driver.find_element(By.CSS_SELECTOR, "#preferred_name").send_keys(preferred_name)
    assert driver.find_element(By.CSS_SELECTOR, "#preferred_name").get_attribute("value") == preferred_name
    driver.find_element(By.CSS_SELECTOR, "#pronouns").send_keys(pronouns)
    for value in pathways:
        tick(driver, f"input[name='pathways[]'][value='{value}']")
    for value in contact_methods:
        tick(driver, f"input[name='contact_methods[]'][value='{value}']")
    engagement = driver.find_element(
        By.XPATH, f"//fieldset[legend[normalize-space()={json.dumps(EN['participant_section_engagement'])}]]"
    )
    Select(engagement.find_element(By.CSS_SELECTOR, "select#service_type")).select_by_value(service)
    Select(engagement.find_element(By.CSS_SELECTOR, "select#status")).select_by_value(status)
    Select(engagement.find_element(By.CSS_SELECTOR, "select#referral_source")).select_by_value(referral)
    Select(engagement.find_element(By.CSS_SELECTOR, "select#funding")).select_by_value(funding)
    click_and_wait_for_new_page(driver, driver.find_element(By.CSS_SELECTOR, "button#save-participant"))

    wait(driver).until(lambda d: path_of(d).startswith("/participants/") and path_of(d) != "/participants/new")
    assert query_of(driver).get("created") == ["1"], f"after saving the form the address is {driver.current_url}"
    participant_id = id_from_path(driver, "/participants/")
    shown = visible(driver, "#participant-name").text.strip()
    assert shown == preferred_name, f"#participant-name reads {shown!r}, expected {preferred_name!r}"
    visible(driver, "table#engagements")
    check_page(driver, f"participant page after adding ({name})")
    return participant_id


def engagement_rows(driver) -> list[dict]:
    rows = []
    for row in driver.find_elements(By.CSS_SELECTOR, "table#engagements tbody tr"):
        link = row.find_element(By.CSS_SELECTOR, "a[href^='/engagements/']")
        cells = row.find_elements(By.TAG_NAME, "td")
        rows.append(
            {cell.get_dom_attribute("data-label"): cell.text.strip() for cell in cells}
            | {"id": link.get_dom_attribute("href").rsplit("/", 1)[-1]}
        )
    return rows


def sign_agreement(driver, typed_name: str, who: str) -> None:
    """On an engagement page: types the name and signs; lands back on it with the thank-you notice."""
    engagement_path = path_of(driver)
    field = visible(driver, "#typed_name")
    field.clear()
    field.send_keys(typed_name)
    click_and_wait_for_new_page(driver, driver.find_element(By.CSS_SELECTOR, "button#sign-agreement"))
    wait(driver).until(lambda d: path_of(d) == engagement_path)
    assert query_of(driver).get("signed") == ["1"], f"after signing the address is {driver.current_url}"
    notice = visible(driver, "main div.notice.success").text
    assert EN["agreement_signed_notice"] in notice, f"the notice after signing reads {notice!r}"
    signatures = visible(driver, "ul#signatures").text
    assert typed_name in signatures, f"the signatures after the {who} signed read {signatures!r}"
    assert not driver.find_elements(By.CSS_SELECTOR, "#sign-agreement"), f"the {who} is asked to sign again"
    check_page(driver, f"engagement after the {who} signed")


def text_of(driver, css: str) -> str:
    return " ".join(visible(driver, css).text.split())


# ---------------------------------------------------------------------------------------
# 1. From invitation to a signed agreement, a reassignment, the search, the audit and the
#    access history


def test_participant_engagement_journey(browser, fresh_server, people):
    srv = fresh_server("participants")
    base = srv.base_url
    admin = perform_setup(browser, srv)
    staff_home(browser, "caseload_all_title", "home after setup (admin caseload)")
    assert visible(browser, "#caseload-empty").text.strip() == EN["caseload_empty"]

    # The admin invites two coaches and a supervisor; each accepts in a browser of their own.
    suffix = admin.org_name.rsplit(" ", 1)[-1]
    coach = {"name": f"Casey Coach {suffix}", "password": strong_password()}
    other_coach = {"name": f"Blair Backup {suffix}", "password": strong_password()}
    supervisor = {"name": f"Sam Supervisor {suffix}", "password": strong_password()}
    for person, role in ((coach, "coach"), (other_coach, "coach"), (supervisor, "supervisor")):
        person["email"], person["link"] = invite_member(browser, base, role)

    staff = people("staff")
    for person, who in ((coach, "coach"), (other_coach, "second coach"), (supervisor, "supervisor")):
        accept_invitation(staff, person["link"], admin.org_name, person["name"], person["password"], who)
        heading_key = "caseload_all_title" if who == "supervisor" else "caseload_title"
        assert visible(staff, "h1").text.strip() == EN[heading_key], f"the {who} lands on {visible(staff, 'h1').text!r}"

    # The coach signs in and adds José with a first engagement.
    staff.delete_all_cookies()
    sign_in(staff, base, coach["email"], coach["password"], "signin (coach)")
    staff_home(staff, "caseload_title", "home (coach, empty caseload)")
    participant_id = add_participant(
        staff,
        preferred_name=PARTICIPANT_NAME,
        pronouns="he/him",
        pathways=["smart", "harm_reduction"],
        contact_methods=["text", "in_person"],
        service="recovery_coaching",
        referral="treatment_center",
        funding="grant",
        name="coach",
    )
    created = visible(staff, "main div.notice.success").text
    assert EN["participant_created"] in created, f"the notice after adding reads {created!r}"
    pronouns = visible(staff, "main p.muted").text.strip()
    assert pronouns == "he/him", f"the pronouns under the name read {pronouns!r}"
    profile = text_of(staff, "dl#profile")
    for label in ("pathway_smart", "pathway_harm_reduction", "contact_text", "contact_in_person"):
        assert EN[label] in profile, f"the profile does not list {EN[label]!r}: {profile!r}"
    (first,) = engagement_rows(staff)
    assert first[EN["field_service_type"]] == EN["service_recovery_coaching"], first
    assert first[EN["field_status"]] == EN["status_active"], first
    assert first[EN["field_primary_coach"]] == coach["name"], first
    first_engagement = first["id"]

    # A second engagement, from the participant page.
    click_and_wait_for_new_page(staff, visible(staff, "a#open-engagement"))
    wait(staff).until(lambda d: path_of(d) == f"/participants/{participant_id}/engagements/new")
    visible(staff, "#service_type")
    assert PARTICIPANT_NAME in visible(staff, "main").text, "the new-engagement page does not name the participant"
    check_page(staff, "new engagement form")
    Select(staff.find_element(By.CSS_SELECTOR, "#service_type")).select_by_value("sober_companion")
    Select(staff.find_element(By.CSS_SELECTOR, "#referral_source")).select_by_value("self")
    Select(staff.find_element(By.CSS_SELECTOR, "#funding")).select_by_value("private_pay")
    click_and_wait_for_new_page(staff, staff.find_element(By.CSS_SELECTOR, "button#save-engagement"))
    wait(staff).until(lambda d: path_of(d).startswith("/engagements/"))
    second_engagement = id_from_path(staff, "/engagements/")
    assert second_engagement != first_engagement
    assert visible(staff, "h1").text.strip() == EN["service_sober_companion"]
    check_page(staff, "second engagement")

    # The coach's caseload now lists both.
    staff.get(base + "/")
    staff_home(staff, "caseload_title", "home (coach, two engagements)")
    services = sorted(row[EN["field_service_type"]] for row in caseload_rows(staff))
    assert services == sorted([EN["service_recovery_coaching"], EN["service_sober_companion"]]), services
    assert {row[EN["caseload_person"]] for row in caseload_rows(staff)} == {PARTICIPANT_NAME}

    # The coach signs the agreement of the first engagement, from the participant page.
    click_and_wait_for_new_page(staff, visible(staff, f"table#caseload a[href='/participants/{participant_id}']"))
    visible(staff, "#participant-name")
    check_page(staff, "participant page (coach)")
    click_and_wait_for_new_page(staff, visible(staff, f"table#engagements a[href='/engagements/{first_engagement}']"))
    wait(staff).until(lambda d: path_of(d) == f"/engagements/{first_engagement}")
    state = visible(staff, "#agreement-state").text.strip()
    assert state == EN["agreement_waiting"], f"#agreement-state before any signature reads {state!r}"
    check_page(staff, "engagement before signing (coach)")
    sign_agreement(staff, coach["name"], "coach")
    state = visible(staff, "#agreement-state").text.strip()
    assert state == EN["agreement_waiting"], f"#agreement-state with the coach's signature only reads {state!r}"

    # ... and invites José to sign in.
    click_and_wait_for_new_page(staff, visible(staff, f"main a[href='/participants/{participant_id}']"))
    visible(staff, "#invite-participant")
    check_page(staff, "participant page with the invitation form")
    participant = {"email": unique_email("jose"), "display": "José", "password": strong_password()}
    field = staff.find_element(By.CSS_SELECTOR, "form[action$='/invite'] #email")
    field.clear()
    field.send_keys(participant["email"])
    click_and_wait_for_new_page(staff, staff.find_element(By.CSS_SELECTOR, "button#invite-participant"))
    participant_link = invite_link(staff)
    assert not staff.find_elements(By.CSS_SELECTOR, "#invite-participant"), "the invitation form shows with its link"
    check_page(staff, "participant page: sign-in link shown")

    # José accepts, sees his coach and both engagements, and signs.
    person = people("participant")
    accept_invitation(person, participant_link, admin.org_name, participant["display"], participant["password"], "participant")
    heading = visible(person, "h1").text
    assert PARTICIPANT_NAME in heading, f"the participant's home h1 reads {heading!r}"
    coaches = [li.text.strip() for li in visible(person, "ul#my-coaches").find_elements(By.TAG_NAME, "li")]
    assert coaches == [coach["name"]], f"#my-coaches lists {coaches}"
    mine = visible(person, "ul#my-engagements")
    links = {a.get_dom_attribute("href") for a in mine.find_elements(By.CSS_SELECTOR, "h3 a")}
    assert links == {f"/engagements/{first_engagement}", f"/engagements/{second_engagement}"}, links
    assert EN["service_recovery_coaching"] in mine.text and EN["service_sober_companion"] in mine.text, mine.text

    click_and_wait_for_new_page(person, mine.find_element(By.CSS_SELECTOR, f"a[href='/engagements/{first_engagement}']"))
    wait(person).until(lambda d: path_of(d) == f"/engagements/{first_engagement}")
    visible(person, "#typed_name")
    assert not person.find_elements(By.CSS_SELECTOR, "#reassign, #change-status"), "a participant may change the engagement"
    check_page(person, "engagement before signing (participant)")
    sign_agreement(person, PARTICIPANT_NAME, "participant")
    state = visible(person, "#agreement-state").text.strip()
    assert state == EN["agreement_complete"], f"#agreement-state after both signed reads {state!r}"

    click_and_wait_for_new_page(person, visible(person, "a#read-agreement"))
    wait(person).until(lambda d: path_of(d) == f"/engagements/{first_engagement}/agreement")
    document = visible(person, "#agreement-document")
    signatures = [" ".join(li.text.split()) for li in document.find_elements(By.CSS_SELECTOR, "ul#signatures li")]
    assert len(signatures) == 2, f"the agreement lists the signatures {signatures}"
    assert any(s.startswith(f"{EN['signer_coach']}: {coach['name']}") for s in signatures), signatures
    assert any(s.startswith(f"{EN['signer_participant']}: {PARTICIPANT_NAME}") for s in signatures), signatures
    assert admin.org_name in document.text, "the agreement does not name the organization"
    check_page(person, "agreement document (participant)")

    # José changes his own details: pronouns and his recovery start date, his to own.
    person.get(base + "/")
    record = next(a for a in person.find_elements(By.CSS_SELECTOR, "main a.button") if a.text.strip() == EN["my_record"])
    click_and_wait_for_new_page(person, record)
    click_and_wait_for_new_page(person, visible(person, "#edit-participant"))
    visible(person, "#own-details-intro")
    assert not person.find_elements(By.CSS_SELECTOR, "#legal_name, #date_of_birth"), "legal name or birth date editable"
    check_page(person, "own details (participant)")
    pronouns = visible(person, "#pronouns")
    pronouns.clear()
    pronouns.send_keys("he/him")
    person.execute_script("document.getElementById('recovery_start_date').value = '2025-06-01'")
    click_and_wait_for_new_page(person, person.find_element(By.CSS_SELECTOR, "#save-participant"))
    visible(person, "#day-count")

    # The supervisor signs in, sees every caseload and hands the first engagement to the other coach.
    staff.delete_all_cookies()
    sign_in(staff, base, supervisor["email"], supervisor["password"], "signin (supervisor)")
    staff_home(staff, "caseload_all_title", "home (supervisor, every caseload)")
    rows = caseload_rows(staff)
    assert len(rows) == 2, f"the supervisor's caseload has {len(rows)} rows"
    assert {row[EN["field_primary_coach"]] for row in rows} == {coach["name"]}, rows
    row = next(r for r in rows if r[EN["field_service_type"]] == EN["service_recovery_coaching"])
    click_and_wait_for_new_page(staff, row["element"].find_element(By.CSS_SELECTOR, f"a[href='/engagements/{first_engagement}']"))
    wait(staff).until(lambda d: path_of(d) == f"/engagements/{first_engagement}")
    assert visible(staff, "#agreement-state").text.strip() == EN["agreement_complete"]
    check_page(staff, "engagement (supervisor)")
    before = text_of(staff, "#engagement-coaches")
    assert before == f"{coach['name']} ({EN['coach_primary']})", f"#engagement-coaches reads {before!r}"
    Select(visible(staff, "select#primary_coach")).select_by_visible_text(other_coach["name"])
    click_and_wait_for_new_page(staff, staff.find_element(By.CSS_SELECTOR, "button#reassign"))
    wait(staff).until(lambda d: path_of(d) == f"/engagements/{first_engagement}")
    after = text_of(staff, "#engagement-coaches")
    assert f"{other_coach['name']} ({EN['coach_primary']})" in after, f"#engagement-coaches after reassigning: {after!r}"
    assert f"{coach['name']} ({EN['coach_primary']})" not in after, f"two primary coaches: {after!r}"
    chosen = Select(staff.find_element(By.CSS_SELECTOR, "select#primary_coach")).first_selected_option.text
    assert chosen == other_coach["name"], f"select#primary_coach shows {chosen!r} after reassigning"
    check_page(staff, "engagement after reassigning (supervisor)")

    staff.get(base + "/")
    staff_home(staff, "caseload_all_title", "home (supervisor, after reassigning)")
    primaries = {row[EN["field_service_type"]]: row[EN["field_primary_coach"]] for row in caseload_rows(staff)}
    assert primaries == {
        EN["service_recovery_coaching"]: other_coach["name"],
        EN["service_sober_companion"]: coach["name"],
    }, primaries

    # Name search without the accent, in lower case.
    click_and_wait_for_new_page(staff, visible(staff, "main a[href='/participants']"))
    wait(staff).until(lambda d: path_of(d) == "/participants")
    visible(staff, "#q")
    check_page(staff, "participants (supervisor)")
    for query in ("jose", "alvarez"):
        search = visible(staff, "#q")
        search.clear()
        search.send_keys(query)
        form = staff.find_element(By.CSS_SELECTOR, "form[action='/participants']")
        click_and_wait_for_new_page(staff, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        wait(staff).until(lambda d: path_of(d) == "/participants")
        assert query_of(staff).get("q") == [query], f"the search address is {staff.current_url}"
        results = [a.text.strip() for a in visible(staff, "#participant-results").find_elements(By.CSS_SELECTOR, "a")]
        assert results == [PARTICIPANT_NAME], f"searching {query!r} found {results}"
        check_page(staff, f"participants: search {query!r}")
    search = visible(staff, "#q")
    search.clear()
    search.send_keys("josefina")
    click_and_wait_for_new_page(staff, staff.find_element(By.CSS_SELECTOR, "form[action='/participants'] button[type=submit]"))
    assert visible(staff, "#no-results").text.strip() == EN["participants_none_found"]
    assert not staff.find_elements(By.CSS_SELECTOR, "#participant-results")
    check_page(staff, "participants: nobody found")

    # The admin reads the audit log, filtered to views of participant records.
    browser.get(base + "/admin/audit")
    visible(browser, "table#audit-log")
    check_page(browser, "audit log (participants)")
    actions = {o.get_attribute("value") for o in Select(browser.find_element(By.CSS_SELECTOR, "select#action")).options}
    for action in ("participant.create", "participant.view", "participant.invite", "participant.search"):
        assert action in actions, f"the audit action filter lacks {action}: {sorted(actions)}"
    Select(browser.find_element(By.CSS_SELECTOR, "select#action")).select_by_value("participant.view")
    click_and_wait_for_new_page(browser, browser.find_element(By.CSS_SELECTOR, "form[action='/admin/audit'] button"))
    assert query_of(browser).get("action") == ["participant.view"], browser.current_url
    rows = browser.find_elements(By.CSS_SELECTOR, "table#audit-log tbody tr")
    assert rows, "no participant.view entries in the audit log"
    seen = {row.find_element(By.CSS_SELECTOR, "td:nth-child(3) code").text.strip() for row in rows}
    assert seen == {"participant.view"}, f"filtered to participant.view, the log shows {seen}"
    # Each action also reads in words, in the reader's language.
    named = rows[0].find_element(By.CSS_SELECTOR, "td:nth-child(3)").text
    assert f"{EN['audit_subject_participant']}: {EN['audit_verb_view']}" in named, named
    check_page(browser, "audit log filtered to participant.view")

    # José reads who looked at his record.
    person.get(base + "/")
    wait(person).until(lambda d: path_of(d) == "/")
    visible(person, "#my-engagements")
    check_page(person, "home (participant, after signing)")
    badges = [b.text.strip() for b in person.find_elements(By.CSS_SELECTOR, "#my-engagements .badge")]
    assert EN["agreement_complete"] in badges, f"the participant's engagement badges read {badges}"
    click_and_wait_for_new_page(person, visible(person, "a#my-access-history"))
    wait(person).until(lambda d: path_of(d) == f"/participants/{participant_id}/access-history")
    table = visible(person, "table#access-history-table")
    who = {cell.text.strip() for cell in table.find_elements(By.CSS_SELECTOR, f"td[data-label='{EN['history_who']}']")}
    assert any(coach["name"] in name for name in who), f"the access history names {who}, not {coach['name']!r}"
    assert any(supervisor["name"] in name for name in who), f"the access history names {who}, not {supervisor['name']!r}"
    # His own views and changes are left out until he asks for them.
    own = f"{participant['display']} ({EN['role_participant']})"
    assert own not in who, f"his own entries show by default: {who}"
    assert visible(person, "p#history-mine").text.startswith(EN["history_showing_others"])
    check_page(person, "access history (participant)")
    click_and_wait_for_new_page(person, visible(person, "p#history-mine a"))
    assert query_of(person).get("mine") == ["1"], person.current_url
    table = visible(person, "table#access-history-table")
    who = {cell.text.strip() for cell in table.find_elements(By.CSS_SELECTOR, f"td[data-label='{EN['history_who']}']")}
    assert own in who, f"asked for, his own entries are still missing: {who}"
    assert any(coach["name"] in name for name in who), who
    check_page(person, "access history with his own entries")


# ---------------------------------------------------------------------------------------
# 2. The caseload filters are a plain form: they work with the pages' scripts turned off


def test_caseload_filters_without_javascript(browser, fresh_server, people):
    srv = fresh_server("caseload")
    admin = perform_setup(browser, srv)
    staff_home(browser, "caseload_all_title", "home after setup (caseload server)")
    add_participant(
        browser,
        preferred_name="Ana Ramírez",
        pronouns="she/her",
        pathways=["twelve_step"],
        contact_methods=["phone"],
        service="recovery_coaching",
        referral="court",
        funding="medicaid_insurance",
        status="active",
        name="active recovery coaching",
    )
    browser.get(srv.base_url + "/")
    staff_home(browser, "caseload_all_title", "home (admin, one engagement)")
    add_participant(
        browser,
        preferred_name="Bo Nguyen",
        pronouns="they/them",
        pathways=["secular", "natural"],
        contact_methods=["email"],
        service="sober_escort",
        referral="family",
        funding="volunteer",
        status="referred",
        name="referred sober escort",
    )

    plain = people("admin without javascript", javascript=False)
    open_signin(plain, srv.base_url)
    check_page_without_scripts(plain, "signin (no page scripts)")
    plain.find_element(By.CSS_SELECTOR, "#email").send_keys(admin.email)
    plain.find_element(By.CSS_SELECTOR, "#password").send_keys(admin.password)
    click_and_wait_for_new_page(plain, plain.find_element(By.CSS_SELECTOR, "form[action='/signin'] button[type=submit]"))
    staff_home(plain, "caseload_all_title", "home (no page scripts)", check=check_page_without_scripts)
    assert not plain.find_elements(By.CSS_SELECTOR, "script"), "the caseload page has a script"
    names = sorted(row[EN["caseload_person"]] for row in caseload_rows(plain))
    assert names == ["Ana Ramírez", "Bo Nguyen"], f"the open caseload lists {names}"

    def show(status: str, service: str, coach: str | None = None) -> None:
        form = visible(plain, "form.filters")
        Select(form.find_element(By.CSS_SELECTOR, "select#filter-status")).select_by_value(status)
        Select(form.find_element(By.CSS_SELECTOR, "select#filter-service")).select_by_value(service)
        if coach is not None:
            Select(form.find_element(By.CSS_SELECTOR, "select#filter-coach")).select_by_visible_text(coach)
        click_and_wait_for_new_page(plain, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        wait(plain).until(lambda d: path_of(d) == "/")
        query = query_of(plain)
        assert query.get("status") == [status], f"the filter address is {plain.current_url}"
        assert query.get("service", [""]) == [service], f"the filter address is {plain.current_url}"
        # The page shows the choices it filtered by.
        form = visible(plain, "form.filters")
        assert Select(form.find_element(By.CSS_SELECTOR, "#filter-status")).first_selected_option.get_attribute("value") == status
        assert Select(form.find_element(By.CSS_SELECTOR, "#filter-service")).first_selected_option.get_attribute("value") == service

    show("referred", "")
    rows = caseload_rows(plain)
    assert [row[EN["caseload_person"]] for row in rows] == ["Bo Nguyen"], rows
    assert rows[0][EN["field_status"]] == EN["status_referred"], rows
    check_page_without_scripts(plain, "caseload filtered: referred")

    show("all", "recovery_coaching")
    rows = caseload_rows(plain)
    assert [row[EN["caseload_person"]] for row in rows] == ["Ana Ramírez"], rows
    assert rows[0][EN["field_service_type"]] == EN["service_recovery_coaching"], rows
    check_page_without_scripts(plain, "caseload filtered: every status, recovery coaching")

    show("open", "", coach=admin.display_name)
    names = sorted(row[EN["caseload_person"]] for row in caseload_rows(plain))
    assert names == ["Ana Ramírez", "Bo Nguyen"], f"the admin's own open caseload lists {names}"
    check_page_without_scripts(plain, "caseload filtered: the admin's own")

    show("closed", "")
    assert not plain.find_elements(By.CSS_SELECTOR, "table#caseload"), "a caseload table with no closed engagements"
    assert visible(plain, "#caseload-empty").text.strip() == EN["caseload_empty"]
    check_page_without_scripts(plain, "caseload filtered: closed (empty)")


# ---------------------------------------------------------------------------------------
# 3. Changing a record, an engagement's status and the agreement text, and deleting a record


def test_change_status_agreement_and_delete(browser, fresh_server):
    srv = fresh_server("changes")
    perform_setup(browser, srv)
    staff_home(browser, "caseload_all_title", "home after setup (changes server)")
    participant_id = add_participant(
        browser,
        preferred_name="Renée Lafleur",
        pronouns="she/her",
        pathways=["moderation"],
        contact_methods=["text"],
        service="virtual_coaching",
        referral="treatment_center",
        funding="grant",
        name="virtual coaching",
    )

    # Change the details: a wrong date is refused with a message at the field, then fixed.
    click_and_wait_for_new_page(browser, visible(browser, "#edit-participant"))
    visible(browser, "#strengths")
    check_page(browser, "edit participant form")
    field = browser.find_element(By.CSS_SELECTOR, "#date_of_birth")
    browser.execute_script("arguments[0].type = 'text'", field)
    field.clear()
    field.send_keys("1990-02-30")
    browser.find_element(By.CSS_SELECTOR, "#strengths").send_keys("Photography")
    click_and_wait_for_new_page(browser, browser.find_element(By.CSS_SELECTOR, "#save-participant"))
    summary = visible(browser, ".error-summary").text
    assert EN["error_date_invalid"] in summary, f"the error summary reads {summary!r}"
    check_page(browser, "edit participant form with an error")
    field = browser.find_element(By.CSS_SELECTOR, "#date_of_birth")
    browser.execute_script("arguments[0].type = 'text'", field)
    field.clear()
    field.send_keys("1990-02-28")
    click_and_wait_for_new_page(browser, browser.find_element(By.CSS_SELECTOR, "#save-participant"))
    wait(browser).until(lambda d: query_of(d).get("saved") == ["1"])
    profile = text_of(browser, "#profile")
    assert "Photography" in profile and "1990" in profile, f"the profile reads {profile!r}"
    check_page(browser, "participant page after saving changes")

    # Pause the engagement, then try to close it without a reason, then with one.
    click_and_wait_for_new_page(browser, visible(browser, "table#engagements a[href^='/engagements/']"))
    engagement_path = path_of(browser)

    def move(status: str, reason: str | None = None) -> None:
        Select(visible(browser, "#new-status")).select_by_value(status)
        if reason is not None:
            Select(browser.find_element(By.CSS_SELECTOR, "#close_reason")).select_by_value(reason)
        click_and_wait_for_new_page(browser, browser.find_element(By.CSS_SELECTOR, "#change-status"))

    move("paused")
    wait(browser).until(lambda d: text_of(d, "#engagement-status") == EN["status_paused"])
    check_page(browser, "paused engagement")
    move("closed")
    summary = visible(browser, ".error-summary").text
    assert EN["error_close_reason_missing"] in summary, f"closing without a reason shows {summary!r}"
    check_page(browser, "closing without a reason")
    move("closed", "transferred")
    wait(browser).until(lambda d: text_of(d, "#engagement-status") == EN["status_closed"])
    details = text_of(browser, "#engagement-details")
    assert EN["close_reason_transferred"] in details, f"the closed engagement's details read {details!r}"
    assert not browser.find_elements(By.CSS_SELECTOR, "#change-status"), "a closed engagement can still change"
    check_page(browser, "closed engagement")

    # A new version of the agreement text.
    browser.get(srv.base_url + "/admin/agreement")
    text = visible(browser, "textarea#text")
    check_page(browser, "agreement text page")
    text.clear()
    text.send_keys("We meet weekly.\n\nEither of us may end this at any time.")
    # The Spanish beside it changes with it (left as the built-in one, it would be refused).
    spanish = visible(browser, "textarea#text_es")
    spanish.clear()
    spanish.send_keys("Nos reunimos cada semana.\n\nCualquiera de los dos puede terminarlo cuando quiera.")
    click_and_wait_for_new_page(browser, browser.find_element(By.CSS_SELECTOR, "#publish-agreement"))
    saved = visible(browser, "main div.notice.success").text
    assert saved.endswith("2"), f"after saving the notice reads {saved!r}"
    versions = text_of(browser, "#agreement-versions")
    assert f"{EN['agreement_version']} 2" in versions and f"{EN['agreement_version']} 1" in versions
    check_page(browser, "agreement text saved as version 2")
    browser.get(srv.base_url + engagement_path + "/agreement")
    document = text_of(browser, "#agreement-document")
    assert "We meet weekly." in document, f"the agreement page reads {document!r}"
    check_page(browser, "agreement document, version 2")

    # Delete the record: refused until confirmed, then gone from search and caseload.
    browser.get(srv.base_url + f"/participants/{participant_id}/delete")
    visible(browser, "#confirm")
    check_page(browser, "delete participant confirmation")
    click_and_wait_for_new_page(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    assert EN["error_confirm_delete"] in visible(browser, ".error-summary").text
    check_page(browser, "delete without confirming")
    tick(browser, "#confirm")
    click_and_wait_for_new_page(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    wait(browser).until(lambda d: path_of(d) == "/participants")
    visible(browser, "#no-results")
    check_page(browser, "participants after the delete")
    browser.get(srv.base_url + f"/participants/{participant_id}")
    assert "Renée Lafleur" not in browser.page_source
