"""A recommendation in words: its parts as labelled numbers and two to four sentences, in the
active language."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from clusterbridge.matching.engine import PARTS, Match
from clusterbridge.matching.selectors import Labels

PART_LABELS = {
    "shared_domain": gettext_lazy("Shared domain"),
    "offers_sought": gettext_lazy("Offers what you seek"),
    "sought_offered": gettext_lazy("Seeks what you offer"),
    "value_chain": gettext_lazy("Value-chain fit"),
    "feasibility": gettext_lazy("Feasibility"),
    "sameness": gettext_lazy("Sameness (penalty)"),
}
PART_HELP = {
    "shared_domain": gettext_lazy("technology fields and related areas in common"),
    "offers_sought": gettext_lazy("how well its offers cover what this cluster seeks"),
    "sought_offered": gettext_lazy("how well this cluster's offers cover what it seeks"),
    "value_chain": gettext_lazy("strong in the value-chain roles where this cluster is weak"),
    "feasibility": gettext_lazy(
        "management organisation, own funding, international experience (unknown counts half)"
    ),
    "sameness": gettext_lazy("offers what this cluster offers too: a competitor"),
}
# A sameness above this is worth a warning sentence.
SAMENESS_WARNING = 0.5


@dataclass(frozen=True)
class PartRow:
    name: str
    label: str
    help: str
    value: float
    percent: int
    penalty: bool


def _label(labels: dict[str, tuple[str, str]], slug: str) -> str:
    en, de = labels.get(slug, (slug, slug))
    return de if (get_language() or "en").startswith("de") else en


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def part_rows(match: Match) -> list[PartRow]:
    return [
        PartRow(
            name=name,
            label=str(PART_LABELS[name]),
            help=str(PART_HELP[name]),
            value=match.parts[name],
            percent=round(100 * max(0.0, min(1.0, match.parts[name]))),
            penalty=name == "sameness",
        )
        for name in PARTS
    ]


def percent(value: float) -> str:
    return number_format(round(100 * value))


def sentences(match: Match, labels: Labels) -> list[str]:
    """Two to four sentences: what the candidate offers that the cluster seeks, what it seeks
    that the cluster offers, the shared fields (or related areas), its value-chain strengths,
    and a warning where it looks like a competitor."""
    a, b = match.source.name, match.candidate.name
    said: list[str] = []
    if match.offers_sought:
        pair = match.offers_sought[0]
        if pair.offered.casefold() == pair.wanted.casefold():
            said.append(
                _("%(b)s offers “%(offer)s”, which %(a)s seeks.")
                % {"a": a, "b": b, "offer": pair.offered}
            )
        else:
            said.append(
                _("%(b)s offers “%(offer)s”, which matches what %(a)s seeks: “%(seek)s”.")
                % {"a": a, "b": b, "offer": pair.offered, "seek": pair.wanted}
            )
    if match.sought_offered:
        pair = match.sought_offered[0]
        said.append(
            _("%(b)s seeks “%(seek)s”, and %(a)s offers “%(offer)s”.")
            % {"a": a, "b": b, "offer": pair.offered, "seek": pair.wanted}
        )
    if match.shared_fields:
        names = [_label(labels.fields, slug) for slug in match.shared_fields]
        said.append(
            ngettext(
                "It shares %(a)s's field %(fields)s.",
                "It shares %(a)s's fields %(fields)s.",
                len(names),
            )
            % {"a": a, "fields": _join(names)}
        )
    elif match.shared_branches:
        names = [_label(labels.branches, slug) for slug in match.shared_branches]
        said.append(
            _("It works in an area related to %(a)s's: %(branches)s.")
            % {"a": a, "branches": _join(names)}
        )
    if match.strong_roles and len(said) < 4:
        names = [_label(labels.roles, slug) for slug in match.strong_roles]
        said.append(
            _("It is strong in %(roles)s, where %(a)s is weak.") % {"a": a, "roles": _join(names)}
        )
    if match.same_offers and match.parts.get("sameness", 0) >= SAMENESS_WARNING:
        pair = match.same_offers[0]
        warning = _("Like %(a)s, it offers “%(offer)s”: it may be a competitor.") % {
            "a": a,
            "offer": pair.offered,
        }
        said = [*said[:3], warning]
    if len(said) < 2:
        said.append(
            _("Overall fit %(score)s of 100, from its shared domain and profile.")
            % {"score": percent(match.score)}
        )
    return said[:4]


def similar_sentence(match: Match, labels: Labels) -> str:
    names = [_label(labels.fields, slug) for slug in match.shared_fields]
    if names:
        return ngettext(
            "Shares the field %(fields)s.", "Shares the fields %(fields)s.", len(names)
        ) % {"fields": _join(names)}
    return _("Works in a related area.")


MISSING_HELP = {
    "competences": gettext_lazy(
        "Matchmaking compares what clusters offer and seek. This profile lists no competences "
        "yet: add a few short phrases for what the cluster is strong at (offers) and for what "
        "it looks for in partners (seeks), for example “carbon fibre recycling”, in English "
        "or German."
    ),
    "offers": gettext_lazy(
        "No competences offered yet: partners who seek what this cluster can do cannot be "
        "found. Add what the cluster is strong at."
    ),
    "seeks": gettext_lazy(
        "No competences sought yet: the ranking cannot tell who offers what this cluster "
        "needs. Add what it looks for in partners."
    ),
    "fields": gettext_lazy(
        "No technology fields yet: partners must share a field to be candidates. Add the "
        "cluster's technology fields."
    ),
}


def missing_help(missing: list[str] | tuple[str, ...]) -> list[str]:
    return [str(MISSING_HELP[name]) for name in missing if name in MISSING_HELP]
