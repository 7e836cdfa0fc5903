"""The audit log in the reader's language. Entries keep stable, language-free data (dotted
action names, field names, choice values, ISO dates, amounts as strings); this module turns
them into sentences when they are read: "Anna Officer changed the budget of round 2016 from
EUR 40,000,000 to EUR 45,000,000." Field names become the models' verbose names, choice
values their labels; money, percentages and dates are formatted for the active language.

What each action says lives in `audit.sentences`. The audit app imports no domain app: it
names models by label ("programme.round") and reads their fields through the app registry.
`describe` needs a fixed number of queries per page, however many entries it shows."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from clusterbridge.accounts.models import User, display_name
from clusterbridge.audit.models import AuditEntry
from clusterbridge.audit.sentences import (
    BOOL,
    CHOICE,
    COUNTRIES,
    COUNTRY,
    DATE,
    HIDDEN,
    KEYS,
    LIST,
    MAP,
    MONEY,
    NUMBER,
    PERCENT,
    PLAIN,
    RANGE,
    REF,
    ROW,
    ROWS,
    SENTENCES,
    TEXT,
    USER,
    Key,
    Sentence,
)
from clusterbridge.taxonomy.geo import country_name

LONG_TEXT = 120
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
_NO_SENTENCE = Sentence(text="")


@dataclass(frozen=True)
class AuditLine:
    """One entry as the reader sees it: who, the sentence, and what else changed."""

    entry: AuditEntry
    actor: str
    sentence: str
    details: list[str]


def describe(entries: Iterable[AuditEntry]) -> list[AuditLine]:
    """Each entry as a sentence in the active language. Select `actor` with the entries."""
    listed = list(entries)
    lookups = _lookups(listed)
    return [_line(entry, lookups) for entry in listed]


# Keys: what a key of `changes` is called and how its values are shown -------------------------


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    # A reverse relation (a grant's `concept`) is not a field of this model's rows.
    return None if isinstance(model_field, models.ForeignObjectRel) else model_field


def _field_kind(model_field: Any) -> str:
    name = model_field.name
    if name.endswith("countries"):
        return COUNTRIES
    if name == "country":
        return COUNTRY
    if name.endswith("_rate"):
        return PERCENT
    if isinstance(model_field, models.DecimalField) and name.endswith("_eur"):
        return MONEY
    if isinstance(model_field, models.DateField):
        return DATE
    if isinstance(model_field, models.BooleanField):
        return BOOL
    if isinstance(model_field, models.DecimalField | models.IntegerField):
        return NUMBER
    if isinstance(model_field, models.JSONField):
        return LIST
    return TEXT


def _from_field(model: type[models.Model], model_field: Any) -> Key:
    # The formatted value states the currency, so the label need not.
    label = re.sub(r"\s*\((EUR|€)\)\s*$", "", str(model_field.verbose_name))
    if model_field.is_relation and model_field.related_model is not None:
        return Key(label=label, kind=REF, model=model_field.related_model._meta.label_lower)
    if model_field.choices:
        return Key(
            label=label,
            kind=CHOICE,
            model=model._meta.label_lower,
            choice_field=model_field.name,
        )
    return Key(label=label, kind=_field_kind(model_field))


def _key(sentence: Sentence, name: str, model: type[models.Model] | None) -> Key:
    """The sentence's own Key for `name`, else the shared one, completed from the model's
    field where the model has one."""
    given = sentence.keys.get(name) or KEYS.get(name)
    model_field = _field(model, name)
    if model_field is None or model is None:
        return given or Key(label=name.replace("_", " "), kind=TEXT)
    derived = _from_field(model, model_field)
    if given is None:
        return derived
    return Key(
        label=given.label or derived.label,
        kind=given.kind or derived.kind,
        model=given.model or derived.model,
        by=given.by,
        choice_field=given.choice_field or derived.choice_field,
        row=given.row,
        related=given.related,
        pair=given.pair,
    )


def _is_pair(value: Any, key: Key, sentence: Sentence) -> bool:
    pair = sentence.pairs if key.pair is None else key.pair
    return pair and isinstance(value, list | tuple) and len(value) == 2


# Values ----------------------------------------------------------------------------------------


@dataclass
class _Lookups:
    """Names of the rows and users the entries refer to, fetched once per page."""

    refs: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)
    targets: dict[tuple[str, str], models.Model] = field(default_factory=dict)


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _number(value: Any) -> str:
    number = _decimal(value)
    if number is None:
        return str(value)
    if number == number.to_integral_value():
        return formats.number_format(int(number), use_l10n=True)
    return formats.number_format(number.normalize(), use_l10n=True)


def money(value: Any) -> str:
    """An amount in euros as the reader writes it: EUR 40,000,000 / 40.000.000 EUR."""
    number = _decimal(value)
    if number is None:
        return str(value)
    places = 0 if number == number.to_integral_value() else 2
    amount = formats.number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)
    return _("EUR %(amount)s") % {"amount": amount}


def _date(value: Any) -> str:
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return formats.date_format(day, "DATE_FORMAT", use_l10n=True)


def _text(value: Any, *, quote: bool) -> str:
    text = " ".join(str(value).split())
    if len(text) > LONG_TEXT:
        text = text[: LONG_TEXT - 1].rstrip() + "…"
    return _("“%(text)s”") % {"text": text} if quote else text


def _choice(key: Key, value: Any) -> str:
    model_field = _field(_model(key.model), key.choice_field)
    for choice, label in getattr(model_field, "flatchoices", ()):
        if choice == value:
            return str(label)
    return str(value)


def _show(value: Any, key: Key, lookups: _Lookups, *, quote: bool = True) -> str:
    """`value` as the reader should see it; a text in quotes unless the sentence that shows it
    quotes it itself (`quote=False`)."""
    kind = key.kind
    if value is None or value == "" or (value == [] and kind != ROWS):
        return _("not set")
    if kind in {COUNTRIES, LIST, REF} and isinstance(value, list | tuple):
        item_kind = {COUNTRIES: COUNTRY, LIST: PLAIN, REF: REF}[kind]
        item = Key(kind=item_kind, model=key.model, by=key.by)
        return ", ".join(_show(part, item, lookups) for part in value)
    if kind in {ROW, ROWS} and isinstance(value, list | tuple):
        rows = value if kind == ROWS else [value]
        return "; ".join(_row(row, key, lookups) for row in rows) or _("none")
    if kind == RANGE and isinstance(value, list | tuple) and len(value) == 2:
        return "\u2013".join((_number(value[0]), _number(value[1])))
    if kind == MONEY:
        return money(value)
    if kind == PERCENT:
        number = _decimal(value)
        return (
            str(value)
            if number is None
            else _("%(percent)s %%") % {"percent": _number(number * 100)}
        )
    simple = {
        DATE: _date,
        NUMBER: _number,
        COUNTRY: lambda code: country_name(str(code)),
        BOOL: lambda flag: _("yes") if flag else _("no"),
        USER: lambda name: lookups.users.get(str(name), str(name)),
        CHOICE: lambda choice: _choice(key, choice),
        REF: lambda ref: lookups.refs.get((key.model, key.by), {}).get(str(ref), _("(removed)")),
    }
    if kind in simple:
        return simple[kind](value)
    if isinstance(value, dict | list | tuple):
        return _("changed")
    return _text(value, quote=quote) if kind == TEXT else str(value)


def _row(row: Any, key: Key, lookups: _Lookups) -> str:
    """One row of a list of rows (a budget line, a planned phase); a start and an end date
    next to each other read as a span."""
    model = _model(key.model)
    items = row if isinstance(row, list | tuple) else [row]
    parts: list[str] = []
    last_kind = ""
    for name, item in zip(key.row, items, strict=False):
        item_key = _key(_NO_SENTENCE, name, model)
        shown = _show(item, item_key, lookups)
        if item_key.kind == DATE and last_kind == DATE:
            parts[-1] = f"{parts[-1]} \u2013 {shown}"
        else:
            parts.append(shown)
        last_kind = item_key.kind
    return ", ".join(parts)


# Sentences -------------------------------------------------------------------------------------


def _name(row: Any) -> str:
    """A row as the reader knows it; a person as they are named to others."""
    return display_name(row) if isinstance(row, User) else str(row)


def _actor(entry: AuditEntry) -> str:
    if entry.actor is not None:
        return display_name(entry.actor)
    return entry.actor_name or _("The system")


def _target_values(entry: AuditEntry, sentence: Sentence, lookups: _Lookups) -> dict[str, str]:
    """%(target)s as labelled when written, and the names in `sentence.target` as they are
    now (the label where the target is gone)."""
    values = {"target": entry.target_label}
    target = lookups.targets.get((entry.target_type, entry.target_id))
    for name, path in sentence.target.items():
        value: Any = target
        for part in path.split(".") if target is not None else ():
            value = getattr(value, part)
        values[name] = (
            entry.target_label if target is None else _name(value() if callable(value) else value)
        )
    return values


def _change(label: str, before: str | None, after: str) -> str:
    if before is None:
        return _("%(field)s: %(value)s") % {"field": capfirst(label), "value": after}
    return _("%(field)s: from %(before)s to %(after)s") % {
        "field": capfirst(label),
        "before": before,
        "after": after,
    }


def _details(entry: AuditEntry, sentence: Sentence, used: set[str], lookups: _Lookups) -> list[str]:
    """A line for each change the sentence does not tell."""
    model = _model(sentence.model or entry.target_type)
    # In the order of the model's fields (a form's order), the rest after them.
    order = [f.name for f in model._meta.get_fields()] if model is not None else []
    changes = sorted(
        entry.changes.items(),
        key=lambda item: order.index(item[0]) if item[0] in order else len(order),
    )
    lines = []
    for name, value in changes:
        key = _key(sentence, name, model)
        if name in used or key.kind == HIDDEN:
            continue
        if key.kind == MAP and isinstance(value, Mapping):
            lines.extend(_score_lines(value, key, lookups))
        elif _is_pair(value, key, sentence):
            before = None if value[0] in (None, "", []) else _show(value[0], key, lookups)
            lines.append(_change(str(key.label), before, _show(value[1], key, lookups)))
        else:
            lines.append(_change(str(key.label), None, _show(value, key, lookups)))
    return lines


def _score_lines(value: Mapping[str, Any], key: Key, lookups: _Lookups) -> list[str]:
    """Scores per criterion: {criterion id: [before, after]}."""
    names = lookups.refs.get((key.model, key.by), {})
    number = Key(kind=NUMBER)
    lines = []
    for criterion, scores in value.items():
        before, after = scores if isinstance(scores, list | tuple) else (None, scores)
        lines.append(
            _change(
                names.get(str(criterion), _("(removed)")),
                None if before is None else _show(before, number, lookups),
                _show(after, number, lookups),
            )
        )
    return lines


def _single(entry: AuditEntry, sentence: Sentence, lookups: _Lookups) -> dict[str, str] | None:
    """%(field)s, %(before)s and %(after)s where the entry changes exactly one field."""
    if not sentence.single or len(entry.changes) != 1:
        return None
    ((name, value),) = entry.changes.items()
    model = _model(sentence.model or entry.target_type)
    key = _key(sentence, name, model)
    if not _is_pair(value, key, sentence) or key.kind in {HIDDEN, MAP}:
        return None
    if isinstance(_field(model, name), models.TextField):
        return None  # long texts read better below the sentence than inside it
    return {
        "field": str(key.label),
        "before": _show(value[0], key, lookups),
        "after": _show(value[1], key, lookups),
    }


def _line(entry: AuditEntry, lookups: _Lookups) -> AuditLine:
    actor = _actor(entry)
    sentence = SENTENCES.get(entry.action)
    if sentence is None:
        # Not reached for what `src` writes: a test checks every action has its sentence.
        return AuditLine(entry, actor, _("%(actor)s made a change.") % {"actor": actor}, [])
    values: dict[str, str] = defaultdict(str, actor=actor)
    values.update(_target_values(entry, sentence, lookups))
    model = _model(sentence.model or entry.target_type)
    for name, value in entry.changes.items():
        key = _key(sentence, name, model)
        if _is_pair(value, key, sentence):
            values[f"{name}_before"] = _show(value[0], key, lookups, quote=False)
            value = value[1]
        values[name] = _show(value, key, lookups, quote=False)
    single = _single(entry, sentence, lookups)
    if single is not None:
        return AuditLine(entry, actor, str(sentence.single) % {**values, **single}, [])
    text = str(sentence.text)
    used = {name.removesuffix("_before") for name in _PLACEHOLDER.findall(text)}
    return AuditLine(entry, actor, text % values, _details(entry, sentence, used, lookups))


# Lookups ---------------------------------------------------------------------------------------


def _referenced(
    sentence: Sentence, name: str, value: Any, model: type[models.Model] | None
) -> Iterator[tuple[Key, Any]]:
    """The (key, value) pairs in one change that name other rows or users."""
    key = _key(sentence, name, model)
    if key.kind == MAP and isinstance(value, Mapping):
        yield from ((key, item) for item in value)
        return
    values = list(value) if _is_pair(value, key, sentence) else [value]
    if key.kind in {ROW, ROWS}:
        row_model = _model(key.model)
        for part in values:
            for row in (part or []) if key.kind == ROWS else [part]:
                for item_name, item in zip(key.row, row or [], strict=False):
                    yield from _referenced(_NO_SENTENCE, item_name, item, row_model)
        return
    if key.kind not in {REF, USER}:
        return
    for part in values:
        for item in part if isinstance(part, list | tuple) else [part]:
            if item not in (None, ""):
                yield key, item


def _lookups(entries: Sequence[AuditEntry]) -> _Lookups:
    """Every row and user the entries name, in one query per kind of row."""
    wanted: dict[tuple[str, str, tuple[str, ...]], set[str]] = defaultdict(set)
    usernames: set[str] = set()
    targets: dict[str, set[str]] = defaultdict(set)
    related: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        sentence = SENTENCES.get(entry.action)
        if sentence is None:
            continue
        if sentence.target:
            targets[entry.target_type].add(entry.target_id)
            related[entry.target_type].update(sentence.related)
        model = _model(sentence.model or entry.target_type)
        for name, value in entry.changes.items():
            for key, item in _referenced(sentence, name, value, model):
                if key.kind == USER:
                    usernames.add(str(item))
                else:
                    wanted[(key.model, key.by, key.related)].add(str(item))
    lookups = _Lookups()
    for (label, by, selected), values in wanted.items():
        ref_model = _model(label)
        if ref_model is None:
            continue
        rows = ref_model._default_manager.select_related(*selected).filter(
            **{f"{by}__in": sorted(values)}
        )
        names = lookups.refs.setdefault((label, by), {})
        names.update({str(getattr(row, by)): _name(row) for row in rows})
    for user in User.objects.filter(username__in=usernames):
        lookups.users[user.get_username()] = display_name(user)
    for label, ids in targets.items():
        target_model = _model(label)
        if target_model is None:
            continue
        rows = target_model._default_manager.select_related(*related[label]).filter(pk__in=ids)
        lookups.targets.update({(label, str(row.pk)): row for row in rows})
    return lookups
