from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from clusterbridge.cooperation import validators
from clusterbridge.cooperation.enums import PartnershipStage


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
        help_text=_(
            "Introduce your cluster and say why you are getting in touch "
            "(%(min)d to %(max)d characters, plain text)."
        )
        % {"min": validators.MESSAGE_MIN_LENGTH, "max": validators.MESSAGE_MAX_LENGTH},
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
