# Reserved for a change in progress; its operations are filled in by hand.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("notices", "0002_translation_labels")]

    operations = []
