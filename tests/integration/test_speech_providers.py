"""The speech adapters against their real SDKs (loopback stand-ins for the SaaS APIs) and real Azurite."""
from __future__ import annotations

import httpx
import pytest

from blueprints._twiml import render
from domain.adapters.blobs import AzureBlobs
from domain.adapters.speech import AzureOpenAITranscriber, ElevenLabsSpeech, ElevenLabsTranscriber
from domain.errors import DependencyUnavailable
from domain.settings import Settings
from domain.voice_script import PromptAudio, Say
from tests.conftest import on_own_loop
from tests.random_refs import random_name
from tests.stubs import FAKE_MP3, serving


@pytest.fixture
def saas():
    yield from serving()


@pytest.fixture
def closing():
    """Adapters a test builds, closed after it (in the app each is built once per worker)."""
    made = []
    yield lambda adapter: made.append(adapter) or adapter
    for adapter in made:
        on_own_loop(adapter.close())


@pytest.fixture
def saas_settings(saas, azurite):
    return Settings(ELEVENLABS_API_KEY="test-key", ELEVENLABS_BASE_URL=saas.base, AZURE_OPENAI_ENDPOINT=saas.base,
                    AZURE_OPENAI_API_KEY="test-key", AzureWebJobsStorage=azurite,
                    PROMPTS_CONTAINER=random_name("prompts"))


def test_prompts_are_spoken_by_elevenlabs_cached_in_blob_storage_and_played_from_a_short_lived_link(saas, saas_settings, closing):
    audio = PromptAudio(closing(ElevenLabsSpeech(saas_settings)), closing(AzureBlobs(saas_settings)),
                        saas_settings.PROMPTS_CONTAINER)
    first = on_own_loop(render([Say("Hola, gracias por llamar", "es-MX")], audio))
    second = on_own_loop(render([Say("Hola, gracias por llamar", "es-MX")], audio))

    assert saas.spoken == ["Hola, gracias por llamar"]  # the second time came from the cache
    url = str(first).split("<Play>")[1].split("</Play>")[0].replace("&amp;", "&")
    assert "se=" in url and "sp=r" in url  # a SAS that expires and only reads
    assert httpx.get(url).content == FAKE_MP3
    assert str(first) == str(second) or "<Play>" in str(second)


def test_a_failing_elevenlabs_falls_back_to_polly(saas, saas_settings, closing):
    saas.fail_speech = True
    audio = PromptAudio(closing(ElevenLabsSpeech(saas_settings)), closing(AzureBlobs(saas_settings)),
                        saas_settings.PROMPTS_CONTAINER)
    spoken = on_own_loop(render([Say("Your ticket is ready", "en-US")], audio))
    assert '<Say language="en-US" voice="Polly.Joanna">Your ticket is ready</Say>' in spoken


def test_elevenlabs_scribe_transcribes_with_a_confidence(saas, saas_settings, closing):
    saas.transcript = "la impresora no imprime"
    result = on_own_loop(closing(ElevenLabsTranscriber(saas_settings)).transcribe(b"RIFF....WAVE", "es"))
    assert (result.text, result.provider) == ("la impresora no imprime", "elevenlabs")
    assert 0.85 < result.confidence < 0.95  # exp(-0.1) from the words' log-probabilities


def test_azure_openai_transcribes_with_a_confidence_and_a_failure_is_a_clear_error(saas, saas_settings, closing):
    saas.transcript = "the printer is on fire"
    transcriber = closing(AzureOpenAITranscriber(saas_settings))
    result = on_own_loop(transcriber.transcribe(b"RIFF....WAVE", "en"))
    assert (result.text, result.provider) == ("the printer is on fire", "azure_openai")
    assert result.confidence == pytest.approx(0.9802, abs=1e-3)
    saas.fail_transcriptions = True
    with pytest.raises(DependencyUnavailable, match="Azure OpenAI"):
        on_own_loop(transcriber.transcribe(b"RIFF....WAVE", "en"))


def test_azure_openai_embeddings_come_back_in_order_at_the_asked_size_and_normalized(saas, saas_settings, closing):
    import numpy as np

    from domain.adapters.embeddings import AzureOpenAIEmbedder

    embedder = closing(AzureOpenAIEmbedder(saas_settings))
    vectors = on_own_loop(embedder.embed(["printer jam", "vpn down", "printer jam"]))
    assert saas.embedded == ["printer jam", "vpn down", "printer jam"]
    assert vectors.shape == (3, saas_settings.EMBEDDING_DIMENSIONS) and embedder.model == "azure:embeddings:384"
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert np.allclose(vectors[0], vectors[2]) and not np.allclose(vectors[0], vectors[1])


def test_azure_openai_triage_asks_for_structured_output_and_keeps_only_the_desks_labels(saas, saas_settings, closing,
                                                                                        uow, reference_data):
    from domain.adapters.chat import AzureOpenAITriager
    from domain.services.similar import _chat_triage
    from tests.conftest import on_own_loop

    triager = closing(AzureOpenAITriager(saas_settings))
    saas.chat_answer = {"category": reference_data["category"], "subcategory": "VPN", "assignment_group": "Invented",
                        "impact": 2, "urgency": 1, "confidence": 0.9, "summary": "La VPN se cae."}
    answered = on_own_loop(_chat_triage(triager, "La VPN se cae cada cinco minutos", [], uow))
    asked = saas.chats[-1]
    assert asked["response_format"]["type"] == "json_schema" and asked["response_format"]["json_schema"]["strict"]
    assert reference_data["category"] in asked["messages"][1]["content"]  # the allowed values go with the question
    assert (answered["category"].value, answered["subcategory"].value) == (reference_data["category"], "VPN")
    assert answered["assignment_group"].value is None  # a group the desk does not have is never suggested
    assert (answered["impact"].value, answered["urgency"].value, answered["summary"]) == (2, 1, "La VPN se cae.")

    saas.chat_answer = {**saas.chat_answer, "confidence": 0.3}
    unsure = on_own_loop(_chat_triage(triager, "algo raro", [], uow))
    assert (unsure["category"].value, unsure["category"].confidence) == (reference_data["category"], 0.3)
    assert not unsure["category"].fills  # offered as a guess, filled by nobody
    saas.chat_answer = None
    with pytest.raises(DependencyUnavailable, match="Azure OpenAI"):
        on_own_loop(_chat_triage(triager, "algo", [], uow))
