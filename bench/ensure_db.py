"""Create the benchmark database if it is missing; or tell whether a district exists."""

from __future__ import annotations

import os
import sys
import urllib.parse


def ensure_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit("The benchmark runs on PostgreSQL: set DATABASE_URL=postgres://…")
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}", file=sys.stderr)


def has_district(code: str) -> bool:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "srp.settings")
    import django

    django.setup()
    from srp.models import District

    return District.objects.filter(code=code).exists()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--has-district":
        sys.exit(0 if has_district(sys.argv[2]) else 1)
    ensure_database(os.environ["DATABASE_URL"])
