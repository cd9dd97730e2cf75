from django.views.generic import DetailView, ListView

from therapies.models import ReviewVersion

from .models import Credit, Person


class PersonListView(ListView):
    model = Person
    template_name = "people/person_list.html"
    context_object_name = "people"


class PersonDetailView(DetailView):
    model = Person
    template_name = "people/person_detail.html"
    context_object_name = "person"

    def get_context_data(self, **kwargs):
        credits = (
            Credit.objects.filter(person=self.object)
            .filter(version__in=ReviewVersion.objects.published())
            .select_related("version__therapy")
            .order_by("version__name")
        )
        return super().get_context_data(credits=credits, **kwargs)
