"""States and kinds of the funding programme. Every workflow is a TextChoices state with one
transition function in `services` (`application_transition`, `outline_decide`,
`project_transition`, `ipr_agreement_set_status`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ApplicationState(models.TextChoices):
    """The two-stage procedure of the real measure: a sketch reviewed by the jury (the
    independent selection panel), the panel's recommendation, the formal application, the
    agency's review and the approval."""

    DRAFT = "draft", _("Sketch draft")
    SUBMITTED = "submitted", _("Sketch submitted")
    RECOMMENDED = "recommended", _("Recommended by the panel")
    NOT_RECOMMENDED = "not_recommended", _("Not recommended")
    FORMAL_SUBMITTED = "formal_submitted", _("Formal application submitted")
    AGENCY_REVIEW = "agency_review", _("Under review by the agency")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class PhaseKind(models.TextChoices):
    CONCEPT = "concept", _("Concept phase")
    IMPLEMENTATION = "implementation", _("Implementation phase")


class DatePrecision(models.TextChoices):
    """How much of a published date is known: "2016-06" is a month, not the first of June."""

    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


class OutlineState(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("outline", "Submitted")
    APPROVED = "approved", pgettext_lazy("outline", "Approved")
    REJECTED = "rejected", pgettext_lazy("outline", "Rejected")


class ProjectState(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("project", "Planned")
    RUNNING = "running", pgettext_lazy("project", "Running")
    COMPLETED = "completed", pgettext_lazy("project", "Completed")
    CANCELLED = "cancelled", pgettext_lazy("project", "Cancelled")


class FundingStatus(models.TextChoices):
    """An international participant's own funding, from intention to a funder's confirmation."""

    PLANNED = "planned", pgettext_lazy("funding", "Planned")
    COMMITTED = "committed", pgettext_lazy("funding", "Committed")
    CONFIRMED = "confirmed", pgettext_lazy("funding", "Confirmed")


class IPRStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("IPR agreement", "Draft")
    NEGOTIATING = "negotiating", pgettext_lazy("IPR agreement", "Negotiating")
    SIGNED = "signed", pgettext_lazy("IPR agreement", "Signed")


class ConflictSource(models.TextChoices):
    """Where a conflict of interest comes from: the juror said so, or the data shows it."""

    DECLARED = "declared", _("declared by the juror")
    ORGANISATION = "organisation", _("juror's organisation runs or belongs to a cluster involved")
    MANAGER = "manager", _("juror manages a cluster involved")
