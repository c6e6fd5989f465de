"""What changed on the desk since a client last asked: the tag a poll compares (304 when it is the same), and the
tickets written since, for the list, the dashboard and an open ticket to refresh themselves and for a new phone
ticket to be announced."""
from __future__ import annotations

from typing import Any

from domain.store.uow import UnitOfWork


async def desk_tag(uow: UnitOfWork) -> str:
    async with uow.reading():
        return (await uow.tickets.desk_changes()).tag


async def since(after: int | None, uow: UnitOfWork) -> dict[str, Any]:
    """The tag, the latest activity row, and the tickets written after row `after` (none on a first poll, which
    only learns where the desk is)."""
    async with uow.reading():
        found = await uow.tickets.desk_changes()
        rows = await uow.tickets.changed_since(after) if after is not None else []
    return {"tag": found.tag, "latest": found.latest, "tickets": rows}
