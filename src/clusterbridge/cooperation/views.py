"""Pages of cooperation. Each view parses input, calls one selector or service, and renders;
permissions are checked here and again in the services."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clusterbridge.accounts.models import User
from clusterbridge.cooperation import conversation as conversation_services
from clusterbridge.cooperation import selectors, services
from clusterbridge.cooperation.enums import (
    HELD_NOTICE,
    IDEA_STAGES,
    PartnershipStage,
    allowed_moves,
)
from clusterbridge.cooperation.forms import (
    AddressSharingForm,
    ContactRequestForm,
    MessageForm,
    PartnershipMoveForm,
    ProjectIdeaForm,
    ReplyForm,
)
from clusterbridge.cooperation.models import ContactRequest, Message, Partnership


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _add_errors(form: Form, exc: ValidationError) -> None:
    """A service's errors onto the form: under the field they name, or above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@require_http_methods(["GET", "POST"])
def contact_request_create(request: HttpRequest, slug: str, to_slug: str) -> HttpResponse:
    user = _user(request)
    sender_cluster = selectors.cluster_by_slug(slug)
    receiver_cluster = selectors.cluster_by_slug(to_slug)
    if not rules.has_perm("cooperation.send_contact_request", user, sender_cluster):
        raise PermissionDenied(_("You may only send contact requests for clusters you manage."))
    form = ContactRequestForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            contact_request = services.contact_request_send(
                sender_cluster=sender_cluster,
                receiver_cluster=receiver_cluster,
                actor=user,
                topic=form.cleaned_data["topic"],
                message=form.cleaned_data["message"],
                base_url=_base_url(request),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except services.ContactRequestThrottledError as exc:
            form.add_error(None, str(exc))
            status = 429
        else:
            if contact_request.is_held:
                # Not "sent": nobody would read it yet. The request's page says why, plainly.
                messages.info(
                    request,
                    _("Your contact request to %(name)s is held.")
                    % {"name": receiver_cluster.name},
                )
            else:
                messages.success(
                    request,
                    _("Your contact request was sent to %(name)s.")
                    % {"name": receiver_cluster.name},
                )
            return HttpResponseRedirect(contact_request.get_absolute_url())
    blocked: list[str] = []
    if request.method == "GET":
        try:
            services.contact_request_check(
                sender_cluster=sender_cluster, receiver_cluster=receiver_cluster, actor=user
            )
        except ValidationError as exc:
            blocked = exc.messages
    context = {
        "form": form,
        "sender_cluster": sender_cluster,
        "receiver_cluster": receiver_cluster,
        "blocked": blocked,
        "existing": selectors.open_request_between(sender_cluster, receiver_cluster),
        "receiver_has_managers": selectors.cluster_has_managers(receiver_cluster),
        "held_notice": HELD_NOTICE,
    }
    return render(request, "cooperation/contact_request_form.html", context, status=status)


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "cooperation/inbox.html",
        {"inbox": selectors.contact_request_inbox(_user(request))},
    )


def _detail_context(user: User, contact_request: ContactRequest) -> dict[str, object]:
    return {
        "contact_request": contact_request,
        "can_decide": contact_request.is_open
        and rules.has_perm("cooperation.decide_contact_request", user, contact_request),
        "can_withdraw": contact_request.is_unanswered
        and rules.has_perm("cooperation.withdraw_contact_request", user, contact_request),
        "can_converse": contact_request.partnership_id is not None
        and user.has_perm("cooperation.view_conversation", contact_request.partnership),
    }


@login_required
@require_GET
def contact_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    contact_request = selectors.contact_request_get(pk=pk, user=user)
    context = {**_detail_context(user, contact_request), "form": ReplyForm()}
    return render(request, "cooperation/contact_request_detail.html", context)


def _answer(request: HttpRequest, pk: int, *, accept: bool) -> HttpResponse:
    user = _user(request)
    contact_request = selectors.contact_request_get(pk=pk, user=user)
    if not rules.has_perm("cooperation.decide_contact_request", user, contact_request):
        raise PermissionDenied(
            _("Only the managers of the cluster that received a request may answer it.")
        )
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            if accept:
                services.contact_request_accept(
                    contact_request=contact_request,
                    actor=user,
                    reply=form.cleaned_data["reply"],
                    base_url=_base_url(request),
                )
                messages.success(
                    request, _("You accepted the request; the partnership is in talks.")
                )
            else:
                services.contact_request_decline(
                    contact_request=contact_request,
                    actor=user,
                    reply=form.cleaned_data["reply"],
                    base_url=_base_url(request),
                )
                messages.success(request, _("You declined the request."))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return HttpResponseRedirect(contact_request.get_absolute_url())
    context = {**_detail_context(user, contact_request), "form": form}
    return render(request, "cooperation/contact_request_detail.html", context, status=400)


@login_required
@require_POST
def contact_request_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(request, pk, accept=True)


@login_required
@require_POST
def contact_request_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(request, pk, accept=False)


@login_required
@require_POST
def contact_request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    contact_request = selectors.contact_request_get(pk=pk, user=user)
    if not rules.has_perm("cooperation.withdraw_contact_request", user, contact_request):
        raise PermissionDenied(
            _("Only the managers of the cluster that sent a request may withdraw it.")
        )
    try:
        services.contact_request_withdraw(contact_request=contact_request, actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("You withdrew the request."))
    return HttpResponseRedirect(contact_request.get_absolute_url())


def _partnership_page(
    request: HttpRequest,
    pk: int,
    *,
    form: PartnershipMoveForm | None = None,
    idea_form: ProjectIdeaForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    partnership = selectors.partnership_get(pk=pk, user=user)
    can_see_history = user.has_perm("cooperation.view_partnership_history", partnership)
    can_move = rules.has_perm("cooperation.move_partnership", user, partnership)
    can_see_ideas = user.has_perm("cooperation.view_project_ideas", partnership)
    context = {
        "partnership": partnership,
        "history": selectors.partnership_history(partnership) if can_see_history else None,
        "can_move": can_move,
        "form": form or PartnershipMoveForm(allowed=allowed_moves(partnership.stage)),
        "ideas": selectors.project_ideas_of(partnership=partnership, user=user)
        if can_see_ideas
        else None,
        "can_add_idea": partnership.stage in IDEA_STAGES
        and rules.has_perm("cooperation.add_project_idea", user, partnership),
        "idea_form": idea_form or ProjectIdeaForm(prefix="idea"),
        "can_converse": user.is_authenticated
        and user.has_perm("cooperation.view_conversation", partnership),
    }
    return render(request, "cooperation/partnership_detail.html", context, status=status)


@require_GET
def partnership_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _partnership_page(request, pk)


@login_required
@require_POST
def partnership_move(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    partnership = selectors.partnership_get(pk=pk, user=user)
    if not rules.has_perm("cooperation.move_partnership", user, partnership):
        raise PermissionDenied(
            _("Only the managers of the two clusters may change their partnership.")
        )
    form = PartnershipMoveForm(request.POST, allowed=allowed_moves(partnership.stage))
    if form.is_valid():
        try:
            moved = services.partnership_move(
                partnership=partnership,
                actor=user,
                stage=form.cleaned_data["stage"],
                note=form.cleaned_data["note"],
                base_url=_base_url(request),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("The partnership is now “%(stage)s”.") % {"stage": moved.get_stage_display()},
            )
            return HttpResponseRedirect(moved.get_absolute_url())
    return _partnership_page(request, pk, form=form, status=400)


@login_required
@require_POST
def project_idea_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    partnership = selectors.partnership_get(pk=pk, user=user)
    if not rules.has_perm("cooperation.add_project_idea", user, partnership):
        raise PermissionDenied(
            _("Only the managers of the two clusters may work on their project ideas.")
        )
    form = ProjectIdeaForm(request.POST, prefix="idea")
    if form.is_valid():
        try:
            services.project_idea_create(
                partnership=partnership,
                actor=user,
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The project idea was added."))
            return HttpResponseRedirect(partnership.get_absolute_url())
    return _partnership_page(request, pk, idea_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def project_idea_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    idea = selectors.project_idea_get(pk=pk, user=user)
    if not rules.has_perm("cooperation.change_project_idea", user, idea):
        raise PermissionDenied(
            _("Only the managers of the two clusters may work on their project ideas.")
        )
    initial = {"title": idea.title, "summary": idea.summary}
    form = ProjectIdeaForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_idea_update(
                idea=idea,
                actor=user,
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The project idea was saved."))
            return HttpResponseRedirect(idea.partnership.get_absolute_url())
    return render(request, "cooperation/project_idea_form.html", {"idea": idea, "form": form})


# --- conversation -----------------------------------------------------------------------------


def _conversation_context(
    request: HttpRequest,
    partnership: Partnership,
    *,
    form: MessageForm | None = None,
    posted: Message | None = None,
) -> dict[str, object]:
    user = _user(request)
    own = selectors.managed_cluster_ids(user)
    sharing = selectors.address_sharing_of(partnership)
    sides = [{"side": side, "can_switch": side.cluster.pk in own} for side in sharing]
    return {
        "partnership": partnership,
        # Not "messages": that name is Django's flash messages in every template.
        "conversation_messages": list(selectors.messages_of(partnership)),
        "own_cluster_ids": own & set(partnership.cluster_ids),
        "form": form or MessageForm(),
        "can_post": partnership.stage != PartnershipStage.ENDED
        and rules.has_perm("cooperation.post_message", user, partnership),
        "sides": sides,
        "both_share": all(side.sharing is not None for side in sharing),
        "posted": posted,
    }


@login_required
@require_http_methods(["GET", "POST"])
def conversation(request: HttpRequest, pk: int) -> HttpResponse:
    """The partners' conversation. A message is posted with htmx (the list is swapped in place)
    or, without JavaScript, as a plain form post answered with a redirect."""
    user = _user(request)
    partnership = selectors.conversation_get(pk=pk, user=user)
    is_htmx = bool(getattr(request, "htmx", False))
    if request.method == "GET":
        return render(
            request, "cooperation/conversation.html", _conversation_context(request, partnership)
        )
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            message = conversation_services.message_post(
                partnership=partnership,
                actor=user,
                body=form.cleaned_data["body"],
                base_url=_base_url(request),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if is_htmx:
                context = _conversation_context(request, partnership, posted=message)
                return render(request, "cooperation/_conversation.html", context)
            messages.success(request, _("Your message was sent."))
            return HttpResponseRedirect(
                f"{reverse('cooperation:conversation', kwargs={'pk': pk})}#message-{message.pk}"
            )
    context = _conversation_context(request, partnership, form=form)
    if is_htmx:
        # htmx swaps only successful responses; the form comes back with its errors in place.
        return render(request, "cooperation/_conversation.html", context)
    return render(request, "cooperation/conversation.html", context, status=400)


@login_required
@require_POST
def address_sharing(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    partnership = selectors.conversation_get(pk=pk, user=user)
    form = AddressSharingForm(request.POST)
    sides = {
        cluster.pk: cluster for cluster in (partnership.german_cluster, partnership.partner_cluster)
    }
    cluster = sides.get(form.cleaned_data["cluster"]) if form.is_valid() else None
    if cluster is None:
        raise Http404(_("No such side of this partnership."))
    share = form.cleaned_data["share"]
    if not rules.has_perm("cooperation.share_addresses", user, cluster):
        raise PermissionDenied(
            _("Only the managers of %(name)s may decide whether its e-mail addresses are shared.")
            % {"name": cluster.name}
        )
    conversation_services.address_sharing_set(
        partnership=partnership, cluster=cluster, actor=user, share=share
    )
    if share:
        messages.success(
            request,
            _("%(name)s shares its managers' e-mail addresses with the partner.")
            % {"name": cluster.name},
        )
    else:
        messages.success(
            request,
            _("%(name)s no longer shares its managers' e-mail addresses.") % {"name": cluster.name},
        )
    return HttpResponseRedirect(
        reverse("cooperation:conversation", kwargs={"pk": pk}) + "#addresses-heading"
    )
