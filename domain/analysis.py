"""Turning what a caller said into ticket fields, and telling whether it is a problem already reported.

These are the rules-and-full-text implementations; the AI work replaces them behind the same two protocols.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from typing import Any, Protocol

_SPANISH_WORDS = {"el", "la", "los", "las", "de", "del", "que", "no", "puedo", "funciona", "mi", "es", "en", "con",
                  "por", "para", "una", "un", "esta", "desde", "nadie", "todos", "correo", "tengo", "se", "y"}
_ENGLISH_WORDS = {"the", "my", "is", "not", "can", "cannot", "can't", "to", "of", "and", "it", "in", "on", "with",
                  "from", "since", "nobody", "everyone", "working", "i", "a", "have", "does"}
# Everyday words for the subcategories a desk usually has; used only where the desk has that subcategory.
_SYNONYMS = {
    "printer": "impresora", "imprimir": "impresora", "imprime": "impresora", "print": "impresora",
    "email": "correo", "mail": "correo", "outlook": "correo", "e-mail": "correo", "correos": "correo",
    "password": "contrasena", "clave": "contrasena", "contrasenas": "contrasena",
    "wifi": "wi-fi", "wireless": "wi-fi", "inalambrica": "wi-fi",
    "portatil": "laptop", "notebook": "laptop", "computadora": "laptop", "ordenador": "laptop",
    "pantalla": "monitor", "screen": "monitor", "phone": "telefono", "telephone": "telefono",
    "browser": "navegador", "chrome": "navegador", "word": "office", "excel": "office",
    "permission": "permisos", "access": "permisos", "acceso": "permisos", "authenticator": "mfa",
}
_WIDE_IMPACT = ("todos", "toda la", "todo el", "nadie", "everyone", "everybody", "nobody", "all users", "whole",
                "entire", "oficina entera", "toda la empresa", "all of us")
_SOME_IMPACT = ("equipo", "varios", "varias", "departamento", "compañeros", "team", "several", "department",
                "colleagues", "some of us")
_HIGH_URGENCY = ("urgente", "urgent", "caído", "caida", "caída", "down", "outage", "emergencia", "emergency",
                 "no podemos trabajar", "no puedo trabajar", "can't work", "cannot work", "right now", "ahora mismo")
_MEDIUM_URGENCY = ("no puedo", "no puede", "no pueden", "no podemos", "no funciona", "no me deja", "error", "falla", "can't", "cannot", "not working",
                   "doesn't work", "does not work", "fails", "broken")


@dataclass(frozen=True)
class Analysis:
    short_description: str
    description: str
    summary: str
    language: str
    impact: int
    urgency: int
    category: str | None = None
    subcategory: str | None = None
    assignment_group: str | None = None
    # The transcript was less sure than the desk trusts: it is kept in the description, never the title or an SMS.
    unclear: bool = False
    # What triage suggested for each field (value, confidence, whether it filled it), for the opening work note.
    suggested: dict[str, dict[str, Any]] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Analyzer(Protocol):
    def analyze(self, text: str, fallback_language: str, categories: dict[str, list[str]]) -> Analysis: ...


class RuleAnalyzer:
    def analyze(self, text: str, fallback_language: str, categories: dict[str, list[str]]) -> Analysis:
        text = " ".join(text.split())
        sentences = [s.strip() for s in re.split(r"(?<=[.!?¿¡])\s+", text) if s.strip()]
        lowered = text.lower()
        category, subcategory = _category_for(text, categories)
        return Analysis(
            short_description=_short(sentences[0] if sentences else text),
            description=text,
            summary=" ".join(sentences[:2])[:300],
            language=detect_language(text, fallback_language),
            impact=1 if _any(lowered, _WIDE_IMPACT) else 2 if _any(lowered, _SOME_IMPACT) else 3,
            urgency=1 if _any(lowered, _HIGH_URGENCY) else 2 if _any(lowered, _MEDIUM_URGENCY) else 3,
            category=category,
            subcategory=subcategory,
        )


def detect_language(text: str, fallback: str) -> str:
    words = re.findall(r"[a-zñáéíóúü']+", text.lower())
    spanish = sum(w in _SPANISH_WORDS for w in words) + 2 * sum(ch in "ñáéíóú¿¡" for ch in text.lower())
    english = sum(w in _ENGLISH_WORDS for w in words)
    if spanish == english:
        return fallback
    return "es" if spanish > english else "en"


def _category_for(text: str, categories: dict[str, list[str]]) -> tuple[str | None, str | None]:
    words = set(_plain(text).replace("-", " ").split()) | set(_plain(text).split())
    wanted = words | {_SYNONYMS[w] for w in words if w in _SYNONYMS}
    for category, subcategories in categories.items():
        for sub in subcategories:
            if _plain(sub) in wanted or _plain(sub).replace("-", "") in wanted:
                return category, sub
    for category in categories:
        if _plain(category) in wanted:
            return category, None
    return None, None


def _short(sentence: str) -> str:
    sentence = sentence.rstrip(".!?").strip() or "Llamada sin descripción"
    sentence = sentence[0].upper() + sentence[1:]
    return sentence if len(sentence) <= 160 else sentence[:157].rsplit(" ", 1)[0] + "..."


def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower())
    return re.sub(r"[^a-z0-9\- ]", " ", "".join(ch for ch in folded if not unicodedata.combining(ch)))


def _any(text: str, phrases: tuple[str, ...]) -> bool:
    return any(re.search(r"(?<!\w)" + re.escape(p) + r"(?!\w)", text) for p in phrases)
