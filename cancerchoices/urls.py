from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.urls import include, path
from django.views.decorators.http import require_POST
from markdownx.views import ImageUploadView, MarkdownifyView

from therapies.views import AboutView, HomeView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("about/", AboutView.as_view(), name="about"),
    path("", include("therapies.urls")),
    path("", include("ratings.urls")),
    path("", include("people.urls")),
    # django-markdownx's own URLs answer anyone; ours are for signed-in staff, POST only.
    path(
        "admin/markdownx/markdownify/",
        staff_member_required(require_POST(MarkdownifyView.as_view())),
        name="markdownx_markdownify",
    ),
    path(
        "admin/markdownx/upload/",
        staff_member_required(require_POST(ImageUploadView.as_view())),
        name="markdownx_upload",
    ),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
