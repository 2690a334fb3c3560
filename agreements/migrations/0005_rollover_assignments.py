# Reserved for the change named in the file name; its operations are filled in with the models.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("agreements", "0004_corrections_voids_assignment_end")]

    operations: list[migrations.operations.base.Operation] = []
