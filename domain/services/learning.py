"""Training triage's classifier on the desk's own labelled tickets, off the request path."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from domain.adapters.learned import TriageModelStore
from domain.classifier import NaiveBayes, features
from domain.services.indexing import ticket_text
from domain.store.uow import UnitOfWork
from domain.triage import LEARNED_FIELDS

log = logging.getLogger(__name__)


async def train(uow: UnitOfWork, store: TriageModelStore, limit: int, now: datetime) -> int:
    """Learn each field from the `limit` most recent labelled tickets; returns how many there were."""
    async with uow:
        tickets = await uow.tickets.labelled(limit)
    found = [features(ticket_text(t)) for t in tickets]  # once, for every field
    fields = {field: NaiveBayes.train((text, getattr(t, field)) for text, t in zip(found, tickets)
                                      if getattr(t, field) is not None)
              for field in LEARNED_FIELDS}
    store.save(fields, len(tickets), now.isoformat())
    log.info("triage learned from %d labelled tickets", len(tickets))
    return len(tickets)


async def train_if_due(uow: UnitOfWork, store: TriageModelStore, limit: int, every: timedelta,
                       now: datetime) -> int | None:
    """Train when there is no model yet, or tickets changed and the last training is at least `every` old."""
    about = store.about()
    if about is not None and now - datetime.fromisoformat(about["trained_at"]) < every:
        return None
    if about is not None and not store.take_changed():
        return None
    return await train(uow, store, limit, now)
