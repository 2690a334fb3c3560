from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from srp.pdf import render_pdf

pytestmark = pytest.mark.django_db


def test_render_pdf_reads_local_stylesheets_and_translates(world):
    pdf = render_pdf("srp/pdf/test.html", {"district": world.district}, language="es")
    assert pdf.startswith(b"%PDF-")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Cascade Valley SD" in text
    assert "Página de prueba" in text


def test_render_pdf_never_fetches_from_the_network(world, monkeypatch):
    """A remote image is refused by the fetcher before any connection; the PDF still renders."""
    import socket

    attempts = []
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: attempts.append(a))
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: attempts.append(a) or [])
    pdf = render_pdf(
        "srp/pdf/test.html", {"district": world.district, "remote": "https://example.org/x.png"}
    )
    assert pdf.startswith(b"%PDF-")
    assert attempts == []


# Only the project's static files (issue #11) ----------------------------------------------
LETTER = (612, 792)  # pdf-base.css sets `size: letter`; WeasyPrint's own default is A4


@pytest.fixture
def fetches(monkeypatch):
    """Every URL the PDF's fetcher was asked for, with whether it served or refused it."""
    from srp import pdf as srp_pdf

    seen: list[tuple[str, str]] = []
    fetcher_class = srp_pdf._fetcher_class()
    original = fetcher_class.fetch

    def spy(self, url, headers=None):
        try:
            response = original(self, url, headers)
        except Exception:
            seen.append((url, "refused"))
            raise
        seen.append((url, "served"))
        return response

    monkeypatch.setattr(fetcher_class, "fetch", spy)
    return seen


def page_size(pdf: bytes) -> tuple[int, int]:
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    return round(box.width), round(box.height)


def image_count(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="PNG")
    return out.getvalue()


def test_files_outside_static_and_the_network_are_never_read(world, tmp_path, monkeypatch, caplog):
    """Text a person wrote can reach a PDF template: a file: URL to the server's disk or an
    address on its network must not be read, while the project's own stylesheet still is."""
    import socket

    attempts = []
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: attempts.append(a))
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: attempts.append(a) or [])
    hostile_css = tmp_path / "evil.css"
    hostile_css.write_text("@page { size: 100mm 100mm; }", encoding="utf-8")
    hostile_png = tmp_path / "secret.png"
    hostile_png.write_bytes(png_bytes())
    hostile = [
        "file:///etc/passwd",
        hostile_png.as_uri(),
        "../../../../../../etc/passwd",
        "%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "static:../../etc/passwd",
    ]
    stylesheets = [hostile_css.as_uri(), "http://127.0.0.1:9/x.css"]
    pdf = render_pdf(
        "srp/pdf/test.html",
        {"district": world.district, "images": hostile, "stylesheets": stylesheets},
    )
    assert pdf.startswith(b"%PDF-")
    assert page_size(pdf) == LETTER  # the static stylesheet was read, the hostile one was not
    assert image_count(pdf) == 0
    assert attempts == []
    assert "not one of this project's static files" in caplog.text
    for url in ("file:///etc/passwd", hostile_png.as_uri(), "127.0.0.1:9"):
        assert url in caplog.text


def test_the_fetcher_serves_static_files_and_refuses_the_rest(world, tmp_path, fetches):
    hostile_png = tmp_path / "secret.png"
    hostile_png.write_bytes(png_bytes())
    import base64

    data_png = "data:image/png;base64," + base64.b64encode(png_bytes()).decode()
    pdf = render_pdf(
        "srp/pdf/test.html",
        {
            "district": world.district,
            "images": [data_png, hostile_png.as_uri(), "file:///etc/passwd"],
            "stylesheets": [
                "/static/reports/report-pdf.css",
                "static:notices/notice-pdf.css",
                "http://127.0.0.1:9/x.css",
            ],
        },
    )
    assert image_count(pdf) == 1  # the data: image only
    outcome = dict(fetches)
    assert outcome[data_png] == "served"
    static = {url: result for url, result in outcome.items() if url.endswith("-pdf.css")}
    assert sorted(static.values()) == ["served", "served"]
    assert any(url.endswith("/static/srp/pdf-base.css") for url in outcome)
    assert outcome[hostile_png.as_uri()] == "refused"
    assert outcome["file:///etc/passwd"] == "refused"
    assert outcome["http://127.0.0.1:9/x.css"] == "refused"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file:///static/../etc/passwd",
        "file://otherhost/static/srp/pdf-base.css",
        "https://example.org/static/srp/pdf-base.css",
        "ftp://127.0.0.1/x",
        "static:../srp/settings.py",
        "static:",
        "javascript:alert(1)",
    ],
)
def test_static_file_names_only_static_files(url):
    from srp.pdf import static_file

    assert static_file(url) is None


def test_static_file_finds_the_forms_a_template_writes():
    from django.conf import settings

    from srp.pdf import static_file

    expected = settings.BASE_DIR / "static" / "srp" / "pdf-base.css"
    for url in (
        (settings.BASE_DIR / "static" / "srp" / "pdf-base.css").as_uri(),
        "file:///static/srp/pdf-base.css",
        "static:srp/pdf-base.css",
        "file:///static/srp/pdf-base.css?v=2#x",
    ):
        assert static_file(url) == expected, url
