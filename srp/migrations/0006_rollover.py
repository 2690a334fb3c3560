# Reserved for the change named in the file name; its operations are filled in with the models.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("srp", "0005_school_calendar")]

    operations: list[migrations.operations.base.Operation] = []
