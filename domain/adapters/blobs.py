"""Azure Blob Storage (Azurite locally) through the SDK's async client: recordings, cached prompt audio and
attachments, read through short-lived SAS URLs, and agents' files written through create-only ones."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from azure.core.exceptions import AzureError, HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.storage.blob import BlobSasPermissions, ContentSettings, generate_blob_sas
from azure.storage.blob.aio import BlobServiceClient, ContainerClient

from domain.errors import DependencyUnavailable, NotFound
from domain.ports import BlobHead
from domain.settings import Settings


class AzureBlobs:
    def __init__(self, settings: Settings):
        if settings.AzureWebJobsStorage__blobServiceUri:
            # In Azure: the app's managed identity, as the rest of the app reaches storage (shared keys are off).
            from azure.identity.aio import DefaultAzureCredential

            self._service = BlobServiceClient(settings.AzureWebJobsStorage__blobServiceUri,
                                              credential=DefaultAzureCredential())
        else:
            self._service = BlobServiceClient.from_connection_string(settings.AzureWebJobsStorage)
        self._ready: set[str] = set()

    async def put(self, container: str, name: str, data: bytes, content_type: str) -> None:
        try:
            await (await self._container(container)).upload_blob(
                name, data, overwrite=True, content_settings=ContentSettings(content_type=content_type)
            )
        except AzureError as err:
            raise DependencyUnavailable("Blob Storage is not reachable right now.") from err

    async def get(self, container: str, name: str) -> bytes:
        try:
            download = await (await self._container(container)).download_blob(name)
            return await download.readall()
        except ResourceNotFoundError as err:
            raise NotFound(f"There is no blob {name}.") from err
        except AzureError as err:
            raise DependencyUnavailable("Blob Storage is not reachable right now.") from err

    async def delete(self, container: str, name: str) -> None:
        try:
            await (await self._container(container)).delete_blob(name)
        except ResourceNotFoundError:
            pass  # already gone: erasing twice is erasing once
        except AzureError as err:
            raise DependencyUnavailable("Blob Storage is not reachable right now.") from err

    async def exists(self, container: str, name: str) -> bool:
        try:
            return await (await self._container(container)).get_blob_client(name).exists()
        except AzureError as err:
            raise DependencyUnavailable("Blob Storage is not reachable right now.") from err

    async def head(self, container: str, name: str, length: int) -> BlobHead | None:
        """The blob's whole size and its first `length` bytes; None when there is no such blob."""
        try:
            download = await (await self._container(container)).download_blob(name, offset=0, length=length)
            data = await download.readall()
            size = download.properties.size
        except ResourceNotFoundError:
            return None
        except HttpResponseError as err:
            if err.status_code == 416:  # an empty blob has no first byte to read
                return BlobHead(0, b"")
            raise DependencyUnavailable("Blob Storage is not reachable right now.") from err
        except AzureError as err:
            raise DependencyUnavailable("Blob Storage is not reachable right now.") from err
        return BlobHead(int(size), data)

    async def read_url(self, container: str, name: str, minutes: int, download_as: str | None = None) -> str:
        # A file a requester sent is downloaded, never shown: served as HTML from the storage account's host, it
        # could run a script there.
        # A plain ASCII name for old clients, and the name itself in RFC 6266's UTF-8 form for the rest.
        disposition = (f'attachment; filename="{download_as.encode("ascii", "replace").decode().replace("?", "_")}";'
                       f" filename*=UTF-8''{quote(download_as, safe='')}") if download_as else None
        served_as = "application/octet-stream" if download_as else None
        return await self._signed(container, name, minutes, BlobSasPermissions(read=True),
                                  content_disposition=disposition, content_type=served_as)

    async def write_url(self, container: str, name: str, minutes: int) -> str:
        # Create only: no read, no list, no delete, and no second PUT over the blob once it exists (Blob Storage
        # and Azurite both answer 403), so what the upload's check read is what stays for as long as the link works.
        await self._container(container)
        return await self._signed(container, name, minutes, BlobSasPermissions(create=True))

    async def _signed(self, container: str, name: str, minutes: int, permission: BlobSasPermissions,
                      content_disposition: str | None = None, content_type: str | None = None) -> str:
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
                                          permission=permission, start=start, expiry=expiry,
                                          content_disposition=content_disposition, content_type=content_type)
            else:
                key = await self._service.get_user_delegation_key(start, expiry)
                token = generate_blob_sas(account, container, name, user_delegation_key=key,
                                          permission=permission, start=start, expiry=expiry,
                                          content_disposition=content_disposition, content_type=content_type)
        except AzureError as err:
            raise DependencyUnavailable("Blob Storage is not reachable right now.") from err
        return f"{blob.url}?{token}"

    async def _container(self, name: str) -> ContainerClient:
        client = self._service.get_container_client(name)
        if name not in self._ready:
            try:
                await client.create_container()
            except ResourceExistsError:
                pass
            self._ready.add(name)
        return client

    async def close(self) -> None:
        await self._service.close()
