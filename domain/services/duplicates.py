"""Whether a call reports a problem an open ticket already has: by the vectors when Redis answers (across
languages too, when triage filled both with the same labels), else by the words they share."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Protocol

from domain.analysis import detect_language
from domain.errors import AtiendeError
from domain.ports import Embedder, VectorIndex
from domain.store.uow import UnitOfWork
from domain.tickets import OPEN_STATE_NAMES, Ticket

log = logging.getLogger(__name__)


# A call's (category, subcategory, assignment group) as triage filled them, or None where it filled none.
Labels = tuple[str | None, str | None, str | None]


class DuplicateFinder(Protocol):
    async def find(self, text: str, language: str, now: datetime, uow: UnitOfWork,
                   labels: Labels | None = None) -> tuple[str, float] | None:
        """The open ticket that reports the same problem, with how sure we are; None when there is none."""


class FullTextDuplicates:
    """An open ticket that shares most of the words of the shorter of the two texts (both stemmed, stop words
    dropped), and at least a few of them: on two or three words alone, different problems look alike."""

    MIN_SHARED_WORDS = 3

    def __init__(self, window_hours: int, min_overlap: float):
        self.window = timedelta(hours=window_hours)
        self.min_overlap = min_overlap

    async def find(self, text: str, language: str, now: datetime, uow: UnitOfWork,
                   labels: Labels | None = None) -> tuple[str, float] | None:
        if not text.strip():
            return None
        for number, shared, overlap in await uow.tickets.same_problem_candidates(text, language, now - self.window):
            if overlap < self.min_overlap:
                break
            if shared >= self.MIN_SHARED_WORDS:
                return number, overlap
        return None


class VectorDuplicates:
    """A call's problem is an open ticket's when their vectors are this close; or, across languages (which a local
    model reads poorly), when they are at least `cross_language_score` close and triage filled both with the
    same category, subcategory and group; otherwise, and whenever Redis cannot answer, the full-text rule decides
    (it also sees tickets the index has not caught up with)."""

    def __init__(self, embedder: Embedder, index: VectorIndex, min_score: float, window: timedelta,
                 fallback: DuplicateFinder, cross_language_score: float = 1.0):
        self.embedder, self.index, self.min_score, self.window = embedder, index, min_score, window
        self.fallback, self.cross_language_score = fallback, cross_language_score

    async def find(self, text: str, language: str, now: datetime, uow: UnitOfWork,
                   labels: Labels | None = None) -> tuple[str, float] | None:
        if text.strip():
            try:
                floor = min(self.min_score, self.cross_language_score) if labels and all(labels) else self.min_score
                vector = (await self.embedder.embed([text]))[0]
                hits = [h for h in await self.index.nearest(vector, 5, kind="ticket", states=OPEN_STATE_NAMES)
                        if h.score >= floor]
                recent = await uow.tickets.brief([h.key for h in hits]) if hits else {}
                for hit in hits:  # an outage is reported within hours; an old ticket alike is a new occurrence
                    ticket = recent.get(hit.key)
                    if ticket is None or ticket.opened_at < now - self.window:
                        continue
                    if hit.score >= self.min_score or _same_labels_across_languages(ticket, language, labels):
                        return hit.key, hit.score
            except AtiendeError as err:
                log.warning("duplicate check by full text only: %s", err)
        return await self.fallback.find(text, language, now, uow, labels)


def _same_labels_across_languages(ticket: Ticket, language: str, labels: Labels | None) -> bool:
    if not labels or not all(labels):
        return False
    theirs = detect_language(f"{ticket.short_description} {ticket.description}", language)
    return theirs != language and (ticket.category, ticket.subcategory, ticket.assignment_group) == labels
