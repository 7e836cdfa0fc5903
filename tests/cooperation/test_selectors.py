from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from clusterbridge.cooperation import selectors, services
from clusterbridge.cooperation.models import ContactRequest, Partnership
from tests.cooperation.conftest import Parties

pytestmark = pytest.mark.django_db

Send = Callable[..., ContactRequest]


def test_partner_cluster_ids_names_the_other_side_of_open_partnerships(
    parties: Parties, send: Send, make_cluster: Callable[..., Any]
) -> None:
    services.contact_request_accept(contact_request=send(), actor=parties.manager_b)
    austria = make_cluster(slug="austria", country="AT", region="")
    austria.managers.add(parties.manager_b)
    ended = services.contact_request_accept(
        contact_request=send(receiver_cluster=austria), actor=parties.manager_b
    )
    services.partnership_move(partnership=ended, actor=parties.manager_a, stage="ended")
    send(
        sender_cluster=parties.c,
        receiver_cluster=make_cluster(slug="delta"),
        actor=parties.manager_c,
    )  # an open request is no partnership

    assert (
        selectors.partner_cluster_ids(parties.a),
        selectors.partner_cluster_ids(parties.b),
        selectors.partner_cluster_ids(parties.c),
    ) == ({parties.b.pk}, {parties.a.pk}, set())


def test_partner_cluster_ids_is_one_query(
    parties: Parties, partnership: Partnership, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        ids = selectors.partner_cluster_ids(parties.b)

    assert ids == {parties.a.pk}


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("manager_a", True),
        ("manager_b", True),
        ("admin", True),
        ("manager_c", False),
        ("nobody", False),
        (None, False),
    ],
)
def test_contact_requests_visible_to_only_the_parties(
    parties: Parties, send: Send, who: str | None, visible: bool
) -> None:
    request = send()
    user = getattr(parties, who) if who else AnonymousUser()

    assert list(selectors.contact_requests_visible_to(user)) == ([request] if visible else [])


def test_contact_requests_visible_to_an_inactive_manager_is_nothing(
    parties: Parties, send: Send
) -> None:
    send()
    parties.manager_b.is_active = False
    parties.manager_b.save()

    assert list(selectors.contact_requests_visible_to(parties.manager_b)) == []
