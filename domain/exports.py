"""A list view as CSV for spreadsheets: RFC 4180 quoting, UTF-8 with a BOM (Excel reads it as UTF-8 only then),
and no cell a spreadsheet would take for a formula."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

BOM = "\ufeff"
# The list's columns, in its order.
COLUMNS = ("Number", "Opened (UTC)", "Short description", "Caller", "Priority", "State", "Category",
           "Assignment group", "Assigned to", "Channel", "Updated (UTC)")
# A cell starting with one of these is a formula to Excel, LibreOffice or Google Sheets (OWASP's CSV injection
# page): "=HYPERLINK(...)" in a short description would run when an agent opens the export.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    """A value as the text of one cell: times in UTC to the second, and text that would start a formula behind
    an apostrophe, which spreadsheets show as text and do not display."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_lines(rows: Iterable[Sequence[Any]]) -> str:
    """The rows as CSV lines, each ended by CRLF as RFC 4180 has it, quoted where a cell holds a comma, a quote or
    a line break."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows([cell(value) for value in row] for row in rows)
    return out.getvalue()


def header() -> str:
    return BOM + csv_lines([COLUMNS])


def filename(view: str, now: datetime) -> str:
    return f"tickets-{view}-{now.astimezone(UTC):%Y%m%d-%H%M%S}.csv"


STATE_LABELS = {1: "New", 2: "In Progress", 3: "On Hold", 6: "Resolved", 7: "Closed", 8: "Canceled"}
PRIORITY_LABELS = {1: "1 - Critical", 2: "2 - High", 3: "3 - Moderate", 4: "4 - Low", 5: "5 - Planning"}


def listed(row: Sequence[Any]) -> tuple[Any, ...]:
    """A stored ticket's list columns (number, opened, short description, caller, priority, state code, category,
    group, assignee, channel, updated) as the export writes them: priority and state by name."""
    number, opened, short, caller, priority, state, category, group, assignee, channel, updated = row
    return (number, opened, short, caller, PRIORITY_LABELS.get(priority, priority), STATE_LABELS.get(state, state),
            category, group, assignee, channel, updated)
