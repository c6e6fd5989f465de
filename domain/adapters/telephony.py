"""Twilio's REST API: SMS through the Messages API, and call recordings downloaded with the account's credentials.

The SDK's own async client needs aiohttp and aiohttp-retry; an SMS goes out from an activity or a timer, never
on a request's path, so the SDK's synchronous client sends it from a thread instead."""
from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlsplit

import httpx
import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from domain.errors import DependencyUnavailable, MessageRefused
from domain.settings import Settings

_TWILIO_API = "https://api.twilio.com"
# Twilio's errors that name the recipient: not a valid number, a region not enabled, unsubscribed (STOP), not a
# mobile, or a number that cannot receive SMS.
RECIPIENT_REFUSED = frozenset({21211, 21408, 21610, 21612, 21614})


# twilio ships no type hints, so its client is Any to mypy; subclassing it is what sends requests elsewhere.
class _ApiBaseHttpClient(TwilioHttpClient):  # type: ignore[misc]
    """Sends the SDK's requests to another base URL: a test's loopback server speaking Twilio's wire format."""

    def __init__(self, base_url: str):
        super().__init__(timeout=15)
        self.base_url = base_url.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        if url.startswith(_TWILIO_API):
            url = self.base_url + url[len(_TWILIO_API):]
        return super().request(method, url, *args, **kwargs)


class TwilioTelephony:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._api_host = urlsplit(settings.TWILIO_API_BASE_URL).netloc
        self._client: Client | None = None
        if settings.twilio_configured:
            http = None if settings.TWILIO_API_BASE_URL == _TWILIO_API else _ApiBaseHttpClient(settings.TWILIO_API_BASE_URL)
            self._client = Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN.get_secret_value(),
                                  http_client=http)
        self._http = httpx.AsyncClient(timeout=30, follow_redirects=True)

    async def send_sms(self, to: str, body: str, status_callback: str | None = None) -> str | None:
        if self._client is None:
            return None
        extra = {"status_callback": status_callback} if status_callback else {}
        try:
            message = await asyncio.to_thread(self._client.messages.create, to=to,
                                              from_=self.settings.TWILIO_PHONE_NUMBER, body=body, **extra)
        except TwilioRestException as err:
            # Only what says this number will never take this message fails it for good; anything else (a
            # rotated token, a suspended account, a rate limit) is tried again once the account is put right.
            if err.code in RECIPIENT_REFUSED:
                raise MessageRefused(f"Twilio refused the SMS to this number (error {err.code}).") from err
            raise DependencyUnavailable(f"Twilio did not accept the SMS (error {err.code}).") from err
        except (TwilioException, requests.RequestException) as err:
            raise DependencyUnavailable("Twilio is not reachable right now.") from err
        sid: str = message.sid
        return sid

    async def close(self) -> None:
        await self._http.aclose()

    async def download_recording(self, url: str) -> bytes:
        if urlsplit(url).scheme not in ("http", "https"):
            raise DependencyUnavailable("The recording URL is not an HTTP URL.")
        wav_url = url if url.endswith(".wav") else url + ".wav"
        # The account's credentials go only to Twilio's own API host, never to a host a webhook names.
        auth = None
        if self.settings.twilio_configured and urlsplit(url).netloc == self._api_host:
            auth = (self.settings.TWILIO_ACCOUNT_SID, self.settings.TWILIO_AUTH_TOKEN.get_secret_value())
        try:
            response = await self._http.get(wav_url, auth=auth)
            response.raise_for_status()
        except httpx.HTTPError as err:
            raise DependencyUnavailable("The call recording could not be downloaded.") from err
        return response.content
