from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from clusterbridge.clusters.enums import ClusterKind, Direction
from clusterbridge.clusters.models import Cluster
from clusterbridge.clusters.validators import MAX_PHRASE_LENGTH, normalise_website
from clusterbridge.taxonomy.models import TechnologyField


class PhraseListField(forms.CharField):
    """One phrase per line."""

    widget = forms.Textarea(attrs={"rows": 5})

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        phrases: list[str] = []
        for line in text.splitlines():
            line = line.strip()
            if line and line not in phrases:
                phrases.append(line)
        return phrases

    def validate(self, value: Any) -> None:
        for phrase in value:
            if len(phrase) > MAX_PHRASE_LENGTH:
                raise forms.ValidationError(
                    _("“%(start)s…” is longer than %(max)s characters."),
                    params={"start": phrase[:30], "max": MAX_PHRASE_LENGTH},
                )


class ClusterProfileForm(forms.ModelForm):
    technology_fields = forms.ModelMultipleChoiceField(
        queryset=TechnologyField.objects.order_by("label_en"),
        required=False,
        # Checkboxes in a scrolling list: several are picked without Ctrl-click.
        widget=forms.CheckboxSelectMultiple(
            attrs={"class": "choice-list", "data-filter-label": _("Filter the fields by name")}
        ),
        label=_("Technology fields"),
    )
    competences_offered = PhraseListField(
        required=False,
        label=_("Competences offered"),
        help_text=_("What your cluster is strong at, one short phrase per line."),
    )
    competences_sought = PhraseListField(
        required=False,
        label=_("Competences sought"),
        help_text=_("What you look for in partners abroad, one short phrase per line."),
    )
    website = forms.CharField(required=False, label=_("Website"), max_length=300)

    class Meta:
        model = Cluster
        fields = [
            "name",
            "acronym",
            "website",
            "city",
            "members_approx",
            "description_en",
            "description_de",
        ]
        widgets = {
            "description_en": forms.Textarea(attrs={"rows": 6}),
            "description_de": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            competences = list(self.instance.competences.all())
            self.initial["technology_fields"] = list(self.instance.technology_fields.all())
            for direction in Direction:
                self.initial[f"competences_{direction}"] = "\n".join(
                    c.phrase for c in competences if c.direction == direction
                )

    def clean_website(self) -> str:
        return normalise_website(self.cleaned_data.get("website") or "")


class ClusterFilterForm(forms.Form):
    """The list page's filters; several values of one filter widen the list."""

    q = forms.CharField(required=False, max_length=200, label=_("Name contains"))
    country = forms.MultipleChoiceField(required=False, label=_("Country"))
    field = forms.MultipleChoiceField(required=False, label=_("Technology field"))
    kind = forms.MultipleChoiceField(required=False, choices=ClusterKind.choices, label=_("Kind"))
