# Reserved for a change in progress; its operations are filled in by hand.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("incidents", "0009_performance")]

    operations = []
