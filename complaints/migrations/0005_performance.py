# Reserved for a change in progress; its operations are filled in by hand.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("complaints", "0004_family_language")]

    operations = []
