from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The project itself: cache invalidation, health checks and outage handling."""

    name = "cancerchoices"
    verbose_name = "CancerChoices site"

    def ready(self):
        from .cache import connect_signals

        connect_signals()
