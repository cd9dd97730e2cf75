"""The editorial roles and exactly what each may do (see the workflow design).

The migration ``0002_roles`` created the groups from a frozen copy of this table, and later
migrations add to it (``0009_finding``: findings); a test checks the copies still match. A
change here needs a new migration.
Tests call it too, to put the groups back after a test that empties the tables.
"""

VIEW_CONTENT = [
    "therapies.view_therapy", "therapies.view_reviewversion", "therapies.view_subpage",
    "therapies.view_reference", "therapies.view_glossaryterm", "therapies.view_category",
    "therapies.view_cancertype", "therapies.view_pagereference", "therapies.view_auditentry",
    "therapies.view_sharedchange", "therapies.view_finding",
    "ratings.view_rating", "ratings.view_attribute", "ratings.view_evidencelevel",
    "people.view_credit", "people.view_person",
]  # fmt: skip

ROLES = {
    "Researcher": [
        *VIEW_CONTENT,
        # A new therapy gets its address from its researcher; changing it is for editors.
        "therapies.add_therapy",
        "therapies.add_reviewversion", "therapies.change_reviewversion",
        "therapies.submit_reviewversion",
        "therapies.add_subpage", "therapies.change_subpage", "therapies.delete_subpage",
        "therapies.add_finding", "therapies.change_finding", "therapies.delete_finding",
        "therapies.add_reference", "therapies.change_reference",
        "ratings.add_rating", "ratings.change_rating", "ratings.delete_rating",
        "people.add_credit", "people.change_credit", "people.delete_credit",
    ],
    # The clinical approval of a version or of a change to a shared record is this role's
    # alone (is_clinical_consultant), whatever permissions another role has.
    "Clinical consultant": [
        *VIEW_CONTENT,
        "therapies.review_reviewversion", "therapies.publish_reviewversion",
    ],
    # Editors may do everything above and manage people, attributes, the glossary and the
    # site's vocabularies. Published versions and the audit trail are never deleted.
    "Editor": None,
}  # fmt: skip

NEVER = {
    "therapies.delete_reviewversion",
    "therapies.add_auditentry",
    "therapies.change_auditentry",
    "therapies.delete_auditentry",
    "therapies.add_sharedchange",
    "therapies.change_sharedchange",
    "therapies.delete_sharedchange",
}
CONSULTANT_ROLE = "Clinical consultant"
EDITOR_ROLE = "Editor"
EDITOR_APPS = ["therapies", "ratings", "people"]


def sync_roles(Group, Permission) -> None:  # noqa: N803 (model classes, historical in migrations)
    for name, codes in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        if codes is None:
            permissions = [
                p
                for p in Permission.objects.filter(content_type__app_label__in=EDITOR_APPS)
                .exclude(content_type__model__startswith="historical")
                .select_related("content_type")
                if f"{p.content_type.app_label}.{p.codename}" not in NEVER
            ]
        else:
            permissions = []
            for code in codes:
                app_label, codename = code.split(".")
                permissions.append(
                    Permission.objects.get(content_type__app_label=app_label, codename=codename)
                )
        group.permissions.set(permissions)


def is_clinical_consultant(user) -> bool:
    """Only members of the consultant role give a clinical approval (superusers included:
    being an administrator is no clinical qualification)."""
    return user.is_active and user.groups.filter(name=CONSULTANT_ROLE).exists()


def is_editor(user) -> bool:
    """Members of the editor role, and superusers (who may do everything an editor may)."""
    return user.is_active and (user.is_superuser or user.groups.filter(name=EDITOR_ROLE).exists())
