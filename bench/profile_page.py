"""Time one page on the scale district through Django's test client, with its slowest queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/srp_bench \\
        .venv/bin/python -m bench.profile_page /dashboard/ --repeat 5
    … -m bench.profile_page /p/99100/complaints/new/ --anonymous

Signs in as the scale district's program administrator (the harness's user) unless
`--anonymous`. Prints each request's milliseconds and query count, then the slowest queries of the
last request. For finding where a page's time goes between harness runs; not a benchmark.
"""

from __future__ import annotations

import argparse
import os
import sys
import time


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--anonymous", action="store_true")
    parser.add_argument("--district", default=os.environ.get("BENCH_CODE", "99100"))
    parser.add_argument("--top", type=int, default=8)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "srp.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "profile-only-" + "x" * 40)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("STATIC_MANIFEST", "false")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from srp.models import Membership
    from srp.roles import Role

    client = Client()
    if not args.anonymous:
        membership = (
            Membership.objects.filter(district__code=args.district, role=Role.PROGRAM_ADMIN)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if membership is None:
            raise SystemExit(f"no program administrator in district {args.district}")
        client.force_login(membership.user)
    for _ in range(args.repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(args.path)
            elapsed = (time.perf_counter() - started) * 1000
        print(f"{response.status_code}  {elapsed:8.1f} ms  {len(queries)} queries")
    slowest = sorted(queries.captured_queries, key=lambda q: float(q["time"]), reverse=True)
    for query in slowest[: args.top]:
        print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:300]}")


if __name__ == "__main__":
    main(sys.argv[1:])
