"""Signing in to Azure Managed Redis with the managed identity: the object id as user, the token as password."""
import base64
import json
from types import SimpleNamespace

from domain.adapters.vectors import EntraIdCredentials


def test_the_user_is_the_tokens_object_id_and_the_password_the_token():
    payload = base64.urlsafe_b64encode(json.dumps({"oid": "1d3b-object-id", "aud": "https://redis.azure.com"}).encode())
    token = "eyJhbGciOiJub25lIn0." + payload.decode().rstrip("=") + ".signature"
    asked = []
    provider = EntraIdCredentials()
    provider._credential = SimpleNamespace(get_token=lambda scope: asked.append(scope) or SimpleNamespace(token=token))
    assert provider.get_credentials() == ("1d3b-object-id", token)
    assert asked == ["https://redis.azure.com/.default"]
