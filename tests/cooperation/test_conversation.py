"""The partners' conversation: messages and the consent to share e-mail addresses, through the
services, the pages and the API. Only the managers of the two clusters and administrators see
and write; everyone else gets 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time

from clusterbridge.accounts.models import User, display_name
from clusterbridge.audit.selectors import audit_entries
from clusterbridge.cooperation import conversation, selectors, services
from clusterbridge.cooperation.models import AddressSharing, Message, Partnership
from tests.cooperation.conftest import Parties

pytestmark = pytest.mark.django_db

MakeUser = Callable[..., User]
TokenFor = Callable[[User], str]
MEGABYTE = "x" * (1024 * 1024)
TOO_LONG_MB = "The message is too long: at most 10000 characters (it has 1048576)."


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _url(partnership: Partnership) -> str:
    return reverse("cooperation:conversation", kwargs={"pk": partnership.pk})


def _post(partnership: Partnership, actor: User, body: str = "Shall we meet in Lyon?") -> Message:
    return conversation.message_post(partnership=partnership, actor=actor, body=body)


# --- posting ----------------------------------------------------------------------------------


def test_message_post_saves_clean_text_for_the_authors_side_and_audits(
    parties: Parties, partnership: Partnership
) -> None:
    message = _post(partnership, parties.manager_b, "  Hello\u202e Anna!\x00\r\n\r\n\r\n\r\nBruno ")

    assert (message.body, message.author, message.author_cluster) == (
        "Hello Anna!\n\nBruno",
        parties.manager_b,
        parties.b,
    )
    entry = audit_entries(target=message).get()
    assert (entry.action, entry.actor, entry.cluster_id, entry.changes) == (
        "cooperation.message.posted",
        parties.manager_b,
        parties.b.pk,
        {"partnership": partnership.pk, "characters": 18},
    )


def test_message_post_mails_the_other_sides_managers_after_commit_in_their_language(
    parties: Parties,
    partnership: Partnership,
    make_user: MakeUser,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
) -> None:
    mailoutbox.clear()
    second_a = make_user(username="arne", email="arne@alpha.example", preferred_language="en")
    parties.a.managers.add(second_a)
    parties.b.managers.add(make_user(username="bea", email="bea@bravo.example"))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        conversation.message_post(
            partnership=partnership,
            actor=parties.manager_b,
            body="Shall we meet in Lyon?",
            base_url="https://cb.example/",
        )
    assert mailoutbox == []
    for callback in callbacks:
        callback()

    # Alpha's two managers, each in their language; Bravo's other manager is not mailed.
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["anna@alpha.example"], "Neue Nachricht von Bravo Pôle: Alpha Cluster und Bravo Pôle"),
        (["arne@alpha.example"], "New message from Bravo Pôle: Alpha Cluster and Bravo Pôle"),
    ]
    assert mailoutbox[1].body == (
        "bruno (Bravo Pôle) wrote in the conversation of Alpha Cluster and Bravo Pôle:\n\n"
        "Shall we meet in Lyon?\n\n"
        "Answer in the conversation:\n"
        f"https://cb.example/en/cooperation/partnerships/{partnership.pk}/conversation/\n"
    )
    assert (
        f"https://cb.example/de/cooperation/partnerships/{partnership.pk}/conversation/"
        in mailoutbox[0].body
    )


def test_message_post_by_an_administrator_mails_both_sides(
    parties: Parties,
    partnership: Partnership,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
) -> None:
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        message = _post(partnership, parties.admin, "The programme office can help with visas.")

    assert message.author_cluster is None
    assert [m.to for m in mailoutbox] == [["anna@alpha.example"], ["bruno@bravo.example"]]
    assert mailoutbox[1].subject == "New message from clusterbridge: Alpha Cluster and Bravo Pôle"


def test_message_post_of_a_megabyte_is_refused_naming_the_field_and_saves_nothing(
    parties: Parties,
    partnership: Partnership,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
) -> None:
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as caught:
        _post(partnership, parties.manager_a, MEGABYTE)

    assert caught.value.message_dict == {"body": [TOO_LONG_MB]}
    assert (Message.objects.count(), mailoutbox) == (0, [])


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("x" * 10_000, None),
        ("x" * 10_000 + "\u202e\x00", None),
        ("x" * 10_001, "The message is too long: at most 10000 characters (it has 10001)."),
        ("", "Write a message first."),
        (" \x00\u202e\n\t ", "Write a message first."),
    ],
)
def test_message_post_length_rules(
    parties: Parties, partnership: Partnership, body: str, error: str | None
) -> None:
    if error is None:
        assert len(_post(partnership, parties.manager_a, body).body) == 10_000
        return
    with pytest.raises(ValidationError) as caught:
        _post(partnership, parties.manager_a, body)

    assert caught.value.message_dict == {"body": [error]}


@pytest.mark.parametrize("who", ["manager_c", "nobody"])
def test_message_post_by_outsiders_is_denied(
    parties: Parties, partnership: Partnership, who: str
) -> None:
    with pytest.raises(PermissionDenied):
        _post(partnership, getattr(parties, who))

    assert Message.objects.count() == 0


def test_message_post_by_a_deactivated_manager_is_denied(
    parties: Parties, partnership: Partnership
) -> None:
    parties.manager_a.is_active = False
    parties.manager_a.save()

    with pytest.raises(PermissionDenied):
        _post(partnership, parties.manager_a)


def test_message_post_in_an_ended_partnership_is_refused(
    parties: Parties, partnership: Partnership
) -> None:
    services.partnership_move(partnership=partnership, actor=parties.manager_a, stage="ended")

    with pytest.raises(ValidationError) as caught:
        _post(partnership, parties.manager_a)

    assert caught.value.messages == [
        "This partnership has ended; reopen it in talks to write in its conversation."
    ]


# --- e-mail address sharing -------------------------------------------------------------------


def _addresses(partnership: Partnership) -> list[tuple[str, bool, list[tuple[str, str]]]]:
    return [
        (
            side.cluster.slug,
            side.sharing is not None,
            [(a.name, a.email) for a in side.addresses],
        )
        for side in selectors.address_sharing_of(partnership)
    ]


def test_addresses_are_shown_only_once_both_sides_agreed(
    parties: Parties, partnership: Partnership, make_user: MakeUser
) -> None:
    parties.a.managers.add(make_user(username="nomail", email=""))
    parties.b.managers.add(make_user(username="away", email="away@bravo.example", is_active=False))

    conversation.address_sharing_set(
        partnership=partnership, cluster=parties.a, actor=parties.manager_a, share=True
    )
    one_side = _addresses(partnership)
    conversation.address_sharing_set(
        partnership=partnership, cluster=parties.b, actor=parties.manager_b, share=True
    )
    both = _addresses(partnership)

    assert one_side == [("alpha", True, []), ("bravo", False, [])]
    assert both == [
        ("alpha", True, [("anna", "anna@alpha.example")]),
        ("bravo", True, [("bruno", "bruno@bravo.example")]),
    ]


def test_address_sharing_switched_off_hides_the_addresses_again_and_audits(
    parties: Parties, partnership: Partnership
) -> None:
    for cluster, manager in ((parties.a, parties.manager_a), (parties.b, parties.manager_b)):
        conversation.address_sharing_set(
            partnership=partnership, cluster=cluster, actor=manager, share=True
        )

    conversation.address_sharing_set(
        partnership=partnership, cluster=parties.b, actor=parties.manager_b, share=False
    )

    assert _addresses(partnership) == [("alpha", True, []), ("bravo", False, [])]
    entries = audit_entries(target=partnership, action_prefix="cooperation.partnership.addresses")
    assert [(e.action, e.actor, e.changes) for e in entries.order_by("id")] == [
        (
            "cooperation.partnership.addresses_shared",
            parties.manager_a,
            {"cluster": "alpha", "share": True},
        ),
        (
            "cooperation.partnership.addresses_shared",
            parties.manager_b,
            {"cluster": "bravo", "share": True},
        ),
        (
            "cooperation.partnership.addresses_unshared",
            parties.manager_b,
            {"cluster": "bravo", "share": False},
        ),
    ]


def test_address_sharing_set_twice_changes_nothing(
    parties: Parties, partnership: Partnership, make_user: MakeUser
) -> None:
    second_a = make_user(username="arne")
    parties.a.managers.add(second_a)

    first = conversation.address_sharing_set(
        partnership=partnership, cluster=parties.a, actor=parties.manager_a, share=True
    )
    again = conversation.address_sharing_set(
        partnership=partnership, cluster=parties.a, actor=second_a, share=True
    )
    off = conversation.address_sharing_set(
        partnership=partnership, cluster=parties.b, actor=parties.manager_b, share=False
    )

    assert (again, off, AddressSharing.objects.count()) == (first, None, 1)
    assert audit_entries(action_prefix="cooperation.partnership.addresses").count() == 1


@pytest.mark.parametrize(
    ("who", "side"),
    [("manager_b", "a"), ("manager_a", "b"), ("manager_c", "a"), ("admin", "a"), ("nobody", "b")],
)
def test_address_sharing_only_by_the_sides_own_managers(
    parties: Parties, partnership: Partnership, who: str, side: str
) -> None:
    with pytest.raises(PermissionDenied):
        conversation.address_sharing_set(
            partnership=partnership,
            cluster=getattr(parties, side),
            actor=getattr(parties, who),
            share=True,
        )

    assert AddressSharing.objects.count() == 0


def test_address_sharing_for_a_cluster_outside_the_partnership_is_refused(
    parties: Parties, partnership: Partnership
) -> None:
    with pytest.raises(ValidationError) as caught:
        conversation.address_sharing_set(
            partnership=partnership, cluster=parties.c, actor=parties.manager_c, share=True
        )

    assert caught.value.message_dict == {
        "cluster": ["Charlie Cluster is not a side of this partnership."]
    }


# --- former users -----------------------------------------------------------------------------


def test_person_name_falls_back_to_former_user(make_user: MakeUser) -> None:
    named = make_user(username="anna", first_name="Anna", last_name="Arendt", email="a@x.example")
    plain = make_user(username="bruno", email="b@x.example")
    paused = make_user(username="paused", email="p@x.example", is_active=False)
    erased = make_user(username="erased", email="", is_active=False)

    names = [display_name(user) for user in (named, plain, paused, erased, None)]
    with translation.override("de"):
        german = display_name(None)

    assert names == ["Anna Arendt", "bruno", "paused", "former user", "former user"]
    assert german == "ehemaliges Benutzerkonto"


def test_conversation_shows_the_author_of_a_deleted_account_as_former_user(
    parties: Parties, partnership: Partnership, make_user: MakeUser
) -> None:
    leaver = make_user(username="leaver", email="leaver@bravo.example")
    parties.b.managers.add(leaver)
    _post(partnership, leaver, "Written before leaving.")
    leaver.delete()

    html = _client(parties.manager_a).get(_url(partnership)).content.decode()
    api = selectors.messages_of(partnership).get()

    assert '<p class="conversation-meta"><strong>former user</strong> · Bravo Pôle' in html
    assert (api.author, api.author_name) == (None, "former user")


# --- pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("manager_a", 200), ("manager_b", 200), ("admin", 200), ("manager_c", 404), ("nobody", 404)],
)
def test_conversation_page_only_for_the_parties(
    parties: Parties, partnership: Partnership, role: str, status: int
) -> None:
    _post(partnership, parties.manager_b, "A word only the partners read.")

    response = _client(getattr(parties, role)).get(_url(partnership))

    assert response.status_code == status
    assert ("A word only the partners read." in response.content.decode()) == (status == 200)


def test_conversation_page_anonymous_is_sent_to_login(partnership: Partnership) -> None:
    path = _url(partnership)

    response = Client().get(path)

    assert (response.status_code, response["Location"]) == (302, f"/en/accounts/login/?next={path}")


def test_conversation_page_of_an_unknown_partnership_is_404(parties: Parties) -> None:
    response = _client(parties.admin).get(reverse("cooperation:conversation", kwargs={"pk": 999}))

    assert response.status_code == 404


@pytest.mark.parametrize("who", ["manager_c", "nobody"])
@pytest.mark.parametrize("htmx", [False, True])
def test_message_to_a_conversation_one_is_not_part_of_is_404(
    parties: Parties, partnership: Partnership, who: str, htmx: bool
) -> None:
    headers = {"HX-Request": "true"} if htmx else {}

    response = _client(getattr(parties, who)).post(
        _url(partnership), {"body": "Let me in!"}, headers=headers
    )

    assert (response.status_code, Message.objects.count()) == (404, 0)


def test_message_form_without_javascript_posts_and_redirects_to_the_message(
    parties: Parties, partnership: Partnership
) -> None:
    client = _client(parties.manager_a)

    response = client.post(_url(partnership), {"body": "Hello <b>Bruno</b>!"})

    message = Message.objects.get()
    assert (response.status_code, response["Location"]) == (
        302,
        f"{_url(partnership)}#message-{message.pk}",
    )
    html = client.get(response["Location"]).content.decode()
    assert '<li class="message message-success">Your message was sent.</li>' in html
    assert '<p class="conversation-body">Hello &lt;b&gt;Bruno&lt;/b&gt;!</p>' in html


def test_message_form_with_htmx_answers_the_conversation_fragment(
    parties: Parties, partnership: Partnership
) -> None:
    _post(partnership, parties.manager_b, "First!")

    response = _client(parties.manager_a).post(
        _url(partnership), {"body": "Second\nline"}, headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="conversation"')
    assert "<html" not in html
    assert '<p role="status" class="message message-success">Your message was sent.</p>' in html
    assert html.count('class="conversation-message') == 2
    assert '<p class="conversation-body">Second<br>line</p>' in html
    # The form comes back empty for the next message.
    assert 'id="id_body">\n</textarea>' in html


@pytest.mark.parametrize(("htmx", "status"), [(False, 400), (True, 200)])
def test_message_form_megabyte_is_refused_under_the_field_and_nothing_saved(
    parties: Parties, partnership: Partnership, htmx: bool, status: int
) -> None:
    headers = {"HX-Request": "true"} if htmx else {}

    response = _client(parties.manager_a).post(
        _url(partnership), {"body": MEGABYTE}, headers=headers
    )

    html = response.content.decode()
    assert (response.status_code, Message.objects.count()) == (status, 0)
    assert (
        '<div role="alert" id="id_body_errors"><ul class="errorlist">'
        f"<li>{TOO_LONG_MB}</li></ul></div>" in html
    )
    assert ("<html" in html) == (not htmx)


def test_conversation_page_in_german(parties: Parties, partnership: Partnership) -> None:
    html = (
        _client(parties.manager_a)
        .get(f"/de/cooperation/partnerships/{partnership.pk}/conversation/")
        .content.decode()
    )

    assert "<h1>Gespräch</h1>" in html
    assert "Unsere E-Mail-Adressen mit dem Partner teilen" in html
    assert "Reiner Text, höchstens 10000 Zeichen." in html


def test_conversation_page_of_an_ended_partnership_offers_no_form(
    parties: Parties, partnership: Partnership
) -> None:
    _post(partnership, parties.manager_a, "Before the end.")
    services.partnership_move(partnership=partnership, actor=parties.manager_a, stage="ended")

    html = _client(parties.manager_a).get(_url(partnership)).content.decode()

    assert "Before the end." in html
    assert 'name="body"' not in html
    assert "This partnership has ended; reopen it in talks to write in its conversation." in html


def test_conversation_page_query_count_does_not_grow_with_messages(
    parties: Parties, partnership: Partnership, django_assert_max_num_queries: Any
) -> None:
    client = _client(parties.manager_a)
    _post(partnership, parties.manager_b, "One")
    client.get(_url(partnership))
    with django_assert_max_num_queries(30) as one:
        client.get(_url(partnership))
    for n in range(2):
        _post(partnership, parties.manager_a, f"More {n}")

    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(_url(partnership))

    assert response.content.decode().count('class="conversation-message') == 3


def test_partnership_and_request_pages_link_the_parties_to_the_conversation(
    parties: Parties, partnership: Partnership
) -> None:
    request = partnership.contact_requests.get()
    link = f'href="{_url(partnership)}"'

    own = _client(parties.manager_a).get(partnership.get_absolute_url()).content.decode()
    public = Client().get(partnership.get_absolute_url()).content.decode()
    answered = _client(parties.manager_a).get(request.get_absolute_url()).content.decode()

    assert (link in own, link in public, link in answered) == (True, False, True)


# --- e-mail address sharing through the page -----------------------------------------------------


def _share(client: Client, partnership: Partnership, cluster_pk: int, share: bool) -> Any:
    return client.post(
        reverse("cooperation:address_sharing", kwargs={"pk": partnership.pk}),
        {"cluster": cluster_pk, "share": "true" if share else "false"},
    )


def test_address_sharing_form_shows_addresses_once_both_sides_agree(
    parties: Parties, partnership: Partnership
) -> None:
    anna, bruno = _client(parties.manager_a), _client(parties.manager_b)

    first = _share(anna, partnership, parties.a.pk, True)
    after_one = bruno.get(_url(partnership)).content.decode()
    _share(bruno, partnership, parties.b.pk, True)
    after_both = bruno.get(_url(partnership)).content.decode()

    assert (first.status_code, first["Location"]) == (302, f"{_url(partnership)}#addresses-heading")
    assert "mailto:" not in after_one
    assert '<a href="mailto:anna@alpha.example">anna@alpha.example</a>' in after_both
    assert '<a href="mailto:bruno@bravo.example">bruno@bravo.example</a>' in after_both


def test_address_sharing_form_offers_each_manager_only_their_own_side(
    parties: Parties, partnership: Partnership
) -> None:
    html = _client(parties.manager_a).get(_url(partnership)).content.decode()
    admin = _client(parties.admin).get(_url(partnership)).content.decode()

    assert f'<input type="hidden" name="cluster" value="{parties.a.pk}">' in html
    assert f'<input type="hidden" name="cluster" value="{parties.b.pk}">' not in html
    assert 'name="cluster"' not in admin


@pytest.mark.parametrize(
    ("who", "side", "status"),
    [
        ("manager_b", "a", 403),
        ("admin", "a", 403),
        ("manager_c", "c", 404),
        ("manager_a", "c", 404),
    ],
)
def test_address_sharing_form_refuses_others(
    parties: Parties, partnership: Partnership, who: str, side: str, status: int
) -> None:
    response = _share(_client(getattr(parties, who)), partnership, getattr(parties, side).pk, True)

    assert (response.status_code, AddressSharing.objects.count()) == (status, 0)


# --- API --------------------------------------------------------------------------------------


def _api(partnership: Partnership) -> str:
    return f"/api/v1/cooperation/partnerships/{partnership.pk}/messages"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_api_message_create_and_list(
    client: Client, parties: Parties, partnership: Partnership, token_for: TokenFor
) -> None:
    with freeze_time("2026-03-02 09:00:00"):
        created = client.post(
            _api(partnership),
            {"body": "Hello\u202e from the API"},
            content_type="application/json",
            headers=_bearer(token_for(parties.manager_b)),
        )
    listed = client.get(_api(partnership), headers=_bearer(token_for(parties.manager_a)))

    message = Message.objects.get()
    expected = {
        "id": message.pk,
        "partnership_id": partnership.pk,
        "author": "bruno",
        "author_cluster": {
            "slug": "bravo",
            "name": "Bravo Pôle",
            "country": "FR",
            "url": "http://testserver/en/clusters/bravo/",
        },
        "body": "Hello from the API",
        "created_at": "2026-03-02T09:00:00Z",
    }
    assert (created.status_code, created.json()) == (201, expected)
    assert (listed.status_code, listed.json()) == (200, [expected])


def test_api_message_create_megabyte_is_422_naming_the_field(
    client: Client, parties: Parties, partnership: Partnership, token_for: TokenFor
) -> None:
    response = client.post(
        _api(partnership),
        {"body": MEGABYTE},
        content_type="application/json",
        headers=_bearer(token_for(parties.manager_a)),
    )

    assert (response.status_code, response["Content-Type"]) == (422, "application/problem+json")
    assert response.json()["errors"] == [{"location": "body", "message": TOO_LONG_MB}]
    assert Message.objects.count() == 0


@pytest.mark.parametrize("who", ["manager_c", "nobody"])
def test_api_conversation_of_others_is_404(
    client: Client, parties: Parties, partnership: Partnership, token_for: TokenFor, who: str
) -> None:
    token = token_for(getattr(parties, who))

    listed = client.get(_api(partnership), headers=_bearer(token))
    posted = client.post(
        _api(partnership), {"body": "Hi"}, content_type="application/json", headers=_bearer(token)
    )

    assert (listed.status_code, posted.status_code) == (404, 404)
    assert (listed["Content-Type"], listed.json()["detail"]) == (
        "application/problem+json",
        "No such conversation.",
    )
    assert Message.objects.count() == 0


def test_api_conversation_without_token_is_401(client: Client, partnership: Partnership) -> None:
    listed = client.get(_api(partnership))
    posted = client.post(_api(partnership), {"body": "Hi"}, content_type="application/json")

    assert (listed.status_code, posted.status_code) == (401, 401)


def test_api_message_create_unknown_key_is_422(
    client: Client, parties: Parties, partnership: Partnership, token_for: TokenFor
) -> None:
    response = client.post(
        _api(partnership),
        {"body": "Hi", "author": "someone else"},
        content_type="application/json",
        headers=_bearer(token_for(parties.manager_a)),
    )

    assert (response.status_code, Message.objects.count()) == (422, 0)


def test_api_message_list_query_count_does_not_grow_with_messages(
    client: Client,
    parties: Parties,
    partnership: Partnership,
    token_for: TokenFor,
    django_assert_num_queries: Any,
) -> None:
    headers = _bearer(token_for(parties.manager_a))
    _post(partnership, parties.manager_b, "One")
    client.get(_api(partnership), headers=headers)
    with django_assert_num_queries(5) as one:
        client.get(_api(partnership), headers=headers)
    for n in range(2):
        _post(partnership, parties.manager_a, f"More {n}")

    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(_api(partnership), headers=headers)

    assert len(response.json()) == 3
