from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from srp.demo import seed_base
from srp.registry import registry


class Command(BaseCommand):
    help = "Load the demo district (idempotent). Each app adds its own demo records."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (never in production).",
        )

    def handle(self, *args, force: bool, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates users with known passwords; it runs only with DEBUG on "
                "(or with --force on a machine that is not production)."
            )
        with transaction.atomic():
            context = seed_base()
            for seeder in registry.demo_seeders:
                self.stdout.write(f"Seeding {seeder.key}…")
                seeder.seed(context)
        self.stdout.write(self.style.SUCCESS(f"Demo district ready: {context.district.name}"))
        self.stdout.write(f"Demo sign-ins (password for all: {context.logins[0][2]}):")
        width = max(len(role) for role, _, _ in context.logins)
        for role, username, _password in context.logins:
            self.stdout.write(f"  {role.ljust(width)}  {username}")
