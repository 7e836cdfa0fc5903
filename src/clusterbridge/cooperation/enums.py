from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ContactRequestStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("contact request", "open")
    # Sent to a cluster that nobody manages on the platform yet: kept until the cluster gets
    # its first managers, then delivered (open). Never reported as delivered before that.
    HELD = "held", pgettext_lazy("contact request", "held")
    ACCEPTED = "accepted", pgettext_lazy("contact request", "accepted")
    DECLINED = "declined", pgettext_lazy("contact request", "declined")
    WITHDRAWN = "withdrawn", pgettext_lazy("contact request", "withdrawn")


# What the sender of a held request is told, on the page and in the API.
HELD_NOTICE = _(
    "This cluster has not joined clusterbridge yet. We will deliver your request when it does, "
    "and tell you."
)

# Requests nobody has answered yet: at most one per pair of clusters, and the sender may take
# them back.
UNANSWERED_STATUSES: tuple[ContactRequestStatus, ...] = (
    ContactRequestStatus.OPEN,
    ContactRequestStatus.HELD,
)


class PartnershipStage(models.TextChoices):
    """The stages of a partnership, in their order; `ENDED` closes it from any stage."""

    CONTACTED = "contacted", _("contacted")
    IN_TALKS = "in_talks", _("in talks")
    CONCEPT = "concept", _("concept")
    AGREEMENT = "agreement", _("agreement")
    ACTIVE = "active", _("active")
    ENDED = "ended", _("ended")


# The forward order of the open stages; `ENDED` is not part of it.
STAGE_ORDER: tuple[PartnershipStage, ...] = (
    PartnershipStage.CONTACTED,
    PartnershipStage.IN_TALKS,
    PartnershipStage.CONCEPT,
    PartnershipStage.AGREEMENT,
    PartnershipStage.ACTIVE,
)


def allowed_moves(stage: str) -> list[PartnershipStage]:
    """Where a partnership may go from `stage`: forward by one or more stages, or to ended from
    any open stage; an ended partnership can only be reopened in talks.

    Stages never move backwards: a partnership whose talks stall is ended, and reopened when
    the partners take them up again, so the history tells what really happened."""
    if stage == PartnershipStage.ENDED:
        return [PartnershipStage.IN_TALKS]
    position = STAGE_ORDER.index(PartnershipStage(stage))
    return [*STAGE_ORDER[position + 1 :], PartnershipStage.ENDED]


# Project ideas are worked out once the partners write their concept, and kept while the
# partnership lasts; in early talks there is nothing to work out yet.
IDEA_STAGES: tuple[PartnershipStage, ...] = (
    PartnershipStage.CONCEPT,
    PartnershipStage.AGREEMENT,
    PartnershipStage.ACTIVE,
)
