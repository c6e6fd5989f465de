"""Training triage's classifier on the desk's own labelled tickets, and calibrating it on them, off the request
path."""
from __future__ import annotations

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
from domain.triage import LEARNED_FIELDS, label_of

log = logging.getLogger(__name__)
# How many of the newest labelled tickets ask search for their own kind at each training: a second or two.
SEARCH_PROBES = 300


async def train(uow: UnitOfWork, store: TriageModels, index: VectorIndex, embedder: Embedder, limit: int,
                precision: float, now: datetime) -> int:
    """Learn each field from the `limit` most recent labelled tickets, measure the blends on them (those already
    indexed), and keep both; returns how many tickets there were."""
    async with uow:
        tickets = await uow.tickets.labelled(limit, unconfirmed_by=VOICE_ACTOR)
    found = [features(ticket_text(t)) for t in tickets]  # once, for every field and fold
    stored = index.vectors_of("ticket", [t.number for t in tickets])
    indexed = [i for i, t in enumerate(tickets) if t.number in stored]
    vectors = np.array([stored[tickets[i].number] for i in indexed], dtype=np.float32).reshape(len(indexed),
                                                                                               index.dimensions)
    calibration = calibrate([tickets[i] for i in indexed], vectors, [found[i] for i in indexed], precision)
    probes = await _search_probes(uow, index, embedder, [tickets[i] for i in indexed], tickets)
    calibration = replace(calibration, search=calibrate_search(probes))
    fields = {}
    for name in LEARNED_FIELDS:
        examples = [(text, label) for text, t in zip(found, tickets, strict=True) if (label := label_of(t, name)) is not None]
        if examples:
            fields[name] = NaiveBayes.train(examples)
    store.save(fields, len(tickets), now.isoformat(), calibration)
    log.info("triage learned from %d labelled tickets, calibrated on %d", len(tickets), calibration.held_out)
    return len(tickets)


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
    asked = list(embedder.embed([t.short_description for t, _ in asking])) if asking else []
    async with uow.reading():
        for (ticket, label), vector in zip(asking, asked, strict=True):
            by_text = [n for n in await uow.tickets.text_search(ticket.short_description, 21) if n != ticket.number]
            by_meaning = [h.key for h in index.nearest(vector, 20, kind="ticket", exclude=ticket.number)]
            relevant = frozenset(kind[label] - {ticket.number})
            probes.append(SearchProbe(detect_language(ticket.short_description, "es"), by_text[:20], by_meaning,
                                      relevant))
    return probes


async def train_if_due(uow: UnitOfWork, store: TriageModels, index: VectorIndex, embedder: Embedder, limit: int,
                       precision: float, every: timedelta, growth: float, now: datetime) -> int | None:
    """Train when there is no model yet; when tickets changed and the last training is at least `every` old; or
    at once when the labelled tickets grew by `growth` of what the model learned from (an import, a new desk)."""
    about = store.about()
    if about is not None and not store.changed():
        return None
    if about is not None and now - datetime.fromisoformat(about["trained_at"]) < every:
        async with uow.reading():
            labelled = await uow.tickets.count_labelled(limit, unconfirmed_by=VOICE_ACTOR)
        if labelled < about["tickets"] * (1 + growth) + 10:
            return None
    store.take_changed()  # changes from here on mark it again, so none is missed
    return await train(uow, store, index, embedder, limit, precision, now)


def quality(store: TriageModels) -> dict[str, Any]:
    """What the last training measured on the desk's own held-out tickets, for admins."""
    about = store.about()
    if about is None:
        return {"trained": False}
    calibration = about.get("calibration") or {}
    return {"trained": True, "tickets": about["tickets"], "trained_at": about["trained_at"],
            "held_out": calibration.get("held_out", 0), "fields": calibration.get("quality", {}),
            "search": calibration.get("search", {}), "min_similarity": calibration.get("min_similarity")}
