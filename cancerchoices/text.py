"""Text as people type it, made uniform before it is stored."""

from django.db import models
from django.db.models.signals import pre_save


def to_lf(text: str) -> str:
    """Browsers send CRLF line endings and files may have CR or LF: store LF only, so a
    comparison never shows an unchanged paragraph as changed."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def normalize_newlines(sender, instance, **kwargs) -> None:
    """A ``pre_save`` receiver: every text field of ``instance`` gets LF line endings."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            value = getattr(instance, field.attname)
            if isinstance(value, str) and "\r" in value:
                setattr(instance, field.attname, to_lf(value))


def store_lf_line_endings(app_config) -> None:
    """Connect ``normalize_newlines`` to every model of an app whose text people write (the
    admin, imports, the demo loader). Each such app calls this from its ``ready()``."""
    for model in app_config.get_models():
        pre_save.connect(normalize_newlines, sender=model, dispatch_uid=f"lf-{model._meta.label}")
