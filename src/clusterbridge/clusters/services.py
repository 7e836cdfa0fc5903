"""Writes to the cluster landscape: imports, profile edits. Every write checks who may do it."""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
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
    CompetenceRecord,
    FileFormatError,
    RowError,
    Vocabulary,
    decode,
    detect_format,
    iter_raw_rows,
    parse_row,
)
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
        raise PermissionDenied("Only administrators may import clusters.")
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


_SCALAR_FIELDS = (
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
    for start in range(0, len(records), BATCH):
        chunk = records[start : start + BATCH]
        existing = dict(
            Cluster.objects.filter(slug__in=[r.slug for r in chunk]).values_list("slug", "pk")
        )
        new_objects, changed_objects = [], []
        for record in chunk:
            obj = Cluster(
                slug=record.slug,
                management_organisation_id=organisations.get(record.management_organisation),
                **{name: getattr(record, name) for name in _SCALAR_FIELDS},
            )
            if record.slug in existing:
                obj.pk = existing[record.slug]
                changed_objects.append(obj)
            else:
                new_objects.append(obj)
        Cluster.objects.bulk_create(new_objects, batch_size=BATCH)
        Cluster.objects.bulk_update(
            changed_objects, [*_SCALAR_FIELDS, "management_organisation"], batch_size=BATCH
        )
        ids = dict(
            Cluster.objects.filter(slug__in=[r.slug for r in chunk]).values_list("slug", "pk")
        )
        changed_ids = [obj.pk for obj in changed_objects]
        if changed_ids:
            for through in _throughs():
                through.objects.filter(cluster_id__in=changed_ids).delete()
            Competence.objects.filter(cluster_id__in=changed_ids).delete()
            MemberCount.objects.filter(cluster_id__in=changed_ids).delete()
        links: dict[Any, list[Any]] = defaultdict(list)
        competences: list[Competence] = []
        counts: list[MemberCount] = []
        for record in chunk:
            cid = ids[record.slug]
            _link(
                links,
                Cluster.technology_fields.through,
                cid,
                "technologyfield_id",
                [fields[s] for s in record.technology_fields],
            )
            _link(
                links,
                Cluster.branches.through,
                cid,
                "branch_id",
                [branches[s] for s in record.branches],
            )
            _link(
                links,
                Cluster.value_chain_roles.through,
                cid,
                "valuechainrole_id",
                [roles[s] for s in record.value_chain_roles],
            )
            _link(
                links, Cluster.labels.through, cid, "label_id", [labels[n] for n in record.labels]
            )
            _link(
                links,
                Cluster.funding_sources.through,
                cid,
                "fundingsource_id",
                [funding[n] for n in record.funding_sources],
            )
            for direction, items in (
                (Direction.OFFERS, record.competences_offered),
                (Direction.SEEKS, record.competences_sought),
            ):
                competences.extend(
                    _competence(cid, direction, position, item, fields, roles)
                    for position, item in enumerate(items)
                )
            counts.extend(
                MemberCount(cluster_id=cid, member_type_id=member_types[key], count=count)
                for key, count in record.member_counts.items()
            )
        for through, rows in links.items():
            through.objects.bulk_create(rows, batch_size=BATCH)
        Competence.objects.bulk_create(competences, batch_size=BATCH)
        MemberCount.objects.bulk_create(counts, batch_size=BATCH)
        created += len(new_objects)
        updated += len(changed_objects)
        bar.update(len(chunk))
    bar.close()
    return created, updated


def _throughs() -> list[Any]:
    return [
        Cluster.technology_fields.through,
        Cluster.branches.through,
        Cluster.value_chain_roles.through,
        Cluster.labels.through,
        Cluster.funding_sources.through,
    ]


def _link(links: dict[Any, list[Any]], through: Any, cid: int, key: str, ids: list[int]) -> None:
    links[through].extend(through(cluster_id=cid, **{key: pk}) for pk in ids)


def _competence(
    cid: int,
    direction: Direction,
    position: int,
    item: CompetenceRecord,
    fields: dict[str, int],
    roles: dict[str, int],
) -> Competence:
    return Competence(
        cluster_id=cid,
        direction=direction,
        phrase=item.phrase,
        language=item.language,
        technology_field_id=fields.get(item.technology_field) if item.technology_field else None,
        value_chain_role_id=roles.get(item.value_chain_role) if item.value_chain_role else None,
        provenance=item.provenance,
        position=position,
    )


# --- profile edits ----------------------------------------------------------------------------


def _require_manager(cluster: Cluster, actor: User) -> None:
    if not actor.has_perm("clusters.change_cluster_profile", cluster):
        raise PermissionDenied("You may only edit the profiles of clusters you manage.")


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
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be edited here."))
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
    return cluster


def competences_replace(*, cluster: Cluster, direction: Direction, phrases: Sequence[str]) -> None:
    """Keeps the competences whose phrases stay (with their field and role), replaces the rest."""
    cleaned: list[str] = []
    for phrase in phrases:
        phrase = phrase.strip()
        if phrase and phrase not in cleaned:
            cleaned.append(phrase)
    errors = [
        f"“{phrase[:40]}…” is longer than 200 characters" for phrase in cleaned if len(phrase) > 200
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
