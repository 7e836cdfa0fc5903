"""The cluster landscape: clusters, their management organisations, members and competences."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from clusterbridge.clusters import validators
from clusterbridge.clusters.enums import (
    ClusterKind,
    Direction,
    Language,
    LocationPrecision,
    Provenance,
)
from clusterbridge.taxonomy.models import Branch, MemberType, TechnologyField, ValueChainRole


class ManagementOrganisation(models.Model):
    """The legal entity that runs a cluster (Clustermanagement)."""

    name = models.CharField(_("name"), max_length=300, unique=True)
    website = models.URLField(_("website"), blank=True, validators=[validators.validate_url])
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("management organisation")
        verbose_name_plural = _("management organisations")

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    organisation = models.ForeignKey(
        ManagementOrganisation, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name


class Label(models.Model):
    """A distinction or programme membership, e.g. Leading-Edge Cluster 2008, go-cluster."""

    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    # Imports name a label in English only; the German name is added where it is known.
    name_de = models.CharField(_("name (German)"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("label")
        verbose_name_plural = _("labels")

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the active language (English where no German name is known)."""
        return label_display_name(self.name, self.name_de)


def label_display_name(name: str, name_de: str) -> str:
    return name_de if name_de and (get_language() or "en").startswith("de") else name


class FundingSource(models.Model):
    """A programme that funds or funded a cluster, in the programme's own words."""

    slug = models.SlugField(max_length=160, unique=True)
    name = models.CharField(_("name"), max_length=300)

    class Meta:
        ordering = ["name"]
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")

    def __str__(self) -> str:
        return self.name


class Cluster(models.Model):
    slug = models.SlugField(
        _("slug"), max_length=120, unique=True, validators=[validators.validate_slug]
    )
    name = models.CharField(_("name"), max_length=300)
    acronym = models.CharField(_("acronym"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=40, choices=ClusterKind.choices)
    kind_original = models.CharField(_("kind in the source's words"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, validators=[validators.validate_country])
    region = models.CharField(
        _("region (ISO 3166-2)"),
        max_length=6,
        blank=True,
        validators=[validators.validate_region],
    )
    region_name = models.CharField(_("region or city (as written)"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[validators.validate_latitude]
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[validators.validate_longitude]
    )
    location_precision = models.CharField(
        _("location precision"), max_length=10, choices=LocationPrecision.choices, blank=True
    )
    description_en = models.TextField(
        _("description (English)"),
        blank=True,
        validators=[MaxLengthValidator(validators.MAX_DESCRIPTION_LENGTH)],
    )
    description_de = models.TextField(
        _("description (German)"),
        blank=True,
        validators=[MaxLengthValidator(validators.MAX_DESCRIPTION_LENGTH)],
    )
    website = models.URLField(_("website"), blank=True, validators=[validators.validate_url])
    members_approx = models.PositiveIntegerField(
        _("members (approx.)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    management_organisation = models.ForeignKey(
        ManagementOrganisation,
        verbose_name=_("management organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clusters",
    )
    technology_fields = models.ManyToManyField(
        TechnologyField, verbose_name=_("technology fields"), related_name="clusters", blank=True
    )
    branches = models.ManyToManyField(
        Branch, verbose_name=_("branches"), related_name="clusters", blank=True
    )
    value_chain_roles = models.ManyToManyField(
        ValueChainRole, verbose_name=_("value-chain roles"), related_name="clusters", blank=True
    )
    labels = models.ManyToManyField(
        Label, verbose_name=_("labels"), related_name="clusters", blank=True
    )
    funding_sources = models.ManyToManyField(
        FundingSource, verbose_name=_("funding sources"), related_name="clusters", blank=True
    )
    # The source's own field words, kept next to the controlled vocabulary they were mapped to.
    field_terms = models.JSONField(_("field terms as published"), default=list, blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    sources = models.JSONField(_("sources"), default=list, blank=True)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("managers"),
        related_name="managed_clusters",
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        indexes = [
            models.Index(fields=["name", "id"]),
            models.Index(fields=["country", "name"]),
            models.Index(fields=["kind", "name"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="cluster_latitude_range",
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
            ),
            models.CheckConstraint(
                name="cluster_longitude_range",
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
            ),
            models.CheckConstraint(
                name="cluster_coordinates_together",
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
            ),
            models.CheckConstraint(
                name="cluster_kind_valid", condition=Q(kind__in=ClusterKind.values)
            ),
            models.CheckConstraint(
                name="cluster_region_in_country",
                condition=Q(region="") | Q(region__startswith=models.F("country")),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("clusters:detail", kwargs={"slug": self.slug})

    @property
    def is_german(self) -> bool:
        return self.country == "DE"

    @property
    def description(self) -> str:
        """The description in the active language, falling back to English."""
        if (get_language() or "en").startswith("de") and self.description_de:
            return self.description_de
        return self.description_en

    @property
    def description_is_fallback(self) -> bool:
        """True where a German page shows the English text because no German text exists."""
        return (
            (get_language() or "en").startswith("de")
            and not self.description_de
            and bool(self.description_en)
        )


class Competence(models.Model):
    """Something a cluster offers or seeks, as a short phrase."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="competences")
    direction = models.CharField(_("direction"), max_length=6, choices=Direction.choices)
    phrase = models.CharField(_("phrase"), max_length=validators.MAX_PHRASE_LENGTH)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.EN
    )
    technology_field = models.ForeignKey(
        TechnologyField,
        verbose_name=_("technology field"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="competences",
    )
    value_chain_role = models.ForeignKey(
        ValueChainRole,
        verbose_name=_("value-chain role"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="competences",
    )
    provenance = models.CharField(
        _("provenance"), max_length=10, choices=Provenance.choices, default=Provenance.SOURCE
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["cluster", "direction", "position", "pk"]
        verbose_name = _("competence")
        verbose_name_plural = _("competences")
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "direction", "phrase"], name="competence_unique_phrase"
            ),
            models.CheckConstraint(
                name="competence_direction_valid", condition=Q(direction__in=Direction.values)
            ),
            models.CheckConstraint(name="competence_phrase_not_empty", condition=~Q(phrase="")),
        ]

    def __str__(self) -> str:
        return f"{self.cluster} {self.direction}: {self.phrase}"


class MemberCount(models.Model):
    """How many members of one type a cluster has: the member mix."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="member_counts")
    member_type = models.ForeignKey(MemberType, on_delete=models.PROTECT, related_name="+")
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        ordering = ["member_type__position"]
        verbose_name = _("member count")
        verbose_name_plural = _("member mix")
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "member_type"], name="member_count_unique_type"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cluster}: {self.count} {self.member_type}"


class Member(models.Model):
    """A named member organisation, where the cluster publishes its members."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=300)
    member_type = models.ForeignKey(
        MemberType, verbose_name=_("member type"), on_delete=models.PROTECT, related_name="+"
    )
    website = models.URLField(_("website"), blank=True, validators=[validators.validate_url])

    class Meta:
        ordering = ["name"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(fields=["cluster", "name"], name="member_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name
