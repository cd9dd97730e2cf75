"""Hostile uploads: files that lie about their type, polyglots, bombs and traversal names.

Each is refused with a clear JSON error, or (the polyglot) stored cleaned, and nothing else
lands in MEDIA_ROOT. The editor's preview and upload views are for signed-in staff only.
"""

import io
import os
import re
import struct
import subprocess
import sys
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from cancerchoices.markdown import MAX_MARKDOWN_LENGTH
from people.models import Person
from tests.factories import UserFactory
from tests.servers import PROJECT
from therapies.images import MAX_IMAGE_PIXELS

pytestmark = pytest.mark.django_db

STORED_NAME = re.compile(r"^markdownx/[0-9a-f]{32}\.(png|jpg)$")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(username="uploader", is_staff=True))
    return client


def stored_files(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def image_bytes(image_format="PNG", size=(40, 30), mode="RGB", **options) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "teal").save(buffer, image_format, **options)
    return buffer.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny, well-formed PNG whose header claims the given dimensions."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def upload(client, content: bytes, name="picture.png", content_type="image/png", **extra):
    return client.post(
        reverse("markdownx_upload"),
        {"image": SimpleUploadedFile(name, content, content_type=content_type)},
        headers={"x-requested-with": "XMLHttpRequest"},
        **extra,
    )


def assert_refused(response, media_root, words: str):
    assert response.status_code == 400
    message = " ".join(response.json()["image"])
    assert words in message, message
    assert stored_files(media_root) == []


def test_a_png_is_stored_under_a_random_name_and_answered_as_markdown(staff_client, media_root):
    response = upload(staff_client, image_bytes("PNG"))
    assert response.status_code == 200
    (name,) = stored_files(media_root)
    assert STORED_NAME.match(name)
    assert name.endswith(".png")
    assert response.json() == {"image_code": f"![](/media/{name})"}
    with Image.open(media_root / name) as stored:
        assert stored.format == "PNG"
        assert stored.size == (40, 30)


def test_the_extension_comes_from_the_bytes_not_the_name_or_declared_type(staff_client, media_root):
    response = upload(
        staff_client, image_bytes("JPEG"), name="photo.html", content_type="text/html"
    )
    assert response.status_code == 200
    (name,) = stored_files(media_root)
    assert STORED_NAME.match(name)
    assert name.endswith(".jpg")


def test_png_metadata_is_stripped(staff_client, media_root):
    from PIL import PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "secret description")
    text.add_itxt("Author", "Ann Author")
    profile = b"\x00" * 128 + b"pretend colour profile"
    original = image_bytes("PNG", pnginfo=text, icc_profile=profile)
    assert b"secret description" in original
    assert upload(staff_client, original).status_code == 200
    (name,) = stored_files(media_root)
    stored = (media_root / name).read_bytes()
    for chunk in [b"tEXt", b"iTXt", b"iCCP", b"secret description", b"Ann Author"]:
        assert chunk not in stored


def test_metadata_is_stripped(staff_client, media_root):
    exif = Image.Exif()
    exif[0x010E] = "secret description"  # ImageDescription
    exif[0x013B] = "Ann Author"  # Artist
    original = image_bytes("JPEG", exif=exif.tobytes(), comment=b"a comment")
    assert b"secret description" in original
    assert upload(staff_client, original).status_code == 200
    (name,) = stored_files(media_root)
    stored = (media_root / name).read_bytes()
    assert b"secret description" not in stored
    assert b"a comment" not in stored
    assert b"Ann Author" not in stored
    with Image.open(media_root / name) as image:
        assert not image.getexif()


def test_html_declared_as_png_is_refused(staff_client, media_root):
    html = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
    assert_refused(upload(staff_client, html), media_root, "JPEG or PNG")


def test_svg_with_script_is_refused(staff_client, media_root):
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
    )
    response = upload(staff_client, svg, name="logo.svg", content_type="image/svg+xml")
    assert_refused(response, media_root, "JPEG or PNG")


def test_other_image_formats_are_refused(staff_client, media_root):
    response = upload(staff_client, image_bytes("GIF", mode="P"), name="a.gif")
    assert_refused(response, media_root, "JPEG or PNG")


def test_a_png_with_html_appended_is_stored_re_encoded_without_the_html(staff_client, media_root):
    polyglot = image_bytes("PNG") + b"<html><script>alert(document.cookie)</script></html>"
    response = upload(staff_client, polyglot, name="poly.html")
    assert response.status_code == 200
    (name,) = stored_files(media_root)
    assert name.endswith(".png")
    stored = (media_root / name).read_bytes()
    assert b"<script" not in stored
    assert b"<html" not in stored
    assert stored.endswith(b"IEND\xaeB`\x82")


def test_a_damaged_png_is_refused(staff_client, media_root):
    damaged = image_bytes("PNG")[:-30]
    assert_refused(upload(staff_client, damaged), media_root, "JPEG or PNG")


def test_an_oversized_file_is_refused_before_it_is_read(staff_client, media_root):
    big = image_bytes("PNG") + b"\x00" * (5 * 1024 * 1024)
    assert_refused(upload(staff_client, big), media_root, "5 MB")


@pytest.mark.parametrize(
    "size",
    [(100_000, 100_000), (4_000, MAX_IMAGE_PIXELS // 4_000 + 1)],
    ids=["far-over-the-limit", "just-over-the-limit"],
)
def test_a_decompression_bomb_is_refused(staff_client, media_root, size):
    bomb = png_declaring(*size)
    assert len(bomb) < 200
    assert_refused(upload(staff_client, bomb), media_root, "megapixels")


def test_a_large_but_allowed_image_is_accepted(staff_client, media_root):
    content = image_bytes("PNG", size=(4_000, 3_000), mode="L")
    assert upload(staff_client, content).status_code == 200
    assert len(stored_files(media_root)) == 1


@pytest.mark.parametrize(
    "name",
    ["../../evil.png", "..\\..\\evil.png", "/etc/evil.png", "evil.png\x00.html", "ev%2e%2e/il.png"],
)
def test_traversal_file_names_are_ignored(staff_client, media_root, name):
    response = upload(staff_client, image_bytes("PNG"), name=name)
    assert response.status_code == 200
    (stored,) = stored_files(media_root)
    assert STORED_NAME.match(stored)
    assert not list(media_root.parent.rglob("evil*"))


def test_a_request_without_a_file_is_refused(staff_client, media_root):
    response = staff_client.post(reverse("markdownx_upload"), {})
    assert_refused(response, media_root, "Choose an image")


@pytest.mark.parametrize("who", ["anonymous", "not-staff"])
@pytest.mark.parametrize("view", ["markdownx_upload", "markdownx_markdownify"])
def test_editor_endpoints_refuse_anyone_but_staff(who, view, media_root):
    client = Client()
    if who == "not-staff":
        client.force_login(UserFactory(username="reader", is_staff=False))
    data = {"content": "**hi**", "image": SimpleUploadedFile("a.png", image_bytes("PNG"))}
    response = client.post(reverse(view), data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert stored_files(media_root) == []


@pytest.mark.parametrize("view", ["markdownx_upload", "markdownx_markdownify"])
def test_editor_endpoints_are_post_only_and_need_a_csrf_token(view, media_root):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(username="editor", is_staff=True))
    assert client.get(reverse(view)).status_code == 405
    data = {"content": "**hi**", "image": SimpleUploadedFile("a.png", image_bytes("PNG"))}
    assert client.post(reverse(view), data).status_code == 403
    assert stored_files(media_root) == []


def test_the_preview_refuses_an_oversized_request_without_parsing_it(staff_client):
    text = "x" * (MAX_MARKDOWN_LENGTH * 4 + 100_000)
    response = staff_client.post(reverse("markdownx_markdownify"), {"content": text})
    assert response.status_code == 413
    assert "too long" in response.content.decode()


def test_the_preview_explains_text_just_over_the_limit(staff_client):
    text = "x" * (MAX_MARKDOWN_LENGTH + 1)
    response = staff_client.post(reverse("markdownx_markdownify"), {"content": text})
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    assert "the limit is 100,000" in response.content.decode()


def test_the_preview_without_content_is_a_clear_400(staff_client):
    response = staff_client.post(reverse("markdownx_markdownify"), {})
    assert response.status_code == 400
    assert "No text" in response.content.decode()


def person_form(photo) -> dict:
    return {
        "name": "Sam Sample",
        "slug": "sam-sample",
        "credentials": "",
        "role_title": "Researcher",
        "short_bio": "Writes reviews.",
        "bio": "",
        "photo": photo,
    }


def test_a_person_photo_is_re_encoded_under_a_random_name(admin_client, media_root):
    polyglot = image_bytes("JPEG") + b"<script>alert(1)</script>"
    photo = SimpleUploadedFile("../me.html", polyglot, content_type="text/html")
    response = admin_client.post(reverse("admin:people_person_add"), person_form(photo))
    assert response.status_code == 302, response.context["adminform"].form.errors
    person = Person.objects.get(slug="sam-sample")
    assert re.fullmatch(r"people/[0-9a-f]{32}\.jpg", person.photo.name)
    assert stored_files(media_root) == [person.photo.name]
    assert b"<script" not in (media_root / person.photo.name).read_bytes()


@pytest.mark.parametrize(
    "content",
    [b"<html><script>alert(1)</script></html>", png_declaring(100_000, 100_000)],
    ids=["html", "bomb"],
)
def test_a_hostile_person_photo_is_refused_and_nothing_is_saved(admin_client, media_root, content):
    photo = SimpleUploadedFile("me.png", content, content_type="image/png")
    response = admin_client.post(reverse("admin:people_person_add"), person_form(photo))
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    assert not Person.objects.filter(slug="sam-sample").exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    ("image_format", "mode"),
    [("PNG", "P"), ("PNG", "LA"), ("PNG", "RGBA"), ("PNG", "I;16"), ("PNG", "1"),
     ("JPEG", "L"), ("JPEG", "CMYK")],
)  # fmt: skip
def test_ordinary_colour_modes_are_accepted(staff_client, media_root, image_format, mode):
    response = upload(staff_client, image_bytes(image_format, mode=mode))
    assert response.status_code == 200, response.content
    (name,) = stored_files(media_root)
    with Image.open(media_root / name) as stored:
        assert stored.format == image_format
        assert stored.size == (40, 30)


# Cleaning an image costs memory by its pixels, not its file size. The worst cases at the pixel
# limit: each needs two copies of 4 bytes a pixel at once (decoded and converted, or decoded
# and turned upright). Measured in a process of their own, as a worker is, Django loaded.
MEASURE_PEAK = """
import re, sys
from pathlib import Path
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from therapies.images import clean_image
with open(sys.argv[1], "rb") as upload:
    cleaned = clean_image(SimpleUploadedFile("upload", upload.read()))
assert cleaned.size > 0
# This process's peak resident memory (getrusage's would count the parent's, before exec).
status = Path("/proc/self/status").read_text()
print(int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) // 1024)
"""
WORKER_MEMORY_LIMIT_MB = 200


def at_the_limit(mode, image_format, colour, **options) -> bytes:
    width = 4_000
    image = Image.new(mode, (width, MAX_IMAGE_PIXELS // width), colour)
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def upright_exif() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 degrees to show
    return exif.tobytes()


@pytest.mark.parametrize(
    ("mode", "image_format", "colour", "options"),
    [
        ("CMYK", "JPEG", (1, 2, 3, 4), {}),
        ("RGB", "JPEG", (9, 9, 9), {"exif": upright_exif()}),
        ("LA", "PNG", (1, 2), {}),
        ("RGB", "PNG", (9, 9, 9), {"transparency": (9, 9, 9)}),
        ("I;16", "PNG", 300, {}),
        ("P", "PNG", 1, {"transparency": 1}),
    ],
    ids=["cmyk-jpeg", "rotated-jpeg", "grey-alpha-png", "rgb-keyed-png", "16-bit-png", "palette"],
)
def test_any_accepted_image_is_cleaned_in_under_200_mb(
    tmp_path, mode, image_format, colour, options
):
    path = tmp_path / "upload"
    path.write_bytes(at_the_limit(mode, image_format, colour, **options))
    assert path.stat().st_size < 5 * 1024 * 1024
    result = subprocess.run(
        [sys.executable, "-c", MEASURE_PEAK, str(path)],
        cwd=PROJECT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "cancerchoices.settings.test"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]  # accepted
    assert int(result.stdout) < WORKER_MEMORY_LIMIT_MB


class LargeBody:
    """A multipart body holding one file of ``size`` bytes, made as it is read, counting what
    is read of it: a 50 MB upload costs the test nothing."""

    boundary = "----boundary"

    def __init__(self, size: int, field="image"):
        self.head = (
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="big.png"\r\nContent-Type: image/png\r\n\r\n'
        ).encode()
        self.tail = f"\r\n--{self.boundary}--\r\n".encode()
        self.length = len(self.head) + size + len(self.tail)
        self.read_bytes = 0

    def _byte_range(self, start: int, stop: int) -> bytes:
        body_start, body_stop = len(self.head), self.length - len(self.tail)
        chunk = self.head[start:stop]
        chunk += b"\x00" * max(0, min(stop, body_stop) - max(start, body_start))
        if stop > body_stop:
            chunk += self.tail[max(0, start - body_stop) : stop - body_stop]
        return chunk

    def read(self, size=-1):
        stop = self.length if size is None or size < 0 else min(self.length, self.read_bytes + size)
        chunk = self._byte_range(self.read_bytes, stop)
        self.read_bytes = stop
        return chunk

    def readline(self, size=-1):
        return self.read(size)

    def environ(self) -> dict:
        return {
            "wsgi.input": self,
            "CONTENT_LENGTH": str(self.length),
            "CONTENT_TYPE": f"multipart/form-data; boundary={self.boundary}",
        }


FIFTY_MB = 50 * 1024 * 1024


def test_the_large_body_is_a_well_formed_upload():
    body = LargeBody(10, field="photo")
    data = body.read()
    assert data.startswith(b"------boundary\r\n")
    assert data.endswith(b"------boundary--\r\n")
    assert len(data) == body.length == body.read_bytes


@pytest.mark.parametrize(
    "who",
    ["anonymous with any CSRF cookie", "staff with a valid CSRF token"],
)
def test_an_oversized_upload_is_refused_before_its_body_is_read(who, media_root):
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "t" * 32
    if who.startswith("staff"):
        client.force_login(UserFactory(username="uploader", is_staff=True))
    body = LargeBody(FIFTY_MB)
    response = client.generic(
        "POST",
        reverse("markdownx_upload"),
        headers={"x-csrftoken": "t" * 32, "x-requested-with": "XMLHttpRequest"},
        **body.environ(),
    )
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert body.read_bytes == 0
    assert stored_files(media_root) == []


def test_an_oversized_person_photo_is_refused_before_its_body_is_read(admin_client, media_root):
    body = LargeBody(FIFTY_MB, field="photo")
    response = admin_client.generic("POST", reverse("admin:people_person_add"), **body.environ())
    assert response.status_code == 413
    assert body.read_bytes == 0
    assert not Person.objects.exists()


@pytest.mark.parametrize("path", ["/admin/login/", "/therapies/", "/no-such-page/"])
def test_any_oversized_request_is_refused_before_its_body_is_read(path):
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "t" * 32
    body = LargeBody(FIFTY_MB)
    response = client.generic("POST", path, **body.environ())
    assert response.status_code == 413
    assert body.read_bytes == 0


def test_an_upload_within_the_limit_is_kept_in_memory(settings):
    from django.conf import settings as live

    assert live.FILE_UPLOAD_MAX_MEMORY_SIZE >= live.MAX_REQUEST_BYTES
    assert live.MAX_REQUEST_BYTES >= 5 * 1024 * 1024 + 1024  # a 5 MB image and its form


def test_an_uploaded_image_is_served_with_safe_headers(staff_client, media_root, settings):
    assert not settings.DEBUG
    response = upload(staff_client, image_bytes("PNG"))
    url = re.fullmatch(r"!\[\]\((/media/[^)]+)\)", response.json()["image_code"]).group(1)
    served = Client().get(url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert served["Cache-Control"] == "public, max-age=31536000, immutable"
    assert b"".join(served.streaming_content) == (media_root / url[len("/media/") :]).read_bytes()
    assert (
        Client().get(url, headers={"if-modified-since": served["Last-Modified"]}).status_code == 304
    )


def test_a_person_photo_is_served_as_a_jpeg(admin_client, media_root):
    photo = SimpleUploadedFile("me.jpg", image_bytes("JPEG"), content_type="image/jpeg")
    admin_client.post(reverse("admin:people_person_add"), person_form(photo))
    served = Client().get(Person.objects.get(slug="sam-sample").photo.url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize(
    "name",
    ["markdownx/page.html", "markdownx/logo.svg", "markdownx/notes.txt", "markdownx/noext"],
)
def test_only_images_are_served_from_media(media_root, name):
    (media_root / "markdownx").mkdir()
    (media_root / name).write_bytes(b"<script>alert(1)</script>")
    assert Client().get(f"/media/{name}").status_code == 404


@pytest.mark.parametrize(
    "path", ["/media/../settings.png", "/media/%2e%2e/x.png", "/media//etc/x.png", "/media/no.png"]
)
def test_media_outside_the_folder_or_missing_is_404(media_root, tmp_path, path):
    (tmp_path / "settings.png").write_bytes(image_bytes("PNG"))
    (tmp_path / "x.png").write_bytes(image_bytes("PNG"))
    assert Client().get(path).status_code == 404
