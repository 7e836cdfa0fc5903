from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clusterbridge.accounts import outbox
from clusterbridge.accounts.dashboard import dashboard_for
from clusterbridge.accounts.forms import AccountDeleteForm, ApiTokenForm, PreferencesForm
from clusterbridge.accounts.models import User
from clusterbridge.accounts.services import api_token_create, api_token_revoke, user_delete
from clusterbridge.clusters.selectors import clusters_editable_by


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    return render(request, "accounts/dashboard.html", {"board": dashboard_for(user)})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = api_token_create(user=user, name=form.cleaned_data["name"])
        form = ApiTokenForm()
    context = _profile_context(user, form=form, new_key=new_key)
    return render(request, "accounts/profile.html", context)


def _profile_context(
    user: User,
    *,
    form: ApiTokenForm | None = None,
    preferences_form: PreferencesForm | None = None,
    new_key: str | None = None,
) -> dict[str, object]:
    """The account page's parts; a failed form is passed in so that it keeps what was typed."""
    return {
        "clusters": clusters_editable_by(user).order_by("name"),
        "tokens": user.api_tokens.order_by("-created_at"),
        "form": form if form is not None else ApiTokenForm(),
        "new_key": new_key,
        "preferences_form": (
            preferences_form if preferences_form is not None else PreferencesForm(instance=user)
        ),
    }


@login_required
@require_POST
def preferences(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = PreferencesForm(request.POST, instance=user)
    if not form.is_valid():
        context = _profile_context(user, preferences_form=form)
        return render(request, "accounts/profile.html", context, status=400)
    form.save()
    language = form.cleaned_data["preferred_language"]
    with translation.override(language):
        messages.success(request, _("Your details were saved."))
        response = HttpResponseRedirect(reverse("accounts:profile"))
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    token = get_object_or_404(user.api_tokens, pk=pk)
    api_token_revoke(token=token, actor=user)
    messages.success(request, _("The token was revoked."))
    return HttpResponseRedirect(reverse("accounts:profile"))


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = AccountDeleteForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            user_delete(user=user, actor=user)
        except ValidationError as error:
            form.add_error(None, error.message_dict.get("password", error.messages))
        else:
            logout(request)
            messages.success(request, _("Your account was deleted."))
            return HttpResponseRedirect(reverse("web:home"))
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/delete.html", {"form": form}, status=status)


def _outbox_open() -> None:
    if (
        not settings.DEBUG
        or settings.EMAIL_BACKEND != "clusterbridge.accounts.outbox.OutboxBackend"
    ):
        raise Http404


def outbox_list(request: HttpRequest) -> HttpResponse:
    _outbox_open()
    return render(request, "accounts/outbox_list.html", {"mails": outbox.outbox_list()})


def outbox_detail(request: HttpRequest, key: str) -> HttpResponse:
    _outbox_open()
    mail = outbox.outbox_get(key=key)
    if mail is None:
        raise Http404
    return render(request, "accounts/outbox_detail.html", {"mail": mail})
