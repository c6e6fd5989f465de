"""Satisfaction: the requester's rating of a resolved ticket, by SMS reply or by a link in the e-mail that a
second click confirms (mail scanners open links; they do not submit forms). A low rating flags the ticket for a
lead and reopens nothing."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from domain.errors import FieldError, InvalidInput, NotFound
from domain.settings import Settings
from domain.store.uow import UnitOfWork
from domain.work_notes import note, sentence

RATING_COMMENT_CHARS = 2000


async def answer_question(question_id: int, ticket_id: int, rating: int, comment: str | None, actor: str,
                          now: datetime, settings: Settings, uow: UnitOfWork) -> bool:
    """Keep a rating inside the caller's transaction, with a work note on the ticket; False when the question
    was answered before (the first answer stands)."""
    flagged = rating <= settings.SATISFACTION_FLAG_AT_MOST
    words = (comment or "").strip()[:RATING_COMMENT_CHARS] or None
    if not await uow.requesters.rate(question_id, rating, words, flagged, now):
        return False
    # The words stay on the rating (the dashboard shows them), where erasing the requester removes them too.
    await uow.tickets.add_note(ticket_id, "work_note", actor, now, note(
        sentence("rated_with_comment" if words else "rated", rating=rating), sentence("flagged") if flagged else None))
    return True


async def question_for(token: str, now: datetime, settings: Settings, uow: UnitOfWork) -> dict[str, Any]:
    """The question a link's token names (its ticket, whether answered); NotFound for any other token."""
    async with uow.reading():
        question = await uow.requesters.question(token) if _token_shaped(token) else None
    if question is None:
        raise NotFound("This rating link is not known.")
    question["expired"] = _expired(question["asked_at"], settings, now)
    return question


async def rate_by_link(token: str, rating: int, comment: str | None, now: datetime, settings: Settings,
                       uow: UnitOfWork) -> dict[str, Any]:
    if rating not in range(1, 6):
        raise InvalidInput("A rating is a whole number from 1 to 5.", [FieldError("from 1 to 5", "/rating")])
    async with uow:
        question = await uow.requesters.question(token) if _token_shaped(token) else None
        if question is None:
            raise NotFound("This rating link is not known.")
        if _expired(question["asked_at"], settings, now):
            raise InvalidInput("This rating link has expired.", [FieldError("expired", "/token", code="expired")])
        kept = await answer_question(question["id"], question["ticket_id"], rating, comment, "requester", now,
                                     settings, uow)
        await uow.commit()
    return {**question, "rating": rating if kept else question["rating"], "kept": kept}


async def summary(now: datetime, weeks: int, uow: UnitOfWork) -> dict[str, Any]:
    """CSAT by assignment group and week over the last `weeks`, and the latest flagged tickets."""
    async with uow.reading():
        rows = await uow.requesters.satisfaction_by_group_and_week(now - timedelta(weeks=weeks))
        flagged = await uow.requesters.flagged()
    return {"by_group_and_week": rows, "flagged": flagged}


def _token_shaped(token: str) -> bool:
    return 16 <= len(token) <= 64 and token.isascii() and all(c.isalnum() or c in "-_" for c in token)


def _expired(asked_at: datetime, settings: Settings, now: datetime) -> bool:
    return now - asked_at > timedelta(days=settings.SATISFACTION_REPLY_DAYS)
