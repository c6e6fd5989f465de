"""Training triage's classifier on the desk's own labelled tickets, and calibrating it on them, off the request
path."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from domain.analysis import detect_language
from domain.calibration import SearchProbe, calibrate, calibrate_search
from domain.calls import VOICE_ACTOR
from domain.classifier import NaiveBayes, features
from domain.ports import Embedder, TriageModels, VectorIndex
from domain.services.indexing import ticket_text
from domain.store.uow import UnitOfWork
from domain.tickets import Ticket
from domain.triage import LEARNED_FIELDS, Calibration, label_of

log = logging.getLogger(__name__)
# How many of the newest labelled tickets ask search for their own kind at each training: a second or two.
SEARCH_PROBES = 300


async def train(uow: UnitOfWork, store: TriageModels, index: VectorIndex, embedder: Embedder, limit: int,
                precision: float, now: datetime) -> int:
    """Learn each field from the `limit` most recent labelled tickets, measure the blends on them (those already
    indexed), and keep both; returns how many tickets there were. The counting and fitting, seconds of CPU on a
    big desk, run on a thread of their own, so the event loop keeps answering requests meanwhile."""
    async with uow:
        tickets = await uow.tickets.labelled(limit, unconfirmed_by=VOICE_ACTOR)
    stored = await index.vectors_of("ticket", [t.number for t in tickets])
    indexed = [t for t in tickets if t.number in stored]
    vectors = np.array([stored[t.number] for t in indexed], dtype=np.float32).reshape(len(indexed), index.dimensions)
    calibration, fields = await asyncio.to_thread(_fit, tickets, indexed, vectors, precision)
    probes = await _search_probes(uow, index, embedder, indexed, tickets)
    calibration = replace(calibration, search=await asyncio.to_thread(calibrate_search, probes))
    await store.save(fields, len(tickets), now.isoformat(), calibration)
    log.info("triage learned from %d labelled tickets, calibrated on %d", len(tickets), calibration.held_out)
    return len(tickets)


def _fit(tickets: list[Ticket], indexed: list[Ticket], vectors: np.ndarray,
         precision: float) -> tuple[Calibration, dict[str, NaiveBayes]]:
    """The calibration measured on the indexed tickets, and each field's classifier, from every ticket's features
    (found once, for every field and fold)."""
    found = [features(ticket_text(t)) for t in tickets]
    by_number = {t.number: f for t, f in zip(tickets, found, strict=True)}
    calibration = calibrate(indexed, vectors, [by_number[t.number] for t in indexed], precision)
    fields = {}
    for name in LEARNED_FIELDS:
        examples = [(text, label) for text, t in zip(found, tickets, strict=True) if (label := label_of(t, name)) is not None]
        if examples:
            fields[name] = NaiveBayes.train(examples)
    return calibration, fields


async def _search_probes(uow: UnitOfWork, index: VectorIndex, embedder: Embedder, indexed: list[Ticket],
                         labelled: list[Ticket]) -> list[SearchProbe]:
    """The newest indexed tickets with a subcategory, each asking search for tickets of its subcategory by its
    short description, as an agent would type it: the words and the vectors both read that line alone."""
    kind: dict[str | int, set[str]] = {}
    for ticket in labelled:
        if (label := label_of(ticket, "subcategory")) is not None:
            kind.setdefault(label, set()).add(ticket.number)
    asking = [(t, label) for t in indexed if (label := label_of(t, "subcategory")) is not None][:SEARCH_PROBES]
    probes = []
    asked = list(await embedder.embed([t.short_description for t, _ in asking])) if asking else []
    async with uow.reading():
        for (ticket, label), vector in zip(asking, asked, strict=True):
            by_text = [n for n in await uow.tickets.text_search(ticket.short_description, 21) if n != ticket.number]
            by_meaning = [h.key for h in await index.nearest(vector, 20, kind="ticket", exclude=ticket.number)]
            relevant = frozenset(kind[label] - {ticket.number})
            probes.append(SearchProbe(detect_language(ticket.short_description, "es"), by_text[:20], by_meaning,
                                      relevant))
    return probes


async def train_if_due(uow: UnitOfWork, store: TriageModels, index: VectorIndex, embedder: Embedder, limit: int,
                       precision: float, every: timedelta, growth: float, now: datetime) -> int | None:
    """Train when there is no model yet; when tickets changed and the last training is at least `every` old; or
    at once when the labelled tickets grew by `growth` of what the model learned from (an import, a new desk)."""
    about = await store.about()
    if about is not None and not await store.changed():
        return None
    if about is not None and now - datetime.fromisoformat(about["trained_at"]) < every:
        async with uow.reading():
            labelled = await uow.tickets.count_labelled(limit, unconfirmed_by=VOICE_ACTOR)
        if labelled < about["tickets"] * (1 + growth) + 10:
            return None
    await store.take_changed()  # changes from here on mark it again, so none is missed
    return await train(uow, store, index, embedder, limit, precision, now)


async def quality(store: TriageModels) -> dict[str, Any]:
    """What the last training measured on the desk's own held-out tickets, for admins."""
    about = await store.about()
    if about is None:
        return {"trained": False}
    calibration = about.get("calibration") or {}
    return {"trained": True, "tickets": about["tickets"], "trained_at": about["trained_at"],
            "held_out": calibration.get("held_out", 0), "fields": calibration.get("quality", {}),
            "search": calibration.get("search", {}), "min_similarity": calibration.get("min_similarity")}
