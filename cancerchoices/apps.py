from django.apps import AppConfig, apps
from django.db.models.signals import pre_save

# The apps whose text fields people write in (the admin, imports, the demo loader).
CONTENT_APPS = ["therapies", "ratings", "people"]


class SiteConfig(AppConfig):
    """The project itself: health checks, outage handling, and what every content app shares."""

    name = "cancerchoices"
    verbose_name = "CancerChoices site"

    def ready(self):
        from .text import normalize_newlines

        for label in CONTENT_APPS:
            for model in apps.get_app_config(label).get_models():
                pre_save.connect(normalize_newlines, sender=model, dispatch_uid=f"lf-{label}")
