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
