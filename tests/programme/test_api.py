"""The programme API over HTTP through Django's test client: visibility, permissions and
problem+json errors naming the rule."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from clusterbridge.accounts.models import User
from clusterbridge.accounts.services import api_token_create
from clusterbridge.audit.models import AuditEntry
from clusterbridge.clusters.models import Cluster
from clusterbridge.programme import services
from clusterbridge.programme.enums import ApplicationState, FundingStatus
from clusterbridge.programme.models import Application, Grant, ReviewCriterion, Round

pytestmark = pytest.mark.django_db

BASE = "/api/v1/programme"
PROBLEM = "application/problem+json"


def _auth(user: User) -> dict[str, str]:
    _token, raw = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _json(response: Any) -> Any:
    return json.loads(response.content)


def _post(client: Client, path: str, body: Any, user: User | None = None) -> Any:
    headers = _auth(user) if user else {}
    return client.post(path, json.dumps(body), content_type="application/json", **headers)


def _sketch(year: int) -> dict[str, Any]:
    return {
        "cluster": "photonics-de",
        "title": "Photonics for the Loire",
        "idea": "Joint laser research.",
        "target_countries": ["fr"],
        "partner_candidates": ["photonics-fr"],
        "budget_lines": [
            {"phase": "concept", "year": year, "amount_eur": "500000"},
            {"phase": "implementation", "year": year + 2, "amount_eur": 1500000},
        ],
    }


def test_rounds_are_public_with_unknown_dates_as_null(
    client: Client, open_round: Round, programme: Any, officer: User
) -> None:
    services.round_create(programme=programme, actor=officer, year=2015)

    response = client.get(f"{BASE}/rounds")

    body = _json(response)
    assert response.status_code == 200
    assert [item["year"] for item in body] == [2015, open_round.year]
    assert (body[0]["call_opens"], body[0]["call_is_open"], body[0]["criteria"]) == (
        None,
        False,
        [],
    )
    assert [c["name"] for c in body[1]["criteria"]] == ["Complementarity", "Feasibility"]


def test_rounds_list_query_count_does_not_grow(
    client: Client,
    open_round: Round,
    programme: Any,
    officer: User,
    django_assert_max_num_queries: Any,
) -> None:
    for year in (2015, 2016, 2017):
        services.round_create(programme=programme, actor=officer, year=year)

    with django_assert_max_num_queries(4):
        response = client.get(f"{BASE}/rounds")

    assert len(_json(response)) == 4


def test_application_create_by_manager_returns_201(
    client: Client, open_round: Round, applicant: User, partner_cluster: Cluster
) -> None:
    response = _post(
        client, f"{BASE}/rounds/{open_round.year}/applications", _sketch(open_round.year), applicant
    )

    body = _json(response)
    assert response.status_code == 201, body
    assert (body["state"], body["target_countries"], body["partner_candidates"]) == (
        "draft",
        ["FR"],
        ["photonics-fr"],
    )
    assert body["requested_eur"] == "2000000.00"
    assert "reviews" not in body


def test_application_create_over_cap_is_problem_naming_rule(
    client: Client, open_round: Round, applicant: User, partner_cluster: Cluster
) -> None:
    sketch = _sketch(open_round.year)
    sketch["budget_lines"][1]["amount_eur"] = "3600000"

    response = _post(client, f"{BASE}/rounds/{open_round.year}/applications", sketch, applicant)

    assert (response.status_code, response["Content-Type"]) == (422, PROBLEM)
    assert _json(response)["errors"] == [
        {
            "location": "budget_lines",
            "message": "Grant at most 4,000,000 EUR (programme rule); 4,100,000 EUR requested.",
        }
    ]
    assert Application.objects.count() == 0


def test_application_create_bad_country_is_422(
    client: Client, open_round: Round, applicant: User, partner_cluster: Cluster
) -> None:
    sketch = _sketch(open_round.year)
    sketch["target_countries"] = ["XX"]

    response = _post(client, f"{BASE}/rounds/{open_round.year}/applications", sketch, applicant)

    assert (response.status_code, response["Content-Type"]) == (422, PROBLEM)
    assert _json(response)["errors"][0]["location"] == "target_countries"


def test_application_create_without_token_is_401(client: Client, open_round: Round) -> None:
    response = _post(client, f"{BASE}/rounds/{open_round.year}/applications", _sketch(2026))

    assert (response.status_code, response["Content-Type"]) == (401, PROBLEM)


def test_application_create_for_foreign_cluster_is_403(
    client: Client, open_round: Round, other_manager: User, german_cluster: Cluster
) -> None:
    response = _post(
        client,
        f"{BASE}/rounds/{open_round.year}/applications",
        _sketch(open_round.year),
        other_manager,
    )

    assert (response.status_code, response["Content-Type"]) == (403, PROBLEM)


def test_application_list_and_detail_by_visibility(
    client: Client, submitted: Application, applicant: User, other_manager: User, officer: User
) -> None:
    path = f"{BASE}/rounds/{submitted.round.year}/applications"

    mine = _json(client.get(path, **_auth(applicant)))
    theirs = _json(client.get(path, **_auth(other_manager)))
    officers = _json(client.get(path, **_auth(officer)))
    hidden = client.get(f"{BASE}/applications/{submitted.pk}", **_auth(other_manager))

    assert [item["id"] for item in mine] == [submitted.pk]
    assert theirs == []
    assert [item["id"] for item in officers] == [submitted.pk]
    assert (hidden.status_code, hidden["Content-Type"]) == (404, PROBLEM)


def test_application_submit_and_withdraw(
    client: Client, make_application: Callable[..., Application], applicant: User
) -> None:
    draft = make_application(submit=False)

    submitted = _post(client, f"{BASE}/applications/{draft.pk}/submit", {}, applicant)
    withdrawn = _post(
        client, f"{BASE}/applications/{draft.pk}/withdraw", {"justification": "Later"}, applicant
    )

    assert (_json(submitted)["state"], _json(withdrawn)["state"]) == ("submitted", "withdrawn")


def test_application_patch_after_submission_is_403(
    client: Client, submitted: Application, applicant: User
) -> None:
    response = client.patch(
        f"{BASE}/applications/{submitted.pk}",
        json.dumps({"title": "Changed"}),
        content_type="application/json",
        **_auth(applicant),
    )

    assert (response.status_code, response["Content-Type"]) == (403, PROBLEM)
    assert Application.objects.get(pk=submitted.pk).title == "Photonics for the Loire"


def test_review_flow_over_api_hides_reviews_from_applicants(
    client: Client,
    assigned: Application,
    juror: User,
    applicant: User,
    officer: User,
    criteria: list[ReviewCriterion],
) -> None:
    path = f"{BASE}/applications/{assigned.pk}/reviews"

    written = _post(
        client,
        path,
        {
            "scores": {str(criteria[0].pk): 8, str(criteria[1].pk): 5},
            "comment": "Convincing",
            "no_conflict_declared": True,
        },
        juror,
    )
    for_applicant = client.get(path, **_auth(applicant))
    for_officer = client.get(path, **_auth(officer))

    assert (written.status_code, _json(written)["weighted_total"]) == (200, "70.00")
    assert _json(for_applicant) == []
    assert [(r["juror"], r["weighted_total"]) for r in _json(for_officer)] == [("juror", "70.00")]


def test_review_out_of_range_is_problem_naming_rule(
    client: Client, assigned: Application, juror: User, criteria: list[ReviewCriterion]
) -> None:
    response = _post(
        client,
        f"{BASE}/applications/{assigned.pk}/reviews",
        {
            "scores": {str(criteria[0].pk): 11, str(criteria[1].pk): 5},
            "no_conflict_declared": True,
        },
        juror,
    )

    assert (response.status_code, response["Content-Type"]) == (422, PROBLEM)
    assert _json(response)["errors"] == [
        {
            "location": f"scores.{criteria[0].pk}",
            "message": "Complementarity is scored from 0 to 10 (round rule).",
        }
    ]


def test_review_by_unassigned_juror_is_404(
    client: Client,
    submitted: Application,
    make_juror: Callable[..., User],
    criteria: list[ReviewCriterion],
) -> None:
    stranger = make_juror()

    response = _post(
        client,
        f"{BASE}/applications/{submitted.pk}/reviews",
        {"scores": {str(c.pk): 5 for c in criteria}, "no_conflict_declared": True},
        stranger,
    )

    assert (response.status_code, response["Content-Type"]) == (404, PROBLEM)


def test_assignment_and_suggestion_for_officers(
    client: Client,
    submitted: Application,
    officer: User,
    juror: User,
    applicant: User,
) -> None:
    year = submitted.round.year

    suggestion = client.get(f"{BASE}/rounds/{year}/assignments/suggestion", **_auth(officer))
    created = _post(
        client,
        f"{BASE}/rounds/{year}/assignments",
        {"application_id": submitted.pk, "juror": "juror"},
        officer,
    )
    refused = client.get(f"{BASE}/rounds/{year}/assignments", **_auth(applicant))

    assert _json(suggestion) == [
        {"application_id": submitted.pk, "cluster": "photonics-de", "juror": "juror"}
    ]
    assert (created.status_code, _json(created)["juror"]) == (201, "juror")
    assert (refused.status_code, refused["Content-Type"]) == (403, PROBLEM)


def test_assignment_in_a_round_without_criteria_is_422_naming_them(
    client: Client, unprepared: Application, officer: User, juror: User
) -> None:
    response = _post(
        client,
        f"{BASE}/rounds/{unprepared.round.year}/assignments",
        {"application_id": unprepared.pk, "juror": "juror"},
        officer,
    )

    assert (response.status_code, response["Content-Type"]) == (422, PROBLEM)
    assert _json(response)["errors"] == [
        {
            "location": "round",
            "message": "This round has no review criteria yet: "
            "add criteria before assigning jurors.",
        }
    ]
    assert unprepared.assignments.count() == 0


def test_board_for_officer_only_with_csv(
    client: Client, assigned: Application, officer: User, applicant: User
) -> None:
    year = assigned.round.year

    board = client.get(f"{BASE}/rounds/{year}/board", **_auth(officer))
    csv = client.get(f"{BASE}/rounds/{year}/board.csv", **_auth(officer))
    refused = client.get(f"{BASE}/rounds/{year}/board", **_auth(applicant))

    body = _json(board)
    assert (body["target"], body["budget_eur"], body["warnings"]) == (2, "10000000.00", [])
    assert [(r["rank"], r["cluster"], r["mean"]) for r in body["rows"]] == [
        (1, "photonics-de", None)
    ]
    assert csv.content.decode().splitlines()[1].startswith("1,Photonics DE,submitted,0,")
    assert (refused.status_code, refused["Content-Type"]) == (403, PROBLEM)


def test_decisions_without_justification_is_422_and_changes_nothing(
    client: Client, submitted: Application, officer: User
) -> None:
    response = _post(
        client,
        f"{BASE}/rounds/{submitted.round.year}/decisions",
        {"decisions": [{"application_id": submitted.pk, "select": True, "justification": ""}]},
        officer,
    )

    assert (response.status_code, response["Content-Type"]) == (422, PROBLEM)
    assert _json(response)["errors"] == [
        {
            "location": "decisions.0.justification",
            "message": "Every decision needs a written justification.",
        }
    ]
    assert Application.objects.get(pk=submitted.pk).state == ApplicationState.SUBMITTED


def _to_agency_review(application: Application, officer: User, applicant: User) -> None:
    services.selection_decide(
        round=application.round,
        actor=officer,
        decisions=[services.SelectionDecision(application.pk, True, "Strong")],
    )
    services.application_update_formal(
        application=application, actor=applicant, formal_text="Formal"
    )
    services.application_submit(application=application, actor=applicant)
    services.application_transition(
        application=application, to=ApplicationState.AGENCY_REVIEW, actor=officer
    )


def _approval(concept_end: str = "2028-06-30") -> dict[str, Any]:
    return {
        "justification": "Approved",
        "amount_eur": "2000000",
        "starts_on": "2026-07-01",
        "ends_on": "2031-06-30",
        "concept": {"starts_on": "2026-07-01", "ends_on": concept_end, "budget_eur": "500000"},
        "implementation": {
            "starts_on": "2027-07-01",
            "ends_on": "2030-06-30",
            "budget_eur": "1500000",
        },
    }


def test_approve_with_too_long_concept_is_problem_naming_rule(
    client: Client, submitted: Application, officer: User, applicant: User
) -> None:
    _to_agency_review(submitted, officer, applicant)

    response = _post(
        client, f"{BASE}/applications/{submitted.pk}/approve", _approval("2028-07-31"), officer
    )

    assert (response.status_code, response["Content-Type"]) == (422, PROBLEM)
    assert _json(response)["errors"] == [
        {
            "location": "concept_ends_on",
            "message": "Concept phase at most 24 months (programme rule); it ends 2028-07-31, "
            "the latest allowed end is 2028-06-30.",
        }
    ]
    assert Grant.objects.count() == 0


def test_grant_to_running_project_over_api(
    client: Client,
    settings: Any,
    tmp_path: Any,
    submitted: Application,
    officer: User,
    applicant: User,
    other_manager: User,
    partner_cluster: Cluster,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    _to_agency_review(submitted, officer, applicant)
    approved = _post(client, f"{BASE}/applications/{submitted.pk}/approve", _approval(), officer)
    grant_id = _json(approved)["id"]
    outline = _json(
        _post(
            client,
            f"{BASE}/grants/{grant_id}/outlines",
            {"title": "Laser", "summary": "S"},
            applicant,
        )
    )
    early = _post(client, f"{BASE}/outlines/{outline['id']}/project", {}, applicant)
    _post(
        client,
        f"{BASE}/outlines/{outline['id']}/decision",
        {"approve": True, "justification": "Good"},
        officer,
    )
    project = _json(_post(client, f"{BASE}/outlines/{outline['id']}/project", {}, applicant))
    participant = _json(
        _post(
            client,
            f"{BASE}/projects/{project['id']}/participants",
            {"cluster": "photonics-fr", "know_how": "Optics"},
            applicant,
        )
    )
    not_funded = _post(
        client, f"{BASE}/projects/{project['id']}/transitions", {"to": "running"}, applicant
    )
    _post(
        client,
        f"{BASE}/participants/{participant['id']}/funding",
        {"source": "Région", "amount_eur": "300000", "status": FundingStatus.CONFIRMED},
        applicant,
    )
    running = _post(
        client, f"{BASE}/projects/{project['id']}/transitions", {"to": "running"}, applicant
    )
    bad_upload = client.post(
        f"{BASE}/projects/{project['id']}/ipr/document",
        {"document": SimpleUploadedFile("ipr.pdf", b"GIF89a", content_type="application/pdf")},
        **_auth(applicant),
    )
    signed = client.post(
        f"{BASE}/projects/{project['id']}/ipr/document",
        {
            "document": SimpleUploadedFile(
                "ipr.pdf", b"%PDF-1.7 x", content_type="application/pdf"
            ),
            "status": "signed",
            "signed_on": "2027-09-01",
        },
        **_auth(applicant),
    )
    hidden = client.get(f"{BASE}/projects/{project['id']}", **_auth(other_manager))
    download = client.get(f"{BASE}/projects/{project['id']}/ipr/document", **_auth(officer))
    download_hidden = client.get(
        f"{BASE}/projects/{project['id']}/ipr/document", **_auth(other_manager)
    )

    assert approved.status_code == 201
    assert [(p["kind"], p["remaining_eur"]) for p in _json(approved)["phases"]] == [
        ("concept", "500000.00"),
        ("implementation", "1500000.00"),
    ]
    assert (early.status_code, _json(early)["errors"][0]["message"]) == (
        422,
        "No implementation project before its outline is approved (programme rule).",
    )
    assert (not_funded.status_code, _json(not_funded)["errors"][0]["location"]) == (
        422,
        "participants",
    )
    assert _json(running)["state"] == "running"
    assert (bad_upload.status_code, _json(bad_upload)["errors"][0]["location"]) == (
        422,
        "document",
    )
    assert (_json(signed)["status"], _json(signed)["has_document"]) == ("signed", True)
    assert hidden.status_code == 404
    assert (download.status_code, download["Content-Type"]) == (200, "application/pdf")
    assert b"".join(download.streaming_content) == b"%PDF-1.7 x"
    assert download_hidden.status_code == 404


def test_schedule_public_without_reports(client: Client, grant: Grant, officer: User) -> None:
    services.report_schedule(
        grant=grant, actor=officer, title="Interim", due_on=dt.date(2027, 1, 1)
    )

    public = _json(client.get(f"{BASE}/schedule"))
    full = _json(client.get(f"{BASE}/schedule/full", **_auth(officer)))
    csv = client.get(f"{BASE}/schedule.csv")

    assert [(b["kind"], b["starts_on"]) for b in public["rows"][0]["phases"]] == [
        ("concept", "2026-07-01"),
        ("implementation", "2027-07-01"),
    ]
    assert public["rows"][0]["reports"] == []
    assert [r["title"] for r in full["rows"][0]["reports"]] == ["Interim"]
    assert len(csv.content.decode().splitlines()) == 3


def test_expenditure_over_budget_is_problem(client: Client, grant: Grant, applicant: User) -> None:
    response = _post(
        client,
        f"{BASE}/grants/{grant.pk}/expenditures",
        {
            "phase": "concept",
            "amount_eur": "500000.01",
            "spent_on": "2026-08-01",
            "description": "X",
        },
        applicant,
    )

    assert (response.status_code, _json(response)["errors"][0]["message"]) == (
        422,
        "Spending cannot exceed the phase budget (programme rule): 500,000.00 EUR remain.",
    )
    assert Decimal(0) == sum(e.amount_eur for p in grant.phases.all() for e in p.expenditures.all())


def test_grant_funding_rate_officer_only(
    client: Client, grant: Grant, officer: User, applicant: User
) -> None:
    path = f"{BASE}/grants/{grant.pk}/funding-rate"

    refused = _post(client, path, {"rate": "0.4"}, applicant)
    too_high = _post(client, path, {"rate": "1.5"}, officer)
    changed = _post(client, path, {"rate": "0.4"}, officer)

    assert (refused.status_code, too_high.status_code) == (403, 422)
    assert _json(changed)["german_funding_rate"] == "0.400"


def test_application_list_query_count_does_not_grow(
    client: Client,
    make_application: Callable[..., Application],
    make_cluster: Any,
    make_user: Any,
    officer: User,
    open_round: Round,
) -> None:
    headers = _auth(officer)
    path = f"{BASE}/rounds/{open_round.year}/applications"
    make_application()
    with CaptureQueriesContext(connection) as one:
        client.get(path, **headers)
    for n in range(2):
        cluster = make_cluster(slug=f"more-{n}", name=f"More {n}")
        manager = make_user()
        cluster.managers.add(manager)
        make_application(cluster=cluster, actor=manager)

    with CaptureQueriesContext(connection) as three:
        response = client.get(path, **headers)

    assert len(_json(response)) == 3
    assert len(three) == len(one)


PUBLIC_OPERATIONS = {
    ("/api/v1/programme/rounds", "get"),
    ("/api/v1/programme/rounds/{year}", "get"),
    ("/api/v1/programme/schedule", "get"),
    ("/api/v1/programme/schedule.csv", "get"),
}


def test_openapi_only_rounds_and_schedule_are_public(client: Client) -> None:
    paths = _json(client.get("/api/v1/openapi.json"))["paths"]

    public = {
        (path, method)
        for path, operations in paths.items()
        if path.startswith("/api/v1/programme")
        for method, operation in operations.items()
        if not operation.get("security")
    }
    operations = sum(
        len(operations)
        for path, operations in paths.items()
        if path.startswith("/api/v1/programme")
    )

    assert public == PUBLIC_OPERATIONS
    assert operations == 45


def _new_round(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "year": 2031,
        "call_opens": "2031-02-01",
        "call_closes": "2031-04-30",
        "budget_eur": "12000000",
        "target_selected": 3,
    }
    body.update(overrides)
    return body


def test_round_create_by_officer_returns_the_round_with_an_audit_entry(
    client: Client, programme: Any, officer: User
) -> None:
    response = _post(client, f"{BASE}/rounds", _new_round(), officer)

    body = _json(response)
    round = Round.objects.get(year=2031)
    entry = AuditEntry.objects.get(action="programme.round.created")
    assert response.status_code == 201
    assert (body["year"], body["programme"], body["call_closes"]) == (2031, "measure", "2031-04-30")
    assert (body["target"], body["decision_date_precision"], body["criteria"]) == (3, "day", [])
    assert round.budget_eur == Decimal("12000000.00")
    assert (entry.actor_id, entry.target_id) == (officer.pk, str(round.pk))
    assert _json(client.get(f"{BASE}/rounds/2031"))["call_opens"] == "2031-02-01"


def test_round_create_needs_a_token_and_an_officer(
    client: Client, programme: Any, applicant: User, juror: User
) -> None:
    anonymous = _post(client, f"{BASE}/rounds", _new_round())
    by_applicant = _post(client, f"{BASE}/rounds", _new_round(), applicant)
    by_juror = _post(client, f"{BASE}/rounds", _new_round(), juror)

    assert (anonymous.status_code, by_applicant.status_code, by_juror.status_code) == (
        401,
        403,
        403,
    )
    assert by_juror["Content-Type"] == PROBLEM
    assert Round.objects.count() == 0
    assert AuditEntry.objects.filter(action="programme.round.created").count() == 0


def test_round_create_duplicate_year_is_422_naming_the_rule(
    client: Client, open_round: Round, officer: User
) -> None:
    before = AuditEntry.objects.filter(action="programme.round.created").count()

    response = _post(client, f"{BASE}/rounds", _new_round(year=open_round.year), officer)

    body = _json(response)
    assert (response.status_code, response["Content-Type"]) == (422, PROBLEM)
    assert body["errors"] == [
        {
            "location": "year",
            "message": f"There is already a round in {open_round.year} (one round per year).",
        }
    ]
    assert Round.objects.count() == 1
    assert AuditEntry.objects.filter(action="programme.round.created").count() == before


def test_round_create_dates_in_wrong_order_are_422_and_change_nothing(
    client: Client, programme: Any, officer: User
) -> None:
    response = _post(
        client,
        f"{BASE}/rounds",
        _new_round(call_opens="2031-05-01", call_closes="2031-04-01"),
        officer,
    )

    assert response.status_code == 422
    assert _json(response)["errors"] == [
        {
            "location": "call_closes",
            "message": "The end (2031-04-01) must not be before the start (2031-05-01).",
        }
    ]
    assert Round.objects.count() == 0
