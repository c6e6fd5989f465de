"""What a caller hears, in Spanish and English: the prompts, the steps of each answer to a voice webhook (the door
turns them into TwiML, blueprints/_twiml.py), and ElevenLabs audio for a prompt where it is configured."""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from domain.calls import spoken_number
from domain.errors import AtiendeError
from domain.ports import Blobs, SpeechSynthesizer

log = logging.getLogger(__name__)

PROMPTS: dict[str, dict[str, str]] = {
    "es": {
        "welcome": "Hola{name}. Gracias por llamar a la mesa de ayuda.",
        "outage": "Sabemos que hay un problema en curso: {short}. Si llama por este problema, pulse 3.",
        "menu": "Para reportar un problema, pulse 1 o diga reportar. Para consultar una incidencia, pulse 2 o diga estado.",
        "not_understood": "Perdone, no le he entendido.",
        "goodbye": "Gracias por llamar. Hasta luego.",
        "ask_problem": "Cuéntenos con sus palabras qué ocurre. Cuando termine, guarde silencio un momento.",
        "ask_again": "No le he oído. Por favor, describa el problema.",
        "one_moment": "Gracias. Un momento, estoy registrando su incidencia.",
        "created": "Su incidencia es la {number}. Le repito: {number}. También se la enviamos por SMS. Gracias por llamar.",
        "joined": "Ya conocemos este problema y lo estamos atendiendo en la incidencia {number}. Hemos añadido su "
                  "llamada. Le repito: {number}. Gracias por llamar.",
        "later": "Su incidencia se está registrando. Le enviaremos el número por SMS en unos minutos. Gracias por llamar.",
        "silent": "No hemos oído su descripción. Registraremos la incidencia con la grabación de la llamada y le "
                  "enviaremos el número por SMS.",
        "no_open": "No tiene incidencias abiertas.",
        "open_count": "Tiene {count} incidencias abiertas.",
        "open_one": "Tiene una incidencia abierta.",
        "status": "Incidencia {number}: {state}. Grupo: {group}.",
        "last_comment": "Último comentario: {comment}.",
        "ask_number": "Para consultar otra incidencia, marque sus siete dígitos o dígalos. Para terminar, cuelgue.",
        "not_found": "No encuentro esa incidencia para su número de teléfono.",
        "unassigned": "sin asignar",
        "error": "Lo sentimos, ha ocurrido un problema. Le enviaremos su número de incidencia por SMS.",
        "unavailable": "Lo sentimos, ahora no podemos atender su llamada. Por favor, vuelva a llamar en unos minutos.",
        "sms_created": "Atiende: registramos su incidencia {number}: {short}",
        "sms_joined": "Atiende: ya trabajamos en este problema, incidencia {number}. Hemos añadido su llamada.",
        "sms_number": "Atiende: registramos su incidencia {number}. Un agente escuchará su llamada.",
        "sms_resolved": "Atiende: el problema de la incidencia {number} está resuelto. {notes}",
    },
    "en": {
        "welcome": "Hello{name}. Thank you for calling the service desk.",
        "outage": "We know about a problem under way: {short}. If you are calling about it, press 3.",
        "menu": "To report a problem, press 1 or say report. To check on a ticket, press 2 or say status.",
        "not_understood": "Sorry, I did not understand.",
        "goodbye": "Thank you for calling. Goodbye.",
        "ask_problem": "Please tell us in your own words what is wrong. When you are done, stay silent for a moment.",
        "ask_again": "I did not hear you. Please describe the problem.",
        "one_moment": "Thank you. One moment while I log your ticket.",
        "created": "Your ticket number is {number}. Again: {number}. We are also sending it by text message. "
                   "Thank you for calling.",
        "joined": "We already know about this problem and are working on it as ticket {number}. We have added your "
                  "call to it. Again: {number}. Thank you for calling.",
        "later": "Your ticket is being logged. We will text you its number in a few minutes. Thank you for calling.",
        "silent": "We did not hear a description. We will log the ticket from the call recording and text you its number.",
        "no_open": "You have no open tickets.",
        "open_count": "You have {count} open tickets.",
        "open_one": "You have one open ticket.",
        "status": "Ticket {number}: {state}. Group: {group}.",
        "last_comment": "Last comment: {comment}.",
        "ask_number": "To check another ticket, key in its seven digits or say them. To finish, hang up.",
        "not_found": "I cannot find that ticket for your phone number.",
        "unassigned": "not assigned",
        "error": "Sorry, something went wrong. We will text you your ticket number.",
        "unavailable": "Sorry, we cannot take your call right now. Please call again in a few minutes.",
        "sms_created": "Atiende: we logged your ticket {number}: {short}",
        "sms_joined": "Atiende: we are already working on this problem as ticket {number}. We added your call to it.",
        "sms_number": "Atiende: we logged your ticket {number}. An agent will listen to your call.",
        "sms_resolved": "Atiende: the problem of ticket {number} is resolved. {notes}",
    },
}
STATE_NAMES = {
    "es": {"new": "nueva", "in_progress": "en curso", "on_hold": "en espera", "resolved": "resuelta",
           "closed": "cerrada", "canceled": "cancelada"},
    "en": {"new": "new", "in_progress": "in progress", "on_hold": "on hold", "resolved": "resolved",
           "closed": "closed", "canceled": "canceled"},
}


def text(key: str, language: str, **values: Any) -> str:
    return PROMPTS["es" if language == "es" else "en"][key].format(**values)


def say_number(key: str, language: str, number: str, **values: Any) -> str:
    return text(key, language, number=spoken_number(number, language), **values)


@dataclass(frozen=True)
class Say:
    words: str
    locale: str


@dataclass(frozen=True)
class Listen:
    """Hear the caller's keys or speech (`input`: "dtmf speech" or "speech") while saying `prompts`; what was heard
    goes to `action`, and silence falls through to the next step (or to `action` with `action_on_empty_result`)."""
    action: str
    input: str
    locale: str
    timeout: int
    prompts: tuple[Say, ...]
    num_digits: int | None = None
    hints: str | None = None
    finish_on_key: str | None = None
    action_on_empty_result: bool = False


@dataclass(frozen=True)
class RecordCall:
    """Record the rest of the call; Twilio tells `callback` where the recording is once it is complete."""
    callback: str


@dataclass(frozen=True)
class Pause:
    seconds: int


@dataclass(frozen=True)
class Redirect:
    url: str


@dataclass(frozen=True)
class Hangup:
    pass


Step = Say | Listen | RecordCall | Pause | Redirect | Hangup


class PromptAudio:
    """ElevenLabs audio for a prompt, kept in Blob Storage and handed out through a short-lived link; None where
    there is no synthesizer, or it failed (the caller then hears Polly read the words)."""

    def __init__(self, synthesizer: SpeechSynthesizer | None, blobs: Blobs | None, container: str):
        self.synthesizer = synthesizer
        self.blobs = blobs
        self.container = container

    async def url_for(self, words: str, locale: str) -> str | None:
        if self.synthesizer is None or self.blobs is None:
            return None
        key = hashlib.sha256(f"{self.synthesizer.voice}\n{locale}\n{words}".encode()).hexdigest()
        name = f"{key}.mp3"
        try:
            if not await self.blobs.exists(self.container, name):
                await self.blobs.put(self.container, name, await self.synthesizer.synthesize(words, locale),
                                     "audio/mpeg")
            return await self.blobs.read_url(self.container, name, minutes=15)
        except AtiendeError as err:
            log.warning("speaking with <Say>: %s", err)
            return None
