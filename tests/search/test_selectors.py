"""Reading the index: matching, facets, sorting, pages, snippets, suggestions.

Runs on SQLite (FTS5) and PostgreSQL (tsvector); the contract tests at the end pin the matching
documents, which both backends must agree on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction
from django.utils.translation import override
from freezegun import freeze_time
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from clusterbridge.clusters.models import Cluster
from clusterbridge.search.models import SearchDocument
from clusterbridge.search.query import parse
from clusterbridge.search.selectors import (
    SearchInputError,
    SearchRequest,
    SearchResults,
    known_words,
    search,
    snippet,
    suggest,
)
from clusterbridge.search.services import analyzer_get, index_objects, index_rebuild

pytestmark = pytest.mark.django_db

MakeCluster = Callable[..., Cluster]
ANY_WORDS_NOTICE = "No result contains all the words; showing results with some of them."


def _index() -> None:
    """Builds the lexical index of every cluster (writes index only after commit, and the
    tests run inside a transaction)."""
    index_rebuild(embed=False)


def _lexical(q: str = "", **kwargs: Any) -> SearchResults:
    return search(SearchRequest(q=q, mode="lexical", **kwargs))


def _slugs(results: SearchResults) -> list[str]:
    return [hit.url_path.strip("/").split("/")[-1] for hit in results.hits]


def _facet_counts(results: SearchResults) -> dict[str, list[tuple[str, int, bool]]]:
    return {
        facet.name: [(v.value, v.count, v.selected) for v in facet.values]
        for facet in results.facets
    }


@pytest.fixture
def five(make_cluster: MakeCluster) -> None:
    """Two countries by two fields and a third of each, for filters and facet counts."""
    make_cluster(slug="de-photonics", name="DE Photonics", region="DE-BY")
    make_cluster(
        slug="de-auto",
        name="DE Auto",
        region="DE-BW",
        city="Stuttgart",
        technology_fields=["automotive"],
    )
    make_cluster(slug="fr-photonics", name="FR Photonics", country="FR", region="", city="Paris")
    make_cluster(
        slug="es-auto",
        name="ES Auto",
        country="ES",
        region="",
        city="Bilbao",
        technology_fields=["automotive"],
    )
    make_cluster(
        slug="fr-hydrogen",
        name="FR Hydrogen",
        country="FR",
        region="",
        city="Lyon",
        technology_fields=["hydrogen-fuel-cells"],
    )
    _index()


# --- filters and facets -------------------------------------------------------------------


def test_search_filters_or_within_a_facet_and_across_facets(five: None) -> None:
    results = _lexical(filters={"country": ("FR", "ES"), "field": ("automotive",)})

    assert _slugs(results) == ["es-auto"]
    assert results.total == 1


def test_search_or_within_a_facet_alone(five: None) -> None:
    results = _lexical(filters={"country": ("FR", "ES")})

    assert _slugs(results) == ["es-auto", "fr-hydrogen", "fr-photonics"]


def test_facet_counts_ignore_their_own_selection(five: None) -> None:
    results = _lexical(filters={"country": ("FR", "ES"), "field": ("automotive",)})

    assert _facet_counts(results) == {
        "type": [("cluster", 1, False)],
        # Country counts apply the field filter only: what choosing another country adds.
        "country": [("DE", 1, False), ("ES", 1, True), ("FR", 0, True)],
        # Field counts apply the country filter only.
        "field": [
            ("automotive", 1, True),
            ("hydrogen-fuel-cells", 1, False),
            ("photonics", 1, False),
        ],
        "kind": [("cluster", 1, False)],
    }


def test_facet_counts_without_filters_count_every_match(five: None) -> None:
    results = _lexical("photonics")

    assert _facet_counts(results) == {
        "type": [("cluster", 2, False)],
        "field": [("photonics", 2, False)],
        "country": [("DE", 1, False), ("FR", 1, False)],
        "region": [("DE-BY", 1, False)],
        "kind": [("cluster", 2, False)],
    }


def test_facet_counts_of_a_query_keep_unchosen_values_visible(five: None) -> None:
    results = _lexical("photonics", filters={"country": ("FR",)})

    assert _slugs(results) == ["fr-photonics"]
    assert _facet_counts(results)["country"] == [("DE", 1, False), ("FR", 1, True)]


def test_facet_labels_are_shown_in_the_active_language(five: None) -> None:
    results = _lexical(filters={"country": ("FR",)})

    labels = {f.name: (f.label, [v.label for v in f.values]) for f in results.facets}
    assert labels["country"] == ("Country", ["Germany", "France", "Spain"])
    assert labels["field"] == ("Technology field", ["Hydrogen and fuel cells", "Photonics"])


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"nosuch": ("1",)}, "nosuch"),
        ({"country": ("DE; DROP TABLE x",)}, "country"),
        ({"field": ("<script>",)}, "field"),
        ({"region": ("x" * 121,)}, "region"),
        ({"country": ("DE\n",)}, "country"),
    ],
)
def test_search_invalid_facet_name_or_value_names_the_field(
    filters: dict[str, tuple[str, ...]], field: str
) -> None:
    with pytest.raises(SearchInputError) as error:
        search(SearchRequest(filters=filters))

    assert error.value.field == field


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"sort": "price"}, "sort"),
        ({"page": 0}, "page"),
        ({"page_size": 0}, "page_size"),
        ({"page_size": 101}, "page_size"),
    ],
)
def test_search_invalid_sort_or_page_names_the_parameter(
    changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(SearchInputError) as error:
        search(SearchRequest(**changes))

    assert error.value.field == field


def test_search_unknown_value_of_a_known_facet_finds_nothing(five: None) -> None:
    results = _lexical(filters={"country": ("XX",)})

    assert (results.hits, results.total) == ([], 0)
    assert _facet_counts(results)["country"] == [
        ("DE", 2, False),
        ("FR", 2, False),
        ("ES", 1, False),
        ("XX", 0, True),
    ]


# --- empty queries, sorting, pages -------------------------------------------------------


def test_search_empty_query_returns_everything_sorted_by_name(make_cluster: MakeCluster) -> None:
    make_cluster(slug="zeta", name="Zeta Cluster")
    make_cluster(slug="arzte", name="Ärzte Netz")
    make_cluster(slug="beta", name="beta network")
    _index()

    results = search(SearchRequest())

    assert _slugs(results) == ["arzte", "beta", "zeta"]
    assert results.total == 3
    assert [hit.matched_by for hit in results.hits] == ["filter", "filter", "filter"]


@pytest.mark.parametrize("q", ["the and of ", "  ", '""', "- * ( )"])
def test_search_query_without_content_words_returns_everything(
    make_cluster: MakeCluster, q: str
) -> None:
    make_cluster(slug="zeta", name="Zeta Cluster", description_en="Optics.")
    make_cluster(slug="alpha", name="Alpha Cluster", description_en="Theory of the lasers.")
    _index()

    results = search(SearchRequest(q=q))

    assert _slugs(results) == ["alpha", "zeta"]


def test_search_only_stopwords_when_not_typing_returns_everything(
    make_cluster: MakeCluster,
) -> None:
    make_cluster(slug="zeta", name="Zeta Cluster", description_en="Optics.")
    make_cluster(slug="alpha", name="Alpha Cluster", description_en="Theory of the lasers.")
    _index()

    results = search(SearchRequest(q="the and of", as_you_type=False))

    assert _slugs(results) == ["alpha", "zeta"]


def test_search_sort_by_name_folds_case_and_umlauts(make_cluster: MakeCluster) -> None:
    make_cluster(slug="zeta", name="Zeta Photonics")
    make_cluster(slug="ohm", name="Öhm Photonics")
    make_cluster(slug="alpha", name="alpha Photonics")
    _index()

    results = _lexical("photonics", sort="name")

    assert _slugs(results) == ["alpha", "ohm", "zeta"]


def test_search_sort_by_newest(make_cluster: MakeCluster) -> None:
    with freeze_time("2024-03-01 12:00:00", tz_offset=0) as frozen:
        make_cluster(slug="middle", name="Middle Photonics")
        frozen.tick(dt.timedelta(days=1))
        make_cluster(slug="newest", name="Newest Photonics")
        frozen.move_to("2024-01-01 12:00:00")
        make_cluster(slug="oldest", name="Oldest Photonics")
    _index()

    results = _lexical("photonics", sort="newest")

    assert _slugs(results) == ["newest", "middle", "oldest"]


def test_search_pages_concatenate_to_the_full_ranking(make_cluster: MakeCluster) -> None:
    for n in range(11):
        make_cluster(
            slug=f"photonics-{n:02}",
            name=f"Cluster {n:02}",
            description_en="Photonics " * (n % 4 + 1) + "and optics.",
        )
    _index()
    full = _lexical("photonics", page_size=100)

    pages = [_lexical("photonics", page=page, page_size=4) for page in (1, 2, 3)]

    ids = [hit.document_id for page in pages for hit in page.hits]
    assert ids == [hit.document_id for hit in full.hits]
    assert len(set(ids)) == 11
    assert [(p.total, p.pages, p.first_number) for p in pages] == [
        (11, 3, 1),
        (11, 3, 5),
        (11, 3, 9),
    ]


def test_search_page_past_the_end_is_empty(five: None) -> None:
    results = _lexical(page=9, page_size=2)

    assert (results.hits, results.total) == ([], 5)


# --- matching -----------------------------------------------------------------------------


@pytest.fixture
def twenty(five: None, make_cluster: MakeCluster) -> None:
    """The five and fifteen networks of other fields, every one of them "a network": a word
    that tells nothing here, as "cluster" tells nothing in a landscape of clusters."""
    for n in range(15):
        make_cluster(
            slug=f"network-{n}",
            name=f"Network {n}",
            technology_fields=["automotive" if n % 2 else "biotechnology"],
            description_en=f"A network of firms, number {n}.",
        )
    make_cluster(
        slug="battery-network",
        name="Battery Network",
        technology_fields=["automotive"],
        description_en="A network of firms making batteries.",
    )
    _index()


def test_search_any_words_fallback_when_no_document_has_all(twenty: None) -> None:
    results = _lexical("photonics zeppelin")

    assert sorted(_slugs(results)) == ["de-photonics", "fr-photonics"]
    assert results.notice == ANY_WORDS_NOTICE


def test_search_any_words_fallback_drops_matches_on_a_word_nearly_all_hold(
    twenty: None, engine: str
) -> None:
    # No document holds all three words; 16 of 21 hold "network", one holds "batteries".
    results = _lexical("network batteries ships")

    assert (_slugs(results), results.total, results.notice) == (
        ["battery-network"],
        1,
        ANY_WORDS_NOTICE,
    )
    assert _facet_counts(results)["country"] == [("DE", 1, False)]


def test_search_all_words_match_needs_no_notice(five: None) -> None:
    results = _lexical("photonics paris")

    assert (_slugs(results), results.notice) == (["fr-photonics"], "")


def test_search_typo_finds_the_known_word(make_cluster: MakeCluster) -> None:
    make_cluster(slug="photonics-network", name="Photonics Network")
    make_cluster(slug="auto", name="Auto Cluster", technology_fields=["automotive"])
    _index()

    results = _lexical("photnics")

    assert _slugs(results) == ["photonics-network"]
    assert results.query.clauses[0].corrections == ("photonics",)


def test_search_umlaut_spelled_out_finds_the_city(make_cluster: MakeCluster) -> None:
    make_cluster(slug="munich", name="Bavarian Optics", city="München")
    make_cluster(slug="hamburg", name="Hanse Optics", city="Hamburg", region="DE-HH")
    _index()

    assert _slugs(_lexical("Muenchen")) == ["munich"]
    assert _slugs(_lexical("munchen")) == ["munich"]
    assert _slugs(_lexical("MÜNCHEN")) == ["munich"]


def test_search_german_compound_finds_english_only_hydrogen_cluster(
    make_cluster: MakeCluster,
) -> None:
    make_cluster(
        slug="h2-north",
        name="H2 North",
        technology_fields=["hydrogen-fuel-cells"],
        description_en="Buses and trucks that run on clean energy.",
    )
    make_cluster(slug="optics", name="Optics North", description_en="Lenses and mirrors.")
    _index()

    results = _lexical("Brennstoffzelle")

    assert _slugs(results) == ["h2-north"]


def test_search_german_term_finds_english_only_lightweight_cluster(
    make_cluster: MakeCluster,
) -> None:
    make_cluster(
        slug="carbon-frames",
        name="Carbon Frames",
        technology_fields=["lightweight-construction"],
        description_en="Carbon frames for bicycles.",
    )
    make_cluster(slug="optics", name="Optics North", description_en="Lenses and mirrors.")
    _index()

    assert _slugs(_lexical("Leichtbau")) == ["carbon-frames"]


def test_search_german_term_finds_english_synonym_in_the_text_alone(
    make_cluster: MakeCluster,
) -> None:
    """No field set: the English phrase in the description names the concept."""
    make_cluster(
        slug="carbon-frames",
        name="Carbon Frames",
        technology_fields=[],
        description_en="We work on lightweight design of bicycle frames.",
    )
    make_cluster(slug="optics", name="Optics North", description_en="Lenses and mirrors.")
    _index()

    assert _slugs(_lexical("Leichtbau")) == ["carbon-frames"]


def test_search_phrase_must_occur_as_written(make_cluster: MakeCluster) -> None:
    make_cluster(slug="in-order", name="One", description_en="Laser optics for glass.")
    make_cluster(slug="reversed", name="Two", description_en="Optics and a laser.")
    _index()

    assert _slugs(_lexical('"laser optics"')) == ["in-order"]
    assert sorted(_slugs(_lexical("laser optics"))) == ["in-order", "reversed"]


def test_search_prefix_while_typing(make_cluster: MakeCluster) -> None:
    make_cluster(slug="photonics-network", name="Photonics Network")
    make_cluster(slug="auto", name="Auto Cluster", technology_fields=["automotive"])
    _index()

    assert _slugs(_lexical("photonics netw")) == ["photonics-network"]
    assert _slugs(_lexical("photonics netw ")) == ["photonics-network"]
    assert _lexical("photonics netw ").notice == ANY_WORDS_NOTICE


def test_search_title_ranks_above_body(make_cluster: MakeCluster) -> None:
    make_cluster(slug="body", name="Cluster Alpha", description_en="We also do robotics.")
    make_cluster(slug="title", name="Robotics Hub", description_en="A hub in the south.")
    _index()

    assert _slugs(_lexical("robotics")) == ["title", "body"]


def test_search_finds_a_cluster_once_its_write_commits(
    make_cluster: MakeCluster, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        make_cluster(slug="photonics-network", name="Photonics Network")

    assert _slugs(_lexical("photonics")) == ["photonics-network"]


def test_search_forgets_a_deleted_cluster(make_cluster: MakeCluster) -> None:
    gone = make_cluster(slug="gone", name="Gone Photonics")
    make_cluster(slug="kept", name="Kept Photonics")
    _index()
    pk = gone.pk
    gone.delete()

    report = index_objects(model=Cluster, ids=[pk], embed=False)

    assert (report.removed, _slugs(_lexical("photonics"))) == (1, ["kept"])


def test_search_hit_carries_document_fields(make_cluster: MakeCluster) -> None:
    cluster = make_cluster(slug="photonics-network", name="Photonics Network")
    _index()

    hit = _lexical("photonics").hits[0]

    assert (hit.doc_type, hit.object_id, hit.title, hit.url_path, hit.matched_by) == (
        "cluster",
        cluster.pk,
        "Photonics Network",
        "/clusters/photonics-network/",
        "words",
    )
    assert hit.facets == {
        "country": ["DE"],
        "field": ["photonics"],
        "kind": ["cluster"],
        "region": ["DE-BY"],
    }


# --- snippets -----------------------------------------------------------------------------


def test_snippet_marks_folded_matches(make_cluster: MakeCluster) -> None:
    make_cluster(slug="munich", name="Bavarian Optics", description_en="Optics from München.")
    _index()

    results = _lexical("Muenchen optic")

    assert str(results.hits[0].snippet) == "<mark>Optics</mark> from <mark>München</mark>."


def test_snippet_escapes_html_of_the_text(make_cluster: MakeCluster) -> None:
    make_cluster(
        slug="xss",
        name="Script Cluster",
        description_en='Lasers & <script>alert("x")</script> photonics',
    )
    _index()

    results = _lexical("photonics")

    assert str(results.hits[0].snippet) == (
        "Lasers &amp; &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>photonics</mark>"
    )


def test_snippet_windows_long_text_around_the_first_match() -> None:
    document = SearchDocument(summary_en="Word " * 100 + "photonics here. " + "Tail " * 100)
    query = parse("photonics", analyzer_get(), known_words)

    result = snippet(document, query)

    assert str(result) == (
        "…" + "Word " * 11 + "<mark>photonics</mark> here. " + " ".join(["Tail"] * 29) + "…"
    )


def test_snippet_in_german_uses_the_german_summary() -> None:
    document = SearchDocument(
        summary_en="Photonics in English.", summary_de="Photonik auf Deutsch."
    )
    query = parse("photonik", analyzer_get(), known_words)

    with override("de"):
        result = snippet(document, query)

    assert str(result) == "<mark>Photonik</mark> auf Deutsch."


def test_snippet_without_a_summary_is_empty() -> None:
    query = parse("photonik", analyzer_get(), known_words)

    assert str(snippet(SearchDocument(), query)) == ""


# --- suggestions --------------------------------------------------------------------------


@pytest.fixture
def titles(make_cluster: MakeCluster) -> None:
    make_cluster(slug="bavarian-photonics", name="Bavarian Photonics")
    make_cluster(slug="photonics-network", name="Photonics Network")
    make_cluster(slug="laser-hub", name="Laser Hub")
    make_cluster(slug="munchen-net", name="Münchner Netz")
    _index()


def test_suggest_titles_containing_the_prefix_those_starting_with_it_first(titles: None) -> None:
    assert suggest("phot") == [
        {
            "title": "Photonics Network",
            "url_path": "/clusters/photonics-network/",
            "type": "cluster",
        },
        {
            "title": "Bavarian Photonics",
            "url_path": "/clusters/bavarian-photonics/",
            "type": "cluster",
        },
    ]


@pytest.mark.parametrize(
    ("q", "title"),
    [
        ("ph", "Photonics Network"),
        ("PHOTONICS N", "Photonics Network"),
        ("muenchner", "Münchner Netz"),
        ("hub", "Laser Hub"),
    ],
)
def test_suggest_first_title(titles: None, q: str, title: str) -> None:
    assert suggest(q)[0]["title"] == title


def test_suggest_ignores_quotes_on_either_backend(titles: None) -> None:
    assert suggest('"phot') == suggest('phot"') == suggest("phot")


def test_suggest_ignores_control_characters(titles: None) -> None:
    assert suggest("phot\x00") == suggest("phot\n") == suggest("phot")


@pytest.mark.parametrize("q", ["", "p", " ", "zzz", '"', "%", "_", "\\"])
def test_suggest_short_or_unmatched_input_gives_nothing(titles: None, q: str) -> None:
    assert suggest(q) == []


# --- the same matches on either backend ---------------------------------------------------


@pytest.fixture
def corpus(make_cluster: MakeCluster) -> None:
    make_cluster(
        slug="photonics-bavaria",
        name="Photonics Bavaria",
        acronym="PHB",
        description_en="Lasers and optics from München.",
        description_de="Laser und Optik aus München.",
    )
    make_cluster(
        slug="clib",
        name="CLIB2021",
        country="DE",
        region="DE-NW",
        city="Düsseldorf",
        technology_fields=["biotechnology"],
        description_en="Industrial biotechnology for a bio-based economy.",
    )
    make_cluster(
        slug="h2-north",
        name="H2 North",
        region="DE-HH",
        city="Hamburg",
        technology_fields=["hydrogen-fuel-cells"],
        description_en="Fuel cells for trucks and ships.",
    )
    make_cluster(
        slug="carbon-frames",
        name="Carbon Frames",
        country="FR",
        region="",
        city="Lyon",
        technology_fields=["lightweight-construction"],
        description_en="Carbon frames for bicycles.",
    )
    make_cluster(
        slug="auto-south",
        name="Auto South",
        region="DE-BW",
        city="Stuttgart",
        technology_fields=["automotive"],
        description_en="Cars, trucks and their suppliers.",
    )
    _index()


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("photonics", ["photonics-bavaria"]),
        ("Photonik", ["photonics-bavaria"]),
        ("Muenchen", ["photonics-bavaria"]),
        ("laser", ["photonics-bavaria"]),
        ("photnics", ["photonics-bavaria"]),
        ("phot", ["photonics-bavaria"]),
        ("clib2021", ["clib"]),
        ("clib", ["clib"]),
        ("2021", ["clib"]),
        ("Brennstoffzelle", ["h2-north"]),
        ("Wasserstoff", ["h2-north"]),
        ('"fuel cells"', ["h2-north"]),
        ('"cells fuel"', []),
        ("Leichtbau", ["carbon-frames"]),
        ("trucks", ["auto-south", "h2-north"]),
        ("trucks hamburg", ["h2-north"]),
        ("Frankreich", ["carbon-frames"]),
        ("Baden-Württemberg", ["auto-south"]),
        ("Düsseldorf", ["clib"]),
        ("duesseldorf", ["clib"]),
        ("zeppelin", []),
    ],
)
def test_search_matches_the_same_documents_on_either_backend(
    corpus: None, engine: str, q: str, expected: list[str]
) -> None:
    results = _lexical(q)

    assert sorted(_slugs(results)) == expected


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    q=st.one_of(
        st.text(max_size=80),
        st.lists(
            st.sampled_from(
                [
                    '"',
                    "*",
                    "NEAR(a b)",
                    "AND",
                    "OR",
                    "NOT",
                    "(",
                    ")",
                    "-",
                    ":",
                    "'",
                    "&",
                    "|",
                    "!",
                    "<->",
                    ":*",
                    "\\",
                    "%",
                    "_",
                    "') OR 1=1 --",
                    "photonics",
                    "Brennst",
                ]
            ),
            max_size=12,
        ).map(" ".join),
    )
)
@example(q="x" * 10_000)
@example(q="') OR 1=1 --")
@example(q="ph\x00ot")
def test_search_never_fails_on_arbitrary_text(corpus: None, q: str) -> None:
    with transaction.atomic():  # a failing statement must not poison later examples
        results = _lexical(q)
        suggestions = suggest(q)

    assert results.total >= 0
    assert len(suggestions) <= 8


# --- large indexes: facets filtered and counted in memory ---------------------------------


@pytest.fixture(params=["rows", "postings"])
def in_memory(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Makes every index count as large, so that searches match, filter and count in memory;
    facets counted row by row or (as for many matches) posting by posting."""
    from clusterbridge.search import facet_index

    facet_index.forget()
    monkeypatch.setattr(facet_index, "IN_MEMORY_FROM", 0)
    monkeypatch.setattr(facet_index, "DENSE_FROM", 10**9 if request.param == "postings" else 1)
    yield
    facet_index.forget()


def _everything(results: SearchResults) -> tuple[Any, ...]:
    """What both paths agree on. By relevance, the hits but not their order: in memory the
    ranking counts presence per column, not frequency and length (see `search.memory`)."""
    slugs = _slugs(results)
    return (
        sorted(slugs) if results.request.sort == "relevance" and results.request.q else slugs,
        results.total,
        _facet_counts(results),
        sorted(hit.matched_by for hit in results.hits),
        results.notice,
    )


MEMORY_CASES: list[tuple[str, dict[str, tuple[str, ...]], str]] = [
    ("", {}, "relevance"),
    ("", {"country": ("FR", "ES"), "field": ("automotive",)}, "relevance"),
    ("", {"country": ("DE",)}, "newest"),
    ("trucks", {}, "relevance"),
    ("trucks", {"country": ("DE",)}, "relevance"),
    ("trucks hamburg", {"country": ("DE", "FR"), "field": ("hydrogen-fuel-cells",)}, "name"),
    ("photonics", {"region": ("DE-BY",), "kind": ("cluster",), "country": ("DE",)}, "relevance"),
    ("carbon trucks", {}, "relevance"),
    ("zeppelin", {"country": ("DE",)}, "relevance"),
    ("cars", {"field": ("nonexistent",)}, "relevance"),
    ('"fuel cells" trucks', {}, "relevance"),
    ("phot", {"country": ("DE",)}, "name"),
    ("photnics", {}, "relevance"),
    ("Brennstoffzelle lastwagen", {}, "newest"),
    ("trucks zeppelin", {}, "relevance"),
    ("Leichtbau", {"country": ("FR", "DE"), "kind": ("cluster",)}, "relevance"),
]


@pytest.mark.parametrize(("q", "filters", "sort"), MEMORY_CASES)
def test_search_in_memory_facets_give_what_sql_gives(
    corpus: None,
    in_memory: None,
    monkeypatch: pytest.MonkeyPatch,
    q: str,
    filters: dict[str, tuple[str, ...]],
    sort: str,
) -> None:
    from clusterbridge.search import facet_index

    request = SearchRequest(q=q, filters=filters, sort=sort, mode="lexical")  # type: ignore[arg-type]
    in_memory_results = search(request)
    facet_index.forget()
    monkeypatch.setattr(facet_index, "IN_MEMORY_FROM", 10**9)
    sql_results = search(request)

    assert facet_index.facet_index_get() is None
    assert _everything(in_memory_results) == _everything(sql_results)


def test_search_in_memory_index_follows_writes_of_this_process(
    make_cluster: MakeCluster, in_memory: None
) -> None:
    make_cluster(slug="first", name="First Photonics")
    _index()
    before = search(SearchRequest(q="photonics", mode="lexical"))
    make_cluster(slug="second", name="Second Photonics", country="FR", region="", city="Lyon")
    _index()

    after = search(SearchRequest(q="photonics", mode="lexical"))

    assert (before.total, after.total) == (1, 2)
    assert _facet_counts(after)["country"] == [("DE", 1, False), ("FR", 1, False)]
