# Reserved for the change named in the file name; its operations are filled in with the models.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("complaints", "0002_complaint_district_received")]

    operations: list[migrations.operations.base.Operation] = []
