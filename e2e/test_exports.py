"""Exports against the demo organization: the FHIR R4 bundle of a participant's recovery plan
and BARC-10 history, validated with the PyPI package fhir.resources (R4B models) plus our own
checks of the status and intent values it does not check; and the check-ins CSV, parsed back."""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.request

from fhir.resources.R4B.bundle import Bundle
from test_operations import Served, data_dir  # noqa: F401 - data_dir is a fixture


def api(server: Served, token: str, path: str) -> tuple[str, str]:
    request = urllib.request.Request(server.base_url + "/api/v1" + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers.get("Content-Type", ""), response.read().decode("utf-8")


def coach_token(server: Served) -> str:
    text = "\n".join(server.lines)
    password = re.search(r"password (demo-\S+):", text).group(1)
    coach = re.search(r"coach: (\S+)", text).group(1)
    body = json.dumps({"email": coach, "password": password, "name": "exports"}).encode()
    request = urllib.request.Request(
        server.base_url + "/api/v1/tokens", data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["token"]


def test_fhir_bundle_validates_and_check_ins_csv_parses_back(data_dir):  # noqa: F811
    server = Served(data_dir, command="demo")
    try:
        token = coach_token(server)
        _, found = api(server, token, "/participants?q=jamie")
        (person,) = json.loads(found)["items"]
        pid = person["id"]

        content_type, text = api(server, token, f"/participants/{pid}/fhir")
        assert content_type.startswith("application/fhir+json"), content_type
        bundle = Bundle.model_validate_json(text)
        assert bundle.type == "collection"
        resources = [entry.resource for entry in bundle.entry]
        by_type: dict[str, list] = {}
        for resource in resources:
            by_type.setdefault(resource.get_resource_type(), []).append(resource)
        assert sorted(by_type) == ["CarePlan", "Goal", "Observation", "Patient", "Questionnaire", "QuestionnaireResponse"]
        full_urls = {entry.fullUrl for entry in bundle.entry}

        def resolves(reference) -> bool:
            return reference.reference in full_urls

        (care_plan,) = by_type["CarePlan"]
        assert care_plan.status == "active", "the demo plan is agreed by both, so it is active"
        assert care_plan.intent == "plan"
        assert [c.text for c in care_plan.category] == ["recovery plan"]
        assert resolves(care_plan.subject)
        assert all(resolves(goal) for goal in care_plan.goal)
        assert len(care_plan.goal) == len(by_type["Goal"]) == 2
        statuses = {activity.detail.status for activity in care_plan.activity}
        assert statuses <= {"not-started", "in-progress", "completed", "cancelled"}, statuses
        assert {"completed", "in-progress"} <= statuses
        for goal in by_type["Goal"]:
            assert goal.lifecycleStatus in {"active", "completed", "cancelled"}
            assert goal.description.text and resolves(goal.subject)
        assert any(goal.description.text == "Move into my own place by spring" for goal in by_type["Goal"])

        (questionnaire,) = by_type["Questionnaire"]
        assert questionnaire.status == "active" and len(questionnaire.item) == 10
        for item in questionnaire.item:
            assert item.type == "choice" and item.required is True
            assert [option.valueCoding.code for option in item.answerOption] == ["1", "2", "3", "4", "5", "6"]
        responses = by_type["QuestionnaireResponse"]
        observations = by_type["Observation"]
        assert len(responses) == len(observations) == 3
        totals = {}
        for response in responses:
            assert response.status == "completed"
            assert response.questionnaire == questionnaire.url
            assert resolves(response.subject)
            assert [item.linkId for item in response.item] == [str(n) for n in range(1, 11)]
            totals["urn:uuid:" + response.id] = sum(int(item.answer[0].valueCoding.code) for item in response.item)
        for observation in observations:
            assert observation.status == "final"
            assert observation.code.text == "BARC-10 total"
            (source,) = observation.derivedFrom
            assert totals[source.reference] == observation.valueInteger
            assert 10 <= observation.valueInteger <= 60

        content_type, text = api(server, token, f"/participants/{pid}/check-ins.csv")
        assert content_type.startswith("text/csv"), content_type
        rows = list(csv.reader(io.StringIO(text, newline="")))
        assert rows[0] == ["date", "mood", "craving", "any_use", "supports", "went_well", "asked_coach_to_reach_out", "followed_up_at"]
        body = rows[1:]
        assert len(body) > 20
        assert [row[0] for row in body] == sorted(row[0] for row in body), "check-ins come oldest first"
        assert all(1 <= int(row[1]) <= 5 and 0 <= int(row[2]) <= 10 for row in body)
        assert {row[3] for row in body} <= {"no", "yes", "prefer_not_to_say", ""}
        assert body[-1][6] == "yes", "the demo's last check-in asks the coach to reach out"
    finally:
        assert server.stop() == 0
