# Reserved for the change named in the file name; its operations are filled in with the models.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("incidents", "0007_import_void_call_ref_among_recorded")]

    operations: list[migrations.operations.base.Operation] = []
