from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Platform-wide roles, held as Django groups. Cluster managers are tied to clusters instead."""

    INTERNATIONAL_PARTNER = "international_partner", _("International partner")
    JURY_MEMBER = "jury_member", _("Jury member")
    PROGRAMME_OFFICER = "programme_officer", _("Programme officer")
