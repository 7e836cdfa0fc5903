"""`clusterbridge evaluate_matching`: recall@5, recall@10, MRR and complements above
competitors on planted pairs; with --demo, also checks the loaded landscape."""

from __future__ import annotations

import itertools
import json
from dataclasses import asdict, fields, replace
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from clusterbridge.matching import evaluation, explain, selectors
from clusterbridge.matching.engine import MatchWeights
from clusterbridge.matching.lexical import tokenizer
from clusterbridge.search.semantic import get_embedder
from clusterbridge.search.services import analyzer_get

TARGETS = {"recall_at_10": 0.9, "above_competitors": 0.95}


class Command(BaseCommand):
    help = "Evaluates matchmaking on planted complementary pairs (and on the demo landscape)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pairs", type=int, default=60)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--ablation", action="store_true", help="Drop each part in turn.")
        parser.add_argument(
            "--grid",
            action="store_true",
            help="Try 81 weightings of the phrase, value-chain and sameness parts on two seeds.",
        )
        parser.add_argument(
            "--landscape",
            action="store_true",
            help="Check the loaded data: German clusters' top 10 and how often their "
            "explanations repeat a sentence.",
        )
        parser.add_argument("--json", action="store_true", help="Print JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        embedder = get_embedder()
        phrases = evaluation.bank_phrases()
        vectors = dict(zip(phrases, embedder.embed(phrases), strict=True))
        tokenize = tokenizer(analyzer_get())
        if options["grid"]:
            self._grid(options, vectors, tokenize, embedder.dimensions)
            return
        landscape = evaluation.plant(pairs=options["pairs"], seed=options["seed"])
        base = selectors.weights_get()
        runs: dict[str, MatchWeights] = {"weights": base}
        if options["ablation"]:
            for f in fields(MatchWeights):
                if getattr(base, f.name) > 0:
                    runs[f"without {f.name}"] = replace(base, **{f.name: 0.0})
        results = {}
        for name, weights in runs.items():
            metrics = evaluation.run(
                landscape=landscape,
                vectors=vectors,
                tokenize=tokenize,
                dims=embedder.dimensions,
                weights=weights,
            )
            results[name] = metrics.as_dict()
        report: dict[str, Any] = {
            "clusters": len(landscape.profiles),
            "pairs": options["pairs"],
            "seed": options["seed"],
            "results": results,
        }
        if options["landscape"]:
            report["landscape"] = landscape_check()
            report["explanations"] = explanation_check()
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
            return
        self.stdout.write(
            f"{len(landscape.profiles)} synthetic clusters, {options['pairs']} planted pairs, "
            f"seed {options['seed']}"
        )
        header = f"{'run':28} {'R@5':>6} {'R@10':>6} {'MRR':>6} {'>comp':>6} {'xling':>6}"
        self.stdout.write(header)
        for name, m in results.items():
            self.stdout.write(
                f"{name:28} {m['recall_at_5']:6.3f} {m['recall_at_10']:6.3f} {m['mrr']:6.3f} "
                f"{m['above_competitors']:6.3f} {m['cross_lingual_recall_at_10']:6.3f}"
            )
        main = results["weights"]
        for key, target in TARGETS.items():
            ok = main[key] >= target
            self.stdout.write(
                f"{key} {main[key]:.3f} (target >= {target}): {'ok' if ok else 'MISSED'}"
            )
        if options["landscape"]:
            check = report["landscape"]
            self.stdout.write(
                f"German clusters: {check['german']}; top 10 all abroad: {check['all_abroad']}; "
                f"every top-10 partner shares a field: {check['all_share_field']} "
                f"({check['share_field_pairs']} of {check['pairs']} pairs; "
                f"{check['clusters_whose_top10_all_share_a_field']} clusters with all ten sharing "
                f"a field; field-sharing partners ranked first for "
                f"{check['clusters_with_field_sharing_partners_first']})"
            )
            for language, counts in report["explanations"].items():
                self.stdout.write(
                    f"Explanations ({language}): {counts['repeated']} of {counts['sentences']} "
                    f"sentences also stand under another partner of the same top 10 "
                    f"(share {counts['share']:.3f}; with the partner's name masked "
                    f"{counts['share_names_masked']:.3f})"
                )

    def _grid(
        self, options: dict[str, Any], vectors: dict[str, Any], tokenize: Any, dims: int
    ) -> None:
        seeds = (options["seed"], options["seed"] + 1)
        landscapes = [evaluation.plant(pairs=options["pairs"], seed=s) for s in seeds]
        base = selectors.weights_get()
        rows: list[dict[str, Any]] = []
        for offers, seeks, chain, same in itertools.product(
            (0.2, 0.3, 0.4), (0.1, 0.2, 0.3), (0.05, 0.1, 0.2), (0.15, 0.3, 0.45)
        ):
            weights = replace(
                base, offers_sought=offers, sought_offered=seeks, value_chain=chain, sameness=same
            )
            runs = [
                evaluation.run(
                    landscape=landscape,
                    vectors=vectors,
                    tokenize=tokenize,
                    dims=dims,
                    weights=weights,
                ).as_dict()
                for landscape in landscapes
            ]
            metrics = {
                key: round(sum(float(r[key]) for r in runs) / len(runs), 4)
                for key in ("recall_at_5", "recall_at_10", "mrr", "above_competitors")
            }
            rows.append({"weights": asdict(weights), **metrics})
        rows.sort(key=lambda row: (-row["recall_at_10"], -row["mrr"]))
        if options["json"]:
            self.stdout.write(json.dumps({"seeds": seeds, "runs": rows}, indent=2))
            return
        self.stdout.write(f"{'offers':>6} {'seeks':>6} {'chain':>6} {'same':>6}  R@10   MRR  >comp")
        for row in rows[:15]:
            w = row["weights"]
            self.stdout.write(
                f"{w['offers_sought']:6.2f} {w['sought_offered']:6.2f} {w['value_chain']:6.2f} "
                f"{w['sameness']:6.2f}  {row['recall_at_10']:.3f} {row['mrr']:.3f} "
                f"{row['above_competitors']:.3f}"
            )


def landscape_check() -> dict[str, Any]:
    """Every German cluster's top 10: all abroad, and how many share a field with it."""
    index = selectors.landscape_get().index
    german = [i for i, p in enumerate(index.profiles) if p.country == "DE"]
    abroad = share = pairs = clusters_all_share = field_first = 0
    for a in german:
        matches = index.partners(a, limit=10)
        pairs += len(matches)
        abroad += sum(m.candidate.country != "DE" for m in matches)
        sharing = sum(bool(m.shared_fields) for m in matches)
        share += sharing
        clusters_all_share += sharing == len(matches)
        flags = [bool(m.shared_fields) for m in matches]
        field_first += flags == sorted(flags, reverse=True)
    return {
        "german": len(german),
        "pairs": pairs,
        "all_abroad": abroad == pairs,
        "share_field_pairs": share,
        "all_share_field": share == pairs,
        "clusters_whose_top10_all_share_a_field": clusters_all_share,
        "clusters_with_field_sharing_partners_first": field_first,
    }


def explanation_check(limit: int = 10) -> dict[str, dict[str, Any]]:
    """For every German cluster's top `limit`, in each language: how many explanation
    sentences are word for word another partner's sentence in the same list; also with each
    partner's own name masked, so that a name alone does not count as a difference."""
    landscape = selectors.landscape_get()
    index = landscape.index
    german = [i for i, p in enumerate(index.profiles) if p.country == "DE"]
    ranked = [index.partners(a, limit=limit) for a in german]
    out: dict[str, dict[str, Any]] = {}
    for language in ("en", "de"):
        with translation.override(language):
            lists = [[explain.sentences(m, landscape.labels) for m in ms] for ms in ranked]
        masked = [
            [
                [text.replace(m.candidate.name, "{partner}") for text in said]
                for m, said in zip(ms, ls, strict=True)
            ]
            for ms, ls in zip(ranked, lists, strict=True)
        ]
        plain, hidden = explain.repetition(lists), explain.repetition(masked)
        out[language] = {
            "lists": len(lists),
            "sentences": plain.sentences,
            "repeated": plain.repeated,
            "share": plain.share,
            "repeated_names_masked": hidden.repeated,
            "share_names_masked": hidden.share,
        }
    return out
