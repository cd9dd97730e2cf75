"""The migrations' frozen copies of the roles and the rating scales still match the live tables
that tests rely on. (`make test` runs `makemigrations --check` for missing migrations.)"""

import importlib

import pytest
from django.contrib.auth.models import Group, Permission

from ratings import defaults
from ratings.models import Attribute, EvidenceLevel, ScoreMeaning
from therapies import roles


def test_the_roles_migration_is_a_copy_of_the_roles_table():
    frozen = importlib.import_module("therapies.migrations.0002_roles")
    # Later migrations add to the frozen roles: 0009 the findings' permissions.
    additions = importlib.import_module("therapies.migrations.0009_finding").ROLE_ADDITIONS
    assert {
        name: sorted([*codes, *additions[name]]) for name, codes in frozen.ROLES.items() if codes
    } == {name: sorted(codes) for name, codes in roles.ROLES.items() if codes}
    assert [name for name, codes in frozen.ROLES.items() if codes is None] == ["Editor"]
    assert roles.ROLES["Editor"] is None
    assert set(frozen.NEVER) == roles.NEVER
    assert frozen.EDITOR_APPS == roles.EDITOR_APPS


def test_the_rating_scales_migrations_are_copies_of_the_defaults():
    frozen = importlib.import_module("ratings.migrations.0002_attributes_and_levels")
    assert frozen.ATTRIBUTES == defaults.ATTRIBUTES
    # 0003 gave the levels their badges and directions and added what each score means.
    frozen = importlib.import_module(
        "ratings.migrations.0003_score_meanings_and_evidence_direction"
    )
    assert frozen.LEVELS == defaults.LEVELS
    assert frozen.SCORE_MEANINGS == defaults.SCORE_MEANINGS


def test_every_attribute_has_a_meaning_for_each_score_from_zero_to_five():
    assert set(defaults.SCORE_MEANINGS) == {code for code, *_ in defaults.ATTRIBUTES}
    for meanings in defaults.SCORE_MEANINGS.values():
        assert len(meanings) == 6
        assert all(meaning.strip() for meaning in meanings)


LEVEL_FIELDS = ["code", "label", "badge_text", "direction", "definition", "score_min", "score_max"]


@pytest.mark.django_db
def test_a_migrated_database_has_the_roles_and_scales_the_live_code_would_give():
    migrated = {
        group.name: sorted(
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        )
        for group in Group.objects.all()
    }
    scales = (
        list(Attribute.objects.values_list("code", "label", "order")),
        list(EvidenceLevel.objects.values_list(*LEVEL_FIELDS)),
        list(ScoreMeaning.objects.values_list("attribute__code", "score", "meaning")),
    )
    roles.sync_roles(Group, Permission)
    defaults.seed(Attribute, EvidenceLevel, ScoreMeaning)
    assert migrated == {
        group.name: sorted(
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        )
        for group in Group.objects.all()
    }
    assert scales == (
        list(Attribute.objects.values_list("code", "label", "order")),
        list(EvidenceLevel.objects.values_list(*LEVEL_FIELDS)),
        list(ScoreMeaning.objects.values_list("attribute__code", "score", "meaning")),
    )
