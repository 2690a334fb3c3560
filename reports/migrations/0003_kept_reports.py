# Reserved for a change in progress; its operations are filled in by hand.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_board_packet")]

    operations = []
