from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ClusterKind(models.TextChoices):
    LEADING_EDGE_CLUSTER = "leading-edge-cluster", _("Leading-Edge Cluster")
    FORWARD_LOOKING_PROJECT = "forward-looking-project", _("Forward-Looking Project")
    COMPARABLE_NETWORK = "comparable-network", _("Comparable network")
    CLUSTER = "cluster", pgettext_lazy("cluster kind", "Cluster or network")
    INTERNATIONAL_CLUSTER = "international-cluster", _("International cluster")
    INNOVATION_REGION = "innovation-region", _("Innovation region")


class Direction(models.TextChoices):
    """Whether a competence is something a cluster is strong at or looks for."""

    OFFERS = "offers", pgettext_lazy("competence", "offers")
    SEEKS = "seeks", pgettext_lazy("competence", "seeks")


class LocationPrecision(models.TextChoices):
    EXACT = "exact", _("exact")
    CITY = "city", _("city")
    REGION = "region", _("approximate (region)")


class Language(models.TextChoices):
    EN = "en", "English"
    DE = "de", "Deutsch"


class Provenance(models.TextChoices):
    """Where a fact comes from, so the page can say so."""

    SOURCE = "source", _("from the cited sources")
    DERIVED = "derived", _("derived starting point")
    MANAGER = "manager", _("entered by the cluster management")
