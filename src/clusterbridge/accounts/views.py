from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clusterbridge.accounts.forms import ApiTokenForm, ThrottledAuthenticationForm
from clusterbridge.accounts.models import User
from clusterbridge.accounts.services import api_token_create, api_token_revoke
from clusterbridge.clusters.selectors import clusters_editable_by


class LoginView(auth_views.LoginView):
    authentication_form = ThrottledAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = api_token_create(user=user, name=form.cleaned_data["name"])
        form = ApiTokenForm()
    context = {
        "clusters": clusters_editable_by(user).order_by("name"),
        "tokens": user.api_tokens.order_by("-created_at"),
        "form": form,
        "new_key": new_key,
    }
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    token = get_object_or_404(user.api_tokens, pk=pk)
    api_token_revoke(token=token, actor=user)
    messages.success(request, _("The token was revoked."))
    return HttpResponseRedirect(reverse("accounts:profile"))
