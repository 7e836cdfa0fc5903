"""Pages for claiming a cluster, reviewing claims, and a cluster's managers."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clusterbridge.accounts import claims, rules, selectors
from clusterbridge.accounts.forms import ClaimDecisionForm, ClaimForm, InvitationForm
from clusterbridge.accounts.models import ClusterClaim, User
from clusterbridge.clusters.selectors import cluster_get


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _add_errors(form: Form, error: ValidationError) -> None:
    """Puts a service's errors on the form's fields (unknown keys on the form itself)."""
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
@require_http_methods(["GET", "POST"])
def claim_start(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = cluster_get(slug=slug)
    user = _user(request)
    if cluster.managers.filter(pk=user.pk).exists():
        messages.info(request, _("You already manage this cluster."))
        return HttpResponseRedirect(cluster.get_absolute_url())
    pending = selectors.open_claim(user=user, cluster=cluster)
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and pending is None and form.is_valid():
        by_domain = form.cleaned_data["route"] == "domain"
        try:
            claim = claims.claim_start(
                user=user,
                cluster=cluster,
                email=form.cleaned_data["email"] if by_domain else "",
                note="" if by_domain else form.cleaned_data["note"],
                base_url=_base_url(request),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if claim.state == ClusterClaim.State.APPROVED:
                messages.success(request, _("You now manage %(cluster)s.") % {"cluster": cluster})
            elif claim.state == ClusterClaim.State.AWAITING_ADDRESS:
                messages.success(
                    request,
                    _("We sent a link to %(email)s. Follow it to become a manager.")
                    % {"email": claim.email},
                )
            else:
                messages.success(
                    request, _("Your claim was sent to the programme office for review.")
                )
            return HttpResponseRedirect(reverse("accounts:dashboard"))
    context = {"cluster": cluster, "form": form, "pending": pending}
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/claims/start.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def claim_confirm(request: HttpRequest, token: str) -> HttpResponse:
    # A GET only shows a button: mail scanners that open links must not approve claims.
    if request.method == "POST":
        try:
            claim = claims.claim_confirm_address(
                token=token, user=_user(request), base_url=_base_url(request)
            )
        except ValidationError as error:
            context = {"errors": error.messages}
            return render(request, "accounts/claims/confirm.html", context, status=400)
        messages.success(request, _("You now manage %(cluster)s.") % {"cluster": claim.cluster})
        return HttpResponseRedirect(reverse("accounts:dashboard"))
    return render(request, "accounts/claims/confirm.html", {})


@login_required
@require_POST
def claim_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(ClusterClaim, pk=pk, user=_user(request))
    try:
        claims.claim_withdraw(claim=claim, actor=_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your claim was withdrawn."))
    return HttpResponseRedirect(reverse("accounts:dashboard"))


@login_required
@require_http_methods(["GET"])
def claim_queue(request: HttpRequest) -> HttpResponse:
    if not rules.is_claim_reviewer(_user(request)):
        raise PermissionDenied(_("Only programme officers and staff review claims."))
    queue = selectors.claims_to_review(_user(request))
    return render(request, "accounts/claims/queue.html", {"rows": _decision_rows(queue)})


def _decision_rows(
    queue: Iterable[ClusterClaim], failed: ClaimDecisionForm | None = None
) -> list[tuple[ClusterClaim, ClaimDecisionForm]]:
    """Each claim with its own decision form (prefixed, so field ids stay unique)."""
    rows = []
    for claim in queue:
        form = ClaimDecisionForm(prefix=f"claim-{claim.pk}")
        if failed is not None and failed.prefix == form.prefix:
            form = failed
        rows.append((claim, form))
    return rows


@login_required
@require_POST
def claim_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if not rules.is_claim_reviewer(user):
        raise PermissionDenied(_("Only programme officers and staff review claims."))
    claim = get_object_or_404(selectors.claims_to_review(user), pk=pk)
    form = ClaimDecisionForm(request.POST, prefix=f"claim-{claim.pk}")
    if form.is_valid():
        try:
            claims.claim_decide(
                claim=claim,
                actor=user,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
                base_url=_base_url(request),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The decision was saved and the person told."))
            return HttpResponseRedirect(reverse("accounts:claims"))
    rows = _decision_rows(selectors.claims_to_review(user), failed=form)
    return render(request, "accounts/claims/queue.html", {"rows": rows}, status=400)


def _managers_context(request: HttpRequest, slug: str) -> dict[str, object]:
    cluster = cluster_get(slug=slug)
    if not rules.manages_cluster(_user(request), cluster):
        raise PermissionDenied(_("Only the cluster's managers see this page."))
    return {
        "cluster": cluster,
        "managers": cluster.managers.order_by("first_name", "last_name", "pk"),
        "invitations": selectors.open_invitations(cluster),
    }


@login_required
@require_http_methods(["GET", "POST"])
def managers(request: HttpRequest, slug: str) -> HttpResponse:
    context = _managers_context(request, slug)
    cluster = context["cluster"]
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            claims.manager_invite(
                cluster=cluster,  # type: ignore[arg-type]
                email=form.cleaned_data["email"],
                actor=_user(request),
                base_url=_base_url(request),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("The invitation was sent to %(email)s.") % form.cleaned_data
            )
            return HttpResponseRedirect(request.path)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "accounts/claims/managers.html", {**context, "form": form}, status=status
    )


@login_required
@require_POST
def manager_remove(request: HttpRequest, slug: str, user_pk: int) -> HttpResponse:
    context = _managers_context(request, slug)
    cluster = context["cluster"]
    manager = get_object_or_404(cluster.managers, pk=user_pk)  # type: ignore[attr-defined]
    leaving = manager.pk == request.user.pk
    try:
        claims.manager_remove(
            cluster=cluster,  # type: ignore[arg-type]
            manager=manager,
            actor=_user(request),
            base_url=_base_url(request),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(reverse("accounts:managers", kwargs={"slug": slug}))
    if leaving:
        messages.success(request, _("You no longer manage this cluster."))
        return HttpResponseRedirect(reverse("accounts:dashboard"))
    messages.success(request, _("The manager was removed."))
    return HttpResponseRedirect(reverse("accounts:managers", kwargs={"slug": slug}))


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invite = claims.manager_invitation_from_token(token)
    except ValidationError as error:
        return render(
            request, "accounts/claims/invitation.html", {"errors": error.messages}, status=400
        )
    if request.method == "POST" and request.user.is_authenticated:
        try:
            claims.manager_invitation_accept(
                token=token, user=_user(request), base_url=_base_url(request)
            )
        except ValidationError as error:
            context = {"invitation": invite, "errors": error.messages}
            return render(request, "accounts/claims/invitation.html", context, status=400)
        messages.success(
            request, _("You now manage %(cluster)s.") % {"cluster": invite.cluster.name}
        )
        return HttpResponseRedirect(reverse("accounts:dashboard"))
    return render(request, "accounts/claims/invitation.html", {"invitation": invite})
