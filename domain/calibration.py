"""Measuring triage on a desk's own held-out tickets, and choosing from that measure how it blends and when it
is sure enough to fill a field.

Every labelled ticket is in one of a few folds; each of the most recent ones is suggested fields as a new ticket
would be, by its nearest labelled neighbours outside its fold and by a classifier trained without its fold. On
those suggestions each field's blend (the vote's share and steepness) is the one that labels most tickets right,
the plain vote of the nearest tickets winning every tie, so what ships is never worse than that vote on the
desk's own tickets. The threshold is the lowest confidence above which the chosen blend was right at least as
often as the desk asks (TRIAGE_FILL_PRECISION); below it a suggestion only goes into a work note. The
classifier's temperature is the one under which the held-out tickets' own labels are most likely.

Search is measured the same way: each of the newest labelled tickets asks, by its short description, what search
would answer, and a ticket of the same subcategory is a right answer. In each language the weight of the words'
ranking against the vectors' is the one with the best MRR and recall@5 there, an even weight winning every tie.
"""
from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from domain.classifier import TEMPERATURE, TEMPERATURES, NaiveBayes, softmax
from domain.ranking import fused_order
from domain.tickets import Ticket
from domain.triage import (
    EVEN,
    FIELDS,
    MIN_CONFIDENCE,
    MIN_SIMILARITY,
    NEIGHBOURS,
    NEVER,
    Blend,
    Calibration,
    label_of,
    shares,
    supported,
)

FOLDS = 5
# Fewer labelled tickets than this (with vectors) teach nothing measurable: nothing fills a field on its own.
MIN_TICKETS = 30
# A new text is familiar when its nearest labelled ticket is as close as the desk's own held-out tickets come to
# theirs (all but this share of them), or closer than a ticket of another kind (category, subcategory, group) comes
# to them (all but this share of the time): either says the desk has labelled its kind. Below both it is novel and
# fills nothing on its own, however sure triage sounds: a desk's tickets are all about what it knows, so held-out
# confidence says nothing about a new kind of problem. The second reading keeps a desk of near-identical tickets
# (an import of templated ones, say) from calling every new wording novel.
NOVEL_SHARE = 0.05
# A threshold must be borne out by at least this many held-out suggestions above it.
MIN_ACCEPTED = 10
# The plain vote (power 1, the vote alone) comes first: a blend must beat it to replace it.
POWERS = (1.0, 4.0, 16.0)
VOTE_WEIGHTS = (1.0, 0.75, 0.5, 0.25, 0.0)
# The words' weight against the vectors' in search; the even weight comes first, so it wins ties.
TEXT_WEIGHTS = (EVEN, 0.0, 0.1, 0.25, 0.5, 2.0, 4.0)
# How far down search's answer a right ticket counts, as in the evaluation: its first five, and MRR over twenty.
SEARCH_DEPTH = 20
# A probability the classifier gives a label it never saw: a miss costs this much likelihood, not infinity.
UNSEEN = 1e-6


def calibrate(tickets: Sequence[Ticket], vectors: np.ndarray, found: Sequence[np.ndarray], precision: float,
              most: int = 3000) -> Calibration:
    """The desk's calibration from its labelled tickets (newest first), their vectors (L2-normalized rows) and
    their classifier features, measured on at most `most` of the newest."""
    if len(tickets) < MIN_TICKETS:
        return Calibration(quality={name: {"labelled": sum(label_of(t, name) is not None for t in tickets)}
                                    for name in FIELDS})
    folds = np.arange(len(tickets)) % FOLDS
    held = np.arange(min(most, len(tickets)))
    neighbours, other_kind = _neighbours(tickets, vectors, folds, held)
    nearest = [found_[0][1] if found_ else 0.0 for found_ in neighbours]
    others = other_kind[np.isfinite(other_kind)]
    as_close = float(np.quantile(nearest, NOVEL_SHARE))
    # A desk of one kind says nothing about how close other kinds come: there only the general floor stands.
    closer_than_others = float(np.quantile(others, 1 - NOVEL_SHARE)) if others.size else MIN_SIMILARITY
    floor = round(max(MIN_SIMILARITY, min(as_close, closer_than_others)), 3)
    scores = _held_out_scores(tickets, found, folds, held)
    blends: dict[str, Blend] = {}
    quality: dict[str, dict[str, float | None]] = {}
    for name in FIELDS:
        truth = [label_of(tickets[int(i)], name) for i in held]
        labelled = [k for k, label in enumerate(truth) if label is not None]
        if len(labelled) < MIN_TICKETS:
            quality[name] = {"labelled": len(labelled)}
            continue
        temperature = _temperature([scores[name][k] for k in labelled], [truth[k] for k in labelled])
        learned = [dict(zip(found_[0], softmax(found_[1], temperature).tolist(), strict=True)) if found_ else {}
                   for found_ in scores[name]]
        measured = {}
        for power in POWERS:
            for weight in VOTE_WEIGHTS:
                blend = Blend(vote_weight=weight, power=power)
                measured[(weight, power)] = [_best(shares(neighbours[k], name, blend, learned[k]))
                                             for k in labelled]
        right = {combo: [guess == truth[k] for (guess, _), k in zip(found_, labelled, strict=True)]
                 for combo, found_ in measured.items()}
        accuracy = {combo: sum(r) / len(r) for combo, r in right.items()}
        chosen = max(accuracy, key=accuracy.__getitem__)  # the first best: the plain vote wins ties
        # As when a ticket is triaged: a novel text, or one with too few similar labelled tickets, fills nothing.
        confidences = [confidence if nearest[k] >= floor and supported(neighbours[k], name) else 0.0
                       for (_, confidence), k in zip(measured[chosen], labelled, strict=True)]
        threshold, coverage, precise = _threshold(confidences, right[chosen], precision)
        blends[name] = Blend(vote_weight=chosen[0], power=chosen[1], threshold=threshold, temperature=temperature)
        quality[name] = {
            "labelled": len(labelled), "vote": round(accuracy[(1.0, 1.0)], 3),
            "classifier": round(accuracy[(0.0, 1.0)], 3), "shipped": round(accuracy[chosen], 3),
            "vote_weight": chosen[0], "power": chosen[1], "temperature": temperature, "threshold": threshold,
            "coverage": round(coverage, 3), "precision": round(precise, 3) if precise is not None else None,
        }
    return Calibration(blends, quality, len(held), min_similarity=floor)


def _neighbours(tickets: Sequence[Ticket], vectors: np.ndarray, folds: np.ndarray,
                held: np.ndarray) -> tuple[list[list[tuple[Ticket, float]]], np.ndarray]:
    """Each held-out ticket's nearest labelled tickets outside its fold, best first; and how similar its nearest
    ticket of another kind outside its fold is (-inf where there is none)."""
    found: list[list[tuple[Ticket, float]]] = []
    kinds = {kind: n for n, kind in enumerate(sorted({_kind(t) for t in tickets}, key=str))}
    kind_of = np.array([kinds[_kind(t)] for t in tickets])
    other_kind = np.full(len(held), -np.inf)
    for start in range(0, len(held), 500):  # in slices: a desk of 20,000 would need 1.6 GB at once
        rows = held[start:start + 500]
        similarity = vectors[rows] @ vectors.T
        similarity[folds[rows][:, None] == folds[None, :]] = -np.inf
        other_kind[start:start + len(rows)] = np.where(kind_of[rows][:, None] != kind_of[None, :], similarity,
                                                       -np.inf).max(axis=1)
        k = min(NEIGHBOURS, len(tickets) - 1)
        nearest = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
        for row, candidates in zip(similarity, nearest, strict=True):
            ordered = candidates[np.argsort(-row[candidates], kind="stable")]
            found.append([(tickets[j], float(row[j])) for j in ordered if np.isfinite(row[j])])
    return found, other_kind


def _kind(ticket: Ticket) -> tuple[str | None, str | None, str | None]:
    return ticket.category, ticket.subcategory, ticket.assignment_group


def _held_out_scores(tickets: Sequence[Ticket], found: Sequence[np.ndarray], folds: np.ndarray,
                     held: np.ndarray) -> dict[str, list[tuple[list[Hashable], np.ndarray] | None]]:
    """The classifier's labels and log-joint scores for each held-out ticket, from a model trained without its
    fold (None where it had nothing to say)."""
    learned: dict[str, list[tuple[list[Hashable], np.ndarray] | None]] = {name: [None for _ in held] for name in FIELDS}
    for fold in range(FOLDS):
        rows = [k for k, i in enumerate(held) if folds[i] == fold]
        if not rows:
            continue
        for name in FIELDS:
            examples = [(found[i], label) for i in range(len(tickets))
                        if folds[i] != fold and (label := label_of(tickets[i], name)) is not None]
            if not examples:
                continue
            model = NaiveBayes.train(examples)
            for k in rows:
                scores = model.scores_of(found[held[k]])
                learned[name][k] = (model.labels, scores) if scores is not None else None
    return learned


def _temperature(scores: Sequence[tuple[list[Hashable], np.ndarray] | None], truth: Sequence[Hashable]) -> float:
    """The temperature under which the held-out tickets' true labels are most likely (least mean negative
    log-likelihood): temperature scaling, fitted on tickets no model saw."""
    scored = [(found_, label) for found_, label in zip(scores, truth, strict=True) if found_ is not None]
    if not scored:
        return TEMPERATURE
    loss = {}
    for temperature in TEMPERATURES:
        total = 0.0
        for (labels, found), label in scored:
            probability = float(softmax(found, temperature)[labels.index(label)]) if label in labels else 0.0
            total -= np.log(max(probability, UNSEEN))
        loss[temperature] = total / len(scored)
    return min(loss, key=loss.__getitem__)


def _best(found: dict[Hashable, float]) -> tuple[Hashable | None, float]:
    if not found:
        return None, 0.0
    winner = max(found, key=found.__getitem__)
    return winner, found[winner]


def _threshold(confidences: list[float], right: list[bool], precision: float) -> tuple[float, float, float | None]:
    """The lowest confidence above which suggestions were right at least `precision` of the time (with at least
    MIN_ACCEPTED of them), the share of tickets it fills, and how often those were right."""
    order = np.argsort(-np.asarray(confidences), kind="stable")
    hits = np.cumsum(np.asarray(right)[order])
    taken = np.arange(1, len(order) + 1)
    ordered = np.asarray(confidences)[order]
    best: tuple[float, float, float | None] = (NEVER, 0.0, None)
    for n in range(MIN_ACCEPTED, len(order) + 1):
        threshold = float(ordered[n - 1])
        if threshold <= MIN_CONFIDENCE:
            break
        if n < len(order) and ordered[n] == threshold:
            continue  # a threshold takes every suggestion as sure as it: judge it with all of them
        if hits[n - 1] / taken[n - 1] >= precision:
            best = (round(threshold, 3), n / len(order), float(hits[n - 1] / taken[n - 1]))
    return best


@dataclass(frozen=True)
class SearchProbe:
    """One held-out ticket asking search for its own kind: its language, what the words and the vectors ranked
    (itself left out), and the tickets that are right answers."""
    language: str
    by_text: list[str]
    by_meaning: list[str]
    relevant: frozenset[str]


def calibrate_search(probes: Sequence[SearchProbe]) -> dict[str, dict[str, float]]:
    """Per language with enough probes: the words' weight with the best MRR plus recall@5, and the figures of the
    vectors alone, of the even weight and of the one chosen."""
    chosen: dict[str, dict[str, float]] = {}
    for language in sorted({p.language for p in probes}):
        asked = [p for p in probes if p.language == language and p.relevant]
        if len(asked) < MIN_TICKETS:
            continue
        figures = {weight: _ranking_figures(asked, weight) for weight in TEXT_WEIGHTS}
        best = max(figures, key=lambda w: figures[w][0] + figures[w][1])  # the first best: even wins ties
        chosen[language] = {
            "queries": len(asked), "text_weight": best,
            "vectors_recall5": figures[0.0][0], "vectors_mrr": figures[0.0][1],
            "even_recall5": figures[EVEN][0], "even_mrr": figures[EVEN][1],
            "shipped_recall5": figures[best][0], "shipped_mrr": figures[best][1],
        }
    return chosen


def _ranking_figures(probes: Sequence[SearchProbe], text_weight: float) -> tuple[float, float]:
    """Recall@5 and MRR of search's answers with this weight."""
    recall, reciprocal = 0.0, 0.0
    for probe in probes:
        ranked = fused_order(probe.by_text, probe.by_meaning, text_weight)[:SEARCH_DEPTH]
        first = next((i for i, key in enumerate(ranked) if key in probe.relevant), None)
        if first is not None:
            recall += first < 5
            reciprocal += 1 / (first + 1)
    return round(recall / len(probes), 3), round(reciprocal / len(probes), 3)
