# Placeholder: the real 0002_organisations is written on another branch (drop on merge).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = []
