"""Azure OpenAI's chat model suggesting a new ticket's fields, with structured output (a JSON schema from the
pydantic model) and the desk's nearest labelled tickets as examples."""
from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from domain.errors import DependencyUnavailable
from domain.ports import ChatTriage
from domain.settings import Settings

_INSTRUCTIONS = (
    "You triage service-desk tickets. Given a new ticket and labelled tickets from the same desk, answer its "
    "category, subcategory and assignment group, chosen only from the allowed values (null when none fits or you "
    "are unsure), its impact and urgency (1 high, 2 medium, 3 low), your confidence from 0 to 1, and a one- or "
    "two-sentence summary in the ticket's own language.")


class AzureOpenAITriager:
    def __init__(self, settings: Settings):
        from domain.adapters.speech import azure_openai_client

        self.deployment = settings.AZURE_OPENAI_CHAT_DEPLOYMENT
        self._client = azure_openai_client(settings, timeout=20)

    async def suggest(self, text: str, examples: list[dict[str, Any]], allowed: dict[str, Any]) -> ChatTriage:
        from openai import OpenAIError

        prompt = json.dumps({"new_ticket": text, "allowed": allowed, "labelled_tickets": examples}, ensure_ascii=False)
        try:
            answer: Any = await self._client.chat.completions.create(
                model=self.deployment, temperature=0,
                messages=[{"role": "system", "content": _INSTRUCTIONS}, {"role": "user", "content": prompt}],
                response_format={"type": "json_schema", "json_schema": {
                    "name": "triage", "strict": True, "schema": _strict(ChatTriage.model_json_schema())}},
            )
            return ChatTriage.model_validate_json(answer.choices[0].message.content or "")
        except (OpenAIError, ValidationError, IndexError) as err:
            raise DependencyUnavailable("Azure OpenAI could not suggest the ticket's fields.") from err

    async def close(self) -> None:
        await self._client.close()


def _strict(schema: dict[str, Any]) -> dict[str, Any]:
    # Structured outputs want every property required; pydantic leaves out those with defaults (none here).
    schema["required"] = list(schema["properties"])
    return schema
