"""Evaluation of matchmaking on planted complementary pairs.

`plant` builds a synthetic landscape from a bank of competence topics (each in two English and
two German wordings): for every planted pair, a German cluster A offers two topics of a field
and seeks two others; its complement B abroad offers what A seeks and seeks one of A's offers.
Around them: near-identical competitors of A abroad (they offer and seek what A does),
complements in A's own country (which must not be proposed), and clusters of unrelated fields.
In a share of the pairs one side speaks German and the other English, so the cross-lingual
matching is tested too; wordings differ between the two sides, so no pair matches by exact
text.

`evaluate` ranks every A's partners and reports recall@5, recall@10, MRR and how often B
outranks each of A's competitors.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from clusterbridge.matching.engine import ClusterProfile, MatchIndex, MatchWeights, Phrase

# field slug -> topics, each ((English wordings), (German wordings)).
TOPICS: dict[str, list[tuple[tuple[str, str], tuple[str, str]]]] = {
    "lightweight-construction": [
        (
            ("carbon fibre recycling", "recycling of carbon fibres"),
            ("Carbonfaser-Recycling", "Recycling von Kohlenstofffasern"),
        ),
        (
            ("thermoplastic composite forming", "forming of thermoplastic composites"),
            ("Umformen thermoplastischer Verbundwerkstoffe", "Thermoplast-Composite-Umformung"),
        ),
        (
            ("aluminium die casting for car bodies", "die-cast aluminium body parts"),
            ("Aluminium-Druckguss für Karosserien", "Karosserieteile aus Aluminiumdruckguss"),
        ),
        (
            ("hybrid joining of metal and plastic", "joining metals with plastics"),
            ("hybrides Fügen von Metall und Kunststoff", "Fügen von Metall mit Kunststoff"),
        ),
        (
            (
                "crash simulation of lightweight structures",
                "simulating crashes of light structures",
            ),
            (
                "Crashsimulation von Leichtbaustrukturen",
                "Simulation des Crashverhaltens leichter Bauteile",
            ),
        ),
        (
            ("natural fibre reinforced plastics", "plastics reinforced with natural fibres"),
            ("naturfaserverstärkte Kunststoffe", "Kunststoffe mit Naturfaserverstärkung"),
        ),
    ],
    "hydrogen-fuel-cells": [
        (
            ("fuel cells for trucks", "fuel cell drives for heavy lorries"),
            (
                "Brennstoffzellen für Lastwagen",
                "Brennstoffzellenantriebe für schwere Nutzfahrzeuge",
            ),
        ),
        (
            ("electrolysers for green hydrogen", "electrolysis to produce green hydrogen"),
            (
                "Elektrolyseure für grünen Wasserstoff",
                "Elektrolyse zur Erzeugung von grünem Wasserstoff",
            ),
        ),
        (
            ("hydrogen storage in salt caverns", "storing hydrogen underground in caverns"),
            (
                "Wasserstoffspeicherung in Salzkavernen",
                "unterirdische Speicherung von Wasserstoff in Kavernen",
            ),
        ),
        (
            ("hydrogen refuelling stations", "filling stations for hydrogen vehicles"),
            ("Wasserstofftankstellen", "Tankstellen für Wasserstofffahrzeuge"),
        ),
        (
            ("ammonia as a hydrogen carrier", "transporting hydrogen as ammonia"),
            ("Ammoniak als Wasserstoffträger", "Transport von Wasserstoff als Ammoniak"),
        ),
        (
            ("hydrogen pipeline materials", "materials for hydrogen pipelines"),
            ("Werkstoffe für Wasserstoffleitungen", "Materialien für Wasserstoff-Pipelines"),
        ),
    ],
    "photonics": [
        (
            ("ultrashort pulse laser machining", "machining with ultrashort laser pulses"),
            ("Ultrakurzpulslaser-Bearbeitung", "Materialbearbeitung mit ultrakurzen Laserpulsen"),
        ),
        (
            ("optical coatings for precision optics", "thin-film coatings on optical lenses"),
            (
                "optische Beschichtungen für Präzisionsoptik",
                "Dünnschichtbeschichtung optischer Linsen",
            ),
        ),
        (
            ("integrated photonic chips", "photonic integrated circuits"),
            ("integrierte photonische Chips", "photonische integrierte Schaltkreise"),
        ),
        (
            (
                "hyperspectral imaging for quality control",
                "quality inspection with hyperspectral cameras",
            ),
            (
                "hyperspektrale Bildgebung für die Qualitätskontrolle",
                "Qualitätsprüfung mit Hyperspektralkameras",
            ),
        ),
        (
            ("fibre optic sensing", "sensors based on optical fibres"),
            ("faseroptische Sensorik", "Sensoren auf Basis von Glasfasern"),
        ),
        (
            ("LiDAR for autonomous vehicles", "laser scanners for self-driving cars"),
            ("LiDAR für autonome Fahrzeuge", "Laserscanner für selbstfahrende Autos"),
        ),
    ],
    "biotechnology": [
        (
            ("monoclonal antibody production", "manufacturing of monoclonal antibodies"),
            ("Herstellung monoklonaler Antikörper", "Produktion monoklonaler Antikörper"),
        ),
        (
            ("enzymes for industrial processes", "industrial enzyme engineering"),
            ("Enzyme für industrielle Prozesse", "industrielle Enzymtechnik"),
        ),
        (
            ("CRISPR genome editing", "gene editing with CRISPR"),
            ("CRISPR-Genomeditierung", "Geneditierung mit CRISPR"),
        ),
        (
            ("microbial fermentation scale-up", "scaling up fermentation with microbes"),
            (
                "Maßstabsvergrößerung mikrobieller Fermentation",
                "Hochskalieren von Fermentationsprozessen mit Mikroorganismen",
            ),
        ),
        (
            ("bioinformatics for drug discovery", "computational biology for finding drugs"),
            (
                "Bioinformatik für die Wirkstoffsuche",
                "computergestützte Biologie für die Arzneimittelforschung",
            ),
        ),
        (
            ("cell culture media", "media for growing cell cultures"),
            ("Zellkulturmedien", "Nährmedien für Zellkulturen"),
        ),
    ],
    "renewable-energy": [
        (
            ("offshore wind turbine foundations", "foundations for offshore wind farms"),
            ("Fundamente für Offshore-Windenergieanlagen", "Gründungen für Offshore-Windparks"),
        ),
        (
            ("perovskite solar cells", "solar cells made of perovskite"),
            ("Perowskit-Solarzellen", "Solarzellen aus Perowskit"),
        ),
        (
            ("geothermal heat for district heating", "district heating from geothermal energy"),
            ("Geothermie für Fernwärme", "Fernwärme aus Erdwärme"),
        ),
        (
            ("biogas from agricultural waste", "producing biogas from farm residues"),
            ("Biogas aus landwirtschaftlichen Abfällen", "Biogaserzeugung aus Agrarreststoffen"),
        ),
        (
            ("recycling of wind turbine blades", "reuse of old rotor blades"),
            ("Recycling von Rotorblättern", "Wiederverwertung alter Windkraft-Rotorblätter"),
        ),
        (
            ("agrivoltaics on farmland", "solar panels above crops"),
            ("Agri-Photovoltaik auf Ackerflächen", "Solarmodule über Nutzpflanzen"),
        ),
    ],
    "medical-technology": [
        (
            ("surgical robots", "robot-assisted surgery"),
            ("Operationsroboter", "roboterassistierte Chirurgie"),
        ),
        (
            ("3D-printed implants", "additively manufactured implants"),
            ("3D-gedruckte Implantate", "additiv gefertigte Implantate"),
        ),
        (
            ("wearable ECG monitoring", "heart monitoring with wearables"),
            ("tragbare EKG-Überwachung", "Herzüberwachung mit Wearables"),
        ),
        (
            ("clinical trials for medical devices", "clinical studies of medical products"),
            ("klinische Prüfungen von Medizinprodukten", "klinische Studien für Medizinprodukte"),
        ),
        (
            ("sterilisation of surgical instruments", "sterilising instruments for operations"),
            ("Sterilisation chirurgischer Instrumente", "Aufbereitung von OP-Instrumenten"),
        ),
        (
            ("MRI image analysis with AI", "AI-based analysis of MRI scans"),
            (
                "KI-gestützte Auswertung von MRT-Bildern",
                "Analyse von MRT-Aufnahmen mit künstlicher Intelligenz",
            ),
        ),
    ],
    "logistics": [
        (
            ("cold chain monitoring", "monitoring refrigerated supply chains"),
            ("Überwachung der Kühlkette", "Kühlkettenüberwachung"),
        ),
        (
            ("autonomous forklifts in warehouses", "self-driving warehouse vehicles"),
            ("autonome Gabelstapler im Lager", "fahrerlose Transportfahrzeuge im Lager"),
        ),
        (
            ("last-mile delivery with cargo bikes", "urban parcel delivery by cargo bike"),
            (
                "Zustellung auf der letzten Meile mit Lastenrädern",
                "Paketzustellung per Lastenrad in Städten",
            ),
        ),
        (
            ("port container terminal automation", "automating container terminals"),
            (
                "Automatisierung von Containerterminals",
                "automatisierte Containerumschlaganlagen im Hafen",
            ),
        ),
        (
            ("supply chain risk analytics", "analysing risks in supply chains"),
            ("Risikoanalyse von Lieferketten", "Lieferkettenrisiken analysieren"),
        ),
        (
            ("rail freight digitalisation", "digital rail cargo"),
            ("Digitalisierung des Schienengüterverkehrs", "digitaler Güterverkehr auf der Schiene"),
        ),
    ],
    "food": [
        (
            ("plant-based meat alternatives", "meat substitutes from plants"),
            ("pflanzliche Fleischalternativen", "Fleischersatz aus Pflanzen"),
        ),
        (
            ("food packaging from bioplastics", "bioplastic packaging for food"),
            (
                "Lebensmittelverpackungen aus Biokunststoff",
                "Biokunststoff-Verpackungen für Lebensmittel",
            ),
        ),
        (
            ("insect protein for feed", "insects as a protein source for animal feed"),
            ("Insektenprotein für Futtermittel", "Insekten als Proteinquelle für Tierfutter"),
        ),
        (
            ("food safety testing", "testing food for contaminants"),
            ("Prüfung der Lebensmittelsicherheit", "Untersuchung von Lebensmitteln auf Rückstände"),
        ),
        (
            ("precision fermentation of dairy proteins", "milk proteins made by fermentation"),
            ("Präzisionsfermentation von Milchproteinen", "Milcheiweiß aus Fermentation"),
        ),
        (
            ("reducing food waste in retail", "less food waste in supermarkets"),
            (
                "Vermeidung von Lebensmittelabfällen im Handel",
                "weniger Lebensmittelverschwendung im Supermarkt",
            ),
        ),
    ],
}
FIELD_BRANCH = {
    "lightweight-construction": "chemistry-materials",
    "hydrogen-fuel-cells": "energy",
    "photonics": "optics-photonics",
    "biotechnology": "health",
    "renewable-energy": "energy",
    "medical-technology": "health",
    "logistics": "logistics",
    "food": "food-agriculture",
}
ABROAD = ("FR", "NL", "AT", "PL", "ES", "IT", "SE", "DK", "CZ", "US", "CA", "JP", "KR", "NO")
ROLES = ("research", "development", "production", "application", "services")


def bank_phrases() -> list[str]:
    return sorted({w for topics in TOPICS.values() for en, de in topics for w in (*en, *de)})


@dataclass
class Planted:
    source: str  # A's slug
    complement: str  # B's slug
    competitors: list[str]
    cross_lingual: bool


@dataclass
class Landscape:
    profiles: list[ClusterProfile]
    planted: list[Planted]


def plant(
    *,
    pairs: int = 60,
    competitors: int = 2,
    same_country: int = 1,
    unrelated: int = 120,
    cross_share: float = 0.5,
    seed: int = 0,
) -> Landscape:
    rng = random.Random(seed)  # noqa: S311 - a reproducible sample, not a secret
    profiles: list[ClusterProfile] = []
    planted: list[Planted] = []
    fields = sorted(TOPICS)

    def add(
        slug: str,
        country: str,
        field_slug: str,
        offers: list[Phrase],
        seeks: list[Phrase],
        roles: Iterable[str],
        extra_field: str | None = None,
    ) -> str:
        own_fields = (field_slug,) if extra_field is None else (field_slug, extra_field)
        profiles.append(
            ClusterProfile(
                id=len(profiles) + 1,
                slug=slug,
                name=slug.replace("-", " ").title(),
                country=country,
                kind="cluster" if country == "DE" else "international-cluster",
                fields=own_fields,
                branches=tuple(sorted({FIELD_BRANCH[f] for f in own_fields})),
                roles=tuple(sorted(set(roles))),
                offers=tuple(offers),
                seeks=tuple(seeks),
                has_management=rng.random() < 0.7 or None,
                states_funding=rng.random() < 0.5 or None,
            )
        )
        return slug

    def words(
        topic: tuple[tuple[str, str], tuple[str, str]], language: str, variant: int, field_slug: str
    ) -> Phrase:
        en, de = topic
        return Phrase((en if language == "en" else de)[variant], language, field_slug)

    for i in range(pairs):
        field_slug = fields[i % len(fields)]
        topics = rng.sample(TOPICS[field_slug], 4)
        cross = rng.random() < cross_share
        lang_a = rng.choice(("en", "de"))
        lang_b = ("de" if lang_a == "en" else "en") if cross else lang_a
        # A uses wording 0, B wording 1: the two sides never share the exact text.
        a_roles = rng.sample(ROLES, 2)
        b_roles = [*[r for r in ROLES if r not in a_roles][:2], rng.choice(a_roles)]
        extra = rng.choice([None, rng.choice(fields)])
        extra = None if extra == field_slug else extra
        a = add(
            f"a-{i}",
            "DE",
            field_slug,
            [words(t, lang_a, 0, field_slug) for t in topics[:2]],
            [words(t, lang_a, 0, field_slug) for t in topics[2:]],
            a_roles,
            extra,
        )
        b = add(
            f"b-{i}",
            rng.choice(ABROAD),
            field_slug,
            [words(t, lang_b, 1, field_slug) for t in topics[2:]],
            [words(topics[rng.randrange(2)], lang_b, 1, field_slug)],
            b_roles,
        )
        rivals = []
        for j in range(competitors):
            lang_c = rng.choice(("en", "de"))
            rivals.append(
                add(
                    f"c-{i}-{j}",
                    rng.choice(ABROAD),
                    field_slug,
                    [words(t, lang_c, 1, field_slug) for t in topics[:2]],
                    [words(t, lang_c, 1, field_slug) for t in topics[2:]],
                    a_roles,
                )
            )
        for j in range(same_country):
            add(
                f"d-{i}-{j}",
                "DE",
                field_slug,
                [words(t, lang_b, 1, field_slug) for t in topics[2:]],
                [words(topics[0], lang_b, 1, field_slug)],
                b_roles,
            )
        planted.append(Planted(a, b, rivals, cross))
    for i in range(unrelated):
        field_slug = rng.choice(fields)
        topics = rng.sample(TOPICS[field_slug], 3)
        language = rng.choice(("en", "de"))
        add(
            f"u-{i}",
            rng.choice(("DE", *ABROAD)),
            field_slug,
            [words(t, language, rng.randrange(2), field_slug) for t in topics[:2]],
            [words(topics[2], language, rng.randrange(2), field_slug)],
            rng.sample(ROLES, 2),
        )
    return Landscape(profiles, planted)


@dataclass
class Metrics:
    pairs: int
    recall_at_5: float
    recall_at_10: float
    mrr: float
    above_competitors: float
    cross_lingual_recall_at_10: float
    never_same_country: bool
    details: list[tuple[str, int | None]] = field(default_factory=list, repr=False)

    def as_dict(self) -> dict[str, float | int | bool]:
        return {
            "pairs": self.pairs,
            "recall_at_5": self.recall_at_5,
            "recall_at_10": self.recall_at_10,
            "mrr": self.mrr,
            "above_competitors": self.above_competitors,
            "cross_lingual_recall_at_10": self.cross_lingual_recall_at_10,
            "never_same_country": self.never_same_country,
        }


def evaluate(index: MatchIndex, planted: list[Planted], *, depth: int = 50) -> Metrics:
    ranks: list[int | None] = []
    wins = comparisons = 0
    cross_hits = cross_total = 0
    same_country_ok = True
    for p in planted:
        a = index.position[p.source]
        ranked = [m.candidate.slug for m in index.partners(a, limit=depth)]
        same_country_ok &= all(
            index.profiles[index.position[s]].country != index.profiles[a].country for s in ranked
        )
        rank = ranked.index(p.complement) + 1 if p.complement in ranked else None
        ranks.append(rank)
        for rival in p.competitors:
            comparisons += 1
            rival_rank = ranked.index(rival) + 1 if rival in ranked else None
            if rank is not None and (rival_rank is None or rank < rival_rank):
                wins += 1
        if p.cross_lingual:
            cross_total += 1
            cross_hits += rank is not None and rank <= 10
    n = max(1, len(planted))
    return Metrics(
        pairs=len(planted),
        recall_at_5=round(sum(r is not None and r <= 5 for r in ranks) / n, 4),
        recall_at_10=round(sum(r is not None and r <= 10 for r in ranks) / n, 4),
        mrr=round(sum(1 / r for r in ranks if r) / n, 4),
        above_competitors=round(wins / max(1, comparisons), 4),
        cross_lingual_recall_at_10=round(cross_hits / max(1, cross_total), 4),
        never_same_country=same_country_ok,
        details=list(zip([p.source for p in planted], ranks, strict=True)),
    )


def run(
    *,
    landscape: Landscape,
    vectors: dict[str, np.ndarray],
    tokenize: object,
    dims: int,
    weights: MatchWeights | None = None,
) -> Metrics:
    index = MatchIndex(
        landscape.profiles,
        vectors=vectors,
        tokenize=tokenize,  # type: ignore[arg-type]
        dims=dims,
        weights=weights,
    )
    return evaluate(index, landscape.planted)
