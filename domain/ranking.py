"""Fusing rankings of the same things (tickets by words, tickets by meaning) into one, by reciprocal rank."""
from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

# Reciprocal rank fusion's constant, as its authors set it: ranks matter, scores need no common scale.
RRF_K = 60
Key = TypeVar("Key", bound=Hashable)


def fuse(rankings: dict[str, tuple[Sequence[Key], float]]) -> tuple[dict[Key, float], dict[Key, list[str]]]:
    """Reciprocal rank fusion of named rankings, each with its weight: every key's fused score, and the names of
    the rankings it appeared in."""
    fused: dict[Key, float] = {}
    sources: dict[Key, list[str]] = {}
    for source, (ranked, weight) in rankings.items():
        for rank, key in enumerate(ranked):
            fused[key] = fused.get(key, 0.0) + weight / (RRF_K + rank + 1)
            sources.setdefault(key, []).append(source)
    return fused, sources


def fused_order(by_text: Sequence[Key], by_meaning: Sequence[Key], text_weight: float) -> list[Key]:
    """Keys best first when the words' ranking weighs `text_weight` against the vectors' 1."""
    fused, _ = fuse({"text": (by_text, text_weight), "semantic": (by_meaning, 1.0)})
    return sorted(fused, key=lambda key: -fused[key])
