"""TwiML, Twilio's answer to a voice webhook, made from the steps the voice service decides
(domain/voice_script.py): each prompt played as ElevenLabs audio where there is some, read by Polly otherwise."""
from __future__ import annotations

from collections.abc import Sequence

from twilio.twiml.voice_response import Gather, VoiceResponse

from domain.calls import POLLY_VOICES
from domain.voice_script import Hangup, Listen, Pause, PromptAudio, RecordCall, Redirect, Say, Step


def render(steps: Sequence[Step], audio: PromptAudio) -> str:
    """The TwiML document for `steps`. May ask ElevenLabs and Blob Storage for audio: call it off the event loop."""
    response = VoiceResponse()
    for step in steps:
        if isinstance(step, Say):
            _speak(response, step, audio)
        elif isinstance(step, Listen):
            optional = {name: value for name, value in (
                ("num_digits", step.num_digits), ("hints", step.hints), ("finish_on_key", step.finish_on_key),
                ("action_on_empty_result", step.action_on_empty_result or None)) if value is not None}
            gather = response.gather(input=step.input, action=step.action, method="POST", language=step.locale,
                                     timeout=step.timeout, speech_timeout="auto", **optional)
            for prompt in step.prompts:
                _speak(gather, prompt, audio)
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


def _speak(verb: VoiceResponse | Gather, say: Say, audio: PromptAudio) -> None:
    url = audio.url_for(say.words, say.locale)
    if url:
        verb.play(url)
    else:
        verb.say(say.words, voice=POLLY_VOICES.get(say.locale, "Polly.Mia"), language=say.locale)
