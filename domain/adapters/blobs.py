"""Azure Blob Storage (Azurite locally): recordings and cached prompt audio, read through short-lived SAS URLs."""
from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from azure.core.exceptions import AzureError, ResourceExistsError, ResourceNotFoundError
from azure.storage.blob import (
    BlobSasPermissions,
    BlobServiceClient,
    ContainerClient,
    ContentSettings,
    generate_blob_sas,
)

from domain.errors import DependencyUnavailable, NotFound
from domain.settings import Settings


class AzureBlobs:
    def __init__(self, settings: Settings):
        if settings.AzureWebJobsStorage__blobServiceUri:
            # In Azure: the app's managed identity, as the rest of the app reaches storage (shared keys are off).
            from azure.identity import DefaultAzureCredential

            self._service = BlobServiceClient(settings.AzureWebJobsStorage__blobServiceUri,
                                              credential=DefaultAzureCredential())
        else:
            self._service = BlobServiceClient.from_connection_string(settings.AzureWebJobsStorage)
        self._ready: set[str] = set()
        self._lock = threading.Lock()

    def put(self, container: str, name: str, data: bytes, content_type: str) -> None:
        try:
            self._container(container).upload_blob(
                name, data, overwrite=True, content_settings=ContentSettings(content_type=content_type)
            )
        except AzureError as err:
            raise DependencyUnavailable("Blob Storage is not reachable right now.") from err

    def get(self, container: str, name: str) -> bytes:
        try:
            return self._container(container).download_blob(name).readall()
        except ResourceNotFoundError as err:
            raise NotFound(f"There is no blob {name}.") from err
        except AzureError as err:
            raise DependencyUnavailable("Blob Storage is not reachable right now.") from err

    def delete(self, container: str, name: str) -> None:
        try:
            self._container(container).delete_blob(name)
        except ResourceNotFoundError:
            pass  # already gone: erasing twice is erasing once
        except AzureError as err:
            raise DependencyUnavailable("Blob Storage is not reachable right now.") from err

    def exists(self, container: str, name: str) -> bool:
        try:
            return self._container(container).get_blob_client(name).exists()
        except AzureError as err:
            raise DependencyUnavailable("Blob Storage is not reachable right now.") from err

    def read_url(self, container: str, name: str, minutes: int) -> str:
        blob = self._service.get_blob_client(container, name)
        # The SDK takes the account's name from a shared key, or else from an Azure endpoint's host
        # (<account>.blob.core...): Atiende reaches storage one of those two ways.
        account = blob.account_name
        assert account is not None
        start = datetime.now(UTC) - timedelta(minutes=5)  # clock skew between us and the storage account
        expiry = datetime.now(UTC) + timedelta(minutes=minutes)
        credential = self._service.credential
        try:
            if getattr(credential, "account_key", None):
                token = generate_blob_sas(account, container, name, account_key=credential.account_key,
                                          permission=BlobSasPermissions(read=True), start=start, expiry=expiry)
            else:
                key = self._service.get_user_delegation_key(start, expiry)
                token = generate_blob_sas(account, container, name, user_delegation_key=key,
                                          permission=BlobSasPermissions(read=True), start=start, expiry=expiry)
        except AzureError as err:
            raise DependencyUnavailable("Blob Storage is not reachable right now.") from err
        return f"{blob.url}?{token}"

    def _container(self, name: str) -> ContainerClient:
        client = self._service.get_container_client(name)
        if name not in self._ready:
            with self._lock:
                try:
                    client.create_container()
                except ResourceExistsError:
                    pass
                self._ready.add(name)
        return client
