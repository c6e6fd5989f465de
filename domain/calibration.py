"""Measuring triage on a desk's own held-out tickets, and choosing from that measure how it blends and when it
is sure enough to fill a field.

Every labelled ticket is in one of a few folds; each of the most recent ones is suggested fields as a new ticket
would be, by its nearest labelled neighbours outside its fold and by a classifier trained without its fold. On
those suggestions each field's blend (the vote's share and steepness) is the one that labels most tickets right,
the plain vote of the nearest tickets winning every tie, so what ships is never worse than that vote on the
desk's own tickets. The threshold is the lowest confidence above which the chosen blend was right at least as
often as the desk asks (TRIAGE_FILL_PRECISION); below it a suggestion only goes into a work note.
"""
from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np

from domain.classifier import NaiveBayes
from domain.tickets import Ticket
from domain.triage import FIELDS, MIN_CONFIDENCE, NEIGHBOURS, NEVER, Blend, Calibration, label_of, shares

FOLDS = 5
# Fewer labelled tickets than this (with vectors) teach nothing measurable: nothing fills a field on its own.
MIN_TICKETS = 30
# A threshold must be borne out by at least this many held-out suggestions above it.
MIN_ACCEPTED = 10
# The plain vote (power 1, the vote alone) comes first: a blend must beat it to replace it.
POWERS = (1.0, 4.0, 16.0)
VOTE_WEIGHTS = (1.0, 0.75, 0.5, 0.25, 0.0)


def calibrate(tickets: Sequence[Ticket], vectors: np.ndarray, found: Sequence[np.ndarray], precision: float,
              most: int = 3000) -> Calibration:
    """The desk's calibration from its labelled tickets (newest first), their vectors (L2-normalized rows) and
    their classifier features, measured on at most `most` of the newest."""
    if len(tickets) < MIN_TICKETS:
        return Calibration(quality={name: {"labelled": sum(label_of(t, name) is not None for t in tickets)}
                                    for name in FIELDS})
    folds = np.arange(len(tickets)) % FOLDS
    held = np.arange(min(most, len(tickets)))
    neighbours = _neighbours(tickets, vectors, folds, held)
    learned = _held_out_probabilities(tickets, found, folds, held)
    blends: dict[str, Blend] = {}
    quality: dict[str, dict[str, float | None]] = {}
    for name in FIELDS:
        truth = [label_of(tickets[int(i)], name) for i in held]
        labelled = [k for k, label in enumerate(truth) if label is not None]
        if len(labelled) < MIN_TICKETS:
            quality[name] = {"labelled": len(labelled)}
            continue
        measured = {}
        for power in POWERS:
            for weight in VOTE_WEIGHTS:
                blend = Blend(vote_weight=weight, power=power)
                measured[(weight, power)] = [_best(shares(neighbours[k], name, blend, learned[name][k]))
                                             for k in labelled]
        right = {combo: [guess == truth[k] for (guess, _), k in zip(found_, labelled, strict=True)]
                 for combo, found_ in measured.items()}
        accuracy = {combo: sum(r) / len(r) for combo, r in right.items()}
        chosen = max(accuracy, key=accuracy.__getitem__)  # the first best: the plain vote wins ties
        confidences = [confidence for _, confidence in measured[chosen]]
        threshold, coverage, precise = _threshold(confidences, right[chosen], precision)
        blends[name] = Blend(vote_weight=chosen[0], power=chosen[1], threshold=threshold)
        quality[name] = {
            "labelled": len(labelled), "vote": round(accuracy[(1.0, 1.0)], 3),
            "classifier": round(accuracy[(0.0, 1.0)], 3), "shipped": round(accuracy[chosen], 3),
            "vote_weight": chosen[0], "power": chosen[1], "threshold": threshold,
            "coverage": round(coverage, 3), "precision": round(precise, 3) if precise is not None else None,
        }
    return Calibration(blends, quality, len(held))


def _neighbours(tickets: Sequence[Ticket], vectors: np.ndarray, folds: np.ndarray,
                held: np.ndarray) -> list[list[tuple[Ticket, float]]]:
    """Each held-out ticket's nearest labelled tickets outside its fold, best first."""
    found: list[list[tuple[Ticket, float]]] = []
    for start in range(0, len(held), 500):  # in slices: a desk of 20,000 would need 1.6 GB at once
        rows = held[start:start + 500]
        similarity = vectors[rows] @ vectors.T
        similarity[folds[rows][:, None] == folds[None, :]] = -np.inf
        k = min(NEIGHBOURS, len(tickets) - 1)
        nearest = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
        for row, candidates in zip(similarity, nearest, strict=True):
            ordered = candidates[np.argsort(-row[candidates], kind="stable")]
            found.append([(tickets[j], float(row[j])) for j in ordered if np.isfinite(row[j])])
    return found


def _held_out_probabilities(tickets: Sequence[Ticket], found: Sequence[np.ndarray], folds: np.ndarray,
                            held: np.ndarray) -> dict[str, list[dict[Hashable, float]]]:
    """The classifier's probabilities for each held-out ticket, from a model trained without its fold."""
    learned: dict[str, list[dict[Hashable, float]]] = {name: [{} for _ in held] for name in FIELDS}
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
                learned[name][k] = model.probabilities_of(found[held[k]])
    return learned


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
