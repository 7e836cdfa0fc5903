from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

from clusterbridge.cooperation import validators
from clusterbridge.cooperation.enums import PartnershipStage


def _fill_lazily(text: Promise, **values: Any) -> Any:
    """`text % values`, worked out when shown: `%` on a lazy string translates it at once, so a
    help text filled in at import time would stay in the language the process started in."""
    return lazy(lambda: str(text) % values, str)()


class ContactRequestForm(forms.Form):
    topic = forms.CharField(
        label=_("Proposed topic"),
        max_length=validators.TOPIC_MAX_LENGTH,
        help_text=_("What you would like to work on together, in a few words."),
    )
    message = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=validators.MESSAGE_MAX_LENGTH,
        help_text=_fill_lazily(
            _(
                "Introduce your cluster and say why you are getting in touch "
                "(%(min)d to %(max)d characters, plain text)."
            ),
            min=validators.MESSAGE_MIN_LENGTH,
            max=validators.MESSAGE_MAX_LENGTH,
        ),
    )

    def clean_topic(self) -> str:
        return validators.clean_topic(self.cleaned_data["topic"])

    def clean_message(self) -> str:
        return validators.clean_message(self.cleaned_data["message"])


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("Reply (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=validators.REPLY_MAX_LENGTH,
    )

    def clean_reply(self) -> str:
        return validators.clean_reply(self.cleaned_data["reply"])


class PartnershipMoveForm(forms.Form):
    stage = forms.ChoiceField(label=_("New stage"), choices=PartnershipStage.choices)
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=validators.NOTE_MAX_LENGTH,
    )

    def __init__(self, *args: object, allowed: list[PartnershipStage], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["stage"].choices = [(stage.value, stage.label) for stage in allowed]  # type: ignore[attr-defined]

    def clean_note(self) -> str:
        return validators.clean_note(self.cleaned_data["note"])


class ProjectIdeaForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=validators.TOPIC_MAX_LENGTH)
    summary = forms.CharField(
        label=_("Summary"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=validators.MESSAGE_MAX_LENGTH,
        help_text=_("What the project would do, who brings what, and what it needs."),
    )

    def clean_title(self) -> str:
        return validators.clean_topic(self.cleaned_data["title"])

    def clean_summary(self) -> str:
        return validators.clean_message(self.cleaned_data["summary"])


class MessageForm(forms.Form):
    # No `max_length` on the field: the validator's message says how long the text is and what
    # the limit is, the same words the API gives; the browser stops typing at the limit anyway.
    body = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": validators.BODY_MAX_LENGTH}),
        help_text=_fill_lazily(
            _("Plain text, at most %(max)d characters. The other side is told by e-mail."),
            max=validators.BODY_MAX_LENGTH,
        ),
    )

    def clean_body(self) -> str:
        return validators.clean_body(self.cleaned_data["body"])


class AddressSharingForm(forms.Form):
    cluster = forms.IntegerField(widget=forms.HiddenInput)
    share = forms.BooleanField(required=False, widget=forms.HiddenInput)
