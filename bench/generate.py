"""Realistic synthetic clusters at any size, seeded and deterministic.

The shape follows the real demo data: countries weighted as in the real records, German
clusters in their federal states, coordinates near the real clusters' places, 1 to 5 technology
fields from the real taxonomy, bilingual names, competences and descriptions. Every record is
invented (names, websites under the reserved `.example` domain) and passes the importer's checks.

    python -m bench.generate --clusters 50000 -o /tmp/clusters.csv [--seed 1] [--format json]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TextIO

import clusterbridge.demo
import clusterbridge.taxonomy
from clusterbridge.clusters.enums import ClusterKind, Language, LocationPrecision, Provenance
from clusterbridge.clusters.records import (
    ClusterRecord,
    CompetenceRecord,
    make_slug,
    write_csv,
    write_json,
)

TAXONOMY_DIR = Path(clusterbridge.taxonomy.__file__).resolve().parent / "data"
DEMO_DIR = Path(clusterbridge.demo.__file__).resolve().parent / "data"

STATE_NAMES: dict[str, tuple[str, str]] = {
    "DE-BW": ("Baden-Württemberg", "Baden-Württemberg"),
    "DE-BY": ("Bavaria", "Bayern"),
    "DE-BE": ("Berlin", "Berlin"),
    "DE-BB": ("Brandenburg", "Brandenburg"),
    "DE-HB": ("Bremen", "Bremen"),
    "DE-HH": ("Hamburg", "Hamburg"),
    "DE-HE": ("Hesse", "Hessen"),
    "DE-MV": ("Mecklenburg-Western Pomerania", "Mecklenburg-Vorpommern"),
    "DE-NI": ("Lower Saxony", "Niedersachsen"),
    "DE-NW": ("North Rhine-Westphalia", "Nordrhein-Westfalen"),
    "DE-RP": ("Rhineland-Palatinate", "Rheinland-Pfalz"),
    "DE-SL": ("Saarland", "Saarland"),
    "DE-SN": ("Saxony", "Sachsen"),
    "DE-ST": ("Saxony-Anhalt", "Sachsen-Anhalt"),
    "DE-SH": ("Schleswig-Holstein", "Schleswig-Holstein"),
    "DE-TH": ("Thuringia", "Thüringen"),
}

# Kinds as the real programmes word them, with how often each appears.
GERMAN_KINDS: tuple[tuple[str, str, int], ...] = (
    (ClusterKind.CLUSTER, "cluster organisation", 40),
    (ClusterKind.CLUSTER, "state cluster", 25),
    (ClusterKind.CLUSTER, "network", 20),
    (ClusterKind.CLUSTER, "innovation network", 10),
    (ClusterKind.COMPARABLE_NETWORK, "comparable network", 4),
    (ClusterKind.LEADING_EDGE_CLUSTER, "Leading-Edge Cluster", 3),
    (ClusterKind.FORWARD_LOOKING_PROJECT, "Future Cluster (Zukunftscluster)", 3),
    (ClusterKind.INNOVATION_REGION, "innovation region", 3),
)
INTERNATIONAL_KINDS: tuple[tuple[str, str, int], ...] = (
    (ClusterKind.INTERNATIONAL_CLUSTER, "cluster organisation", 60),
    (ClusterKind.INTERNATIONAL_CLUSTER, "science park", 6),
    (ClusterKind.INTERNATIONAL_CLUSTER, "research network", 4),
    (ClusterKind.INTERNATIONAL_CLUSTER, "industry association", 2),
    (ClusterKind.INNOVATION_REGION, "innovation region", 12),
)

GERMAN_NAME_PATTERNS = (
    "Kompetenznetz {field_de} {region_de}",
    "{field_de}-Cluster {city}",
    "Netzwerk {field_de} {region_de}",
    "Innovationscluster {field_de} {city}",
    "Cluster {field_de} {region_de}",
    "{city}er Allianz {field_de}",
)
ENGLISH_NAME_PATTERNS = (
    "{field} Network {region}",
    "{field} Cluster {city}",
    "{region} {field} Alliance",
    "{city} {field} Innovation Hub",
    "{field} Valley {city}",
    "{region} Competence Centre for {field_lower}",
)
OFFER_PATTERNS_EN = (
    "applied research in {field}",
    "pilot lines for {field}",
    "testing and certification in {field}",
    "{field} supply chain of {n} companies",
    "shared labs for {field}",
    "training for {field} specialists",
    "{field} start-up incubation",
    "matchmaking with {field} suppliers",
)
OFFER_PATTERNS_DE = (
    "angewandte Forschung: {field_de}",
    "Pilotanlagen für {field_de}",
    "Prüfung und Zertifizierung im Bereich {field_de}",
    "Wertschöpfungskette {field_de} mit {n} Unternehmen",
    "Gemeinsame Labore für {field_de}",
    "Weiterbildung in {field_de}",
    "Gründungsförderung {field_de}",
)
SEEK_PATTERNS_EN = (
    "{role} partners in {field_lower}",
    "international partners for {field_lower} projects",
    "investors for {field_lower} start-ups",
    "users for {field_lower} pilots",
)
SEEK_PATTERNS_DE = (
    "Partner für {role_de} in {field_de}",
    "internationale Partner für Projekte in {field_de}",
    "Anwender für Pilotprojekte: {field_de}",
)
SENTENCES_EN = (
    "The {kind} brings together {n} companies, universities and research institutes "
    "around {fields}.",
    "Founded in {year} in {city}, it connects small and large firms with applied research.",
    "Members share pilot lines, test beds and laboratories and run joint R&D projects.",
    "Its focus lies on {fields}, from basic research to market-ready products.",
    "The cluster management organises matchmaking events, trade fair stands and "
    "delegation trips abroad.",
    "It supports start-ups with coaching and access to investors.",
    "Training programmes help members find and qualify skilled staff.",
    "Working groups on standards, sustainability and digitalisation meet every quarter.",
)
SENTENCES_DE = (
    "Das Netzwerk verbindet {n} Unternehmen, Hochschulen und Forschungseinrichtungen "
    "im Bereich {fields_de}.",
    "Es wurde {year} in {city} gegründet und bringt Mittelstand und Forschung zusammen.",
    "Die Mitglieder nutzen gemeinsame Pilotanlagen, Testfelder und Labore.",
    "Das Clustermanagement organisiert Kooperationsbörsen, Messeauftritte und Delegationsreisen.",
    "Gründerinnen und Gründer erhalten Beratung und Zugang zu Kapitalgebern.",
    "Arbeitskreise zu Normung, Nachhaltigkeit und Digitalisierung tagen regelmäßig.",
)
LABELS = (
    ("go-cluster", 30),
    ("Cluster Management Excellence Label GOLD", 8),
    ("Cluster Management Excellence Label SILVER", 12),
    ("Cluster Management Excellence Label BRONZE", 20),
    ("Leading-Edge Cluster Competition winner 2010", 2),
    ("Internationalisation measure, round 2016", 3),
)
INTERNATIONAL_FUNDING = (
    ("Horizon Europe", 10),
    ("European Regional Development Fund (ERDF)", 12),
    ("Interreg", 6),
    ("COSME Cluster Excellence Programme", 4),
    ("national cluster programme", 8),
)
MEMBER_MIX = (
    ("sme", 55),
    ("large-enterprise", 12),
    ("research-institution", 12),
    ("university", 8),
    ("start-up", 10),
    ("civil-society", 3),
)
ROLE_DE = {
    "research": "Forschung",
    "development": "Entwicklung",
    "production": "Produktion",
    "application": "Anwendung",
    "services": "Dienstleistungen",
}
_PLACE_SPLIT = re.compile(r"[;,(/&]| and | antenna ")


@dataclass(frozen=True)
class Field:
    slug: str
    label_en: str
    label_de: str
    branch: str
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class Place:
    country: str
    city: str
    region: str
    region_name: str
    latitude: float
    longitude: float


def _read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def taxonomy_fields() -> tuple[Field, ...]:
    return tuple(
        Field(
            slug=item["slug"],
            label_en=item["label_en"],
            label_de=item["label_de"],
            branch=item["branch"],
            synonyms=tuple(item.get("synonyms_en", [])[:4]),
        )
        for item in _read(TAXONOMY_DIR / "technology_fields.json")
    )


@cache
def field_weights() -> tuple[int, ...]:
    """How often the real records name each field (through the field mapping), plus one."""
    mapping: dict[str, list[str]] = _read(TAXONOMY_DIR / "field_mapping.json")
    counts = Counter(
        slug
        for raw in real_records()
        for term in raw.get("technology_fields") or []
        for slug in mapping.get(term, [])
    )
    return tuple(counts[field.slug] + 1 for field in taxonomy_fields())


@cache
def value_chain_roles() -> tuple[str, ...]:
    items = _read(TAXONOMY_DIR / "value_chain_roles.json")
    return tuple(item["slug"] for item in sorted(items, key=lambda item: item["position"]))


@cache
def member_types() -> frozenset[str]:
    return frozenset(item["slug"] for item in _read(TAXONOMY_DIR / "member_types.json"))


@cache
def real_records() -> tuple[dict[str, Any], ...]:
    german = _read(DEMO_DIR / "german_clusters.json")
    international = _read(DEMO_DIR / "international_clusters.json")
    return tuple(german + international)


@cache
def places() -> dict[str, tuple[Place, ...]]:
    """The real clusters' located places by country, one entry per real record."""
    by_country: dict[str, list[Place]] = {}
    for raw in real_records():
        if raw.get("latitude") is None or raw.get("longitude") is None:
            continue
        if raw["country"] == "DE":
            city, region, region_name = raw.get("city") or "", raw["federal_state"], ""
        else:
            written = raw.get("region_or_city") or ""
            city = _PLACE_SPLIT.split(written)[0].strip()
            region, region_name = "", written[:200]
        if not city:
            continue
        by_country.setdefault(raw["country"], []).append(
            Place(raw["country"], city, region, region_name, raw["latitude"], raw["longitude"])
        )
    return {country: tuple(found) for country, found in sorted(by_country.items())}


@cache
def country_weights() -> tuple[tuple[str, ...], tuple[int, ...]]:
    """Countries with located places, weighted by how many real records each has."""
    counts = Counter(raw["country"] for raw in real_records())
    countries = tuple(sorted(places()))
    return countries, tuple(counts[country] for country in countries)


@cache
def german_programmes() -> tuple[tuple[str, ...], tuple[int, ...]]:
    counts = Counter(
        programme.strip()
        for raw in real_records()
        for programme in raw.get("programmes") or []
        if programme.strip()
    )
    names = tuple(sorted(counts))
    return names, tuple(counts[name] for name in names)


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, int]]) -> str:
    return rng.choices([value for value, _ in pairs], [weight for _, weight in pairs])[0]


_SMALL_WORDS = frozenset({"and", "of", "for", "in", "the", "und", "für"})


def _title(label: str) -> str:
    """'Security and defence technology' → 'Security and Defence Technology' for names."""
    return " ".join(
        word if word in _SMALL_WORDS or word[:1].isupper() else word[:1].upper() + word[1:]
        for word in label.split(" ")
    )


def _acronym(name: str) -> str:
    letters = "".join(word[0] for word in re.findall(r"[A-Za-zÄÖÜäöü]+", name) if word[0].isupper())
    return letters[:6] if len(letters) >= 2 else ""


class ClusterGenerator:
    """Makes records one by one; the same seed always gives the same records."""

    def __init__(self, seed: int = 0) -> None:
        self.rng = random.Random(seed)
        self.used_slugs: set[str] = set()
        self.fields = taxonomy_fields()
        self.field_weights = field_weights()
        self.roles = value_chain_roles()
        self.member_types = sorted(member_types() & {slug for slug, _ in MEMBER_MIX})
        self.countries, self.weights = country_weights()
        self.programmes, self.programme_weights = german_programmes()

    def records(self, count: int) -> Iterator[ClusterRecord]:
        for _ in range(count):
            yield self.record()

    def record(self) -> ClusterRecord:
        rng = self.rng
        country = rng.choices(self.countries, self.weights)[0]
        place = rng.choice(places()[country])
        german = country == "DE"
        fields = self._fields(rng.choices([1, 2, 3, 4, 5], [6, 21, 40, 23, 10])[0])
        name = self._name(place, fields[0], german=german)
        slug = self._slug(name)
        kind, kind_original = self._kind(german)
        roles = sorted(
            rng.sample(self.roles, rng.randint(1, len(self.roles))), key=self.roles.index
        )
        members = self._member_counts()
        members_approx = (
            sum(members.values()) if members else rng.choice([None, rng.randint(8, 400)])
        )
        located = rng.random() > 0.04
        management = self._management(name, slug, place) if rng.random() < 0.7 else ("", "", "", "")
        return ClusterRecord(
            slug=slug,
            name=name,
            kind=kind,
            country=country,
            acronym=_acronym(name) if rng.random() < 0.4 else "",
            kind_original=kind_original,
            region=place.region,
            region_name=place.region_name,
            city=place.city,
            latitude=round(place.latitude + rng.gauss(0, 0.03), 4) if located else None,
            longitude=round(place.longitude + rng.gauss(0, 0.03), 4) if located else None,
            location_precision=(
                rng.choices([LocationPrecision.EXACT.value, LocationPrecision.CITY.value], [9, 1])[
                    0
                ]
                if located
                else ""
            ),
            website=f"https://{slug[:60].strip('-')}.example" if rng.random() < 0.9 else "",
            members_approx=members_approx,
            management_organisation=management[0],
            management_website=management[1],
            management_email=management[2],
            management_phone=management[3],
            description_en=self._description(SENTENCES_EN, fields, place, kind_original),
            description_de=(
                self._description(SENTENCES_DE, fields, place, kind_original)
                if german and rng.random() < 0.6
                else ""
            ),
            technology_fields=sorted(field.slug for field in fields),
            branches=sorted({field.branch for field in fields}),
            value_chain_roles=roles,
            labels=sorted({_weighted(rng, LABELS)} if german and rng.random() < 0.2 else set()),
            funding_sources=self._funding(german),
            competences_offered=self._offered(fields, german),
            competences_sought=self._sought(fields, roles, german),
            member_counts=members,
            field_terms=sorted({term for field in fields for term in field.synonyms[:1]}),
            keywords=sorted(
                {term for field in fields for term in field.synonyms[1:3]}
                if rng.random() < 0.5
                else set()
            ),
            sources=self._sources(slug),
        )

    def _fields(self, count: int) -> list[Field]:
        """`count` distinct fields, the common ones (as in the real data) more often."""
        chosen: dict[str, Field] = {}
        while len(chosen) < count:
            field = self.rng.choices(self.fields, self.field_weights)[0]
            chosen.setdefault(field.slug, field)
        return list(chosen.values())

    def _name(self, place: Place, field: Field, *, german: bool) -> str:
        rng = self.rng
        region_en, region_de = STATE_NAMES.get(place.region, (place.city, place.city))
        values = {
            "field": _title(field.label_en),
            "field_lower": field.label_en.lower(),
            "field_de": field.label_de,
            "region": region_en,
            "region_de": region_de,
            "city": place.city,
        }
        patterns = GERMAN_NAME_PATTERNS if german and rng.random() < 0.5 else ENGLISH_NAME_PATTERNS
        return rng.choice(patterns).format(**values)[:300]

    def _slug(self, name: str) -> str:
        base = make_slug(name)[:110].strip("-") or "cluster"
        slug, counter = base, 2
        while slug in self.used_slugs:
            slug = f"{base}-{counter}"
            counter += 1
        self.used_slugs.add(slug)
        return slug

    def _kind(self, german: bool) -> tuple[str, str]:
        table = GERMAN_KINDS if german else INTERNATIONAL_KINDS
        kind, original, _weight = self.rng.choices(table, [row[2] for row in table])[0]
        return ClusterKind(kind).value, original

    def _member_counts(self) -> dict[str, int]:
        if self.rng.random() < 0.4:
            return {}
        total = self.rng.randint(10, 600)
        weights = dict(MEMBER_MIX)
        chosen = [slug for slug in self.member_types if self.rng.random() < 0.8] or ["sme"]
        share = sum(weights[slug] for slug in chosen)
        return {slug: max(1, round(total * weights[slug] / share)) for slug in chosen}

    def _management(self, name: str, slug: str, place: Place) -> tuple[str, str, str, str]:
        rng = self.rng
        organisation = rng.choice(
            [
                f"{name} e.V.",
                f"{place.city} Cluster Management GmbH",
                f"Wirtschaftsförderung {place.city}",
                f"{name} Management Ltd",
            ]
        )[:300]
        website = f"https://management.{slug[:50].strip('-')}.example" if rng.random() < 0.5 else ""
        email = f"info@{slug[:50].strip('-')}.example" if rng.random() < 0.6 else ""
        phone = f"+{rng.randint(30, 49)} {rng.randint(20, 999)} {rng.randint(100000, 9999999)}"
        return organisation, website, email, phone if rng.random() < 0.5 else ""

    def _description(
        self, sentences: Sequence[str], fields: Sequence[Field], place: Place, kind: str
    ) -> str:
        """200 to 600 characters of whole sentences."""
        rng = self.rng
        target = rng.randint(200, 600)
        values = {
            "kind": kind,
            "n": rng.randint(20, 400),
            "year": rng.randint(1995, 2022),
            "city": place.city,
            "fields": ", ".join(field.label_en.lower() for field in fields[:3]),
            "fields_de": ", ".join(field.label_de for field in fields[:3]),
        }
        text = ""
        for sentence in rng.sample(sentences, len(sentences)):
            candidate = f"{text} {sentence.format(**values)}".strip()
            if len(candidate) > 600:
                break
            text = candidate
            if len(text) >= target:
                break
        return text

    def _funding(self, german: bool) -> list[str]:
        rng = self.rng
        if rng.random() < 0.5:
            return []
        if german:
            chosen = rng.choices(self.programmes, self.programme_weights, k=rng.randint(1, 2))
        else:
            chosen = [_weighted(rng, INTERNATIONAL_FUNDING)]
        return sorted(set(chosen))

    def _offered(self, fields: Sequence[Field], german: bool) -> list[CompetenceRecord]:
        rng = self.rng
        result: dict[str, CompetenceRecord] = {}
        for _ in range(rng.randint(1, 6)):
            field = rng.choice(fields)
            in_german = german and rng.random() < 0.4
            pattern = rng.choice(OFFER_PATTERNS_DE if in_german else OFFER_PATTERNS_EN)
            phrase = pattern.format(
                field=field.label_en.lower(), field_de=field.label_de, n=rng.randint(10, 200)
            )
            result.setdefault(
                phrase,
                CompetenceRecord(
                    phrase=phrase,
                    language=Language.DE.value if in_german else Language.EN.value,
                    technology_field=field.slug if rng.random() < 0.5 else None,
                ),
            )
        return list(result.values())

    def _sought(
        self, fields: Sequence[Field], roles: Sequence[str], german: bool
    ) -> list[CompetenceRecord]:
        rng = self.rng
        missing = [role for role in self.roles if role not in roles] or list(self.roles)
        result: dict[str, CompetenceRecord] = {}
        for _ in range(rng.randint(0, 4)):
            field = rng.choice(fields)
            role = rng.choice(missing)
            in_german = german and rng.random() < 0.3
            pattern = rng.choice(SEEK_PATTERNS_DE if in_german else SEEK_PATTERNS_EN)
            phrase = pattern.format(
                field_lower=field.label_en.lower(),
                field_de=field.label_de,
                role=role,
                role_de=ROLE_DE.get(role, role),
            )
            derived = rng.random() < 0.5
            result.setdefault(
                phrase,
                CompetenceRecord(
                    phrase=phrase,
                    language=Language.DE.value if in_german else Language.EN.value,
                    technology_field=field.slug,
                    value_chain_role=role if derived or rng.random() < 0.5 else None,
                    provenance=(Provenance.DERIVED if derived else Provenance.SOURCE).value,
                ),
            )
        return list(result.values())

    def _sources(self, slug: str) -> list[str]:
        candidates = [
            f"https://{slug[:60].strip('-')}.example/about",
            f"https://www.clusterplattform.example/clusters/{slug}",
            f"https://news.example/{self.rng.randint(2012, 2025)}/{slug}",
        ]
        return candidates[: self.rng.randint(1, 3)]


def generate(count: int, *, seed: int = 0) -> list[ClusterRecord]:
    """`count` records; the same seed gives the same records."""
    return list(ClusterGenerator(seed).records(count))


def write_records(records: Iterator[ClusterRecord], out: TextIO, fmt: str = "csv") -> int:
    return (write_json if fmt == "json" else write_csv)(records, out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clusters", type=int, default=1000, help="How many clusters to make.")
    parser.add_argument("--seed", type=int, default=0, help="Same seed, same clusters.")
    parser.add_argument("--format", choices=["csv", "json"], default=None)
    parser.add_argument(
        "-o", "--output", type=Path, default=None, help="File to write (default: stdout)."
    )
    args = parser.parse_args(argv)
    fmt = args.format or ("json" if args.output and args.output.suffix == ".json" else "csv")
    records = ClusterGenerator(args.seed).records(args.clusters)
    started = time.perf_counter()
    if args.output is None:
        count = write_records(records, sys.stdout, fmt)
    else:
        with args.output.open("w", encoding="utf-8", newline="") as out:
            count = write_records(records, out, fmt)
    elapsed = time.perf_counter() - started
    print(f"{count} clusters written in {elapsed:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
