from django.views.generic import TemplateView

from .models import Attribute, EvidenceLevel


class MethodologyView(TemplateView):
    template_name = "ratings/methodology.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            attributes=Attribute.objects.prefetch_related("score_meanings"),
            evidence_levels=EvidenceLevel.objects.all(),
            **kwargs,
        )
