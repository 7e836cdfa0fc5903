from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from clusterbridge.clusters.models import Cluster
from clusterbridge.clusters.services import clusters_write, label_german_names_set
from clusterbridge.demo.convert import demo_label_names_de, demo_records
from clusterbridge.demo.programme import measure_load
from clusterbridge.programme.models import FundingProgramme
from clusterbridge.taxonomy.models import TechnologyField
from clusterbridge.taxonomy.services import taxonomy_sync


@dataclass(frozen=True)
class DemoResult:
    created: int
    updated: int
    skipped: bool = False


@transaction.atomic
def demo_load(*, only_if_empty: bool = False, progress: bool = False) -> DemoResult:
    """Loads every record of the real data; running it again updates instead of duplicating."""
    if only_if_empty and Cluster.objects.exists():
        # A database loaded before the funding measure was part of the demo gets it now.
        if not FundingProgramme.objects.exists():
            measure_load()
        # ... and labels loaded before they had German names get them.
        label_german_names_set(names=demo_label_names_de())
        return DemoResult(0, 0, skipped=True)
    taxonomy_sync()
    fields = list(TechnologyField.objects.select_related("branch"))
    records = demo_records(
        labels={f.slug: f.label_en for f in fields},
        synonyms={f.slug: [f.label_en, *f.synonyms_en] for f in fields},
        branch_of={f.slug: f.branch.slug for f in fields},
    )
    created, updated = clusters_write(records=records, progress=progress)
    label_german_names_set(names=demo_label_names_de())
    # The funding measure names real clusters, so it is loaded after them.
    measure_load()
    return DemoResult(created, updated)
