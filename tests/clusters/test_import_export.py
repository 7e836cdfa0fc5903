"""Import and export through the management commands and the `clusterbridge` console command,
on real files, with the real demo data."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from clusterbridge.cli import main
from clusterbridge.clusters.models import (
    Cluster,
    Competence,
    FundingSource,
    Label,
    ManagementOrganisation,
)
from clusterbridge.clusters.records import COLUMNS, write_json
from clusterbridge.clusters.selectors import cluster_records
from clusterbridge.demo.services import demo_load

pytestmark = pytest.mark.django_db

UPDATE_ROW = {"slug": "cluster-1", "name": "Renamed Cluster", "kind": "cluster", "country": "DE"}
NEW_ROW = {
    "slug": "optonet",
    "name": "Photonics Network Thuringia",
    "kind": "cluster",
    "country": "DE",
    "region": "DE-TH",
    "city": "Jena",
    "latitude": "50.9271",
    "longitude": "11.5892",
    "technology_fields": "photonics",
    "competences_offered": "laser systems | optical metrology",
}
UNCHANGED = "1 error(s); nothing was imported (the database is unchanged)"


def _csv_bytes(rows: list[dict[str, str]], header: list[str] | None = None) -> bytes:
    columns = header or [c for c in COLUMNS if any(c in row for row in rows)]
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _import(path: Path, **options: Any) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command(
        "import_data",
        "clusters",
        str(path),
        no_progress=True,
        stdout=stdout,
        stderr=stderr,
        **options,
    )
    return stdout.getvalue(), stderr.getvalue()


def _export(path: Path, fmt: str) -> bytes:
    call_command("export_data", "clusters", format=fmt, output=path, stderr=io.StringIO())
    return path.read_bytes()


def _flush() -> None:
    """Empties the landscape, including what clusters refer to, as a new installation has it.
    The demo's funding measure goes first (its records protect what they name), newest
    models first."""
    for model in reversed(list(apps.get_app_config("programme").get_models())):
        model._default_manager.all().delete()
    Cluster.objects.all().delete()
    Label.objects.all().delete()
    FundingSource.objects.all().delete()
    ManagementOrganisation.objects.all().delete()


def _state() -> tuple[int, str]:
    """Everything the export knows about the landscape, to prove a failed import wrote nothing."""
    out = io.StringIO()
    write_json(cluster_records(), out)
    return Cluster.objects.count(), out.getvalue()


@pytest.fixture
def two_clusters(make_cluster: Callable[..., Cluster]) -> list[Cluster]:
    return [make_cluster(), make_cluster(country="FR", region="", city="Toulouse")]


# --- round trips ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_import_export_demo_data_byte_identical(tmp_path: Path, fmt: str) -> None:
    demo_load()
    first = _export(tmp_path / f"first.{fmt}", fmt)
    _flush()

    stdout, stderr = _import(tmp_path / f"first.{fmt}")
    second = _export(tmp_path / f"second.{fmt}", fmt)

    clusters = Cluster.objects.count()
    assert (stdout, stderr) == (
        f"{clusters} rows read: {clusters} clusters created, 0 updated, 0 rows skipped.\n",
        "",
    )
    assert second == first


def test_export_csv_demo_data_has_row_per_cluster(tmp_path: Path) -> None:
    demo_load()

    data = _export(tmp_path / "clusters.csv", "csv")

    rows = list(csv.reader(io.StringIO(data.decode(), newline="")))
    assert rows[0] == list(COLUMNS)
    assert [row[0] for row in rows[1:]] == sorted(Cluster.objects.values_list("slug", flat=True))


def test_export_jsonld_demo_data_one_organization_per_cluster(tmp_path: Path) -> None:
    demo_load()

    document = json.loads(_export(tmp_path / "clusters.jsonld", "jsonld"))

    slugs = sorted(Cluster.objects.values_list("slug", flat=True))
    assert document["@context"] == "https://schema.org"
    assert [node["@type"] for node in document["@graph"]] == ["Organization"] * len(slugs)
    assert [node["identifier"] for node in document["@graph"]] == slugs


def test_export_jsonld_cluster_described_in_schema_org_terms(
    tmp_path: Path, make_cluster: Callable[..., Cluster]
) -> None:
    make_cluster(slug="optonet", name="OptoNet", website="https://optonet-jena.de", city="Jena")

    document = json.loads(_export(tmp_path / "clusters.jsonld", "jsonld"))

    node = document["@graph"][0]
    assert (node["name"], node["url"], node["address"]) == (
        "OptoNet",
        "https://optonet-jena.de",
        {
            "@type": "PostalAddress",
            "addressCountry": "DE",
            "addressRegion": "DE-BY",
            "addressLocality": "Jena",
        },
    )
    assert node["geo"] == {"@type": "GeoCoordinates", "latitude": 48.14, "longitude": 11.58}


def test_import_csv_again_updates_by_slug_without_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "clusters.csv"
    path.write_bytes(_csv_bytes([NEW_ROW, {**UPDATE_ROW, "slug": "second"}]))
    _import(path)
    path.write_bytes(
        _csv_bytes([{**NEW_ROW, "name": "OptoNet Jena"}, {**UPDATE_ROW, "slug": "second"}])
    )

    stdout, _stderr = _import(path)

    assert stdout == "2 rows read: 0 clusters created, 2 updated, 0 rows skipped.\n"
    assert sorted(Cluster.objects.values_list("slug", "name")) == [
        ("optonet", "OptoNet Jena"),
        ("second", "Renamed Cluster"),
    ]
    assert list(
        Competence.objects.filter(cluster__slug="optonet").values_list("phrase", flat=True)
    ) == ["laser systems", "optical metrology"]


def test_import_demo_export_into_loaded_database_updates_all(tmp_path: Path) -> None:
    demo_load()
    path = tmp_path / "clusters.json"
    before = _export(path, "json")
    clusters = Cluster.objects.count()

    stdout, _stderr = _import(path)

    assert (
        stdout == f"{clusters} rows read: 0 clusters created, {clusters} updated, 0 rows skipped.\n"
    )
    assert Cluster.objects.count() == clusters
    assert _export(tmp_path / "again.json", "json") == before


def test_export_csv_formula_name_escaped_and_reimported(
    tmp_path: Path, make_cluster: Callable[..., Cluster]
) -> None:
    make_cluster(slug="calc", name='=cmd|"/C calc"!A0')
    path = tmp_path / "clusters.csv"
    data = _export(path, "csv")
    _flush()

    _import(path)

    assert data.decode().splitlines()[1].startswith('calc,"\'=cmd|""/C calc""!A0",')
    assert Cluster.objects.get(slug="calc").name == '=cmd|"/C calc"!A0'


@pytest.mark.parametrize(
    ("labels", "funding_sources"),
    [
        (["Leading-Edge Cluster " + "x" * 179], ["Förderprogramm " + "y" * 285]),
        (["日本のクラスター", "中国集群"], ["プログラム", "计划"]),
        (["go-cluster", "Go Cluster", "go cluster"], ["EFRE", "efre"]),
    ],
)
def test_import_labels_and_funding_sources_kept_by_exact_name(
    tmp_path: Path, labels: list[str], funding_sources: list[str]
) -> None:
    path = tmp_path / "clusters.json"
    path.write_text(
        json.dumps([{**UPDATE_ROW, "labels": labels, "funding_sources": funding_sources}])
    )
    _import(path)
    Cluster.objects.all().delete()  # the terms stay, as in a live database

    _import(path)

    cluster = Cluster.objects.get(slug="cluster-1")
    assert sorted(label.name for label in cluster.labels.all()) == sorted(labels)
    assert sorted(source.name for source in cluster.funding_sources.all()) == sorted(
        funding_sources
    )
    assert (Label.objects.count(), FundingSource.objects.count()) == (
        len(labels),
        len(funding_sources),
    )


# --- bad input: a clear error, nothing written ------------------------------------------------


@pytest.mark.parametrize(
    ("bad_row", "error"),
    [
        (
            {"country": "XX", "region": ""},
            "row 3, column country: 'XX' is not an ISO 3166-1 alpha-2 country code",
        ),
        (
            {"technology_fields": "photonik"},
            "row 3, column technology_fields: unknown term 'photonik' (did you mean 'photonics'?)",
        ),
        ({"slug": "cluster-1"}, "row 3, column slug: 'cluster-1' was already used in row 2"),
        (
            {"latitude": "95", "longitude": "10"},
            "row 3, column latitude: 95.0 is outside -90 to 90",
        ),
        (
            {"description_en": "x" * 1_000_000},
            "row 3, column description_en: is 1000000 characters long; at most 5000 are allowed",
        ),
        ({"name": "Photonics\x07Network"}, "row 3, column name: contains control characters"),
        ({"city": "Je\x1bna"}, "row 3, column city: contains control characters"),
        (
            {"members_approx": "3000000000"},
            "row 3, column members_approx: 3000000000 is more than 2147483647",
        ),
        (
            {"website": "https://" + "w" * 200 + ".de"},
            "row 3, column website: is 211 characters long; at most 200 are allowed",
        ),
        ({"kind": ""}, "row 3, column kind: is required"),
    ],
)
def test_import_csv_invalid_row_names_row_and_column_and_writes_nothing(
    tmp_path: Path, two_clusters: list[Cluster], bad_row: dict[str, str], error: str
) -> None:
    path = tmp_path / "bad.csv"
    rows = [UPDATE_ROW, {**NEW_ROW, "slug": "bad", **bad_row}, NEW_ROW]
    path.write_bytes(
        _csv_bytes(rows, header=[*NEW_ROW, "description_en", "members_approx", "website"])
    )
    before = _state()
    stderr = io.StringIO()

    with pytest.raises(CommandError) as excinfo:
        call_command("import_data", "clusters", str(path), no_progress=True, stderr=stderr)

    assert str(excinfo.value) == UNCHANGED
    assert stderr.getvalue() == f"bad.csv: {error}\n"
    assert _state() == before


def _file_error(message: str) -> tuple[str, list[str]]:
    """A whole-file error: the command fails with it and prints it once."""
    return f"{message} (the database is unchanged)", [message]


def _row_errors(*errors: str) -> tuple[str, list[str]]:
    return f"{len(errors)} error(s); nothing was imported (the database is unchanged)", list(errors)


@pytest.mark.parametrize(
    ("filename", "data", "expected"),
    [
        (
            "latin1.csv",
            "slug,name,kind,country\nmuenchen,München Cluster,cluster,DE\n".encode("latin-1"),
            _file_error(
                "the file is not UTF-8: byte 0xfc on line 2 (offset 33); "
                "save it as UTF-8 and try again"
            ),
        ),
        (
            "missing.csv",
            b"slug,name,country\ncluster-1,Renamed Cluster,DE\n",
            _file_error("missing required column(s): kind"),
        ),
        (
            "unknown.csv",
            b"slug,name,kind,country,contry\ncluster-1,Renamed Cluster,cluster,DE,DE\n",
            _file_error("unknown column(s): 'contry' (did you mean 'country'?)"),
        ),
        (
            "malformed.json",
            b'[\n  {"slug": "cluster-1", "name": "Renamed", "kind": "cluster"},\n]\n',
            _file_error("invalid JSON at line 3, column 1: Expecting value"),
        ),
        (
            "cells.csv",
            b"slug,name,kind,country\ncluster-1,Renamed,cluster,DE\nbad,Bad,cluster\n",
            _row_errors("row 3: has 3 cells but the header has 4"),
        ),
        (
            "country.json",
            json.dumps([UPDATE_ROW, {**UPDATE_ROW, "slug": "x", "country": "Germany"}]).encode(),
            _row_errors(
                "row 2, column country: 'GERMANY' is not an ISO 3166-1 alpha-2 country code"
            ),
        ),
        (
            "types.json",
            json.dumps([{**UPDATE_ROW, "technology_fields": "photonics"}]).encode(),
            _row_errors("row 1, column technology_fields: expected a list"),
        ),
    ],
)
def test_import_invalid_file_clear_error_and_writes_nothing(
    tmp_path: Path,
    two_clusters: list[Cluster],
    filename: str,
    data: bytes,
    expected: tuple[str, list[str]],
) -> None:
    path = tmp_path / filename
    path.write_bytes(data)
    before = _state()
    stderr = io.StringIO()

    with pytest.raises(CommandError) as excinfo:
        call_command("import_data", "clusters", str(path), no_progress=True, stderr=stderr)

    message, printed = expected
    assert str(excinfo.value) == message
    assert stderr.getvalue().splitlines() == [f"{filename}: {line}" for line in printed]
    assert _state() == before


def test_import_missing_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as excinfo:
        _import(tmp_path / "nowhere.csv")

    assert str(excinfo.value) == f"{tmp_path / 'nowhere.csv'}: No such file or directory"


def test_import_many_errors_shows_fifty(tmp_path: Path, two_clusters: list[Cluster]) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(
        _csv_bytes([{**NEW_ROW, "slug": f"c{n}", "country": "XX", "region": ""} for n in range(60)])
    )
    stderr = io.StringIO()

    with pytest.raises(CommandError) as excinfo:
        call_command("import_data", "clusters", str(path), no_progress=True, stderr=stderr)

    lines = stderr.getvalue().splitlines()
    assert str(excinfo.value) == "60 error(s); nothing was imported (the database is unchanged)"
    assert (len(lines), lines[0], lines[-1]) == (
        51,
        "bad.csv: row 2, column country: 'XX' is not an ISO 3166-1 alpha-2 country code",
        "… and 10 more error(s)",
    )
    assert Cluster.objects.count() == 2


def test_import_skip_invalid_imports_valid_rows_reports_skipped(
    tmp_path: Path, two_clusters: list[Cluster]
) -> None:
    path = tmp_path / "mixed.csv"
    rows = [
        UPDATE_ROW,
        {**NEW_ROW, "slug": "bad-country", "country": "XX", "region": ""},
        NEW_ROW,
        {**NEW_ROW, "slug": "bad-latitude", "latitude": "95"},
    ]
    path.write_bytes(_csv_bytes(rows))

    stdout, stderr = _import(path, skip_invalid=True)

    assert stdout == "4 rows read: 1 clusters created, 1 updated, 2 rows skipped.\n"
    assert stderr.splitlines() == [
        "mixed.csv: skipped row 3, column country: 'XX' is not an ISO 3166-1 alpha-2 country code",
        "mixed.csv: skipped row 5, column latitude: 95.0 is outside -90 to 90",
    ]
    assert sorted(Cluster.objects.values_list("slug", "name")) == [
        ("cluster-1", "Renamed Cluster"),
        ("cluster-2", "Cluster 2"),
        ("optonet", "Photonics Network Thuringia"),
    ]


def test_import_skip_invalid_file_error_still_rejected(
    tmp_path: Path, two_clusters: list[Cluster]
) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("name,kind,country\nMünchen,cluster,DE\n".encode("latin-1"))
    before = _state()

    with pytest.raises(CommandError) as excinfo:
        _import(path, skip_invalid=True)

    assert str(excinfo.value) == (
        "the file is not UTF-8: byte 0xfc on line 2 (offset 19); save it as UTF-8 and try again"
        " (the database is unchanged)"
    )
    assert _state() == before


# --- the console command ----------------------------------------------------------------------
# Django's run_from_argv closes the database connections when a command ends, which breaks the
# test's wrapping transaction on PostgreSQL; these tests commit for real and flush afterwards.


@pytest.mark.django_db(transaction=True)
def test_cli_import_then_export_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(_csv_bytes([NEW_ROW]))
    target = tmp_path / "out.csv"

    main(["clusterbridge", "import", "clusters", str(source), "--no-progress"])
    main(["clusterbridge", "export", "clusters", "--format", "csv", "-o", str(target)])

    captured = capsys.readouterr()
    assert captured.out == "1 rows read: 1 clusters created, 0 updated, 0 rows skipped.\n"
    assert captured.err == "1 clusters exported.\n"
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"), newline="")))
    assert [(row["slug"], row["name"], row["competences_offered"]) for row in rows] == [
        ("optonet", "Photonics Network Thuringia", "laser systems | optical metrology")
    ]


@pytest.mark.django_db(transaction=True)
def test_cli_export_jsonld(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], two_clusters: list[Cluster]
) -> None:
    target = tmp_path / "out.jsonld"

    main(["clusterbridge", "export", "clusters", "--format", "jsonld", "-o", str(target)])

    document = json.loads(target.read_text(encoding="utf-8"))
    assert [node["identifier"] for node in document["@graph"]] == ["cluster-1", "cluster-2"]
    assert capsys.readouterr().err == "2 clusters exported.\n"


@pytest.mark.django_db(transaction=True)
def test_cli_import_rejected_exits_1_with_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], two_clusters: list[Cluster]
) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(_csv_bytes([{**NEW_ROW, "country": "XX", "region": ""}]))
    before = _state()

    with pytest.raises(SystemExit) as excinfo:
        main(["clusterbridge", "import", "clusters", str(source), "--no-progress"])

    assert excinfo.value.code == 1
    assert capsys.readouterr().err.splitlines() == [
        "in.csv: row 2, column country: 'XX' is not an ISO 3166-1 alpha-2 country code",
        f"CommandError: {UNCHANGED}",
    ]
    assert _state() == before
