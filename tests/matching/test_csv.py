"""The partner CSV opens safely in a spreadsheet: a candidate's name that looks like a formula is
neutralised, and the file starts with a byte-order mark so umlauts survive Excel."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from clusterbridge.clusters.models import Cluster

pytestmark = pytest.mark.django_db


def test_partner_csv_neutralises_formulas_and_starts_with_a_byte_order_mark(
    client: Client, pair: dict[str, Cluster]
) -> None:
    Cluster.objects.filter(slug="composites-fr").update(name='=HYPERLINK("http://evil.example")')
    Cluster.objects.filter(slug="crash-fr").update(name="@SUM(1+1) Crash Lab")

    response = client.get("/en/matching/leicht-de/partners.csv?limit=2")

    text = response.content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert (text[:1], [row[2] for row in rows[1:]]) == (
        "\ufeff",
        ['\'=HYPERLINK("http://evil.example")', "'@SUM(1+1) Crash Lab"],
    )
