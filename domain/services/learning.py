"""Training triage's classifier on the desk's own labelled tickets, and calibrating it on them, off the request
path."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from domain.calibration import calibrate
from domain.classifier import NaiveBayes, features
from domain.ports import TriageModels, VectorIndex
from domain.services.indexing import ticket_text
from domain.store.uow import UnitOfWork
from domain.triage import LEARNED_FIELDS, label_of

log = logging.getLogger(__name__)


async def train(uow: UnitOfWork, store: TriageModels, index: VectorIndex, limit: int, precision: float,
                now: datetime) -> int:
    """Learn each field from the `limit` most recent labelled tickets, measure the blends on them (those already
    indexed), and keep both; returns how many tickets there were."""
    async with uow:
        tickets = await uow.tickets.labelled(limit)
    found = [features(ticket_text(t)) for t in tickets]  # once, for every field and fold
    stored = index.vectors_of("ticket", [t.number for t in tickets])
    indexed = [i for i, t in enumerate(tickets) if t.number in stored]
    vectors = np.array([stored[tickets[i].number] for i in indexed], dtype=np.float32).reshape(len(indexed), -1)
    calibration = calibrate([tickets[i] for i in indexed], vectors, [found[i] for i in indexed], precision)
    fields = {}
    for name in LEARNED_FIELDS:
        examples = [(text, label) for text, t in zip(found, tickets, strict=True) if (label := label_of(t, name)) is not None]
        if examples:
            fields[name] = NaiveBayes.train(examples)
    store.save(fields, len(tickets), now.isoformat(), calibration)
    log.info("triage learned from %d labelled tickets, calibrated on %d", len(tickets), calibration.held_out)
    return len(tickets)


async def train_if_due(uow: UnitOfWork, store: TriageModels, index: VectorIndex, limit: int,
                       precision: float, every: timedelta, growth: float, now: datetime) -> int | None:
    """Train when there is no model yet; when tickets changed and the last training is at least `every` old; or
    at once when the labelled tickets grew by `growth` of what the model learned from (an import, a new desk)."""
    about = store.about()
    if about is not None and not store.changed():
        return None
    if about is not None and now - datetime.fromisoformat(about["trained_at"]) < every:
        async with uow.reading():
            labelled = await uow.tickets.count_labelled(limit)
        if labelled < about["tickets"] * (1 + growth) + 10:
            return None
    store.take_changed()  # changes from here on mark it again, so none is missed
    return await train(uow, store, index, limit, precision, now)


def quality(store: TriageModels) -> dict[str, Any]:
    """What the last training measured on the desk's own held-out tickets, for admins."""
    about = store.about()
    if about is None:
        return {"trained": False}
    calibration = about.get("calibration") or {}
    return {"trained": True, "tickets": about["tickets"], "trained_at": about["trained_at"],
            "held_out": calibration.get("held_out", 0), "fields": calibration.get("quality", {})}
