"""Canned replies: admins keep them per language and assignment group, agents list the ones they may use and
have one filled in for the ticket they are working."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.auth import Principal
from domain.canned import PRIORITY_NAMES, STATE_NAMES, check_template, render
from domain.errors import FieldError, InvalidInput, NotFound, StaleVersion
from domain.schemas.replies import CannedReplyIn, CannedReplyOut, CannedReplyPatch, RenderedReplyOut
from domain.services.tickets import find_ticket
from domain.store.uow import UnitOfWork

# Who keeps the replies sees every group's; anyone else, the whole desk's and their own groups'.
MANAGES = "reference:write"


async def list_replies(language: str | None, group: str | None, who: Principal,
                       uow: UnitOfWork) -> list[CannedReplyOut]:
    async with uow.reading():
        rows = await uow.canned_replies.find(_restricted_to(who), language, group)
    return [CannedReplyOut(**row) for row in rows]


async def get_reply(reply_id: int, who: Principal, uow: UnitOfWork) -> CannedReplyOut:
    async with uow.reading():
        return CannedReplyOut(**await _visible(uow, reply_id, who))


async def create_reply(data: CannedReplyIn, who: Principal, now: datetime, uow: UnitOfWork) -> CannedReplyOut:
    """A new reply; InvalidInput (422) naming /body when it names a placeholder there is none of."""
    check_template(data.body, "/body")
    async with uow:
        await _check_group(uow, data.assignment_group)
        row = await uow.canned_replies.add(data.model_dump(), who.name, now)
        await uow.commit()
    return CannedReplyOut(**row)


async def update_reply(reply_id: int, patch: CannedReplyPatch, expected: int | None, who: Principal, now: datetime,
                       uow: UnitOfWork) -> CannedReplyOut:
    """Apply the changes if `expected` is the stored version (None: whatever is stored); StaleVersion otherwise."""
    changes = patch.model_dump(exclude_unset=True)
    if "body" in changes:
        check_template(changes["body"], "/body")
    async with uow:
        current = await _existing(uow, reply_id, for_update=True)
        if expected is not None and current["version"] != expected:
            raise StaleVersion(f"Canned reply {reply_id} is at version {current['version']}, not {expected}.")
        if not changes:
            return CannedReplyOut(**current)
        if changes.get("assignment_group") is not None:
            await _check_group(uow, changes["assignment_group"])
        fields = {name: changes.get(name, current[name]) for name in ("title", "body", "language", "assignment_group")}
        row = await uow.canned_replies.update(reply_id, current["version"], fields, who.name, now)
        await uow.commit()
    return CannedReplyOut(**row)


async def delete_reply(reply_id: int, uow: UnitOfWork) -> None:
    async with uow:
        if not (0 < reply_id < 2**62 and await uow.canned_replies.delete(reply_id)):
            raise NotFound(f"There is no canned reply {reply_id}.")
        await uow.commit()


async def render_reply(number: str, reply_id: int, who: Principal, uow: UnitOfWork) -> RenderedReplyOut:
    """The reply filled in for ticket `number` and the signed-in agent, as plain text; the placeholders that had
    no value are named. NotFound for a reply the agent may not use."""
    async with uow.reading():
        ticket = await find_ticket(uow, number)
        reply = await _visible(uow, reply_id, who)
        agent = await uow.canned_replies.display_name(who.name) or who.name
    language = reply["language"]
    caller = ticket.caller
    values = {
        "caller.name": caller.name if caller else None,
        "caller.email": caller.email if caller else None,
        "caller.phone": caller.phone if caller else None,
        "ticket.number": ticket.number,
        "ticket.short_description": ticket.short_description,
        "ticket.state": STATE_NAMES[language][ticket.state.api_name],
        "ticket.priority": PRIORITY_NAMES[language][ticket.priority],
        "ticket.assignment_group": ticket.assignment_group,
        "agent.name": agent,
    }
    filled = render(reply["body"], values, language)
    return RenderedReplyOut(id=reply["id"], title=reply["title"], language=language, body=filled.text,
                            missing=list(filled.missing))


def _restricted_to(who: Principal) -> str | None:
    return None if MANAGES in who.permissions else who.name


async def _existing(uow: UnitOfWork, reply_id: int, for_update: bool = False) -> dict[str, Any]:
    row = await uow.canned_replies.get(reply_id, for_update=for_update) if 0 < reply_id < 2**62 else None
    if row is None:
        raise NotFound(f"There is no canned reply {reply_id}.")
    return row


async def _visible(uow: UnitOfWork, reply_id: int, who: Principal) -> dict[str, Any]:
    # Another group's reply is as absent as one that does not exist: its words are that group's.
    row = await uow.canned_replies.visible(reply_id, _restricted_to(who)) if 0 < reply_id < 2**62 else None
    if row is None:
        raise NotFound(f"There is no canned reply {reply_id}.")
    return row


async def _check_group(uow: UnitOfWork, group: str | None) -> None:
    if group is not None and not await uow.reference.group_exists(group):
        raise InvalidInput("Some fields name things that do not exist.",
                           [FieldError(f"no assignment group named {group!r}", "/assignment_group", code="unknown")])
