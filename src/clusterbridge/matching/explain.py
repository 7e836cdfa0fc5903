"""A recommendation in words: its parts as labelled numbers and two to five sentences, in the
active language."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from clusterbridge.matching.engine import PARTS, Match, MatchWeights
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
    "sameness": gettext_lazy(
        "offers what this cluster offers too, like a competitor: the more sameness, the lower "
        "the score"
    ),
}
# The one part that lowers the score.
PENALTY = "sameness"
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
    effect: float  # what the part adds to the score (negative for the penalty)


def _label(labels: dict[str, tuple[str, str]], slug: str) -> str:
    en, de = labels.get(slug, (slug, slug))
    return de if (get_language() or "en").startswith("de") else en


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def part_rows(match: Match, weights: MatchWeights) -> list[PartRow]:
    """Each part with its effect on the score: weight x part / sum of the positive weights,
    subtracted for sameness, so that the effects add up to the score (floored at 0)."""
    rows = []
    for name in PARTS:
        value = match.parts[name]
        effect = getattr(weights, name) * value / weights.positive_sum
        rows.append(
            PartRow(
                name=name,
                label=str(PART_LABELS[name]),
                help=str(PART_HELP[name]),
                value=value,
                percent=round(100 * max(0.0, min(1.0, value))),
                penalty=name == PENALTY,
                effect=round(-effect if name == PENALTY else effect, 4),
            )
        )
    return rows


def percent(value: float) -> str:
    return number_format(round(100 * value))


def _quoted(phrases: list[str]) -> str:
    return _join([_("“%(phrase)s”") % {"phrase": p} for p in phrases])


# At most this many of the candidate's other fields are named.
OTHER_FIELDS_NAMED = 3


def _offers_sentence(match: Match, a: str, b: str) -> str | None:
    """What B offers for A's needs: the phrase pairs close enough to be evidence; else B's
    offers that come closest to what A seeks; else what B offers at all. Each quotes B's own
    phrases, which is what sets one partner apart from the next."""
    pairs = list(match.offers_sought)
    if len(pairs) == 1:
        pair = pairs[0]
        if pair.offered.casefold() == pair.wanted.casefold():
            return _("%(b)s offers “%(offer)s”, which %(a)s seeks.") % {
                "a": a,
                "b": b,
                "offer": pair.offered,
            }
        return _("%(b)s offers “%(offer)s”, which matches what %(a)s seeks: “%(seek)s”.") % {
            "a": a,
            "b": b,
            "offer": pair.offered,
            "seek": pair.wanted,
        }
    if pairs:
        return _("%(b)s offers %(offers)s, which match what %(a)s seeks: %(seeks)s.") % {
            "a": a,
            "b": b,
            "offers": _quoted([p.offered for p in pairs]),
            "seeks": _quoted(list(dict.fromkeys(p.wanted for p in pairs))),
        }
    closest = list(match.closest_offers)
    if closest:
        return ngettext(
            "Of what %(b)s offers, %(offers)s comes closest to what %(a)s seeks: %(seeks)s.",
            "Of what %(b)s offers, %(offers)s come closest to what %(a)s seeks: %(seeks)s.",
            len(closest),
        ) % {
            "a": a,
            "b": b,
            "offers": _quoted([p.offered for p in closest]),
            "seeks": _quoted(list(dict.fromkeys(p.wanted for p in closest))),
        }
    offers = [p.text for p in match.candidate.offers[:2]]
    if offers:
        return _("%(b)s offers %(offers)s.") % {"b": b, "offers": _quoted(offers)}
    return None


def _seeks_sentence(match: Match, a: str, b: str) -> str | None:
    pairs = list(match.sought_offered)
    if len(pairs) == 1:
        pair = pairs[0]
        return _("%(b)s seeks “%(seek)s”, and %(a)s offers “%(offer)s”.") % {
            "a": a,
            "b": b,
            "offer": pair.offered,
            "seek": pair.wanted,
        }
    if pairs:
        return _("%(b)s seeks %(seeks)s, and %(a)s offers %(offers)s.") % {
            "a": a,
            "b": b,
            "seeks": _quoted([p.wanted for p in pairs]),
            "offers": _quoted(list(dict.fromkeys(p.offered for p in pairs))),
        }
    return None


def _profile_sentence(match: Match, labels: Labels, a: str) -> str | None:
    """The shared fields (or related areas), the candidate's other fields and its value-chain
    strengths where A is weak, in one sentence: apart, each of these repeats for most
    partners of a list; together they tell the partners apart."""
    shared = [_label(labels.fields, slug) for slug in match.shared_fields]
    other = [
        _label(labels.fields, slug)
        for slug in match.candidate.fields
        if slug not in match.shared_fields
    ][:OTHER_FIELDS_NAMED]
    roles = [_label(labels.roles, slug) for slug in match.strong_roles]
    values = {"a": a, "fields": _join(shared), "other": _join(other), "roles": _join(roles)}
    if shared:
        n = len(shared)
        if other and roles:
            text = ngettext(
                "It shares %(a)s's field %(fields)s, also works in %(other)s, and is strong "
                "in %(roles)s, where %(a)s is weak.",
                "It shares %(a)s's fields %(fields)s, also works in %(other)s, and is strong "
                "in %(roles)s, where %(a)s is weak.",
                n,
            )
        elif other:
            text = ngettext(
                "It shares %(a)s's field %(fields)s and also works in %(other)s.",
                "It shares %(a)s's fields %(fields)s and also works in %(other)s.",
                n,
            )
        elif roles:
            text = ngettext(
                "It shares %(a)s's field %(fields)s and is strong in %(roles)s, where %(a)s is "
                "weak.",
                "It shares %(a)s's fields %(fields)s and is strong in %(roles)s, where %(a)s "
                "is weak.",
                n,
            )
        else:
            text = ngettext(
                "It shares %(a)s's field %(fields)s.", "It shares %(a)s's fields %(fields)s.", n
            )
        return text % values
    if match.shared_branches:
        values["branches"] = _join(
            [_label(labels.branches, slug) for slug in match.shared_branches]
        )
        other = [_label(labels.fields, slug) for slug in match.candidate.fields]
        values["other"] = _join(other[:OTHER_FIELDS_NAMED])
        if other and roles:
            text = _(
                "It works in %(other)s, an area related to %(a)s's (%(branches)s), and is "
                "strong in %(roles)s, where %(a)s is weak."
            )
        elif other:
            text = _("It works in %(other)s, an area related to %(a)s's (%(branches)s).")
        elif roles:
            text = _(
                "It works in an area related to %(a)s's (%(branches)s) and is strong in "
                "%(roles)s, where %(a)s is weak."
            )
        else:
            text = _("It works in an area related to %(a)s's: %(branches)s.")
        return text % values
    if roles:
        return _("It is strong in %(roles)s, where %(a)s is weak.") % values
    return None


FEASIBILITY_FACTS = {
    "has_management": gettext_lazy("has a management organisation"),
    "states_funding": gettext_lazy("states funding of its own"),
    "international": gettext_lazy("has international experience"),
}


def _feasibility_sentence(match: Match) -> str | None:
    """The feasibility facts the data states; unknown ones are left unsaid (they count half
    in the score, and the part's help says so)."""
    facts = [str(FEASIBILITY_FACTS[name]) for name, known in match.feasibility.items() if known]
    if not facts:
        return None
    return _("For the programme, it %(facts)s.") % {"facts": _join(facts)}


def sentences(match: Match, labels: Labels) -> list[str]:
    """Two to five sentences, each naming what sets this candidate apart: its offers that
    match (or come closest to) what the cluster seeks, what it seeks that the cluster offers,
    its fields, other fields and value-chain strengths, the feasibility facts the data states,
    and a warning where it looks like a competitor."""
    a, b = match.source.name, match.candidate.name
    said = [
        text
        for text in (
            _offers_sentence(match, a, b),
            _seeks_sentence(match, a, b),
            _profile_sentence(match, labels, a),
            _feasibility_sentence(match),
        )
        if text
    ]
    if match.same_offers and match.parts.get("sameness", 0) >= SAMENESS_WARNING:
        pair = match.same_offers[0]
        said.append(
            _("Like %(a)s, it offers “%(offer)s”: it may be a competitor.")
            % {"a": a, "offer": pair.offered}
        )
    if len(said) < 2:
        said.append(
            _("Overall fit %(score)s of 100, from its shared domain and profile.")
            % {"score": percent(match.score)}
        )
    return said


@dataclass(frozen=True)
class Repetition:
    """How many explanation sentences of ranked lists also stand, word for word, under another
    partner of the same list (the measure of explanations that fail to tell partners apart)."""

    sentences: int
    repeated: int

    @property
    def share(self) -> float:
        return round(self.repeated / self.sentences, 4) if self.sentences else 0.0


def repetition(lists: Iterable[Sequence[Sequence[str]]]) -> Repetition:
    """`lists`: for each ranked list, each partner's sentences."""
    total = repeated = 0
    for partners in lists:
        owners: dict[str, set[int]] = {}
        for j, said in enumerate(partners):
            for text in said:
                owners.setdefault(text, set()).add(j)
        for said in partners:
            total += len(said)
            repeated += sum(len(owners[text]) > 1 for text in said)
    return Repetition(sentences=total, repeated=repeated)


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
