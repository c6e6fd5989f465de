"""How well Atiende finds the same problem and labels a new ticket, on the project's evaluation set
(`tests/data/eval_issues.json`: 50 problems, each described four times in Spanish and four in English).

    .venv/bin/python benchmarks/evaluate_search.py

Split: each problem's first Spanish and first English description are the queries; the other six are the
desk's labelled tickets. For each query language it prints category and group top-1 accuracy, and same-problem
recall@5 and MRR, for raw nearest-neighbour search (the local model's vectors alone: the top hit's labels)
and for what Atiende ships (search: vectors and PostgreSQL full text fused by reciprocal rank; labels: triage,
the nearest labelled tickets' vote averaged with the classifier trained on the desk's tickets, which may decline
to guess: a decline counts as a miss). The two halves of triage are measured alone beside them: the vote of the
nearest labelled tickets, and the classifier (naive Bayes over words and character n-grams); their search
columns repeat Atiende's.
Runs on a fresh `atiende_eval` database and the `eval` namespace of the search-capable Redis.
"""
from __future__ import annotations

import json
import os
import sys
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.api_throughput import fresh_database  # noqa: E402

DATA = ROOT / "tests" / "data" / "eval_issues.json"
REDIS_URL = "redis://127.0.0.1:6380/0"


def load() -> tuple[list[dict], list[dict]]:
    """Queries and the labelled desk, each a dict with the problem's key, labels, language and text."""
    queries, desk = [], []
    for issue in json.loads(DATA.read_text())["issues"]:
        labels = {k: issue[k] for k in ("key", "category", "subcategory", "group")}
        for language in ("es", "en"):
            first, *rest = issue[language]
            queries.append({**labels, "language": language, "text": first})
            desk += [{**labels, "language": language, "text": text} for text in rest]
    return queries, desk


def build(server: str, desk: list[dict]):
    """The desk stored as tickets through the app's own services and indexed as the app indexes them."""
    url = fresh_database(server, "atiende_eval")
    os.environ.update(DATABASE_URL=url, REDIS_URL=REDIS_URL, REDIS_NAMESPACE="eval", EMBEDDING_PROVIDER="local")
    from devhost.services import ensure_redis
    from domain import bootstrap
    from domain.auth import ROLE_PERMISSIONS, Principal
    from domain.schemas import CategoryIn, GroupIn, TicketCreate
    from domain.services import indexing, reference, tickets
    from domain.store.statements import run_now

    ensure_redis(REDIS_URL)
    bootstrap.get_settings.cache_clear()
    settings = bootstrap.settings()
    for group in sorted({t["group"] for t in desk}):
        run_now(reference.add_group(GroupIn(name=group), bootstrap.uow()))
    subcategories: dict[str, set[str]] = defaultdict(set)
    for t in desk:
        subcategories[t["category"]].add(t["subcategory"])
    for category, subs in sorted(subcategories.items()):
        run_now(reference.add_category(CategoryIn(name=category, subcategories=sorted(subs)), bootstrap.uow()))
    admin = Principal("eval", "user", ROLE_PERMISSIONS["admin"])
    number_of: dict[str, dict] = {}
    for t in desk:
        _, made, _ = run_now(tickets.create_ticket(
            TicketCreate(short_description=t["text"], category=t["category"], subcategory=t["subcategory"],
                         assignment_group=t["group"]), admin, None, datetime.now(UTC), settings, bootstrap.uow()))
        number_of[made["number"]] = t
    index = bootstrap.vector_index()
    index.reset()
    while run_now(indexing.index_pending(bootstrap.uow(), bootstrap.embedder(), index, limit=128)):
        pass
    return bootstrap, settings, index, number_of


def main() -> None:
    server = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    queries, desk = load()
    bootstrap, settings, index, number_of = build(server, desk)
    from domain.services import learning, similar
    from domain.store.statements import run_now

    run_now(learning.train(bootstrap.uow(), bootstrap.triage_models(), settings.TRIAGE_TRAINING_TICKETS, datetime.now(UTC)))
    learned = bootstrap.triage_models().load()
    scores: dict[tuple[str, str], dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for q in queries:
        vector = bootstrap.embedder().embed([q["text"]])[0]
        raw = [h.key for h in index.nearest(vector, 20, kind="ticket")]
        shipped = [i["number"] for i in run_now(similar.search(q["text"], 20, bootstrap.uow(), bootstrap.embedder(), index))["items"]]
        suggested = run_now(similar.triage(q["text"], "", settings, bootstrap.uow(), bootstrap.embedder(), index,
                                   models=bootstrap.triage_models()))
        voted = run_now(similar.triage(q["text"], "", settings, bootstrap.uow(), bootstrap.embedder(), index))
        classified = {f: learned.fields[f].probabilities(q["text"]) for f in ("category", "assignment_group")}
        for method, ranked, labels in (
            ("raw nearest neighbour", raw, {"category": number_of[raw[0]]["category"], "group": number_of[raw[0]]["group"]}),
            ("Atiende", shipped, {"category": suggested["category"]["value"],
                                  "group": suggested["assignment_group"]["value"]}),
            ("vote alone", shipped, {"category": voted["category"]["value"], "group": voted["assignment_group"]["value"]}),
            ("classifier alone", shipped, {"category": max(classified["category"], key=classified["category"].get),
                                           "group": max(classified["assignment_group"],
                                                        key=classified["assignment_group"].get)}),
        ):
            row = scores[(q["language"], method)]
            same = [i for i, n in enumerate(ranked) if number_of[n]["key"] == q["key"]]
            row["category"].append(labels["category"] == q["category"])
            row["group"].append(labels["group"] == q["group"])
            row["recall@5"].append(bool(same) and same[0] < 5)
            row["MRR"].append(1 / (same[0] + 1) if same else 0.0)

    print(f"{len(queries)} queries against {len(desk)} labelled tickets "
          f"({len({t['key'] for t in desk})} problems, {len({t['category'] for t in desk})} categories, "
          f"{len({t['group'] for t in desk})} groups)\n")
    header = f"{'queries':<10}{'method':<24}{'category top-1':>15}{'group top-1':>13}{'recall@5':>10}{'MRR':>8}"
    print(header)
    print("-" * len(header))
    for language in ("es", "en"):
        for method in ("raw nearest neighbour", "Atiende", "vote alone", "classifier alone"):
            row = scores[(language, method)]
            mean = {k: sum(v) / len(v) for k, v in row.items()}
            print(f"{language:<10}{method:<24}{mean['category']:>15.3f}{mean['group']:>13.3f}"
                  f"{mean['recall@5']:>10.3f}{mean['MRR']:>8.3f}")
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match="eval:*", count=1000):
        client.delete(key)


if __name__ == "__main__":
    main()
