"""What the phone tests share: the loopback stand-in for Twilio's REST API and Azure OpenAI, a devhost with a
Twilio account that the stand-in answers (one of each per test module), and placing a call on it."""
from __future__ import annotations

import pytest

from devhost.call import CallResult, CallSimulator
from tests.conftest import Devhost
from tests.stubs import SaasStub, serving

TOKEN = "test-twilio-auth-token"
DESK_PHONE = "+15005550006"


@pytest.fixture(scope="module")
def saas():
    yield from serving()


def phone_desk_env(saas: SaasStub) -> dict[str, str]:
    return {
        "TWILIO_ACCOUNT_SID": "AC" + "1" * 32, "TWILIO_AUTH_TOKEN": TOKEN, "TWILIO_PHONE_NUMBER": DESK_PHONE,
        "TWILIO_API_BASE_URL": saas.base, "AZURE_OPENAI_ENDPOINT": saas.base, "AZURE_OPENAI_API_KEY": "test-key",
        "RECORDING_WAIT_MINUTES": "1",
    }


@pytest.fixture(scope="module")
def phone_desk(request, database_url, saas, tmp_path_factory):
    """devhost with a Twilio account and Azure OpenAI configured, both answered by the loopback stub."""
    logs = tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])
    host = Devhost(database_url, logs / "devhost.log", **phone_desk_env(saas)).start()
    yield host
    host.stop()


def call(host: Devhost | str, caller: str, say: str = "", token: str = TOKEN, **options) -> CallResult:
    base = host.base if isinstance(host, Devhost) else host
    return CallSimulator(base, caller, say, auth_token=token, **options).run()


def sms_to(saas: SaasStub, phone: str) -> list[str]:
    return [m["Body"] for m in saas.sms if m["To"] == phone]
