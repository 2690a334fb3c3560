# Restraint reports and outside-agency information requests entered in error are voided with a
# reason (issue #13): the row stays, with who voided it, when and why (kept in history too).
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _void_fields(model_name: str, *, historical: bool) -> list[migrations.AddField]:
    if historical:
        voided_by = models.ForeignKey(
            blank=True,
            db_constraint=False,
            editable=False,
            null=True,
            on_delete=django.db.models.deletion.DO_NOTHING,
            related_name="+",
            to=settings.AUTH_USER_MODEL,
            verbose_name="voided by",
        )
    else:
        voided_by = models.ForeignKey(
            blank=True,
            editable=False,
            null=True,
            on_delete=django.db.models.deletion.PROTECT,
            related_name="+",
            to=settings.AUTH_USER_MODEL,
            verbose_name="voided by",
        )
    return [
        migrations.AddField(
            model_name=model_name,
            name="void_reason",
            field=models.CharField(blank=True, max_length=300, verbose_name="why it was voided"),
        ),
        migrations.AddField(
            model_name=model_name,
            name="voided_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="voided at"
            ),
        ),
        migrations.AddField(model_name=model_name, name="voided_by", field=voided_by),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0007_import_void_call_ref_among_recorded"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations: list[migrations.operations.base.Operation] = [
        *_void_fields("agencyinformationrequest", historical=False),
        *_void_fields("historicalagencyinformationrequest", historical=True),
        *_void_fields("historicalrestraintreport", historical=True),
        *_void_fields("restraintreport", historical=False),
    ]
