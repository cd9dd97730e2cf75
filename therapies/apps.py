from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TherapiesConfig(AppConfig):
    name = "therapies"

    def ready(self):
        from cancerchoices.cache import bump_on_change
        from cancerchoices.text import store_lf_line_endings

        from .models import CancerType, Category, GlossaryTerm, Therapy
        from .rendering import after_migrate

        post_migrate.connect(after_migrate, sender=self)
        # Public as soon as saved (editors only). A reference is public only through the
        # reviews citing it, and changes for them by approval (therapies.shared_changes).
        bump_on_change(Category, CancerType, Therapy, GlossaryTerm)
        store_lf_line_endings(self)
