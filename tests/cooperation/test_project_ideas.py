from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from clusterbridge.audit.selectors import audit_entries
from clusterbridge.cooperation import services
from clusterbridge.cooperation.models import Partnership, ProjectIdea
from tests.cooperation.conftest import MESSAGE, Parties

pytestmark = pytest.mark.django_db

SUMMARY = "Recycled carbon fibre for French car parts, with Alpha's process and Bravo's plants."


@pytest.fixture
def in_concept(parties: Parties, partnership: Partnership) -> Partnership:
    return services.partnership_move(
        partnership=partnership, actor=parties.manager_a, stage="concept"
    )


@pytest.fixture
def idea(parties: Parties, in_concept: Partnership) -> ProjectIdea:
    return services.project_idea_create(
        partnership=in_concept, actor=parties.manager_b, title="rCF car parts", summary=SUMMARY
    )


def _client(parties: Parties, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(getattr(parties, role))
    return client


def test_project_idea_create_cleans_text_and_audits(
    parties: Parties, in_concept: Partnership
) -> None:
    idea = services.project_idea_create(
        partnership=in_concept,
        actor=parties.manager_a,
        title=" rCF\nparts ",
        summary=f"{SUMMARY}\x00",
    )

    assert (idea.title, idea.summary, idea.created_by) == ("rCF parts", SUMMARY, parties.manager_a)
    entry = audit_entries(target=idea).get()
    assert (entry.action, entry.cluster_id, entry.changes) == (
        "cooperation.project_idea.created",
        parties.a.pk,
        {"partnership": in_concept.pk, "title": "rCF parts"},
    )


def test_project_idea_before_the_concept_stage_is_refused(
    parties: Parties, partnership: Partnership
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.project_idea_create(
            partnership=partnership, actor=parties.manager_a, title="Too early", summary=SUMMARY
        )

    assert caught.value.messages == [
        "Project ideas are worked out from the concept stage on; this partnership is “in talks”."
    ]


@pytest.mark.parametrize("who", ["manager_c", "admin", "nobody"])
def test_project_idea_create_by_others_is_denied(
    parties: Parties, in_concept: Partnership, who: str
) -> None:
    with pytest.raises(PermissionDenied):
        services.project_idea_create(
            partnership=in_concept, actor=getattr(parties, who), title="Theirs", summary=SUMMARY
        )

    assert ProjectIdea.objects.count() == 0


def test_project_idea_update_by_the_other_partner_audits_the_change(
    parties: Parties, idea: ProjectIdea
) -> None:
    updated = services.project_idea_update(
        idea=idea, actor=parties.manager_a, title="rCF car and bike parts", summary=SUMMARY
    )

    assert updated.title == "rCF car and bike parts"
    entry = audit_entries(target=idea, action_prefix="cooperation.project_idea.updated").get()
    assert entry.changes == {"title": ["rCF car parts", "rCF car and bike parts"]}


def test_project_idea_update_by_a_third_party_is_denied(
    parties: Parties, idea: ProjectIdea
) -> None:
    with pytest.raises(PermissionDenied):
        services.project_idea_update(
            idea=idea, actor=parties.manager_c, title="Mine now", summary=MESSAGE
        )

    idea.refresh_from_db()
    assert idea.title == "rCF car parts"


@pytest.mark.parametrize(
    ("role", "sees", "can_add"),
    [
        ("manager_a", True, True),
        ("manager_b", True, True),
        ("admin", True, False),
        ("manager_c", False, False),
        ("anonymous", False, False),
    ],
)
def test_partnership_page_shows_ideas_only_to_the_parties(
    parties: Parties, idea: ProjectIdea, role: str, sees: bool, can_add: bool
) -> None:
    html = _client(parties, role).get(idea.partnership.get_absolute_url()).content.decode()

    assert (SUMMARY.replace("'", "&#x27;") in html, "Add project idea" in html) == (sees, can_add)


def test_project_idea_form_adds_and_edit_page_saves(
    parties: Parties, in_concept: Partnership
) -> None:
    client = _client(parties, "manager_a")

    added = client.post(
        reverse("cooperation:project_idea_create", kwargs={"pk": in_concept.pk}),
        {"idea-title": "Joint pilot line", "idea-summary": SUMMARY},
    )
    idea = ProjectIdea.objects.get()
    edited = client.post(
        reverse("cooperation:project_idea_edit", kwargs={"pk": idea.pk}),
        {"title": "Joint pilot line in Lyon", "summary": SUMMARY},
    )

    idea.refresh_from_db()
    assert (added.status_code, edited.status_code, idea.title) == (
        302,
        302,
        "Joint pilot line in Lyon",
    )


@pytest.mark.parametrize(("role", "status"), [("manager_c", 404), ("admin", 403)])
def test_project_idea_edit_page_closed_to_others(
    parties: Parties, idea: ProjectIdea, role: str, status: int
) -> None:
    response = _client(parties, role).get(
        reverse("cooperation:project_idea_edit", kwargs={"pk": idea.pk})
    )

    assert response.status_code == status


def _auth(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.mark.parametrize(
    ("who", "status"), [("manager_a", 200), ("admin", 200), ("manager_c", 403)]
)
def test_project_idea_api_list_only_for_the_parties(
    client: Client, parties: Parties, idea: ProjectIdea, token_for: Any, who: str, status: int
) -> None:
    response = client.get(
        f"/api/v1/cooperation/partnerships/{idea.partnership_id}/project-ideas",
        **_auth(token_for(getattr(parties, who))),
    )

    assert response.status_code == status
    if status == 200:
        assert [(row["title"], row["proposed_by"]) for row in response.json()] == [
            ("rCF car parts", "bruno")
        ]
    else:
        assert response["Content-Type"] == "application/problem+json"


def test_project_idea_api_create_and_update(
    client: Client, parties: Parties, in_concept: Partnership, token_for: Any
) -> None:
    token = token_for(parties.manager_b)

    created = client.post(
        f"/api/v1/cooperation/partnerships/{in_concept.pk}/project-ideas",
        {"title": "Pilot", "summary": SUMMARY},
        content_type="application/json",
        **_auth(token),
    )
    updated = client.put(
        f"/api/v1/cooperation/project-ideas/{created.json()['id']}",
        {"title": "Pilot line", "summary": SUMMARY},
        content_type="application/json",
        **_auth(token),
    )
    short = client.put(
        f"/api/v1/cooperation/project-ideas/{created.json()['id']}",
        {"title": "Pilot line", "summary": "short"},
        content_type="application/json",
        **_auth(token),
    )

    assert (created.status_code, updated.status_code, updated.json()["title"]) == (
        201,
        200,
        "Pilot line",
    )
    assert (short.status_code, short.json()["errors"]) == (
        422,
        [
            {
                "location": "summary",
                "message": "Write a message of at least 20 characters (it has 5).",
            }
        ],
    )
