"""Outages: telling every caller of a problem many shared that it is resolved, once each."""
from __future__ import annotations

from datetime import datetime

from domain.contacts import can_text, phone_key
from domain.ports import Telephony
from domain.store.uow import UnitOfWork
from domain.voice_script import text


async def tell_callers_resolved(now: datetime, uow: UnitOfWork, telephony: Telephony, limit: int = 100) -> int:
    """Text each caller of a resolved shared problem (all who called about it, the first included) that it is
    resolved, with the resolution note; one SMS per number and ticket however often they called. Each call is
    marked as it is sent, so a crash part-way resends nothing already sent. Returns how many SMS went out."""
    async with uow:
        calls = await uow.calls.to_tell_resolved(limit)
    sent = 0
    told: set[tuple[str, str]] = set()
    for call in calls:
        who = (call["number"], phone_key(call["from_phone"]))
        if not can_text(call["from_phone"]):
            status = "no_phone"
        elif who in told:
            status = "sent_on_another_call"
        else:
            body = text("sms_resolved", call["locale"][:2], number=call["number"], notes=(call["close_notes"] or "")[:300])
            status = "sent" if await telephony.send_sms(call["from_phone"], body.strip()) else "not_configured"
            sent += status == "sent"
            told.add(who)
        async with uow:
            await uow.calls.update(call["sid"], now, resolved_sms_status=status)
            await uow.commit()
    return sent
