from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from clusterbridge.clusters.models import Cluster


@pytest.mark.django_db
def test_match_command_prints_table(pair: dict[str, Cluster]) -> None:
    out = StringIO()

    call_command("match", "leicht-de", "--top", "20", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].split() == [
        "#",
        "slug",
        "cc",
        "score",
        "domain",
        "offers",
        "seeks",
        "chain",
        "feas",
        "same",
    ]
    assert lines[1].split()[:3] == ["1", "composites-fr", "FR"]
    assert lines[2].split()[:3] == ["2", "crash-fr", "FR"]
    assert len(lines) == 3


@pytest.mark.django_db
def test_match_command_unknown_slug_fails(pair: dict[str, Cluster]) -> None:
    with pytest.raises(CommandError):
        call_command("match", "nobody", stdout=StringIO())


@pytest.mark.django_db
def test_match_refresh_embeds_and_warms(pair: dict[str, Cluster]) -> None:
    out = StringIO()

    call_command("match_refresh", verbosity=0, stdout=out)

    assert out.getvalue().startswith("10 phrases embedded, panels of 5 clusters computed in ")
