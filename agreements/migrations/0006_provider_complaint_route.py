# Reserved for a change in progress; its operations are filled in by hand.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("agreements", "0005_rollover_assignments")]

    operations = []
