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


# The display sentence of every audit action the programme's services write, in the reader's
# language (the entries themselves keep the stable dotted name).
AUDIT_ACTIONS = {
    "programme.programme.updated": _("changed the programme's rules"),
    "programme.round.created": _("created the round"),
    "programme.round.updated": _("changed the round"),
    "programme.criterion.created": _("added a review criterion"),
    "programme.application.created": _("started a sketch"),
    "programme.application.updated": _("edited the application"),
    "programme.application.budget_changed": _("changed the planned budget"),
    "programme.application.submitted": _("submitted the sketch"),
    "programme.application.recommended": _("recommended the application (panel)"),
    "programme.application.not_recommended": _("did not recommend the application (panel)"),
    "programme.application.formal_submitted": _("submitted the formal application"),
    "programme.application.agency_review": _("started the agency's review"),
    "programme.application.approved": _("approved the application"),
    "programme.application.declined": _("declined the application"),
    "programme.application.withdrawn": _("withdrew the application"),
    "programme.assignment.created": _("assigned a juror"),
    "programme.assignment.deleted": _("removed a juror's assignment"),
    "programme.conflict.declared": _("declared a conflict of interest"),
    "programme.review.submitted": _("submitted a review"),
    "programme.review.revised": _("revised a review"),
    "programme.grant.created": _("made the grant"),
    "programme.grant.budget_changed": _("changed the grant's budget"),
    "programme.grant.funding_rate_changed": _("changed the funding rate for German partners"),
    "programme.phase.rescheduled": _("moved a phase's dates"),
    "programme.phase.added": _("added a phase to the grant"),
    "programme.expenditure.recorded": _("recorded spending"),
    "programme.report.scheduled": _("planned a report"),
    "programme.report.submitted": _("marked a report as submitted"),
    "programme.report.reminded": _("sent a report reminder"),
    "programme.report.late": _("flagged a report as late"),
    "programme.concept.submitted": _("handed in the internationalisation concept"),
    "programme.concept.revised": _("revised the internationalisation concept"),
    "programme.outline.submitted": _("handed in a project outline"),
    "programme.outline.approved": _("approved a project outline"),
    "programme.outline.rejected": _("rejected a project outline"),
    "programme.project.created": _("created a collaborative project"),
    "programme.project.running": _("started the project"),
    "programme.project.completed": _("completed the project"),
    "programme.project.cancelled": _("cancelled the project"),
    "programme.participant.added": _("added a participant"),
    "programme.funding.recorded": _("recorded a partner's own funding"),
    "programme.funding.updated": _("changed a partner's own funding"),
    "programme.ipr.updated": _("updated the IPR agreement"),
    "programme.ipr.draft": _("set the IPR agreement back to draft"),
    "programme.ipr.negotiating": _("started negotiating the IPR agreement"),
    "programme.ipr.signed": _("recorded the signed IPR agreement"),
}


def audit_action_label(action: str) -> str:
    """The sentence for an audit action, or the dotted name where none is known."""
    label = AUDIT_ACTIONS.get(action)
    return str(label) if label is not None else action
