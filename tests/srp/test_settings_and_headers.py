from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_check_deploy_with_production_values_is_clean():
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECURE_SSL_REDIRECT", "STATIC_MANIFEST", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DEBUG="false",
        SECRET_KEY="x7!kQ2#pL9@vR4$wT8^zB1&nM6*cF3(hJ5)dG0_sA-eY+uI=oP~qW",
        ALLOWED_HOSTS="safety.district.example.org",
        CSRF_TRUSTED_ORIGINS="https://safety.district.example.org",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["DEBUG"] = "false"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_security_headers_and_csp_without_inline(client, world):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_templates_hold_no_inline_scripts_or_styles():
    """CSP forbids inline code; a template that adds some would break in the browser."""
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        if "/pdf/" in str(path) or path.name == "500.html":
            continue  # PDFs are rendered by WeasyPrint, not a browser
        text = path.read_text()
        if "<script>" in text or '<script type="text/javascript">' in text or 'style="' in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_signed_in_pages_are_not_cached(client_for, world):
    response = client_for(world.admin).get(reverse("srp:dashboard"))
    assert "no-store" in response["Cache-Control"]


def test_uploaded_files_are_not_served_from_any_public_path(client, settings, tmp_path, world):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "complaints").mkdir()
    (tmp_path / "complaints" / "secret.pdf").write_bytes(b"%PDF-1.7 secret")
    for url in (
        "/media/complaints/secret.pdf",
        "/complaints/secret.pdf",
        "/static/complaints/secret.pdf",
    ):
        response = client.get(url)
        assert response.status_code in (302, 404), url
        assert b"%PDF-1.7 secret" not in b"".join(
            getattr(response, "streaming_content", [response.content])
        )
    assert not str(settings.MEDIA_ROOT).startswith(str(ROOT / "static"))


def test_friendly_404_page(client, world):
    response = client.get("/p/99001/this-does-not-exist/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_health_endpoint(client, world):
    assert client.get("/health/").json() == {"status": "ok"}
