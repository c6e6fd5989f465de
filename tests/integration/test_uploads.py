"""Agents' files over HTTP on devhost and Azurite: a create-only link, the browser's cross-origin PUT, the check
of what arrived, attachments on comments in the activity, inline previews of images only, and time worked."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.random_refs import random_name

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 200
ORIGIN = "http://localhost:7071"


@pytest.fixture(scope="module")
def uploader(client_for):
    return client_for("agent", user=f"{random_name('uploader')}@example.com")


@pytest.fixture
def ticket(uploader) -> str:
    return uploader.post("/api/tickets", json={"short_description": "Screen shows an error"}).json()["number"]


def start(client, number: str, data: bytes = PNG, filename: str = "screen.png", content_type: str = "image/png",
          size: int | None = None) -> httpx.Response:
    return client.post(f"/api/tickets/{number}/uploads",
                       json={"filename": filename, "content_type": content_type, "size": len(data) if size is None else size})


def put(link: dict, data: bytes) -> httpx.Response:
    return httpx.put(link["upload_url"], content=data, headers={**link["headers"], "Origin": ORIGIN})


def complete(client, number: str, upload_id: str, comment_id: int | None = None) -> httpx.Response:
    return client.post(f"/api/tickets/{number}/uploads/{upload_id}/complete",
                       json={} if comment_id is None else {"comment_id": comment_id})


def test_a_browser_puts_a_file_cross_origin_and_completing_keeps_it(azurite, uploader, ticket, db):
    link = start(uploader, ticket)
    assert link.status_code == 201, link.text
    link = link.json()
    assert link["method"] == "PUT" and link["headers"]["x-ms-blob-type"] == "BlockBlob" and "sp=c&" in link["upload_url"]
    preflight = httpx.options(link["upload_url"], headers={"Origin": ORIGIN, "Access-Control-Request-Method": "PUT",
                                                           "Access-Control-Request-Headers": "content-type,x-ms-blob-type"})
    assert preflight.status_code == 200 and preflight.headers["access-control-allow-origin"] in (ORIGIN, "*")
    assert "PUT" in preflight.headers["access-control-allow-methods"]
    assert put(link, PNG).status_code == 201
    kept = complete(uploader, ticket, link["id"])
    assert kept.status_code == 201, kept.text
    assert {k: kept.json()[k] for k in ("filename", "content_type", "size_bytes", "image", "preview")} == {
        "filename": "screen.png", "content_type": "image/png", "size_bytes": len(PNG), "image": True, "preview": True}
    again = complete(uploader, ticket, link["id"])
    assert again.status_code == 200 and again.json()["id"] == kept.json()["id"]
    assert db.execute("SELECT count(*) FROM attachments WHERE upload_id = %s", (link["id"],)).fetchone()[0] == 1
    listed = uploader.get(f"/api/tickets/{ticket}/attachments").json()["items"]
    assert [(a["id"], a["preview"], a["activity_id"]) for a in listed] == [(kept.json()["id"], True, None)]
    assert listed[0]["uploaded_by"].startswith("uploader")
    shown = uploader.get(f"/api/tickets/{ticket}/attachments/{kept.json()['id']}", params={"inline": "1"})
    assert shown.status_code == 200 and shown.content == PNG
    assert shown.headers["content-type"] == "image/png" and shown.headers["x-content-type-options"] == "nosniff"
    assert shown.headers["content-disposition"].startswith('inline; filename="screen.png"')
    download = uploader.get(f"/api/tickets/{ticket}/attachments/{kept.json()['id']}")
    assert download.status_code == 302 and "sp=r" in download.headers["location"]


def test_the_link_can_neither_read_list_delete_nor_overwrite(azurite, uploader, ticket):
    link = start(uploader, ticket).json()
    assert put(link, PNG).status_code == 201
    url = link["upload_url"]
    assert httpx.get(url).status_code == 403
    container, token = url.split("?")[0].rsplit("/", 3)[0], url.split("?")[1]
    assert httpx.get(f"{container}?restype=container&comp=list&{token}").status_code == 403
    assert httpx.delete(url).status_code == 403
    assert put(link, b"<html><script>alert(1)</script>").status_code == 403


def test_a_content_type_lie_is_refused_and_its_blob_deleted(azurite, uploader, ticket, db):
    html = b"<!doctype html><script>fetch('/api/api-keys')</script>"
    link = start(uploader, ticket, html).json()
    put(link, html)
    refused = complete(uploader, ticket, link["id"])
    assert refused.status_code == 422 and refused.json()["errors"][0]["pointer"] == "/content_type"
    blob = db.execute("SELECT blob_name, outcome FROM uploads WHERE id = %s", (link["id"],)).fetchone()
    assert blob[1] == "refused"
    from azure.storage.blob import BlobServiceClient
    with BlobServiceClient.from_connection_string(azurite) as service:
        assert not service.get_blob_client("attachments", blob[0]).exists()
    assert complete(uploader, ticket, link["id"]).status_code == 409
    assert uploader.get(f"/api/tickets/{ticket}/attachments").json()["items"] == []


def test_a_file_larger_than_declared_or_than_allowed_is_refused(azurite, uploader, ticket):
    link = start(uploader, ticket, size=len(PNG)).json()
    put(link, PNG + b"\x00" * 1000)
    refused = complete(uploader, ticket, link["id"])
    assert refused.status_code == 422 and refused.json()["errors"][0]["pointer"] == "/size"
    huge = start(uploader, ticket, size=10**9)
    assert huge.status_code == 422 and huge.json()["errors"][0]["pointer"] == "/size"
    svg_script = start(uploader, ticket, filename="x.html", content_type="text/html")
    assert svg_script.status_code == 422 and svg_script.json()["errors"][0]["pointer"] == "/content_type"


def test_file_names_lose_their_path_and_end_as_their_type(azurite, uploader, ticket):
    link = start(uploader, ticket, filename="../../etc/passwd\u202egnp.exe").json()
    assert link["filename"] == "passwdgnp.exe.png"
    assert "passwd" not in link["upload_url"] and ".." not in link["upload_url"]


def test_someone_elses_upload_an_unfinished_one_and_an_expired_one(azurite, uploader, client_for, ticket, db):
    link = start(uploader, ticket).json()
    other = client_for("agent", user=f"{random_name('other')}@example.com")
    assert complete(other, ticket, link["id"]).status_code == 404
    second = other.post("/api/tickets", json={"short_description": "Another"}).json()["number"]
    assert complete(uploader, second, link["id"]).status_code == 404
    assert complete(uploader, ticket, str(uuid.uuid4())).status_code == 404
    assert complete(uploader, ticket, "not-a-uuid").status_code == 404
    nothing = complete(uploader, ticket, link["id"])
    assert nothing.status_code == 409 and nothing.json()["errors"][0]["code"] == "not_uploaded"
    put(link, PNG)
    db.execute("UPDATE uploads SET expires_at = expires_at - %s WHERE id = %s", (timedelta(hours=1), link["id"]))
    expired = complete(uploader, ticket, link["id"])
    assert expired.status_code == 410 and expired.headers["content-type"].startswith("application/problem+json")
    assert db.execute("SELECT outcome FROM uploads WHERE id = %s", (link["id"],)).fetchone()[0] == "expired"


def test_unused_links_are_swept_with_whatever_was_put_there(azurite, uploader, ticket, db, uow):
    from domain.adapters.blobs import AzureBlobs
    from domain.services.uploads import sweep_expired_uploads
    from domain.settings import Settings
    from tests.conftest import on_own_loop

    link = start(uploader, ticket).json()
    put(link, PNG)
    db.execute("UPDATE uploads SET expires_at = now() - interval '1 hour' WHERE id = %s", (link["id"],))
    settings = Settings(SEED_DEMO_DATA=False)
    blobs = AzureBlobs(settings)
    assert on_own_loop(sweep_expired_uploads(datetime.now(UTC), settings, uow, blobs)) >= 1
    name = db.execute("SELECT blob_name, outcome FROM uploads WHERE id = %s", (link["id"],)).fetchone()
    assert name[1] == "expired" and on_own_loop(blobs.head("attachments", name[0], 10)) is None
    on_own_loop(blobs.close())


def test_a_file_on_a_comment_shows_in_the_activity_with_the_time_worked(azurite, uploader, ticket, client_for):
    note = uploader.post(f"/api/tickets/{ticket}/comments", json={"body": "Screenshot attached",
                                                                  "visibility": "internal", "time_worked_minutes": 20})
    assert note.status_code == 201 and note.json()["time_worked_minutes"] == 20
    uploader.post(f"/api/tickets/{ticket}/comments", json={"body": "Called", "time_worked_minutes": 15})
    link = start(uploader, ticket).json()
    put(link, PNG)
    kept = complete(uploader, ticket, link["id"], comment_id=note.json()["id"])
    assert kept.status_code == 201 and kept.json()["activity_id"] == note.json()["id"]
    entry = next(a for a in uploader.get(f"/api/tickets/{ticket}/activity").json()["items"]
                 if a["id"] == note.json()["id"])
    assert entry["time_worked_minutes"] == 20
    assert entry["attachments"] == [{"id": kept.json()["id"], "filename": "screen.png", "content_type": "image/png",
                                     "size_bytes": len(PNG), "preview": True}]
    assert uploader.get(f"/api/tickets/{ticket}").json()["time_worked_minutes"] == 35
    listed = uploader.get("/api/tickets", params={"q": ticket}).json()["items"]
    assert listed[0]["time_worked_minutes"] == 35
    someone = client_for("agent", user=f"{random_name('someone')}@example.com")
    theirs = someone.post(f"/api/tickets/{ticket}/comments", json={"body": "Mine"}).json()
    link = start(uploader, ticket).json()
    put(link, PNG)
    refused = complete(uploader, ticket, link["id"], comment_id=theirs["id"])
    assert refused.status_code == 422 and refused.json()["errors"][0]["pointer"] == "/comment_id"


@pytest.mark.parametrize("minutes", [0, 1441, -5, "20", 2.5])
def test_time_worked_outside_a_day_is_refused(uploader, ticket, minutes):
    refused = uploader.post(f"/api/tickets/{ticket}/comments", json={"body": "x", "time_worked_minutes": minutes})
    assert refused.status_code == 422 and refused.json()["errors"][0]["pointer"] == "/time_worked_minutes"


def test_only_raster_images_preview_inline(azurite, uploader, ticket):
    svg = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"
    link = start(uploader, ticket, svg, filename="logo.svg", content_type="image/svg+xml").json()
    put(link, svg)
    kept = complete(uploader, ticket, link["id"])
    assert kept.status_code == 201 and kept.json()["image"] is True and kept.json()["preview"] is False
    inline = uploader.get(f"/api/tickets/{ticket}/attachments/{kept.json()['id']}", params={"inline": "1"})
    assert inline.status_code == 422 and inline.json()["errors"][0]["parameter"] == "inline"
    download = uploader.get(f"/api/tickets/{ticket}/attachments/{kept.json()['id']}")
    assert download.status_code == 302
    served = httpx.get(download.headers["location"])
    assert served.headers["content-type"] == "application/octet-stream"
    assert served.headers["content-disposition"].startswith("attachment;")


def test_a_final_ticket_takes_no_upload(uploader):
    number = uploader.post("/api/tickets", json={"short_description": "Dup"}).json()["number"]
    assert uploader.patch(f"/api/tickets/{number}", json={"state": "canceled"},
                          headers={"If-Match": "*"}).status_code == 200
    assert start(uploader, number).status_code == 409
    assert start(uploader, "INC9999999").status_code == 404
