"""SMTP sign-in with OAuth2 (XOAUTH2, as Exchange Online and Gmail take it) against a real SMTP server on
loopback (aiosmtpd, with the mechanism as a server would check it), the token from the mailer's token source."""
from __future__ import annotations

import base64

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from domain.adapters.mail import SmtpMailer
from domain.errors import DependencyUnavailable
from domain.ports import OutgoingMail
from domain.settings import Settings
from tests.conftest import free_port, on_own_loop

TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.test-access-token"


class OAuthRelay:
    """Accepts XOAUTH2 for the desk's mailbox with one token, and keeps what it was given."""

    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def auth_XOAUTH2(self, server, args):  # noqa: N802 - aiosmtpd's hook name
        given = base64.b64decode(args[1]) if len(args) > 1 else b""
        if given == f"user=desk@atiende.test\x01auth=Bearer {TOKEN}\x01\x01".encode():
            return AuthResult(success=True)
        await server.push("535 5.7.8 Username and Password not accepted")
        return AuthResult(success=False, handled=True)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if not session.authenticated:
            return "530 5.7.0 Authentication required"
        self.received.append(envelope.original_content)
        return "250 OK"


@pytest.fixture
def relay():
    handler = OAuthRelay()
    # Loopback only, so no TLS; the relay refuses mail from a session that did not sign in (handle_DATA).
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), auth_require_tls=False)
    controller.start()
    yield handler, controller.port
    controller.stop()


def mailer(port: int, token: str, scopes: list[str]) -> SmtpMailer:
    settings = Settings(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_AUTH="xoauth2", SMTP_USERNAME="desk@atiende.test",
                        MAIL_FROM="desk@atiende.test", MAIL_OAUTH_SCOPE="https://outlook.office365.com/.default")

    async def tokens(scope: str) -> str:
        scopes.append(scope)
        return token

    return SmtpMailer(settings, tokens=tokens)


def test_the_desk_signs_in_with_its_token_and_the_relay_takes_the_message(relay):
    handler, port = relay
    scopes: list[str] = []
    message_id = on_own_loop(mailer(port, TOKEN, scopes).send(OutgoingMail("rosa@example.test", "[INC0010001] x",
                                                                            "Hola")))
    assert scopes == ["https://outlook.office365.com/.default"]
    [received] = handler.received
    assert message_id.encode() in received and b"Subject: [INC0010001] x" in received


def test_a_refused_token_is_an_outage_to_retry_not_a_lost_message(relay):
    handler, port = relay
    with pytest.raises(DependencyUnavailable):
        on_own_loop(mailer(port, "expired-token", []).send(OutgoingMail("rosa@example.test", "s", "t")))
    assert handler.received == []
