from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import environ
import pytest
from django.core import checks
from django.test import override_settings
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
        # Several workers need a shared cache (srp.W001, issue #11).
        CACHE_URL="dbcache://srp_cache",
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


# Settings hardening (issue #11). ---------------------------------------------------------------
SECURITY_SETTINGS = (
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "BEHIND_PROXY",
    "TRUSTED_PROXY_COUNT",
    "RATELIMIT_ENABLE",
)
PRODUCTION_SECRET = "x7!kQ2#pL9@vR4$wT8^zB1&nM6*cF3(hJ5)dG0_sA-eY+uI=oP~qW"


def import_settings(variables: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Import srp.settings in a fresh process that sees only `variables` (and PATH)."""
    script = (
        "import json, srp.settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {SECURITY_SETTINGS!r}}}))"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], **variables},
        capture_output=True,
        text=True,
        timeout=60,
    )


def read_env_example() -> dict[str, str]:
    """.env.example as django-environ reads a .env file."""

    class Example(environ.Env):
        ENVIRON: dict[str, str] = {}

    Example.read_env(ROOT / ".env.example")
    return Example.ENVIRON


def test_env_example_values_carry_no_comments():
    values = read_env_example()
    assert {"DEBUG", "SECRET_KEY", "BEHIND_PROXY", "RATELIMIT_PUBLIC_POST"} <= set(values)
    bad = {name: value for name, value in values.items() if "#" in value or value != value.strip()}
    assert bad == {}
    assert values["DEBUG"] == "false" and values["RATELIMIT_PUBLIC_POST"] == "10/h"


def test_env_example_keeps_https_hardening_on():
    result = import_settings({**read_env_example(), "SECRET_KEY": PRODUCTION_SECRET})
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True and values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31_536_000
    assert (
        values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True and values["SECURE_HSTS_PRELOAD"] is True
    )
    assert values["RATELIMIT_ENABLE"] is True


@pytest.mark.parametrize("name", SECURITY_SETTINGS)
@pytest.mark.parametrize("value", ["", "  ", "ture", "-1"])
def test_an_empty_or_unclear_security_value_is_refused(name, value):
    result = import_settings({"SECRET_KEY": PRODUCTION_SECRET, name: value})
    assert result.returncode != 0, result.stdout
    assert "ImproperlyConfigured" in result.stderr
    assert f"{name} is set to {value!r}" in result.stderr


def test_security_values_may_still_be_set_on_purpose():
    result = import_settings(
        {
            "SECRET_KEY": PRODUCTION_SECRET,
            "SECURE_SSL_REDIRECT": "False",
            "SECURE_HSTS_SECONDS": " 600 ",
            "BEHIND_PROXY": "yes",
            "TRUSTED_PROXY_COUNT": "2",
        }
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["SECURE_SSL_REDIRECT"] is False and values["SECURE_HSTS_SECONDS"] == 600
    assert values["BEHIND_PROXY"] is True and values["TRUSTED_PROXY_COUNT"] == 2
    assert values["SESSION_COOKIE_SECURE"] is True


LOCAL_CACHE = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
SHARED_CACHE = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "srp_cache"}


def deploy_warnings(caches: dict[str, dict[str, str]], **extra: object) -> set[str]:
    # override_settings, not the `settings` fixture: the cache must be back before the test's
    # fixtures empty it.
    with override_settings(CACHES=caches, **extra):
        messages = checks.run_checks(tags=[checks.Tags.caches], include_deployment_checks=True)
    return {message.id for message in messages}


def test_check_deploy_warns_when_several_workers_would_share_no_cache(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    assert "srp.W001" in deploy_warnings({"default": LOCAL_CACHE})
    # The rate limits may use a cache of their own.
    assert "srp.W001" in deploy_warnings(
        {"default": SHARED_CACHE, "limits": LOCAL_CACHE}, RATELIMIT_USE_CACHE="limits"
    )
    # The worker count is unknown (gunicorn --workers): still warned.
    monkeypatch.delenv("WEB_CONCURRENCY")
    assert "srp.W001" in deploy_warnings({"default": LOCAL_CACHE})
    # Only with the deploy checks.
    assert "srp.W001" not in {m.id for m in checks.run_checks(tags=[checks.Tags.caches])}


def test_check_deploy_accepts_a_single_worker_or_a_shared_cache(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "1")
    assert "srp.W001" not in deploy_warnings({"default": LOCAL_CACHE})
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    assert "srp.W001" not in deploy_warnings({"default": SHARED_CACHE})


def test_check_deploy_command_names_the_shared_cache():
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"SECURE_SSL_REDIRECT", "STATIC_MANIFEST", "CACHE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DEBUG="false",
        SECRET_KEY=PRODUCTION_SECRET,
        ALLOWED_HOSTS="safety.district.example.org",
        WEB_CONCURRENCY="4",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "System check identified 1 issue" in result.stderr
    assert "srp.W001" in result.stderr and "CACHE_URL" in result.stderr
