"""What a file is from its first bytes, against the type it was declared as."""
import pytest

from domain.files import described, previewable, refusal, sniff

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 20
PDF = b"%PDF-1.7\n"
ZIP = b"PK\x03\x04" + b"\x00" * 20
HTML = b"<!DOCTYPE html><script>alert(document.cookie)</script>"


@pytest.mark.parametrize(("head", "kind"), [
    (PNG, "png"), (JPEG, "jpeg"), (b"GIF89a....", "gif"), (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"), (PDF, "pdf"),
    (ZIP, "zip"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"), (HTML, "markup"), (b"  <svg onload=x>", "markup"),
    (b"\xef\xbb\xbf<html>", "markup"), ("Hola, qué tal\n".encode(), "text"), (b"a,b\r\n1,2\r\n", "text"),
    (b"\x00\x01\x02\x03binary", None),
])
def test_first_bytes_say_what_a_file_is(head, kind):
    assert sniff(head) == kind


@pytest.mark.parametrize(("declared", "head"), [
    ("image/png", PNG), ("image/jpeg", JPEG), ("application/pdf", PDF),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP),
    ("text/plain", b"just words"), ("text/csv", b"a,b\n1,2"), ("text/plain", b"<p>a pasted snippet</p>"),
    ("image/svg+xml", b"<svg xmlns='http://www.w3.org/2000/svg'/>"), ("image/bmp", b"BM\x00\x00"),
])
def test_a_file_that_is_what_it_says_is_kept(declared, head):
    assert refusal(declared, head) is None


@pytest.mark.parametrize(("declared", "head"), [
    ("image/png", HTML), ("image/png", JPEG), ("application/pdf", ZIP), ("text/plain", PNG),
    ("image/bmp", HTML), ("image/tiff", PDF), ("image/png", b""), ("image/gif", b"GIF8"),
])
def test_a_content_type_lie_is_refused(declared, head):
    assert refusal(declared, head)


def test_only_raster_images_preview_and_the_list_says_which_are_images():
    assert previewable("image/PNG") and previewable("image/webp")
    assert not previewable("image/svg+xml") and not previewable("text/html")
    listed = described({"id": 1, "content_type": "image/svg+xml"})
    assert listed["image"] is True and listed["preview"] is False
