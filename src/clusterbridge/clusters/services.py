"""Writes to the cluster landscape: imports, profile edits. Every write checks who may do it."""

from __future__ import annotations

import gc
import hashlib
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from tqdm import tqdm

from clusterbridge.accounts.models import User
from clusterbridge.clusters.enums import Direction, Provenance
from clusterbridge.clusters.models import (
    Cluster,
    Competence,
    FundingSource,
    Label,
    ManagementOrganisation,
    MemberCount,
)
from clusterbridge.clusters.records import (
    ClusterRecord,
    FileFormatError,
    RowError,
    Vocabulary,
    decode,
    detect_format,
    iter_raw_rows,
    parse_row,
)
from clusterbridge.clusters.search import LABEL_NAMES_KEY
from clusterbridge.clusters.selectors import LANDSCAPE_VERSION_KEY
from clusterbridge.search.services import index_objects_on_commit
from clusterbridge.taxonomy.models import Branch, MemberType, TechnologyField, ValueChainRole

logger = logging.getLogger(__name__)
BATCH = 1000


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: list[RowError] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportRejectedError(Exception):
    """The import found errors and wrote nothing."""

    def __init__(self, report: ImportReport | None = None, message: str = "") -> None:
        self.report = report or ImportReport()
        super().__init__(message or f"{len(self.report.errors)} error(s); nothing was imported")


def vocabulary_load() -> Vocabulary:
    return Vocabulary(
        technology_fields=frozenset(TechnologyField.objects.values_list("slug", flat=True)),
        branches=frozenset(Branch.objects.values_list("slug", flat=True)),
        value_chain_roles=frozenset(ValueChainRole.objects.values_list("slug", flat=True)),
        member_types=frozenset(MemberType.objects.values_list("slug", flat=True)),
    )


def records_parse(
    *, data: bytes, filename: str, progress: bool = False
) -> tuple[list[ClusterRecord], list[RowError], int]:
    """Parses and validates a whole file; returns records, errors and the number of rows."""
    text = decode(data)
    fmt = detect_format(filename, text)
    vocabulary = vocabulary_load()
    records: list[ClusterRecord] = []
    errors: list[RowError] = []
    first_row_of_slug: dict[str, int] = {}
    rows = 0
    for row, raw in tqdm(
        iter_raw_rows(text, fmt), desc="Checking rows", unit=" rows", disable=not progress
    ):
        rows += 1
        record, row_errors = parse_row(raw, row, vocabulary, from_csv=fmt == "csv")
        if record is not None:
            if record.slug in first_row_of_slug:
                row_errors.append(
                    RowError(
                        row,
                        "slug",
                        f"{record.slug!r} was already used in row {first_row_of_slug[record.slug]}",
                    )
                )
                record = None
            else:
                first_row_of_slug[record.slug] = row
        errors.extend(row_errors)
        if record is not None:
            records.append(record)
    return records, errors, rows


def cluster_import(
    *,
    data: bytes,
    filename: str,
    actor: User | None,
    skip_invalid: bool = False,
    progress: bool = False,
) -> ImportReport:
    """Imports clusters from CSV or JSON; all or nothing unless `skip_invalid`.

    `actor` None means the command line, which runs with the machine owner's rights.
    """
    if actor is not None and not actor.has_perm("clusters.import_clusters"):
        raise PermissionDenied(_("Only administrators may import clusters."))
    with _gc_paused():
        try:
            records, errors, rows = records_parse(data=data, filename=filename, progress=progress)
        except FileFormatError as exc:
            report = ImportReport(errors=[RowError(0, "", str(exc))])
            raise ImportRejectedError(report, str(exc)) from None
        report = ImportReport(rows=rows)
        if errors and not skip_invalid:
            report.errors = errors
            raise ImportRejectedError(report)
        report.skipped = errors
        created, updated = clusters_write(records=records, progress=progress)
    report.created, report.updated = created, updated
    return report


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pauses Python's cyclic garbage collector for the length of an import.

    An import makes millions of small objects and no reference cycles; the collector's repeated
    passes over them tripled the parsing time at 50,000 rows. Reference counting still frees
    everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _slug_map(model: Any, names: Iterable[str]) -> dict[str, int]:
    """Ids of labels or funding sources by exact name, creating the missing ones.

    The name is the identity, as the export writes names: two names that slugify alike
    ("Go Cluster", "go-cluster") or to nothing ("日本") stay two terms, each with its own slug
    (a short hash of the name is added where the plain slug is taken) within the slug's length.
    """
    wanted = set(names)
    if not wanted:
        return {}
    existing = dict(model.objects.filter(name__in=wanted).values_list("name", "pk"))
    missing = sorted(wanted - existing.keys())
    if missing:
        max_length = model._meta.get_field("slug").max_length
        plain = {name: slugify(name)[: max_length - 9].strip("-") or "unnamed" for name in missing}
        taken = set(model.objects.filter(slug__in=plain.values()).values_list("slug", flat=True))
        new_objects = []
        for name in missing:
            slug = plain[name]
            if slug in taken:
                slug = f"{slug}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"
            taken.add(slug)
            new_objects.append(model(slug=slug, name=name))
        model.objects.bulk_create(new_objects, batch_size=BATCH)
        existing.update(model.objects.filter(name__in=missing).values_list("name", "pk"))
    return {name: existing[name] for name in wanted}


def _management_organisations(records: Sequence[ClusterRecord]) -> dict[str, int]:
    details: dict[str, ClusterRecord] = {}
    for record in records:
        if record.management_organisation:
            details[record.management_organisation] = record
    existing = {
        org.name: org for org in ManagementOrganisation.objects.filter(name__in=list(details))
    }
    to_create = []
    to_update = []
    for name, record in details.items():
        values = {
            "website": record.management_website,
            "email": record.management_email,
            "phone": record.management_phone,
        }
        org = existing.get(name)
        if org is None:
            to_create.append(ManagementOrganisation(name=name, **values))
        elif any(getattr(org, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(org, key, value)
            to_update.append(org)
    ManagementOrganisation.objects.bulk_create(to_create, batch_size=BATCH)
    ManagementOrganisation.objects.bulk_update(
        to_update, ["website", "email", "phone"], batch_size=BATCH
    )
    return dict(
        ManagementOrganisation.objects.filter(name__in=list(details)).values_list("name", "pk")
    )


_SCALAR_FIELDS: tuple[str, ...] = (
    "name",
    "acronym",
    "kind",
    "kind_original",
    "country",
    "region",
    "region_name",
    "city",
    "latitude",
    "longitude",
    "location_precision",
    "website",
    "members_approx",
    "description_en",
    "description_de",
    "field_terms",
    "keywords",
    "sources",
)


@transaction.atomic
def clusters_write(*, records: Sequence[ClusterRecord], progress: bool = False) -> tuple[int, int]:
    """Creates or updates (by slug) the clusters of validated records, in bulk.

    Related rows of updated clusters are replaced, so a record is the whole truth about its
    cluster. Returns (created, updated).
    """
    if not records:
        return 0, 0
    fields = dict(TechnologyField.objects.values_list("slug", "pk"))
    branches = dict(Branch.objects.values_list("slug", "pk"))
    roles = dict(ValueChainRole.objects.values_list("slug", "pk"))
    member_types = dict(MemberType.objects.values_list("slug", "pk"))
    labels = _slug_map(Label, {name for r in records for name in r.labels})
    funding = _slug_map(FundingSource, {name for r in records for name in r.funding_sources})
    organisations = _management_organisations(records)

    bar = tqdm(total=len(records), desc="Writing clusters", unit=" clusters", disable=not progress)
    created = updated = 0
    written_ids: list[int] = []
    for start in range(0, len(records), BATCH):
        chunk = records[start : start + BATCH]
        existing = dict(
            Cluster.objects.filter(slug__in=[r.slug for r in chunk]).values_list("slug", "pk")
        )
        new = [record for record in chunk if record.slug not in existing]
        changed = [record for record in chunk if record.slug in existing]
        now = timezone.now()
        insert_fields = _cluster_insert_fields()
        _insert_rows(
            Cluster,
            [f.name for f in insert_fields],
            [_cluster_values(insert_fields, record, organisations, now) for record in new],
            prepare=True,
        )
        _update_rows(
            Cluster,
            [*_SCALAR_FIELDS, "management_organisation"],
            [
                (
                    existing[record.slug],
                    *(getattr(record, name) for name in _SCALAR_FIELDS),
                    organisations.get(record.management_organisation),
                )
                for record in changed
            ],
        )
        ids = dict(
            Cluster.objects.filter(slug__in=[r.slug for r in chunk]).values_list("slug", "pk")
        )
        changed_ids = [existing[record.slug] for record in changed]
        if changed_ids:
            for through, _key in _throughs():
                through.objects.filter(cluster_id__in=changed_ids).delete()
            Competence.objects.filter(cluster_id__in=changed_ids).delete()
            MemberCount.objects.filter(cluster_id__in=changed_ids).delete()
        links: dict[str, list[tuple[int, int]]] = {key: [] for _through, key in _throughs()}
        competences: list[tuple[Any, ...]] = []
        counts: list[tuple[int, int, int]] = []
        for record in chunk:
            cid = ids[record.slug]
            links["technologyfield"].extend((cid, fields[s]) for s in record.technology_fields)
            links["branch"].extend((cid, branches[s]) for s in record.branches)
            links["valuechainrole"].extend((cid, roles[s]) for s in record.value_chain_roles)
            links["label"].extend((cid, labels[n]) for n in record.labels)
            links["fundingsource"].extend((cid, funding[n]) for n in record.funding_sources)
            for direction, items in (
                (_OFFERS, record.competences_offered),
                (_SEEKS, record.competences_sought),
            ):
                competences.extend(
                    (
                        cid,
                        direction,
                        item.phrase,
                        item.language,
                        fields.get(item.technology_field) if item.technology_field else None,
                        roles.get(item.value_chain_role) if item.value_chain_role else None,
                        item.provenance,
                        position,
                    )
                    for position, item in enumerate(items)
                )
            counts.extend(
                (cid, member_types[key], count) for key, count in record.member_counts.items()
            )
        for through, key in _throughs():
            _insert_rows(through, ["cluster", key], links[key])
        _insert_rows(Competence, _COMPETENCE_COLUMNS, competences)
        _insert_rows(MemberCount, ["cluster", "member_type", "count"], counts)
        created += len(new)
        updated += len(changed)
        written_ids.extend(ids.values())
        bar.update(len(chunk))
    bar.close()
    # The search index and cached counts follow once the write has committed.
    index_objects_on_commit(model=Cluster, ids=written_ids)
    transaction.on_commit(landscape_changed)
    return created, updated


@transaction.atomic
def label_german_names_set(*, names: Mapping[str, str]) -> int:
    """Gives labels their German names, found by English name (imports name labels in English
    only). Returns how many labels changed."""
    changed = 0
    for label in Label.objects.filter(name__in=list(names)).select_for_update():
        if label.name_de != names[label.name]:
            label.name_de = names[label.name]
            label.full_clean()
            label.save(update_fields=["name_de"])
            changed += 1
    if changed:
        transaction.on_commit(lambda: cache.delete(LABEL_NAMES_KEY))
    return changed


def landscape_changed() -> None:
    """Drops cached landscape counts in every process by moving the shared version on."""
    if not cache.add(LANDSCAPE_VERSION_KEY, 2, timeout=None):
        try:
            cache.incr(LANDSCAPE_VERSION_KEY)
        except ValueError:
            cache.set(LANDSCAPE_VERSION_KEY, 2, timeout=None)


def _throughs() -> list[tuple[Any, str]]:
    """The many-to-many tables a record fills, with the field that names the other side."""
    return [
        (Cluster.technology_fields.through, "technologyfield"),
        (Cluster.branches.through, "branch"),
        (Cluster.value_chain_roles.through, "valuechainrole"),
        (Cluster.labels.through, "label"),
        (Cluster.funding_sources.through, "fundingsource"),
    ]


_COMPETENCE_COLUMNS = (
    "cluster",
    "direction",
    "phrase",
    "language",
    "technology_field",
    "value_chain_role",
    "provenance",
    "position",
)
_OFFERS = Direction.OFFERS.value
_SEEKS = Direction.SEEKS.value


def _cluster_insert_fields() -> list[Any]:
    return [f for f in Cluster._meta.concrete_fields if not f.primary_key]


def _cluster_values(
    insert_fields: Sequence[Any],
    record: ClusterRecord,
    organisations: dict[str, int],
    now: datetime,
) -> tuple[Any, ...]:
    """A new cluster's column values, as `bulk_create` would set them (defaults, timestamps)."""
    values: list[Any] = []
    for f in insert_fields:
        if f.name == "slug":
            values.append(record.slug)
        elif f.name == "management_organisation":
            values.append(organisations.get(record.management_organisation))
        elif f.name in _SCALAR_FIELDS:
            values.append(getattr(record, f.name))
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            values.append(now)
        else:
            values.append(f.get_default())
    return tuple(values)


def _insert_rows(
    model: Any,
    field_names: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    prepare: bool = False,
) -> None:
    """Multi-row INSERTs (COPY on PostgreSQL) of validated values; `prepare` has each field
    turn its values into database values (JSON, dates), else they are plain ids, text, numbers.

    An import writes about twenty rows per cluster; building a model instance and compiling
    each field through the ORM for every one of them took two thirds of the import.
    Table and column names come from the model's metadata, values go as query parameters.
    """
    if not rows:
        return
    ops = connection.ops
    fields = [model._meta.get_field(name) for name in field_names]
    columns = [f.column for f in fields]
    if prepare:
        preparers = [f.get_db_prep_save for f in fields]
        rows = [
            tuple(prep(value, connection) for prep, value in zip(preparers, row, strict=True))
            for row in rows
        ]
    table = ops.quote_name(model._meta.db_table)
    names = ", ".join(ops.quote_name(column) for column in columns)
    if connection.vendor == "postgresql":
        # COPY streams the rows; psycopg would otherwise compose every long INSERT in Python.
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    max_params = connection.features.max_query_params or BATCH * len(columns)
    per_statement = max(1, min(BATCH, max_params // len(columns)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            values = ", ".join([placeholders] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {values}",  # noqa: S608 - names from _meta
                [value for row in chunk for value in row],
            )


def _update_rows(model: Any, field_names: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """One UPDATE per row, (pk, *values), sent as a batch; values are prepared by their fields.

    `bulk_update` builds a CASE over the whole batch for every field, which made re-imports
    slower with each row (quadratic in the batch size).
    """
    if not rows:
        return
    ops = connection.ops
    fields = [model._meta.get_field(name) for name in field_names]
    assignments = ", ".join(f"{ops.quote_name(f.column)} = %s" for f in fields)
    sql = (
        f"UPDATE {ops.quote_name(model._meta.db_table)} SET {assignments} "  # noqa: S608 - _meta
        f"WHERE {ops.quote_name(model._meta.pk.column)} = %s"
    )
    params = [
        [f.get_db_prep_save(value, connection) for f, value in zip(fields, values, strict=True)]
        + [pk]
        for pk, *values in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


# --- profile edits ----------------------------------------------------------------------------


def _require_manager(cluster: Cluster, actor: User) -> None:
    if not actor.has_perm("clusters.change_cluster_profile", cluster):
        raise PermissionDenied(_("You may only edit the profiles of clusters you manage."))


PROFILE_FIELDS = (
    "name",
    "acronym",
    "website",
    "city",
    "members_approx",
    "description_en",
    "description_de",
)


@transaction.atomic
def cluster_update_profile(
    *,
    cluster: Cluster,
    actor: User,
    data: dict[str, Any],
    technology_fields: Sequence[TechnologyField] | None = None,
    competences_offered: Sequence[str] | None = None,
    competences_sought: Sequence[str] | None = None,
) -> Cluster:
    """A manager edits their cluster's profile. Unknown keys in `data` are refused."""
    _require_manager(cluster, actor)
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, _("This field cannot be edited here.")))
    for key, value in data.items():
        setattr(cluster, key, value)
    cluster.full_clean()
    cluster.save()
    if technology_fields is not None:
        cluster.technology_fields.set(technology_fields)
    for direction, phrases in (
        (Direction.OFFERS, competences_offered),
        (Direction.SEEKS, competences_sought),
    ):
        if phrases is not None:
            competences_replace(cluster=cluster, direction=direction, phrases=phrases)
    index_objects_on_commit(model=Cluster, ids=[cluster.pk])
    transaction.on_commit(landscape_changed)
    return cluster


def competences_replace(*, cluster: Cluster, direction: Direction, phrases: Sequence[str]) -> None:
    """Keeps the competences whose phrases stay (with their field and role), replaces the rest."""
    cleaned: list[str] = []
    for phrase in phrases:
        phrase = phrase.strip()
        if phrase and phrase not in cleaned:
            cleaned.append(phrase)
    errors = [
        _("“%(start)s…” is longer than %(max)s characters") % {"start": phrase[:40], "max": 200}
        for phrase in cleaned
        if len(phrase) > 200
    ]
    if errors:
        key = "competences_offered" if direction == Direction.OFFERS else "competences_sought"
        raise ValidationError({key: errors})
    kept = {c.phrase: c for c in cluster.competences.filter(direction=direction)}
    cluster.competences.filter(direction=direction).exclude(phrase__in=cleaned).delete()
    for position, phrase in enumerate(cleaned):
        competence = kept.get(phrase)
        if competence is None:
            Competence.objects.create(
                cluster=cluster,
                direction=direction,
                phrase=phrase,
                position=position,
                provenance=Provenance.MANAGER,
            )
        elif competence.position != position:
            competence.position = position
            competence.save(update_fields=["position"])
