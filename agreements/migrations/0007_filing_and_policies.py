# Reserved for a change in progress; its operations are filled in by hand.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("agreements", "0006_provider_complaint_route")]

    operations = []
