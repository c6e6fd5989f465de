"""Canned replies' placeholders: which there are, what a template may name, and a reply filled in for a ticket."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from domain.errors import FieldError, InvalidInput

# What a template may name, each with the word it stands for when the ticket has no value, in each language:
# "Hola cliente," reads better than "Hola ,".
PLACEHOLDERS: dict[str, dict[str, str]] = {
    "caller.name": {"es": "cliente", "en": "customer"},
    "caller.email": {"es": "", "en": ""},
    "caller.phone": {"es": "", "en": ""},
    "ticket.number": {"es": "", "en": ""},
    "ticket.short_description": {"es": "", "en": ""},
    "ticket.state": {"es": "", "en": ""},
    "ticket.priority": {"es": "", "en": ""},
    "ticket.assignment_group": {"es": "la mesa de ayuda", "en": "the service desk"},
    "agent.name": {"es": "", "en": ""},
}
STATE_NAMES = {
    "es": {"new": "Nueva", "in_progress": "En curso", "on_hold": "En espera", "resolved": "Resuelta",
           "closed": "Cerrada", "canceled": "Cancelada"},
    "en": {"new": "New", "in_progress": "In progress", "on_hold": "On hold", "resolved": "Resolved",
           "closed": "Closed", "canceled": "Canceled"},
}
PRIORITY_NAMES = {
    "es": {1: "1 - Crítica", 2: "2 - Alta", 3: "3 - Moderada", 4: "4 - Baja", 5: "5 - Planificación"},
    "en": {1: "1 - Critical", 2: "2 - High", 3: "3 - Moderate", 4: "4 - Low", 5: "5 - Planning"},
}
# {{ name }}, spaces allowed inside the braces; a name is dotted lower-case words.
_TOKEN = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")


@dataclass(frozen=True)
class Rendered:
    text: str
    missing: tuple[str, ...]  # placeholders the ticket had no value for (a fallback word, or nothing, stood in)


def check_template(text: str, pointer: str) -> None:
    """InvalidInput, located at `pointer`, when the text names a placeholder there is none of or leaves braces
    open: a reply must never reach a requester with `{{caler.name}}` in it."""
    errors: list[FieldError] = []
    unknown = sorted({name for name in _TOKEN.findall(text) if name not in PLACEHOLDERS})
    if unknown:
        errors.append(FieldError(f"unknown placeholders: {', '.join(unknown)}; known: {', '.join(PLACEHOLDERS)}",
                                 pointer, code="unknown_placeholder"))
    leftover = _TOKEN.sub("", text)
    if "{{" in leftover or "}}" in leftover:
        errors.append(FieldError("{{ and }} come in pairs around a placeholder's name", pointer,
                                 code="unclosed_placeholder"))
    if errors:
        raise InvalidInput("The reply names placeholders it cannot fill.", errors)


def render(template: str, values: Mapping[str, str | None], language: str) -> Rendered:
    """The template with each placeholder replaced by its value, in one pass: a value that itself looks like a
    placeholder (a caller typing "{{agent.name}}" into a title) stays as typed. Plain text in, plain text out."""
    missing: list[str] = []

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        value = (values.get(name) or "").strip()
        if value:
            return value
        if name not in missing:
            missing.append(name)
        return PLACEHOLDERS.get(name, {}).get(language, "")

    return Rendered(_TOKEN.sub(fill, template), tuple(missing))
