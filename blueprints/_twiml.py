"""TwiML, Twilio's answer to a voice webhook, made from the steps the voice service decides
(domain/voice_script.py): each prompt played as ElevenLabs audio where there is some, read by Polly otherwise."""
from __future__ import annotations

import asyncio
from collections.abc import Sequence

from twilio.twiml.voice_response import Gather, VoiceResponse

from domain.calls import POLLY_VOICES
from domain.voice_script import Hangup, Listen, Pause, PromptAudio, RecordCall, Redirect, Say, Step


async def render(steps: Sequence[Step], audio: PromptAudio) -> str:
    """The TwiML document for `steps`, with each prompt's audio (from ElevenLabs through Blob Storage, when it is
    configured) looked up at once, side by side."""
    said = [s for step in steps for s in ([step] if isinstance(step, Say) else
                                          step.prompts if isinstance(step, Listen) else [])]
    found = await asyncio.gather(*(audio.url_for(s.words, s.locale) for s in said))
    urls = {id(s): url for s, url in zip(said, found, strict=True)}
    response = VoiceResponse()
    for step in steps:
        if isinstance(step, Say):
            _speak(response, step, urls.get(id(step)))
        elif isinstance(step, Listen):
            optional = {name: value for name, value in (
                ("num_digits", step.num_digits), ("hints", step.hints), ("finish_on_key", step.finish_on_key),
                ("action_on_empty_result", step.action_on_empty_result or None)) if value is not None}
            gather = response.gather(input=step.input, action=step.action, method="POST", language=step.locale,
                                     timeout=step.timeout, speech_timeout="auto", **optional)
            for prompt in step.prompts:
                _speak(gather, prompt, urls.get(id(prompt)))
        elif isinstance(step, RecordCall):
            response.start().recording(recording_status_callback=step.callback,
                                       recording_status_callback_event="completed",
                                       recording_status_callback_method="POST")
        elif isinstance(step, Pause):
            response.pause(length=step.seconds)
        elif isinstance(step, Redirect):
            response.redirect(step.url, method="POST")
        elif isinstance(step, Hangup):
            response.hangup()
    return str(response)


def _speak(verb: VoiceResponse | Gather, say: Say, url: str | None) -> None:
    if url:
        verb.play(url)
    else:
        verb.say(say.words, voice=POLLY_VOICES.get(say.locale, "Polly.Mia"), language=say.locale)
