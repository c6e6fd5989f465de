"""Finding what is alike: similar tickets, duplicate candidates, and hybrid search (vectors fused with full text)."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from domain.analysis import detect_language
from domain.errors import AtiendeError
from domain.ports import CachingEmbedder, ChatTriager, Embedder, Hit, TriageModels, VectorIndex
from domain.ranking import fuse
from domain.services.duplicates import FullTextDuplicates
from domain.services.indexing import ticket_vector
from domain.services.tickets import find_ticket
from domain.settings import Settings
from domain.store.uow import UnitOfWork
from domain.tickets import OPEN_STATE_NAMES, OPEN_STATES, Ticket
from domain.triage import EVEN, MIN_CONFIDENCE, NEIGHBOURS, Calibration, Suggestion, extractive_summary, sentences, vote

log = logging.getLogger(__name__)


async def similar_tickets(number: str, k: int, uow: UnitOfWork, embedder: Embedder,
                          index: VectorIndex) -> list[dict[str, Any]]:
    """The `k` tickets nearest to this one, never itself; open and resolved ones told apart."""
    async with uow:
        ticket = await find_ticket(uow, number)
    hits = await index.nearest(await ticket_vector(ticket, embedder, index), k, kind="ticket", exclude=ticket.number)
    return await _described(hits, uow)


async def duplicate_candidates(text: str, exclude: str | None, min_score: float, uow: UnitOfWork, embedder: Embedder,
                               index: VectorIndex, k: int = 5) -> list[dict[str, Any]]:
    """Open tickets close enough to `text` to be the same problem, best first."""
    vector = (await embedder.embed([text]))[0]
    hits = [h for h in await index.nearest(vector, k, kind="ticket", states=OPEN_STATE_NAMES, exclude=exclude)
            if h.score >= min_score]
    return await _described(hits, uow)


async def candidates_for_new(number: str, short_description: str, description: str, now: datetime,
                             settings: Settings, uow: UnitOfWork, embedder: CachingEmbedder,
                             index: VectorIndex) -> list[dict[str, Any]]:
    """Duplicate candidates for ticket `number`, just created, with no model run on the request's path (it was a
    create's dearest CPU): by meaning when its text's vector is known already (the web form's triage embedded it
    while the agent typed), else by the words it shares with open tickets of the last DUPLICATE_WINDOW_HOURS.
    The outbox embeds the ticket moments later, for its similar tickets. The ticket is stored whatever happens
    here: when Redis cannot answer, it simply comes back with none."""
    text = f"{short_description}\n{description}".strip()
    try:
        known = await embedder.cached([text])
        if known is None:
            return await _sharing_words(text, number, now, settings, uow)
        hits = [h for h in await index.nearest(known[0], 5, kind="ticket", states=OPEN_STATE_NAMES, exclude=number)
                if h.score >= settings.DUPLICATE_CANDIDATE_SCORE]
        return await _described(hits, uow)
    except AtiendeError as err:
        log.warning("no duplicate candidates for %s: %s", number, err)
        return []


async def _sharing_words(text: str, number: str, now: datetime, settings: Settings,
                         uow: UnitOfWork) -> list[dict[str, Any]]:
    """Open tickets sharing most of the words of the shorter text, and at least a few, as a call's duplicate
    check reads them; the share of words is the score."""
    since = now - timedelta(hours=settings.DUPLICATE_WINDOW_HOURS)
    async with uow.reading():
        found = await uow.tickets.same_problem_candidates(text, detect_language(text, "es"), since, limit=6)
    hits = [Hit("ticket", other, round(overlap, 6), {}) for other, shared, overlap in found
            if other != number and overlap >= settings.DUPLICATE_CANDIDATE_SCORE
            and shared >= FullTextDuplicates.MIN_SHARED_WORDS]
    return await _described(hits[:5], uow)


async def triage(short_description: str, description: str, settings: Settings, uow: UnitOfWork, embedder: Embedder,
                 index: VectorIndex, chat: ChatTriager | None = None, models: TriageModels | None = None) -> dict[str, Any]:
    """Fields for a ticket being written: the desk's nearest labelled tickets vote, blended with the classifier
    trained on its labelled tickets as the desk's calibration chose (or, with a chat model, chosen by it with those
    tickets as examples, falling back to the blend when it fails); a summary; and the open tickets it may
    duplicate. Each field says whether it is sure enough, by the desk's calibration, to be filled unseen."""
    text = f"{short_description}\n{description}".strip()
    hits = await index.nearest((await embedder.embed([text]))[0], 2 * NEIGHBOURS, kind="ticket")
    async with uow:
        found = await uow.tickets.brief([h.key for h in hits])
    neighbours = [(found[h.key], h.score) for h in hits if h.key in found]
    labelled = [(t, s) for t, s in neighbours if t.category or t.assignment_group]
    learned = None
    try:
        learned = await models.load() if models is not None else None
    except AtiendeError as err:
        log.warning("triage by the neighbours' vote alone: %s", err)
    probabilities = {field: model.probabilities(text, learned.calibration.blend(field).temperature)
                     for field, model in learned.fields.items()} if learned else None
    suggestions = vote(labelled, probabilities, learned.calibration if learned else None)
    summary = await extractive_summary(description, embedder.embed) if len(description) > 300 else \
        " ".join(sentences(description)[:2])[:400]
    if chat is not None:
        try:
            answered = await _chat_triage(chat, text, labelled, uow)
            summary = answered.pop("summary") or summary
            # The chat model's confidence is not measured on the desk: it fills a field only where the desk's
            # calibrated blend would have filled it with the same value.
            suggestions = {field: Suggestion(s.value, s.confidence, s.value is not None and suggestions[field].fills
                                             and suggestions[field].value == s.value)
                           for field, s in answered.items()}
        except AtiendeError as err:
            log.warning("triage by the desk's vote: %s", err)
    open_ones = [h for h in hits
                 if h.tags.get("state") in OPEN_STATE_NAMES and h.score >= settings.DUPLICATE_CANDIDATE_SCORE]
    return {
        **{field: {"value": s.value, "confidence": s.confidence, "fills": s.fills} for field, s in suggestions.items()},
        "summary": summary or short_description,
        "low_confidence": all(s.confidence <= MIN_CONFIDENCE for s in suggestions.values()),
        "neighbours": [t.number for t, _ in labelled[:NEIGHBOURS]],
        "classifier": {"tickets": learned.tickets, "trained_at": learned.trained_at} if learned else None,
        "duplicate_candidates": [dict(_brief(found[h.key]), score=h.score) for h in open_ones[:5] if h.key in found],
    }


async def _chat_triage(chat: ChatTriager, text: str, labelled: list[tuple[Ticket, float]], uow: UnitOfWork) -> dict[str, Any]:
    """The chat model's answer as suggestions, each label kept only when the desk has it."""
    async with uow:
        categories = {c["name"]: c["subcategories"] for c in await uow.reference.categories()}
        groups = [g["name"] for g in await uow.reference.groups()]
    examples = [{"ticket": t.short_description, "category": t.category, "subcategory": t.subcategory,
                 "assignment_group": t.assignment_group, "impact": t.impact, "urgency": t.urgency}
                for t, _ in labelled[:8]]
    answer = await chat.suggest(text, examples, {"categories": categories, "assignment_groups": groups})
    sure = round(max(0.0, min(1.0, answer.confidence)), 3)  # as for the vote: an unsure answer is a guess
    category = answer.category if answer.category in categories else None
    subcategory = answer.subcategory if category and answer.subcategory in categories[category] else None
    group = answer.assignment_group if answer.assignment_group in groups else None
    return {"category": Suggestion(category, sure), "subcategory": Suggestion(subcategory, sure),
            "assignment_group": Suggestion(group, sure), "impact": Suggestion(answer.impact, sure),
            "urgency": Suggestion(answer.urgency, sure), "summary": answer.summary}


async def search(query: str, k: int, uow: UnitOfWork, embedder: Embedder, index: VectorIndex,
                 models: TriageModels | None = None) -> dict[str, Any]:
    """Tickets that match `query` by meaning and by words, fused by reciprocal rank, the words weighing in the
    query's language what the desk's calibration measured best there (evenly until it has). When Redis is down the
    full-text half still answers, and the answer says so."""
    async with uow:
        by_text = await uow.tickets.text_search(query, 20)
    by_meaning: list[str] = []
    degraded = None
    try:
        by_meaning = [h.key for h in await index.nearest((await embedder.embed([query]))[0], 20, kind="ticket")]
    except AtiendeError as err:
        degraded = str(err)
    text_weight = EVEN
    if degraded is None and models is not None:
        try:  # the calibration alone, without loading the models it came with
            about = await models.about()
            calibration = Calibration.from_dict(about.get("calibration")) if about else None
            text_weight = calibration.text_weight(detect_language(query, "es")) if calibration else EVEN
        except AtiendeError as err:
            log.warning("search with an even weight: %s", err)
    fused, sources = fuse({"text": (by_text, text_weight), "semantic": (by_meaning, 1.0)})
    best = sorted(fused, key=lambda n: -fused[n])[:k]
    async with uow:
        tickets = await uow.tickets.brief(best)
    items = [dict(_brief(tickets[n]), score=round(fused[n], 6), matched=sources[n]) for n in best if n in tickets]
    return {"items": items, "degraded": degraded}


async def _described(hits: list[Hit], uow: UnitOfWork) -> list[dict[str, Any]]:
    if not hits:
        return []  # most new tickets have no duplicate: no need to ask the database about none
    async with uow.reading():
        tickets = await uow.tickets.brief([h.key for h in hits])
    return [dict(_brief(tickets[h.key]), score=h.score) for h in hits if h.key in tickets]


def _brief(ticket: Ticket) -> dict[str, Any]:
    resolved = ticket.state.api_name in ("resolved", "closed")
    return {
        "number": ticket.number, "short_description": ticket.short_description, "state": ticket.state.api_name,
        "open": ticket.state in OPEN_STATES, "category": ticket.category, "assignment_group": ticket.assignment_group,
        "close_code": ticket.close_code.value if resolved and ticket.close_code else None,
        "close_notes": ticket.close_notes if resolved else None,
    }
