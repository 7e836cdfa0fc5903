"""Contact requests and partnerships under /api/v1/cooperation. Reads show only what the
caller may see; writes need a bearer token and go through the same services as the pages."""

from __future__ import annotations

import math

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import AuthenticationError

from clusterbridge.accounts.models import User
from clusterbridge.accounts.services import api_token_authenticate
from clusterbridge.api.auth import TokenAuth
from clusterbridge.api.problems import problem, problem_responses
from clusterbridge.cooperation import conversation, selectors, services
from clusterbridge.cooperation.models import ContactRequest, Message, Partnership, ProjectIdea
from clusterbridge.cooperation.schemas import (
    ContactRequestIn,
    ContactRequestOut,
    MessageIn,
    MessageOut,
    PartnershipDetailOut,
    PartnershipOut,
    PartnershipQuery,
    ProjectIdeaIn,
    ProjectIdeaOut,
    ReplyIn,
    TransitionIn,
)

router = Router(tags=["cooperation"])


def _actor(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied(_("A user account is required."))
    return user


def _reader(request: HttpRequest) -> User | AnonymousUser:
    """Reads are public, but a bearer token (or a browser session) shows the caller's own
    partnerships too; a token that is sent must be valid."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _space, raw = header.partition(" ")
        token_user = api_token_authenticate(raw.strip()) if scheme.lower() == "bearer" else None
        if token_user is None:
            raise AuthenticationError()
        return token_user
    session_user = request.user
    return session_user if isinstance(session_user, User) else AnonymousUser()


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _detail(partnership: Partnership, user: User | AnonymousUser) -> Partnership:
    """The partnership with the history its reader may see (None for everyone but the
    parties and administrators), for `PartnershipDetailOut`."""
    partnership.visible_history = (  # type: ignore[attr-defined]
        list(selectors.partnership_history(partnership))
        if user.has_perm("cooperation.view_partnership_history", partnership)
        else None
    )
    return partnership


# --- partnerships -----------------------------------------------------------------------------


@router.get(
    "/partnerships",
    response=list[PartnershipOut],
    url_name="partnership_list",
    openapi_extra=problem_responses(401, 404, 422),
)
def partnership_list(request: HttpRequest, params: Query[PartnershipQuery]) -> list[Partnership]:
    """A cluster's partnerships, oldest stage first. Open ones are public; ended ones are listed
    only for the managers of the two clusters and administrators."""
    user = _reader(request)
    cluster = selectors.cluster_by_slug(params.cluster)
    return list(selectors.partnerships_of(cluster=cluster, user=user))


@router.get(
    "/partnerships/{partnership_id}",
    response=PartnershipDetailOut,
    url_name="partnership_detail",
    openapi_extra=problem_responses(401, 404, 422),
)
def partnership_detail(request: HttpRequest, partnership_id: int) -> Partnership:
    """One partnership; its history only for the two clusters' managers and administrators."""
    user = _reader(request)
    return _detail(selectors.partnership_get(pk=partnership_id, user=user), user)


@router.post(
    "/partnerships/{partnership_id}/transitions",
    auth=TokenAuth(),
    response=PartnershipDetailOut,
    url_name="partnership_transition",
    openapi_extra=problem_responses(401, 403, 404, 422),
)
def partnership_transition(
    request: HttpRequest, partnership_id: int, payload: TransitionIn
) -> Partnership:
    """Moves a partnership to another stage (managers of either cluster, administrators):
    forward one or more stages, to ended from any stage, from ended back to in talks."""
    actor = _actor(request)
    partnership = selectors.partnership_get(pk=partnership_id, user=actor)
    moved = services.partnership_move(
        partnership=partnership,
        actor=actor,
        stage=payload.stage.value,
        note=payload.note,
        base_url=_base_url(request),
    )
    return _detail(selectors.partnership_get(pk=moved.pk, user=actor), actor)


# --- contact requests -------------------------------------------------------------------------


@router.get(
    "/contact-requests",
    auth=TokenAuth(),
    response=list[ContactRequestOut],
    url_name="contact_request_list",
    openapi_extra=problem_responses(401),
)
def contact_request_list(request: HttpRequest) -> list[ContactRequest]:
    """The requests sent and received by the clusters you manage, newest first."""
    return list(
        selectors.contact_requests_visible_to(_actor(request)).order_by("-created_at", "-pk")
    )


@router.post(
    "/contact-requests",
    auth=TokenAuth(),
    response={201: ContactRequestOut},
    url_name="contact_request_create",
    openapi_extra={
        "responses": {
            **problem_responses(401, 403, 404, 422)["responses"],
            **problem_responses(
                429, description="Too many contact requests within a day; see Retry-After."
            )["responses"],
        },
    },
)
def contact_request_create(
    request: HttpRequest, payload: ContactRequestIn
) -> Status | HttpResponse:
    """Sends a contact request from a cluster you manage to a cluster abroad (or, from abroad,
    to a German cluster). Its management is told by e-mail. A cluster that has no managers on
    the platform yet cannot be told: the request is then `held` (see `notice`) and delivered
    when the cluster gets its first managers."""
    actor = _actor(request)
    sender_cluster = selectors.cluster_by_slug(payload.from_cluster)
    receiver_cluster = selectors.cluster_by_slug(payload.to_cluster)
    try:
        contact_request = services.contact_request_send(
            sender_cluster=sender_cluster,
            receiver_cluster=receiver_cluster,
            actor=actor,
            topic=payload.topic,
            message=payload.message,
            base_url=_base_url(request),
        )
    except services.ContactRequestThrottledError as exc:
        response = problem(429, "Too many requests", str(exc))
        response.headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after.total_seconds())))
        return response
    return Status(201, selectors.contact_request_get(pk=contact_request.pk, user=actor))


@router.get(
    "/contact-requests/{request_id}",
    auth=TokenAuth(),
    response=ContactRequestOut,
    url_name="contact_request_detail",
    openapi_extra=problem_responses(401, 404, 422),
)
def contact_request_detail(request: HttpRequest, request_id: int) -> ContactRequest:
    """One request, for the managers of the two clusters and administrators (404 for others)."""
    return selectors.contact_request_get(pk=request_id, user=_actor(request))


@router.post(
    "/contact-requests/{request_id}/accept",
    auth=TokenAuth(),
    response=ContactRequestOut,
    url_name="contact_request_accept",
    openapi_extra=problem_responses(401, 403, 404, 422),
)
def contact_request_accept(
    request: HttpRequest, request_id: int, payload: ReplyIn
) -> ContactRequest:
    """Accepts a request your cluster received: the two clusters' partnership opens in talks."""
    actor = _actor(request)
    contact_request = selectors.contact_request_get(pk=request_id, user=actor)
    services.contact_request_accept(
        contact_request=contact_request,
        actor=actor,
        reply=payload.reply,
        base_url=_base_url(request),
    )
    return selectors.contact_request_get(pk=request_id, user=actor)


@router.post(
    "/contact-requests/{request_id}/decline",
    auth=TokenAuth(),
    response=ContactRequestOut,
    url_name="contact_request_decline",
    openapi_extra=problem_responses(401, 403, 404, 422),
)
def contact_request_decline(
    request: HttpRequest, request_id: int, payload: ReplyIn
) -> ContactRequest:
    """Declines a request your cluster received, optionally with a reply."""
    actor = _actor(request)
    contact_request = selectors.contact_request_get(pk=request_id, user=actor)
    services.contact_request_decline(
        contact_request=contact_request,
        actor=actor,
        reply=payload.reply,
        base_url=_base_url(request),
    )
    return selectors.contact_request_get(pk=request_id, user=actor)


@router.post(
    "/contact-requests/{request_id}/withdraw",
    auth=TokenAuth(),
    response=ContactRequestOut,
    url_name="contact_request_withdraw",
    openapi_extra=problem_responses(401, 403, 404, 422),
)
def contact_request_withdraw(request: HttpRequest, request_id: int) -> ContactRequest:
    """Withdraws an open request your cluster sent."""
    actor = _actor(request)
    contact_request = selectors.contact_request_get(pk=request_id, user=actor)
    services.contact_request_withdraw(contact_request=contact_request, actor=actor)
    return selectors.contact_request_get(pk=request_id, user=actor)


# --- project ideas ----------------------------------------------------------------------------


@router.get(
    "/partnerships/{partnership_id}/project-ideas",
    auth=TokenAuth(),
    response=list[ProjectIdeaOut],
    url_name="project_idea_list",
    openapi_extra=problem_responses(401, 403, 404, 422),
)
def project_idea_list(request: HttpRequest, partnership_id: int) -> list[ProjectIdea]:
    """The partners' project ideas (managers of the two clusters and administrators)."""
    actor = _actor(request)
    partnership = selectors.partnership_get(pk=partnership_id, user=actor)
    if not actor.has_perm("cooperation.view_project_ideas", partnership):
        raise PermissionDenied(_("Only the two partners see their project ideas."))
    return list(selectors.project_ideas_of(partnership=partnership, user=actor))


@router.post(
    "/partnerships/{partnership_id}/project-ideas",
    auth=TokenAuth(),
    response={201: ProjectIdeaOut},
    url_name="project_idea_create",
    openapi_extra=problem_responses(401, 403, 404, 422),
)
def project_idea_create(
    request: HttpRequest, partnership_id: int, payload: ProjectIdeaIn
) -> Status:
    """Adds a project idea to a partnership in the concept stage or later."""
    actor = _actor(request)
    partnership = selectors.partnership_get(pk=partnership_id, user=actor)
    idea = services.project_idea_create(
        partnership=partnership, actor=actor, title=payload.title, summary=payload.summary
    )
    return Status(201, idea)


@router.put(
    "/project-ideas/{idea_id}",
    auth=TokenAuth(),
    response=ProjectIdeaOut,
    url_name="project_idea_update",
    openapi_extra=problem_responses(401, 403, 404, 422),
)
def project_idea_update(request: HttpRequest, idea_id: int, payload: ProjectIdeaIn) -> ProjectIdea:
    """Revises a project idea (managers of the two clusters)."""
    actor = _actor(request)
    idea = selectors.project_idea_get(pk=idea_id, user=actor)
    return services.project_idea_update(
        idea=idea, actor=actor, title=payload.title, summary=payload.summary
    )


# --- conversation -----------------------------------------------------------------------------


@router.get(
    "/partnerships/{partnership_id}/messages",
    auth=TokenAuth(),
    response=list[MessageOut],
    url_name="message_list",
    openapi_extra=problem_responses(401, 404, 422),
)
def message_list(request: HttpRequest, partnership_id: int) -> list[Message]:
    """The partners' conversation, oldest message first: for the managers of the two clusters
    and administrators (404 for anyone else)."""
    partnership = selectors.conversation_get(pk=partnership_id, user=_actor(request))
    return list(selectors.messages_of(partnership))


@router.post(
    "/partnerships/{partnership_id}/messages",
    auth=TokenAuth(),
    response={201: MessageOut},
    url_name="message_create",
    openapi_extra=problem_responses(401, 403, 404, 422),
)
def message_create(request: HttpRequest, partnership_id: int, payload: MessageIn) -> Status:
    """Writes in the partners' conversation (managers of either cluster, administrators); the
    other side's managers are told by e-mail."""
    actor = _actor(request)
    partnership = selectors.conversation_get(pk=partnership_id, user=actor)
    message = conversation.message_post(
        partnership=partnership, actor=actor, body=payload.body, base_url=_base_url(request)
    )
    return Status(201, message)
