"""What each audit action says, in one place (as pretix keeps its log's display texts), so a
reader sees every action the log can hold and a test can check that each action written in
`src` has its sentence. Models are named by label, never imported: the audit app knows no
domain app. See `audit.messages` for the placeholders and how values are shown."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Text = str | Promise

# How a value is shown. Where a key names a field of the model an entry describes, the kind
# follows from the field; a `Key` sets it for the rest.
TEXT, PLAIN, NUMBER, MONEY, PERCENT = "text", "plain", "number", "money", "percent"
DATE, BOOL, COUNTRY, COUNTRIES, LIST = "date", "bool", "country", "countries", "list"
RANGE, USER, CHOICE, REF = "range", "user", "choice", "ref"
ROW, ROWS, MAP, HIDDEN = "row", "rows", "map", "hidden"


@dataclass(frozen=True)
class Key:
    """How one key of `changes` is named and shown where the model's field does not say it
    (or says it wrongly). `model` is "app.model": for REF the values are its rows (looked up
    by `by`, with `related` selected), for CHOICE the choices of its field `choice_field`,
    for ROW/ROWS the fields `row` name the items of each row, for MAP the mapping's keys are
    its rows. `pair` says whether the value is [before, after]; None follows the sentence."""

    label: Text = ""
    kind: str = ""
    model: str = ""
    by: str = "pk"
    choice_field: str = ""
    row: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    pair: bool | None = None


@dataclass(frozen=True)
class Sentence:
    """What an action says. `text` has the placeholders %(actor)s, %(target)s (the target as
    labelled when the entry was written), each key of `changes` (the value after a change),
    `<key>_before`, and the names in `target`: attribute paths read from the target as it is
    now, with `related` selected. A key the text uses is not repeated below it. `single`,
    where given, is said instead when the entry changes exactly one field, with %(field)s,
    %(before)s and %(after)s. `model` is the model whose fields the keys are (default: the
    target's); `pairs` says that every key holds [before, after] unless its `Key` says not."""

    text: Text
    single: Text = ""
    model: str = ""
    pairs: bool = False
    target: Mapping[str, str] = field(default_factory=dict)
    related: tuple[str, ...] = ()
    keys: Mapping[str, Key] = field(default_factory=dict)


# Keys that mean the same in every action.
KEYS: dict[str, Key] = {
    "justification": Key(label=_("justification"), kind=TEXT, pair=False),
    "note": Key(label=_("note"), kind=TEXT, pair=False),
    "reason": Key(label=_("reason"), kind=TEXT, pair=False),
    "review_removed": Key(label=_("review withdrawn"), kind=BOOL, pair=False),
    "late": Key(label=_("handed in late"), kind=BOOL, pair=False),
    "document_replaced": Key(label=_("document replaced"), kind=BOOL, pair=False),
    "participant": Key(label=_("participant"), kind=PLAIN, pair=False),
    "weighted_total": Key(label=_("weighted score"), kind=NUMBER, pair=False),
    "juror": Key(label=_("jury member"), kind=USER, pair=False),
    "range": Key(label=_("scores"), kind=RANGE, pair=False),
    "scores": Key(label=_("scores"), kind=MAP, model="programme.reviewcriterion"),
    "year": Key(kind=PLAIN),
    "country": Key(label=_("country"), kind=COUNTRY, pair=False),
}

_STATE = {"state": Key(kind=HIDDEN)}
_STATUS = {"status": Key(kind=HIDDEN)}
_GRANT = {"grant": "grant"}
_GRANT_RELATED = ("grant__application__cluster", "grant__application__round")
_CLUSTER = Key(kind=REF, model="clusters.cluster", by="slug")
_PARTNERSHIP = Key(
    kind=REF, model="cooperation.partnership", related=("german_cluster", "partner_cluster")
)


def _phase_plan(label: Text) -> Key:
    """A phase as planned when the grant is made: [starts, ends, budget]."""
    return Key(
        label=label, kind=ROW, model="programme.phase", row=("starts_on", "ends_on", "budget_eur")
    )


def _transition(text: Text) -> Sentence:
    return Sentence(text=text, pairs=True, keys=_STATE)


SENTENCES: dict[str, Sentence] = {
    # The programme and its rounds
    "programme.programme.updated": Sentence(
        text=_("%(actor)s changed the programme's rules."),
        single=_("%(actor)s changed the programme's %(field)s from %(before)s to %(after)s."),
        pairs=True,
    ),
    "programme.round.created": Sentence(text=_("%(actor)s created round %(year)s.")),
    "programme.round.updated": Sentence(
        text=_("%(actor)s changed round %(round)s."),
        single=_(
            "%(actor)s changed the %(field)s of round %(round)s from %(before)s to %(after)s."
        ),
        pairs=True,
        target={"round": "year"},
    ),
    "programme.criterion.created": Sentence(
        text=_("%(actor)s added the review criterion “%(criterion)s” to round %(round)s."),
        target={"criterion": "name", "round": "round.year"},
        related=("round",),
        keys={"name_en": Key(kind=HIDDEN)},
    ),
    # Applications
    "programme.application.created": Sentence(
        text=_("%(actor)s started a sketch for %(target)s."),
        keys={"round": Key(kind=HIDDEN)},
    ),
    "programme.application.updated": Sentence(
        text=_("%(actor)s edited the application of %(target)s."),
        single=_(
            "%(actor)s changed the %(field)s of the application of %(target)s "
            "from %(before)s to %(after)s."
        ),
        pairs=True,
    ),
    "programme.application.budget_changed": Sentence(
        text=_("%(actor)s changed the planned budget of %(target)s."),
        pairs=True,
        keys={
            "budget_lines": Key(
                label=_("planned budget"),
                kind=ROWS,
                model="programme.budgetline",
                row=("phase", "year", "amount_eur"),
            )
        },
    ),
    "programme.application.submitted": _transition(
        _("%(actor)s submitted the sketch of %(target)s.")
    ),
    "programme.application.recommended": _transition(
        _("%(actor)s recorded the panel's recommendation of %(target)s.")
    ),
    "programme.application.not_recommended": _transition(
        _("%(actor)s recorded that the panel does not recommend %(target)s.")
    ),
    "programme.application.formal_submitted": _transition(
        _("%(actor)s submitted the formal application of %(target)s.")
    ),
    "programme.application.agency_review": _transition(
        _("%(actor)s started the agency's review of the application of %(target)s.")
    ),
    "programme.application.approved": _transition(
        _("%(actor)s approved the application of %(target)s.")
    ),
    "programme.application.declined": _transition(
        _("%(actor)s declined the application of %(target)s.")
    ),
    "programme.application.withdrawn": _transition(
        _("%(actor)s withdrew the application of %(target)s.")
    ),
    # Review
    "programme.assignment.created": Sentence(
        text=_("%(actor)s asked %(juror)s to review the application of %(target)s.")
    ),
    "programme.assignment.deleted": Sentence(
        text=_(
            "%(actor)s took back the request to %(juror)s to review the application of %(target)s."
        )
    ),
    "programme.conflict.declared": Sentence(
        text=_("%(actor)s declared a conflict of interest with the application of %(target)s.")
    ),
    "programme.review.submitted": Sentence(
        text=_(
            "%(actor)s reviewed the application of %(target)s: weighted score %(weighted_total)s."
        )
    ),
    "programme.review.revised": Sentence(
        text=_(
            "%(actor)s revised the review of the application of %(target)s: "
            "weighted score %(weighted_total)s."
        )
    ),
    # Grants, phases, spending, reports
    "programme.grant.created": Sentence(
        text=_("%(actor)s made a grant of %(amount_eur)s to %(target)s."),
        keys={
            "concept": _phase_plan(_("Concept phase")),
            "implementation": _phase_plan(_("Implementation phase")),
        },
    ),
    "programme.grant.budget_changed": Sentence(
        text=_("%(actor)s changed the budget of the grant to %(target)s."),
        pairs=True,
        keys={
            "concept": Key(label=_("Concept phase"), kind=MONEY),
            "implementation": Key(label=_("Implementation phase"), kind=MONEY),
        },
    ),
    "programme.grant.funding_rate_changed": Sentence(
        text=_(
            "%(actor)s changed the federal funding rate of the grant to %(target)s "
            "from %(german_funding_rate_before)s to %(german_funding_rate)s."
        ),
        pairs=True,
    ),
    "programme.phase.added": Sentence(
        text=_("%(actor)s added the %(kind)s to the grant to %(grant)s."),
        target=_GRANT,
        related=_GRANT_RELATED,
        keys={"amount_eur": Key(label=_("grant amount"), kind=MONEY, pair=True)},
    ),
    "programme.phase.rescheduled": Sentence(
        text=_("%(actor)s moved the dates of the %(phase)s of the grant to %(grant)s."),
        pairs=True,
        target={"phase": "get_kind_display", "grant": "grant"},
        related=_GRANT_RELATED,
    ),
    "programme.expenditure.recorded": Sentence(
        text=_(
            "%(actor)s recorded spending of %(amount_eur)s on %(spent_on)s in the %(phase)s "
            "of the grant to %(target)s."
        ),
        model="programme.expenditure",
        keys={"phase": Key(kind=CHOICE, model="programme.phase", choice_field="kind")},
    ),
    "programme.report.scheduled": Sentence(
        text=_(
            "%(actor)s planned the report “%(title)s” for the grant to %(grant)s, "
            "due on %(due_on)s."
        ),
        target=_GRANT,
        related=_GRANT_RELATED,
    ),
    "programme.report.submitted": Sentence(
        text=_("%(actor)s marked the report “%(title)s” of the grant to %(grant)s as handed in."),
        target={"title": "title", "grant": "grant"},
        related=_GRANT_RELATED,
    ),
    "programme.report.reminded": Sentence(
        text=_(
            "%(actor)s reminded the managers of %(grant)s that the report “%(title)s” is due "
            "on %(due_on)s."
        ),
        target={"title": "title", "grant": "grant"},
        related=_GRANT_RELATED,
    ),
    "programme.report.late": Sentence(
        text=_(
            "%(actor)s flagged the report “%(title)s” of the grant to %(grant)s as late "
            "(due on %(due_on)s)."
        ),
        target={"title": "title", "grant": "grant"},
        related=_GRANT_RELATED,
    ),
    # Implementation
    "programme.concept.submitted": Sentence(
        text=_("%(actor)s handed in the internationalisation concept of %(grant)s."),
        target=_GRANT,
        related=_GRANT_RELATED,
    ),
    "programme.concept.revised": Sentence(
        text=_("%(actor)s revised the internationalisation concept of %(grant)s."),
        target=_GRANT,
        related=_GRANT_RELATED,
    ),
    "programme.outline.submitted": Sentence(
        text=_("%(actor)s handed in the project outline “%(title)s” for the grant to %(grant)s."),
        target=_GRANT,
        related=_GRANT_RELATED,
    ),
    "programme.outline.approved": _transition(
        _("%(actor)s approved the project outline “%(target)s”.")
    ),
    "programme.outline.rejected": _transition(
        _("%(actor)s rejected the project outline “%(target)s”.")
    ),
    "programme.project.created": Sentence(
        text=_("%(actor)s created the collaborative project “%(title)s”."),
        keys={
            "outline": Key(
                label=_("from the project outline"), kind=REF, model="programme.projectoutline"
            )
        },
    ),
    "programme.project.running": _transition(_("%(actor)s started the project “%(target)s”.")),
    "programme.project.completed": _transition(_("%(actor)s completed the project “%(target)s”.")),
    "programme.project.cancelled": _transition(_("%(actor)s cancelled the project “%(target)s”.")),
    "programme.participant.added": Sentence(
        text=_("%(actor)s added %(participant)s (%(country)s) to the project “%(target)s”.")
    ),
    "programme.funding.recorded": Sentence(
        text=_(
            "%(actor)s recorded the own funding of %(participant)s in the project “%(target)s”."
        ),
        model="programme.ownfunding",
        pairs=True,
    ),
    "programme.funding.updated": Sentence(
        text=_("%(actor)s changed the own funding of %(participant)s in the project “%(target)s”."),
        model="programme.ownfunding",
        pairs=True,
    ),
    "programme.ipr.updated": Sentence(
        text=_("%(actor)s updated the IPR agreement of the project “%(target)s”."),
        model="programme.ipragreement",
        pairs=True,
    ),
    "programme.ipr.draft": Sentence(
        text=_("%(actor)s set the IPR agreement of the project “%(target)s” back to draft."),
        model="programme.ipragreement",
        pairs=True,
        keys=_STATUS,
    ),
    "programme.ipr.negotiating": Sentence(
        text=_("%(actor)s started negotiating the IPR agreement of the project “%(target)s”."),
        model="programme.ipragreement",
        pairs=True,
        keys=_STATUS,
    ),
    "programme.ipr.signed": Sentence(
        text=_("%(actor)s recorded the signed IPR agreement of the project “%(target)s”."),
        model="programme.ipragreement",
        pairs=True,
        keys=_STATUS,
    ),
    # Accounts: claims, managers, accounts
    "accounts.claim.started": Sentence(
        text=_("%(actor)s asked to manage %(cluster)s; proof: %(route)s."),
        target={"cluster": "cluster"},
        related=("cluster",),
    ),
    "accounts.claim.approved": Sentence(
        text=_(
            "%(actor)s approved the request of %(person)s to manage %(cluster)s; proof: %(route)s."
        ),
        target={"cluster": "cluster"},
        related=("cluster",),
        keys={"person": Key(kind=REF, model="accounts.user")},
    ),
    "accounts.claim.rejected": Sentence(
        text=_("%(actor)s rejected the request of %(person)s to manage %(cluster)s."),
        target={"cluster": "cluster", "person": "user"},
        related=("cluster", "user"),
    ),
    "accounts.claim.withdrawn": Sentence(
        text=_("%(actor)s withdrew the request to manage %(cluster)s."),
        target={"cluster": "cluster"},
        related=("cluster",),
    ),
    "accounts.manager.invited": Sentence(
        text=_("%(actor)s invited %(email)s to manage %(cluster)s."),
        target={"cluster": "cluster"},
        related=("cluster",),
    ),
    "accounts.manager.joined": Sentence(
        text=_("%(actor)s joined the management of %(cluster)s."),
        target={"cluster": "cluster"},
        related=("cluster",),
    ),
    "accounts.manager.left": Sentence(
        text=_("%(actor)s left the management of %(target)s."),
        keys={"manager": Key(kind=HIDDEN)},
    ),
    "accounts.manager.removed": Sentence(
        text=_("%(actor)s removed %(manager)s from the management of %(target)s."),
        keys={"manager": Key(kind=REF, model="accounts.user")},
    ),
    # Who the account was is gone with it; the log keeps that it was deleted.
    "accounts.user.deleted": Sentence(text=_("%(actor)s deleted an account.")),
    # Cooperation
    "cooperation.contact_request.held": Sentence(
        text=_(
            "%(actor)s sent a contact request from %(from)s to %(to)s: “%(topic)s”; it waits "
            "until %(to)s has a manager."
        ),
        keys={"from": _CLUSTER, "to": _CLUSTER},
    ),
    "cooperation.contact_request.delivered": Sentence(
        text=_("%(actor)s delivered the waiting contact request %(target)s."),
        pairs=True,
        keys=_STATUS,
    ),
    "cooperation.message.posted": Sentence(
        text=_(
            "%(actor)s wrote a message of %(characters)s characters in the partnership "
            "%(partnership)s."
        ),
        keys={"partnership": _PARTNERSHIP, "characters": Key(kind=NUMBER)},
    ),
    "cooperation.partnership.addresses_shared": Sentence(
        text=_(
            "%(actor)s agreed that %(cluster)s shares its managers' e-mail addresses in the "
            "partnership %(target)s."
        ),
        keys={"cluster": _CLUSTER, "share": Key(kind=HIDDEN)},
    ),
    "cooperation.partnership.addresses_unshared": Sentence(
        text=_(
            "%(actor)s withdrew the agreement that %(cluster)s shares its managers' e-mail "
            "addresses in the partnership %(target)s."
        ),
        keys={"cluster": _CLUSTER, "share": Key(kind=HIDDEN)},
    ),
    "cooperation.contact_request.sent": Sentence(
        text=_("%(actor)s sent a contact request from %(from)s to %(to)s: “%(topic)s”."),
        keys={"from": _CLUSTER, "to": _CLUSTER},
    ),
    "cooperation.contact_request.accepted": Sentence(
        text=_("%(actor)s accepted the contact request %(target)s."),
        pairs=True,
        keys={**_STATUS, "partnership": Key(kind=HIDDEN)},
    ),
    "cooperation.contact_request.declined": Sentence(
        text=_("%(actor)s declined the contact request %(target)s."), pairs=True, keys=_STATUS
    ),
    "cooperation.contact_request.withdrawn": Sentence(
        text=_("%(actor)s withdrew the contact request %(target)s."), pairs=True, keys=_STATUS
    ),
    "cooperation.partnership.opened": Sentence(
        text=_("%(actor)s opened the partnership %(target)s in the stage “%(stage)s”."),
        keys={"contact_request": Key(kind=HIDDEN)},
    ),
    "cooperation.partnership.moved": Sentence(
        text=_(
            "%(actor)s moved the partnership %(target)s from the stage “%(stage_before)s” "
            "to “%(stage)s”."
        ),
        pairs=True,
    ),
    "cooperation.project_idea.created": Sentence(
        text=_(
            "%(actor)s proposed the project idea “%(title)s” in the partnership %(partnership)s."
        ),
        keys={"partnership": _PARTNERSHIP},
    ),
    "cooperation.project_idea.updated": Sentence(
        text=_("%(actor)s revised the project idea “%(target)s”."),
        single=_(
            "%(actor)s changed the %(field)s of the project idea “%(target)s” "
            "from %(before)s to %(after)s."
        ),
        pairs=True,
    ),
}
