# The school calendar (issue #14 item 3): non-instructional days of a school year.

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("srp", "0004_school_year_closing_disclosure_log"),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalNonInstructionalDay",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("first_day", models.DateField(verbose_name="first day")),
                (
                    "last_day",
                    models.DateField(
                        help_text="The same as the first day for a single day.",
                        verbose_name="last day",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("holiday", "Holiday"),
                            ("break", "Break"),
                            ("professional", "Professional day (no students)"),
                            ("closure", "Emergency closure"),
                        ],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                ("name", models.CharField(max_length=120, verbose_name="name")),
                (
                    "office_closed",
                    models.BooleanField(
                        default=False,
                        help_text="The district office is closed too, so these days are not business days "
                        "(restraint report and notice clocks skip them). Always true for a holiday.",
                        verbose_name="district office closed",
                    ),
                ),
                ("created_at", models.DateTimeField(blank=True, editable=False)),
                (
                    "withdrawn_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="withdrawn at"
                    ),
                ),
                (
                    "withdraw_reason",
                    models.TextField(
                        blank=True,
                        editable=False,
                        max_length=2000,
                        verbose_name="reason for withdrawing",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "school_year",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="srp.schoolyear",
                        verbose_name="school year",
                    ),
                ),
                (
                    "withdrawn_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="withdrawn by",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical non-instructional day",
                "verbose_name_plural": "historical non-instructional days",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="NonInstructionalDay",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("first_day", models.DateField(verbose_name="first day")),
                (
                    "last_day",
                    models.DateField(
                        help_text="The same as the first day for a single day.",
                        verbose_name="last day",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("holiday", "Holiday"),
                            ("break", "Break"),
                            ("professional", "Professional day (no students)"),
                            ("closure", "Emergency closure"),
                        ],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                ("name", models.CharField(max_length=120, verbose_name="name")),
                (
                    "office_closed",
                    models.BooleanField(
                        default=False,
                        help_text="The district office is closed too, so these days are not business days "
                        "(restraint report and notice clocks skip them). Always true for a holiday.",
                        verbose_name="district office closed",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "withdrawn_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="withdrawn at"
                    ),
                ),
                (
                    "withdraw_reason",
                    models.TextField(
                        blank=True,
                        editable=False,
                        max_length=2000,
                        verbose_name="reason for withdrawing",
                    ),
                ),
                (
                    "school_year",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="non_instructional_days",
                        to="srp.schoolyear",
                        verbose_name="school year",
                    ),
                ),
                (
                    "withdrawn_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="withdrawn by",
                    ),
                ),
            ],
            options={
                "verbose_name": "non-instructional day",
                "verbose_name_plural": "non-instructional days",
                "ordering": ["first_day", "pk"],
                "indexes": [
                    models.Index(
                        fields=["school_year", "first_day"], name="non_instr_year_first_day"
                    )
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("last_day__gte", models.F("first_day"))),
                        name="non_instructional_day_order",
                    )
                ],
            },
        ),
    ]
