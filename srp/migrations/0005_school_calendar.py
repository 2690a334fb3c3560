# Reserved for the change named in the file name; its operations are filled in with the models.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("srp", "0004_school_year_closing_disclosure_log")]

    operations: list[migrations.operations.base.Operation] = []
