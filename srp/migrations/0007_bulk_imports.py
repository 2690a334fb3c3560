# The audit record of the bulk CSV imports of schools, people and staff (issue #14).

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("srp", "0006_rollover"),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalBulkImport",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("schools", "Schools"),
                            ("people", "People"),
                            ("staff", "Safety and security staff"),
                        ],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                ("filename", models.CharField(max_length=255, verbose_name="file name")),
                (
                    "size_bytes",
                    models.PositiveBigIntegerField(default=0, verbose_name="file size (bytes)"),
                ),
                (
                    "checksum",
                    models.CharField(blank=True, max_length=64, verbose_name="SHA-256 of the file"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("imported", "Imported"),
                            ("checked", "Checked, nothing imported"),
                            ("rejected", "Rejected"),
                        ],
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("rows", models.PositiveIntegerField(default=0, verbose_name="rows read")),
                (
                    "created_count",
                    models.PositiveIntegerField(default=0, verbose_name="records created"),
                ),
                (
                    "updated_count",
                    models.PositiveIntegerField(default=0, verbose_name="records updated"),
                ),
                ("error_count", models.PositiveIntegerField(default=0, verbose_name="errors")),
                ("errors", models.JSONField(blank=True, default=list, verbose_name="errors")),
                ("notes", models.JSONField(blank=True, default=list, verbose_name="notes")),
                ("seconds", models.FloatField(default=0, verbose_name="seconds")),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="imported at"
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
                    "district",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="srp.district",
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
                    "uploaded_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="imported by",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical bulk import",
                "verbose_name_plural": "historical bulk imports",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="BulkImport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("schools", "Schools"),
                            ("people", "People"),
                            ("staff", "Safety and security staff"),
                        ],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                ("filename", models.CharField(max_length=255, verbose_name="file name")),
                (
                    "size_bytes",
                    models.PositiveBigIntegerField(default=0, verbose_name="file size (bytes)"),
                ),
                (
                    "checksum",
                    models.CharField(blank=True, max_length=64, verbose_name="SHA-256 of the file"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("imported", "Imported"),
                            ("checked", "Checked, nothing imported"),
                            ("rejected", "Rejected"),
                        ],
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("rows", models.PositiveIntegerField(default=0, verbose_name="rows read")),
                (
                    "created_count",
                    models.PositiveIntegerField(default=0, verbose_name="records created"),
                ),
                (
                    "updated_count",
                    models.PositiveIntegerField(default=0, verbose_name="records updated"),
                ),
                ("error_count", models.PositiveIntegerField(default=0, verbose_name="errors")),
                ("errors", models.JSONField(blank=True, default=list, verbose_name="errors")),
                ("notes", models.JSONField(blank=True, default=list, verbose_name="notes")),
                ("seconds", models.FloatField(default=0, verbose_name="seconds")),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="imported at"
                    ),
                ),
                (
                    "district",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="bulk_imports",
                        to="srp.district",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="imported by",
                    ),
                ),
            ],
            options={
                "verbose_name": "bulk import",
                "verbose_name_plural": "bulk imports",
                "ordering": ["-created_at", "-pk"],
                "indexes": [
                    models.Index(
                        fields=["district", "kind", "-created_at"], name="bulk_import_district"
                    )
                ],
            },
        ),
    ]
