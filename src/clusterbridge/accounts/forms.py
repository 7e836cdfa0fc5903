from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from clusterbridge.accounts.models import User

LANGUAGE_CHOICES = [("en", "English"), ("de", "Deutsch")]


class SignupDetailsForm(forms.Form):
    """What sign-up asks beyond the address and password (django-allauth adds those)."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        required=False,
        help_text=_("Where you work, e.g. the cluster's management organisation."),
    )
    preferred_language = forms.ChoiceField(
        label=_("Language for mails and pages"), choices=LANGUAGE_CHOICES
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
        self.fields["preferred_language"].initial = language if language == "de" else "en"

    def signup(self, request: HttpRequest, user: User) -> None:
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.organisation = self.cleaned_data["organisation"]
        user.preferred_language = self.cleaned_data["preferred_language"]
        user.save(update_fields=["first_name", "last_name", "organisation", "preferred_language"])


class PreferencesForm(forms.ModelForm):
    preferred_language = forms.ChoiceField(
        label=_("Language for mails and pages"), choices=LANGUAGE_CHOICES
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "organisation", "preferred_language"]


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To confirm that it is you."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."), code="wrong_password")
        return password


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=100, help_text=_("What the token is for, e.g. a script.")
    )


class ClaimForm(forms.Form):
    """Either a work address at the cluster's web domain, or a note for the reviewers."""

    route = forms.ChoiceField(
        label=_("How do you show that you work for the cluster?"),
        choices=[
            ("domain", _("With my work e-mail address at the cluster's web domain")),
            ("review", _("Through a review by the programme office")),
        ],
        widget=forms.RadioSelect,
        initial="domain",
    )
    email = forms.EmailField(
        label=_("Work e-mail address"),
        required=False,
        help_text=_("We send a link there; following it makes you a manager at once."),
    )
    note = forms.CharField(
        label=_("Note to the reviewers"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Who you are, your role in the cluster, and how the reviewers can check it."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("route") == "domain" and not cleaned.get("email"):
            self.add_error("email", _("Enter your work e-mail address."))
        if cleaned.get("route") == "review" and not (cleaned.get("note") or "").strip():
            self.add_error(
                "note", _("Tell the reviewers who you are and how you work for the cluster.")
            )
        return cleaned


class ClaimDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Reason (sent to the person; required when rejecting)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's e-mail address"))
