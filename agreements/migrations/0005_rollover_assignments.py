# The rollover carries last year's assignments forward, each waiting to be confirmed or ended
# (issue #14 item 4).
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0004_corrections_voids_assignment_end"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations: list[migrations.operations.base.Operation] = [
        migrations.AddField(
            model_name="historicalstaffassignment",
            name="carried_forward_from",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="agreements.staffassignment",
                verbose_name="carried forward from",
            ),
        ),
        migrations.AddField(
            model_name="historicalstaffassignment",
            name="confirmed_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="confirmed at"
            ),
        ),
        migrations.AddField(
            model_name="historicalstaffassignment",
            name="confirmed_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="confirmed by",
            ),
        ),
        migrations.AddField(
            model_name="staffassignment",
            name="carried_forward_from",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="agreements.staffassignment",
                verbose_name="carried forward from",
            ),
        ),
        migrations.AddField(
            model_name="staffassignment",
            name="confirmed_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="confirmed at"
            ),
        ),
        migrations.AddField(
            model_name="staffassignment",
            name="confirmed_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="confirmed by",
            ),
        ),
    ]
