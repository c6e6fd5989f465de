"""The CSV a list view exports: quoting, the BOM, formulas kept as text, times in UTC."""
import csv
import io
from datetime import UTC, datetime, timedelta, timezone

import pytest

from domain.exports import BOM, COLUMNS, cell, csv_lines, filename, header, listed


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_that_would_start_a_formula_is_kept_as_text(text):
    assert cell(text) == "'" + text


def test_ordinary_cells_are_as_they_are_and_times_are_utc():
    assert cell("Impresora sin tóner") == "Impresora sin tóner" and cell(None) == "" and cell(3) == "3"
    assert cell("a=b") == "a=b"
    mexico = timezone(timedelta(hours=-6))
    assert cell(datetime(2025, 3, 1, 6, 30, 5, 123, tzinfo=mexico)) == "2025-03-01 12:30:05"


def test_rows_are_quoted_as_rfc_4180_has_it_and_read_back_the_same():
    rows = [("INC0010001", 'Say "hi", then', "line one\nline two"), ("INC0010002", "=cmd", "")]
    text = csv_lines(rows)
    assert text.startswith('INC0010001,"Say ""hi"", then","line one\nline two"\r\n')
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["INC0010001", 'Say "hi", then', "line one\nline two"], ["INC0010002", "'=cmd", ""]]


def test_the_header_starts_with_a_bom_and_names_the_lists_columns():
    assert header().startswith(BOM) and header()[1:].rstrip("\r\n").split(",") == list(COLUMNS)
    assert filename("open", datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)) == "tickets-open-20250102-030405.csv"


def test_priority_and_state_are_exported_by_name():
    row = ("INC1", None, "x", None, 3, 2, None, None, None, "web", None)
    assert listed(row)[4:6] == ("3 - Moderate", "In Progress")
