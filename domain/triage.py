"""Suggesting a new ticket's fields from the desk's own labelled tickets, and summarizing long texts.

Suggestions blend two readings of the desk's history: a vote of the nearest labelled tickets (each neighbour votes
for its label with a power of its similarity) and a classifier trained on the labelled tickets. How much each
counts, how steep the vote is, and how sure a suggestion must be before it fills a field are not chosen here: each
desk's training measures them on its own held-out tickets (domain/calibration.py). Until a desk has been
calibrated, the blend is an even average of a plain similarity-weighted vote and the classifier, and nothing is
sure enough to fill a field on its own.
"""
from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

from domain.classifier import TEMPERATURE
from domain.tickets import Ticket

FIELDS = ("category", "subcategory", "assignment_group", "impact", "urgency")
# The fields the classifier learns: every field (a subcategory as the pair of its category and itself).
LEARNED_FIELDS = FIELDS
# At or below this share of the weight (a tie, say), a label is a guess: it is still offered, with its confidence,
# but the answer says that nothing is clear, and no threshold a desk calibrates may sit this low.
MIN_CONFIDENCE = 0.5
# Neighbours less similar than this do not vote: they are about something else.
MIN_SIMILARITY = 0.3
# Fewer voters than this lower the confidence: one neighbour alone is an anecdote.
MIN_VOTERS = 2
# How many of the nearest labelled tickets vote.
NEIGHBOURS = 10
# A threshold no confidence reaches: the field is never filled without an agent.
NEVER = 1.01


@dataclass(frozen=True)
class Blend:
    """How one field's suggestion is made: the vote's share (the classifier has the rest), the power its
    similarities are raised to (1 is a plain similarity-weighted vote; higher lets the closest decide), the
    classifier's temperature, and the confidence a suggestion needs before it fills the field without an agent."""
    vote_weight: float = 0.5
    power: float = 1.0
    threshold: float = NEVER
    temperature: float = TEMPERATURE


# Search weighs the words' ranking as much as the vectors' until the desk's calibration measures otherwise.
EVEN = 1.0


@dataclass(frozen=True)
class Calibration:
    """A desk's blends, per field, with what they were measured on, and how much search weighs words against
    vectors in each language, with what that was measured on (see domain/calibration.py)."""
    blends: dict[str, Blend] = field(default_factory=dict)
    quality: dict[str, dict[str, float | None]] = field(default_factory=dict)
    held_out: int = 0
    search: dict[str, dict[str, float]] = field(default_factory=dict)
    # A text whose nearest labelled ticket is less similar than this is unlike what the desk has labelled: its
    # suggestions never fill a field on their own (see NOVEL_SHARE in domain/calibration.py).
    min_similarity: float = MIN_SIMILARITY

    def blend(self, name: str) -> Blend:
        return self.blends.get(name, Blend())

    def text_weight(self, language: str) -> float:
        return self.search.get(language, {}).get("text_weight", EVEN)

    def to_dict(self) -> dict[str, Any]:
        return {"blends": {k: vars(b) for k, b in self.blends.items()}, "quality": self.quality,
                "held_out": self.held_out, "search": self.search, "min_similarity": self.min_similarity}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Calibration:
        if not data:
            return cls()
        return cls({k: Blend(**b) for k, b in data.get("blends", {}).items()}, data.get("quality", {}),
                   data.get("held_out", 0), data.get("search", {}), data.get("min_similarity", MIN_SIMILARITY))


@dataclass(frozen=True)
class Suggestion:
    value: str | int | None
    confidence: float
    # Whether the suggestion is sure enough, by the desk's calibration, to fill the field without an agent.
    fills: bool = False


def label_of(ticket: Ticket, name: str) -> str | int | None:
    """A ticket's label for a field; a subcategory is the pair of its category and itself, since two categories
    may share a subcategory's name."""
    if name == "subcategory":
        return json.dumps([ticket.category, ticket.subcategory]) if ticket.subcategory and ticket.category else None
    label: str | int | None = getattr(ticket, name)  # one of FIELDS: a name, or the impact or urgency
    return label


def supported(neighbours: list[tuple[Ticket, float]], name: str) -> bool:
    """Whether at least MIN_VOTERS of the desk's labelled tickets near enough to vote have a label for the field.
    Without them the text is unlike anything the desk labelled, and the classifier only extrapolates, however sure
    it sounds: the suggestion is offered, but never fills the field on its own."""
    return sum(s >= MIN_SIMILARITY and label_of(t, name) is not None for t, s in neighbours) >= MIN_VOTERS


def shares(neighbours: list[tuple[Ticket, float]], name: str, blend: Blend,
           learned: dict[Hashable, float] | None = None) -> dict[Hashable, float]:
    """Each label's share of the field's weight: the neighbours' vote, blended with the classifier's
    probabilities when there are some."""
    voters = [(t, s) for t, s in neighbours if s >= MIN_SIMILARITY]
    lone = min(1.0, len(voters) / MIN_VOTERS)  # one neighbour alone is an anecdote: its vote counts half
    weights: dict[Hashable, float] = {}
    for ticket, similarity in voters:
        label = label_of(ticket, name)
        if label is not None:
            weights[label] = weights.get(label, 0.0) + similarity ** blend.power
    total = sum(weights.values())
    voted = {label: weight / total * lone for label, weight in weights.items()}
    if not learned:
        return voted
    # The vote's labels first, nearest first, so that a tie goes the same way on every run.
    return {label: blend.vote_weight * voted.get(label, 0.0) + (1 - blend.vote_weight) * learned.get(label, 0.0)
            for label in [*voted, *(label for label in learned if label not in voted)]}


def vote(neighbours: list[tuple[Ticket, float]], learned: dict[str, dict[Hashable, float]] | None = None,
         calibration: Calibration | None = None) -> dict[str, Suggestion]:
    """Each field's winning label among the nearest labelled neighbours (ticket, similarity, best first), blended
    with the classifier's probabilities in `learned`, as the desk's calibration says. The best label is offered
    however unsure (an agent sees its confidence; on a tie the nearest ticket's label comes first); only the
    calibration's threshold decides whether it fills the field unseen."""
    calibration = calibration or Calibration()
    neighbours = neighbours[:NEIGHBOURS]
    familiar = bool(neighbours) and neighbours[0][1] >= calibration.min_similarity
    suggestions: dict[str, Suggestion] = {}
    for name in FIELDS:
        blend = calibration.blend(name)
        found = shares(neighbours, name, blend, (learned or {}).get(name))
        if not found:
            suggestions[name] = Suggestion(None, 0.0)
            continue
        winner = max(found, key=found.__getitem__)
        confidence = round(found[winner], 3)
        # Every label is label_of's, voted or learned: a name, or the impact or urgency.
        suggestions[name] = Suggestion(cast(str | int, winner), confidence,
                                       confidence > MIN_CONFIDENCE and confidence >= blend.threshold
                                       and familiar and supported(neighbours, name))
    return _consistent(suggestions)


def _consistent(suggestions: dict[str, Suggestion]) -> dict[str, Suggestion]:
    """The subcategory back to its own name, agreeing with the category: where the two disagree, the surer one
    decides and the other follows it (or is dropped)."""
    category, sub = suggestions["category"], suggestions["subcategory"]
    if sub.value is None:
        return suggestions
    parent, name = json.loads(str(sub.value))
    if category.value not in (None, parent) and category.confidence >= sub.confidence:
        suggestions["subcategory"] = Suggestion(None, sub.confidence)
        return suggestions
    if category.value != parent:
        suggestions["category"] = Suggestion(parent, sub.confidence, sub.fills)
    suggestions["subcategory"] = Suggestion(name, sub.confidence, sub.fills)
    return suggestions


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


async def extractive_summary(text: str, embed: Callable[[list[str]], Awaitable[np.ndarray]], most: int = 2,
                             limit: int = 400) -> str:
    """The `most` sentences closest to the text's overall meaning, in their original order."""
    parts = sentences(text)
    if len(parts) <= most:
        return " ".join(parts)[:limit]
    vectors = await embed(parts)
    centre = vectors.mean(axis=0)
    chosen = sorted(np.argsort(-(vectors @ centre), kind="stable")[:most])
    return " ".join(parts[i] for i in chosen)[:limit]
