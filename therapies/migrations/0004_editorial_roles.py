"""Created the role groups; 0012 now creates them with the permissions of today's roles
(``therapies.roles`` names models that only exist from 0011 on)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("therapies", "0003_workflow_and_history"),
        ("ratings", "0003_history"),
        ("people", "0002_history"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = []
