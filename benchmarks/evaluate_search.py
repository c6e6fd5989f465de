"""How well Atiende labels a new ticket and finds the same problem, against the plain vote of the nearest labelled
tickets, on queries that no choice in the product was made on.

    .venv/bin/python benchmarks/evaluate_search.py                 # both sets
    .venv/bin/python benchmarks/evaluate_search.py --set synthetic

Sets (benchmarks/datasets.py): `eval` is the project's own (`tests/data/eval_issues.json`: each problem's first
Spanish and first English description are the queries, the other six the desk); `synthetic` is a second set made by
another method (a generated logistics company's desk; the queries are every ticket on a phrasing no desk ticket
uses). Only the desk is stored, indexed and learned from: the desk's own calibration (domain/calibration.py) chooses
the blend, the classifier's temperature, the thresholds and search's weight of words against vectors on the desk, so
the queries are a split calibration never touched, on both sets.

For each set and query language it prints top-1 accuracy of category, subcategory and group, recall@5 and MRR of
the same problem, for:
- nearest neighbour: the similarity-weighted vote of the ten nearest labelled tickets (local model's vectors), and
  raw vector search;
- Atiende: the label /api/triage offers for each field (its best, however unsure: the vote offers its best too),
  and search as /api/search answers;
and, for Atiende, the share of queries whose field it would fill with no agent (coverage at the desk's threshold)
and how often those were right. Runs on a fresh `atiende_eval` database and the `eval` namespace of the
search-capable Redis.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.api_throughput import fresh_database  # noqa: E402
from benchmarks.datasets import eval_issues, split, synthetic_desk  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6380/0"
FIELDS = {"category": "category", "subcategory": "subcategory", "group": "assignment_group"}


def sets(chosen: str) -> dict[str, tuple[list[dict], list[dict]]]:
    """Each set's (desk, queries)."""
    found = {}
    if chosen in ("eval", "both"):
        tickets = eval_issues()
        firsts, desk, seen = [], [], set()
        for t in tickets:  # the first description of each problem in each language is the query
            (desk if (t["key"], t["language"]) in seen else firsts).append(t)
            seen.add((t["key"], t["language"]))
        found["eval"] = (desk, firsts)
    if chosen in ("synthetic", "both"):
        found["synthetic"] = split(synthetic_desk())
    return found


def build(server: str, desk: list[dict], database: str = "atiende_eval", namespace: str = "eval"):
    """The desk stored as tickets through the app's own services, indexed and learned from as the app does, in a
    fresh `database` and the `namespace` of the search-capable Redis."""
    url = fresh_database(server, database)
    os.environ.update(DATABASE_URL=url, REDIS_URL=REDIS_URL, REDIS_NAMESPACE=namespace, EMBEDDING_PROVIDER="local")
    from devhost.loop import on_background_loop
    from devhost.services import ensure_redis
    from domain import bootstrap
    from domain.auth import ROLE_PERMISSIONS, Principal
    from domain.schemas.reference import CategoryIn, GroupIn
    from domain.schemas.tickets import TicketCreate
    from domain.services import indexing, learning, reference, tickets

    ensure_redis(REDIS_URL)
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"{namespace}:*", count=1000):
        client.delete(key)
    bootstrap.get_settings.cache_clear()
    bootstrap.forget()
    settings = bootstrap.services().settings
    for group in sorted({t["group"] for t in desk}):
        on_background_loop(reference.add_group(GroupIn(name=group), bootstrap.uow()))
    subcategories: dict[str, set[str]] = defaultdict(set)
    for t in desk:
        subcategories[t["category"]].add(t["subcategory"])
    for category, subs in sorted(subcategories.items()):
        on_background_loop(reference.add_category(CategoryIn(name=category, subcategories=sorted(subs)), bootstrap.uow()))
    admin = Principal("eval", "user", ROLE_PERMISSIONS["admin"])
    number_of: dict[str, dict] = {}
    for t in desk:
        _, made, _ = on_background_loop(tickets.create_ticket(
            TicketCreate(short_description=t["text"][:160], description=t["text"], category=t["category"],
                         subcategory=t["subcategory"], assignment_group=t["group"]),
            admin, None, datetime.now(UTC), settings, bootstrap.uow()))
        number_of[made["number"]] = t
    index = bootstrap.services().vector_index
    on_background_loop(index.reset())
    while on_background_loop(indexing.index_pending(bootstrap.uow(), bootstrap.services().embedder, index, limit=128)):
        pass
    on_background_loop(learning.train(bootstrap.uow(), bootstrap.services().triage_models, index, bootstrap.services().embedder,
                           settings.TRIAGE_TRAINING_TICKETS, settings.TRIAGE_FILL_PRECISION, datetime.now(UTC)))
    return bootstrap, settings, index, number_of, url


def evaluate(name: str, desk: list[dict], queries: list[dict]) -> None:
    server = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    bootstrap, settings, index, number_of, _ = build(server, desk)
    from devhost.loop import on_background_loop
    from domain.services import similar
    from domain.triage import NEIGHBOURS, Blend, shares

    plain = Blend(vote_weight=1.0, power=1.0)
    scores: dict[tuple[str, str], dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for q in queries:
        vector = on_background_loop(bootstrap.services().embedder.embed([q["text"]]))[0]
        hits = on_background_loop(index.nearest(vector, 20, kind="ticket"))
        raw = [h.key for h in hits]
        found = on_background_loop(_brief(bootstrap.uow(), raw[:NEIGHBOURS]))
        neighbours = [(found[h.key], h.score) for h in hits[:NEIGHBOURS] if h.key in found]
        voted = {}
        for label, field in FIELDS.items():
            share = shares(neighbours, field, plain)
            best = max(share, key=share.__getitem__) if share else None
            voted[label] = best if field != "subcategory" or best is None else eval_pair(best)
        shipped = [i["number"] for i in on_background_loop(similar.search(q["text"][:500], 20, bootstrap.uow(), bootstrap.services().embedder,
                                                               index, bootstrap.services().triage_models))["items"]]
        suggested = on_background_loop(similar.triage(q["text"][:160], q["text"], settings, bootstrap.uow(), bootstrap.services().embedder,
                                           index, models=bootstrap.services().triage_models))
        atiende = {label: suggested[field]["value"] for label, field in FIELDS.items()}
        for method, ranked, labels in (("nearest neighbour", raw, voted), ("Atiende", shipped, atiende)):
            row = scores[(q["language"], method)]
            for label in FIELDS:
                row[label].append(labels[label] == q[label])
            same = [i for i, n in enumerate(ranked) if number_of[n]["key"] == q["key"]]
            row["recall@5"].append(bool(same) and same[0] < 5)
            row["MRR"].append(1 / (same[0] + 1) if same else 0.0)
        row = scores[(q["language"], "Atiende")]
        for label, field in FIELDS.items():
            fills = suggested[field]["fills"]
            row[f"{label} filled"].append(fills)
            if fills:
                row[f"{label} right when filled"].append(atiende[label] == q[label])
    print(f"\n## {name}: {len(queries)} queries against {len(desk)} labelled tickets "
          f"({len({t['key'] for t in desk})} problems, {len({t['category'] for t in desk})} categories, "
          f"{len({t['subcategory'] for t in desk})} subcategories, {len({t['group'] for t in desk})} groups)\n")
    quality = on_background_loop(bootstrap.services().triage_models.load()).calibration
    header = f"{'queries':<8}{'method':<20}{'category':>10}{'subcat.':>10}{'group':>10}{'recall@5':>10}{'MRR':>8}"
    print(header)
    print("-" * len(header))
    for language in ("es", "en"):
        for method in ("nearest neighbour", "Atiende"):
            mean = {k: sum(v) / len(v) if v else float("nan") for k, v in scores[(language, method)].items()}
            print(f"{language:<8}{method:<20}{mean['category']:>10.3f}{mean['subcategory']:>10.3f}{mean['group']:>10.3f}"
                  f"{mean['recall@5']:>10.3f}{mean['MRR']:>8.3f}")
    print("\nfilled with no agent (coverage at the desk's threshold) and right when filled, on the queries:")
    for language in ("es", "en"):
        row = scores[(language, "Atiende")]
        parts = []
        for label in FIELDS:
            filled = sum(row[f"{label} filled"]) / len(row[f"{label} filled"])
            right = row[f"{label} right when filled"]
            parts.append(f"{label} {filled:.2f} / {sum(right) / len(right):.2f}" if right else f"{label} {filled:.2f} / —")
        print(f"  {language}: " + ", ".join(parts))
    print("\nthe desk's calibration (measured on the desk alone): field: vote / classifier / shipped, threshold, "
          "coverage, temperature")
    for field, figures in quality.quality.items():
        if "shipped" in figures:
            print(f"  {field}: {figures['vote']:.3f} / {figures['classifier']:.3f} / {figures['shipped']:.3f}, "
                  f"{figures['threshold']}, {figures['coverage']:.2f}, {figures['temperature']}")
    print("search, per language: MRR vectors / even / shipped, weight of words chosen")
    for language, figures in quality.search.items():
        print(f"  {language}: {figures['vectors_mrr']:.3f} / {figures['even_mrr']:.3f} / {figures['shipped_mrr']:.3f}, "
              f"{figures['text_weight']}")


async def _brief(uow, numbers: list[str]) -> dict:
    async with uow:
        return await uow.tickets.brief(numbers)


def eval_pair(label: str) -> str:
    import json

    return json.loads(label)[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=("eval", "synthetic", "both"), default="both")
    chosen = parser.parse_args().set
    for name, (desk, queries) in sets(chosen).items():
        evaluate(name, desk, queries)
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match="eval:*", count=1000):
        client.delete(key)


if __name__ == "__main__":
    main()
