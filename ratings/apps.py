from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "ratings"

    def ready(self):
        from cancerchoices.cache import bump_on_change
        from cancerchoices.text import store_lf_line_endings

        from .models import Attribute, EvidenceLevel, ScoreMeaning

        # Every review page composes its ratings with these: editors' changes are public at once.
        bump_on_change(Attribute, EvidenceLevel, ScoreMeaning)
        store_lf_line_endings(self)
