from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TherapiesConfig(AppConfig):
    name = "therapies"

    def ready(self):
        from .services import render_unrendered

        post_migrate.connect(render_unrendered, sender=self)
