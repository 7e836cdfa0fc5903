"""The audit log's sentences: every action a service writes anywhere in `src` has one, none is
left over, and the cooperation's entries read as sentences in both languages too."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.utils import translation

import clusterbridge
from clusterbridge.accounts import claims
from clusterbridge.accounts.enums import Role
from clusterbridge.accounts.models import User
from clusterbridge.accounts.services import user_grant_role
from clusterbridge.audit.messages import describe
from clusterbridge.audit.selectors import audit_entries
from clusterbridge.audit.sentences import SENTENCES
from clusterbridge.clusters.enums import ClusterKind
from clusterbridge.clusters.models import Cluster
from clusterbridge.cooperation import conversation
from clusterbridge.cooperation import services as cooperation
from clusterbridge.cooperation.enums import PartnershipStage
from clusterbridge.programme import services as programme
from clusterbridge.programme.enums import OutlineState

SRC = Path(clusterbridge.__file__).parent
APP_LABELS = sorted(
    config.label for config in apps.get_app_configs() if config.name.startswith("clusterbridge.")
)
# Actions named by an f-string, and the values their placeholder takes.
TEMPLATED = {
    "programme.application.": {to.value for _from, to in programme.TRANSITIONS},
    "programme.outline.": {state.value for state in OutlineState},
    "programme.project.": {to.value for _from, to in programme.PROJECT_TRANSITIONS},
    "programme.ipr.": {to.value for _from, to in programme.IPR_TRANSITIONS},
}


def _names(node: ast.expr) -> Iterator[str]:
    """The action names an `action=` argument can take; an f-string as "<prefix>{}"."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _names(node.body)
        yield from _names(node.orelse)
    elif isinstance(node, ast.JoinedStr):
        head = node.values[0]
        prefix = head.value if isinstance(head, ast.Constant) else ""
        yield f"{prefix}{{}}"


def _written_actions() -> set[str]:
    """Every dotted action name passed as `action=` anywhere in src, and every string in src
    shaped like one ("<app>.<entity>.<verb>"), which catches names kept in a variable first."""
    shaped = re.compile(rf"^({'|'.join(APP_LABELS)})\.[a-z_]+\.[a-z_]+$")
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        if path.parent.name == "audit":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.update([node.value] if shaped.match(node.value) else [])
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                if keyword.arg == "action":
                    found.update(name for name in _names(keyword.value) if name.count(".") == 2)
    return found


def test_every_action_written_in_src_has_a_sentence_and_no_sentence_is_left_over() -> None:
    written = _written_actions()
    templated = {name.removesuffix("{}") for name in written if name.endswith("{}")}
    actions = {name for name in written if not name.endswith("{}")} | {
        prefix + value for prefix in templated for value in TEMPLATED[prefix]
    }

    assert templated == set(TEMPLATED)
    assert {
        "programme.round.updated",
        "cooperation.partnership.moved",
        "accounts.manager.left",
    } <= actions
    assert sorted(actions - set(SENTENCES)) == []
    assert sorted(set(SENTENCES) - actions) == []


@pytest.fixture
def partners(make_cluster: Callable[..., Cluster], make_user: Callable[..., User]) -> Any:
    german = make_cluster(slug="alpha", name="Alpha Cluster")
    french = make_cluster(
        slug="bravo",
        name="Bravo Pôle",
        kind=ClusterKind.INTERNATIONAL_CLUSTER.value,
        country="FR",
        region="FR-ARA",
        city="Lyon",
    )
    anna = make_user(username="anna", first_name="Anna", last_name="Albers")
    bruno = make_user(username="bruno", first_name="Bruno", last_name="Blanc")
    german.managers.add(anna)
    french.managers.add(bruno)
    return german, french, anna, bruno


@pytest.mark.django_db
def test_cooperation_entries_read_as_sentences_in_both_languages(partners: Any) -> None:
    german, french, anna, bruno = partners
    request = cooperation.contact_request_send(
        sender_cluster=german,
        receiver_cluster=french,
        actor=anna,
        topic="Carbon fibre recycling",
        message="We would like to explore joint projects on carbon fibre recycling.",
    )
    partnership = cooperation.contact_request_accept(contact_request=request, actor=bruno)
    cooperation.partnership_move(
        partnership=partnership, actor=anna, stage=PartnershipStage.CONCEPT, note="Workshop held"
    )
    entries = list(audit_entries().order_by("id"))

    with translation.override("en"):
        english = [(line.sentence, line.details) for line in describe(entries)]
    with translation.override("de"):
        german_lines = [line.sentence for line in describe(entries)]

    assert english == [
        (
            "Anna Albers sent a contact request from Alpha Cluster to Bravo Pôle: "
            "“Carbon fibre recycling”.",
            [],
        ),
        (
            "Bruno Blanc opened the partnership Alpha Cluster / Bravo Pôle in the stage "
            "“in talks”.",
            [],
        ),
        (
            "Bruno Blanc accepted the contact request Alpha Cluster → Bravo Pôle: "
            "Carbon fibre recycling.",
            [],
        ),
        (
            "Anna Albers moved the partnership Alpha Cluster / Bravo Pôle from the stage "
            "“in talks” to “concept”.",
            ["Note: “Workshop held”"],
        ),
    ]
    assert german_lines[0] == (
        "Anna Albers hat eine Kontaktanfrage von Alpha Cluster an Bravo Pôle gesendet: "
        "„Carbon fibre recycling“."
    )


@pytest.mark.django_db
def test_back_office_shows_an_entry_with_its_sentence(
    partners: Any, make_user: Callable[..., User], client: Any
) -> None:
    german, french, anna, _bruno = partners
    cooperation.contact_request_send(
        sender_cluster=german,
        receiver_cluster=french,
        actor=anna,
        topic="Carbon fibre recycling",
        message="We would like to explore joint projects on carbon fibre recycling.",
    )
    entry = audit_entries().get()
    client.force_login(make_user(username="root", is_staff=True, is_superuser=True))

    page = client.get(f"/en/admin/audit/auditentry/{entry.pk}/change/").content.decode()

    assert (
        "Anna Albers sent a contact request from Alpha Cluster to Bravo Pôle: "
        "“Carbon fibre recycling”." in page
    )


@pytest.mark.django_db
def test_account_and_conversation_entries_read_as_sentences(
    partners: Any, make_user: Callable[..., User]
) -> None:
    german, french, anna, bruno = partners
    officer = make_user(username="olga", first_name="Olga", last_name="Officer")
    user_grant_role(user=officer, role=Role.PROGRAMME_OFFICER)
    carla = make_user(username="carla", first_name="Carla", last_name="Crane")
    claim = claims.claim_start(
        user=carla, cluster=german, note="I run the cluster's office.", base_url=""
    )
    claims.claim_decide(claim=claim, actor=officer, approve=True, note="Known", base_url="")
    claims.manager_invite(cluster=german, email="dora@alpha.example", actor=anna, base_url="")
    claims.manager_remove(cluster=german, manager=carla, actor=anna, base_url="")
    request = cooperation.contact_request_send(
        sender_cluster=german,
        receiver_cluster=french,
        actor=anna,
        topic="Carbon fibre recycling",
        message="We would like to explore joint projects on carbon fibre recycling.",
    )
    partnership = cooperation.contact_request_accept(contact_request=request, actor=bruno)
    conversation.message_post(partnership=partnership, actor=anna, body="Shall we meet?")
    conversation.address_sharing_set(
        partnership=partnership, cluster=german, actor=anna, share=True
    )

    with translation.override("en"):
        english = [line.sentence for line in describe(audit_entries().order_by("id"))]
    with translation.override("de"):
        german_lines = [line.sentence for line in describe(audit_entries().order_by("id"))]

    assert english == [
        "Carla Crane asked to manage Alpha Cluster; proof: review by the programme office.",
        "Olga Officer approved the request of Carla Crane to manage Alpha Cluster; "
        "proof: review by the programme office.",
        "Anna Albers invited dora@alpha.example to manage Alpha Cluster.",
        "Anna Albers removed Carla Crane from the management of Alpha Cluster.",
        "Anna Albers sent a contact request from Alpha Cluster to Bravo Pôle: "
        "“Carbon fibre recycling”.",
        "Bruno Blanc opened the partnership Alpha Cluster / Bravo Pôle in the stage “in talks”.",
        "Bruno Blanc accepted the contact request Alpha Cluster → Bravo Pôle: "
        "Carbon fibre recycling.",
        "Anna Albers wrote a message of 14 characters in the partnership "
        "Alpha Cluster / Bravo Pôle.",
        "Anna Albers agreed that Alpha Cluster shares its managers' e-mail addresses in the "
        "partnership Alpha Cluster / Bravo Pôle.",
    ]
    assert german_lines[:2] == [
        "Carla Crane hat angefragt, Alpha Cluster zu verwalten; "
        "Nachweis: Prüfung durch das Programmbüro.",
        "Olga Officer hat die Anfrage von Carla Crane, Alpha Cluster zu verwalten, bestätigt; "
        "Nachweis: Prüfung durch das Programmbüro.",
    ]
