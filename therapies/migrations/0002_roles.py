"""The editorial roles as groups with their permissions.

A frozen copy of ``therapies.roles`` as it was when this was written: a migration must give the
same result whenever it runs. ``tests/test_migrations.py`` checks the copy still matches the
live table; changing the roles takes a new migration.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Researcher": [
        "therapies.view_therapy",
        "therapies.view_reviewversion",
        "therapies.view_subpage",
        "therapies.view_reference",
        "therapies.view_glossaryterm",
        "therapies.view_category",
        "therapies.view_cancertype",
        "therapies.view_pagereference",
        "therapies.view_auditentry",
        "therapies.view_sharedchange",
        "ratings.view_rating",
        "ratings.view_attribute",
        "ratings.view_evidencelevel",
        "people.view_credit",
        "people.view_person",
        "therapies.add_therapy",
        "therapies.add_reviewversion",
        "therapies.change_reviewversion",
        "therapies.submit_reviewversion",
        "therapies.add_subpage",
        "therapies.change_subpage",
        "therapies.delete_subpage",
        "therapies.add_reference",
        "therapies.change_reference",
        "ratings.add_rating",
        "ratings.change_rating",
        "ratings.delete_rating",
        "people.add_credit",
        "people.change_credit",
        "people.delete_credit",
    ],
    "Clinical consultant": [
        "therapies.view_therapy",
        "therapies.view_reviewversion",
        "therapies.view_subpage",
        "therapies.view_reference",
        "therapies.view_glossaryterm",
        "therapies.view_category",
        "therapies.view_cancertype",
        "therapies.view_pagereference",
        "therapies.view_auditentry",
        "therapies.view_sharedchange",
        "ratings.view_rating",
        "ratings.view_attribute",
        "ratings.view_evidencelevel",
        "people.view_credit",
        "people.view_person",
        "therapies.review_reviewversion",
        "therapies.publish_reviewversion",
    ],
    "Editor": None,
}

NEVER = [
    "therapies.add_auditentry",
    "therapies.add_sharedchange",
    "therapies.change_auditentry",
    "therapies.change_sharedchange",
    "therapies.delete_auditentry",
    "therapies.delete_reviewversion",
    "therapies.delete_sharedchange",
]

EDITOR_APPS = ["therapies", "ratings", "people"]


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")  # noqa: N806 (a model class)
    Permission = apps.get_model("auth", "Permission")  # noqa: N806
    for name, codes in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        if codes is None:
            permissions = [
                permission
                for permission in Permission.objects.filter(content_type__app_label__in=EDITOR_APPS)
                .exclude(content_type__model__startswith="historical")
                .select_related("content_type")
                if f"{permission.content_type.app_label}.{permission.codename}" not in NEVER
            ]
        else:
            permissions = [
                Permission.objects.get(
                    content_type__app_label=code.split(".")[0], codename=code.split(".")[1]
                )
                for code in codes
            ]
        group.permissions.set(permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("therapies", "0001_initial"),
        ("ratings", "0001_initial"),
        ("people", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
