"""The requester's side of a ticket as agents see it: its attachments, and how a contact wants to be reached."""
from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.auth import Principal
from domain.errors import FieldError, InvalidInput, NotFound
from domain.files import described
from domain.ports import Blobs
from domain.schemas.messages import ContactChannelsIn
from domain.services.tickets import find_ticket
from domain.settings import Settings
from domain.store.uow import UnitOfWork

LINK_MINUTES = 5


async def attachments_of(number: str, uow: UnitOfWork) -> list[dict[str, Any]]:
    async with uow.reading():
        ticket = await find_ticket(uow, number)
        assert ticket.id is not None
        return [described(row) for row in await uow.requesters.attachments(ticket.id)]


async def attachment_link(number: str, attachment_id: int, settings: Settings, uow: UnitOfWork,
                          blobs: Blobs) -> str | None:
    """A short-lived link that downloads the attachment; None when the ticket has no such attachment."""
    found = next((a for a in await attachments_of(number, uow) if a["id"] == attachment_id), None)
    if found is None:
        return None
    return await blobs.read_url(settings.ATTACHMENTS_CONTAINER, found["blob_name"], LINK_MINUTES,
                                download_as=found["filename"])


async def set_channels(contact_id: int, changes: ContactChannelsIn, who: Principal, now: datetime,
                       uow: UnitOfWork) -> dict[str, Any]:
    """Opt a contact out of (or back into) SMS or e-mail, or set their time zone for quiet hours."""
    if changes.time_zone is not None:
        try:
            ZoneInfo(changes.time_zone)
        except (ZoneInfoNotFoundError, ValueError) as err:
            raise InvalidInput("That is not a time zone.", [FieldError("not an IANA time zone", "/time_zone",
                                                                       code="unknown")]) from err
    async with uow:
        before = await uow.requesters.reach(contact_id)
        if before is None:
            raise NotFound(f"There is no contact {contact_id}.")
        for name, value in changes.model_dump(exclude_none=True).items():
            old = getattr(before, name)
            if old != value:  # each change on purpose is audited, as a rename is
                await uow.contacts.record_change(contact_id, who.name, name, _text(old), _text(value), now)
        if changes.sms_opted_out is not None:
            await uow.requesters.set_opted_out(contact_id, "sms", changes.sms_opted_out)
        if changes.email_opted_out is not None:
            await uow.requesters.set_opted_out(contact_id, "email", changes.email_opted_out)
        if changes.time_zone is not None:
            await uow.requesters.set_time_zone(contact_id, changes.time_zone)
        reach = await uow.requesters.reach(contact_id)
        await uow.commit()
    assert reach is not None
    return asdict(reach)


def _text(value: object) -> str | None:
    return None if value is None else str(value).lower() if isinstance(value, bool) else str(value)
