"""Suggesting a new ticket's fields from the desk's own labelled tickets, and summarizing long texts.

Suggestions are a weighted vote of the nearest labelled tickets (each neighbour votes for its label with its
similarity), averaged with a classifier trained on the desk's labelled tickets where one has been trained. A
suggestion that is not clear enough says so (no value, low confidence) rather than guessing.
"""
from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np

from domain.tickets import Ticket

FIELDS = ("category", "subcategory", "assignment_group", "impact", "urgency")
# The fields the classifier learns; a subcategory is left to the vote, which keeps it under the chosen category.
LEARNED_FIELDS = ("category", "assignment_group", "impact", "urgency")
# The vote's share of a combined suggestion, the classifier having the rest: the vote reads meaning (strong in
# English), the classifier words and their pieces (strong in Spanish). Chosen on the evaluation set.
VOTE_WEIGHT = 0.5
# At or below this share of the neighbours' weight (a tie, say), a label is a guess: say so instead.
MIN_CONFIDENCE = 0.5
# Neighbours less similar than this do not vote: they are about something else.
MIN_SIMILARITY = 0.3
# A steep weight lets the closest neighbours decide and the many distant ones only break ties; chosen on the
# evaluation set (benchmarks/evaluate_search.py), where it beats the nearest neighbour's own labels.
WEIGHT_POWER = 32
# Fewer voters than this lower the confidence: one neighbour alone is an anecdote.
MIN_VOTERS = 2


@dataclass(frozen=True)
class Suggestion:
    value: str | int | None
    confidence: float


def vote(neighbours: list[tuple[Ticket, float]],
         learned: dict[str, dict[Hashable, float]] | None = None) -> dict[str, Suggestion]:
    """Each field's winning label among the neighbours (ticket, similarity), with the share of weight it won;
    where `learned` has a field's probabilities, the two are averaged."""
    voters = [(t, s) for t, s in neighbours if s >= MIN_SIMILARITY]
    lone = min(1.0, len(voters) / MIN_VOTERS)  # one neighbour alone is an anecdote: its vote counts half
    suggestions: dict[str, Suggestion] = {}
    for field in FIELDS:
        weights: dict[Hashable, float] = {}
        for ticket, similarity in voters:
            label = getattr(ticket, field)
            if field == "subcategory" and ticket.category != suggestions["category"].value:
                continue  # a subcategory only counts under the category chosen
            if label is not None:
                weights[label] = weights.get(label, 0.0) + similarity ** WEIGHT_POWER
        total = sum(weights.values())
        shares = {label: weight / total * lone for label, weight in weights.items()}
        if learned and learned.get(field):
            probabilities = learned[field]
            shares = {label: VOTE_WEIGHT * shares.get(label, 0.0) + (1 - VOTE_WEIGHT) * probabilities.get(label, 0.0)
                      for label in shares.keys() | probabilities.keys()}
        if not shares:
            suggestions[field] = Suggestion(None, 0.0)
            continue
        winner = max(shares, key=shares.__getitem__)
        confidence = round(shares[winner], 3)
        suggestions[field] = Suggestion(winner if confidence > MIN_CONFIDENCE else None, confidence)
    return suggestions


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


def extractive_summary(text: str, embed, most: int = 2, limit: int = 400) -> str:
    """The `most` sentences closest to the text's overall meaning, in their original order."""
    parts = sentences(text)
    if len(parts) <= most:
        return " ".join(parts)[:limit]
    vectors = embed(parts)
    centre = vectors.mean(axis=0)
    chosen = sorted(np.argsort(-(vectors @ centre), kind="stable")[:most])
    return " ".join(parts[i] for i in chosen)[:limit]
