"""A list view exported as CSV: every ticket its filters keep, in its sort order, up to EXPORT_MAX_ROWS."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.auth import Principal
from domain.exports import csv_lines, filename, header, listed
from domain.schemas.tickets import ExportQuery
from domain.services.tickets import ticket_filter
from domain.settings import Settings
from domain.store.uow import UnitOfWork

# Rows read per keyset page: big enough that round trips do not count, small enough to keep memory flat.
PAGE_ROWS = 5_000


@dataclass(frozen=True)
class Export:
    filename: str
    body: bytes
    rows: int
    truncated: bool  # more tickets matched than EXPORT_MAX_ROWS


async def export_tickets(query: ExportQuery, who: Principal, now: datetime, settings: Settings,
                         uow: UnitOfWork) -> Export:
    """The view as CSV, read in keyset pages from one snapshot of the tickets. InvalidInput for filters or a sort
    the list refuses, as the list refuses them."""
    where = ticket_filter(query, who, settings)
    parts = [header()]
    cap, count, truncated = settings.EXPORT_MAX_ROWS, 0, False
    if where is not None:
        async with uow:
            await uow.tickets.one_snapshot()
            after = None
            while count < cap:
                wanted = min(PAGE_ROWS, cap - count)
                rows = await uow.tickets.export_page(where, query.sort, after, wanted + 1)
                more = len(rows) > wanted
                rows = rows[:wanted]
                if rows:
                    parts.append(csv_lines(listed(row[2:]) for row in rows))
                    count += len(rows)
                    after = (rows[-1][0], rows[-1][1])
                if not more:
                    break
            else:
                truncated = True
    return Export(filename(query.view, now), "".join(parts).encode("utf-8"), count, truncated)
