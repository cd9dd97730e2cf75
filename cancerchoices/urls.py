from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from cancerchoices import health, media
from therapies.admin_views import staff_settings_view
from therapies.markdownx_views import ImageUploadView, MarkdownPreviewView
from therapies.sitemaps import sitemaps
from therapies.views import (
    AboutView,
    AccessibilityView,
    FaviconView,
    HomeView,
    PrivacyView,
    RobotsView,
)

# A database error raised outside a view is answered like one raised in it: 503, Retry-After.
handler500 = "cancerchoices.health.server_error"

urlpatterns = [
    path("healthz/live", health.live, name="health-live"),
    path("healthz/ready", health.ready, name="health-ready"),
    path("", HomeView.as_view(), name="home"),
    path("about/", AboutView.as_view(), name="about"),
    path("accessibility/", AccessibilityView.as_view(), name="accessibility"),
    path("privacy/", PrivacyView.as_view(), name="privacy"),
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("robots.txt", RobotsView.as_view(), name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("", include("therapies.urls")),
    path("", include("ratings.urls")),
    # django-markdownx's own URLs answer anyone; ours are for signed-in staff, POST only.
    path(
        "admin/markdownx/markdownify/",
        MarkdownPreviewView.as_view(),
        name="markdownx_markdownify",
    ),
    path("admin/markdownx/upload/", ImageUploadView.as_view(), name="markdownx_upload"),
    # Each staff member's own settings ("Your settings" in the admin's user tools).
    path("admin/your-settings/", admin.site.admin_view(staff_settings_view), name="staff_settings"),
    path("admin/", admin.site.urls),
]

# Uploaded images from MEDIA_ROOT, with or without DEBUG (object storage serves its own).
if settings.MEDIA_URL.startswith("/"):
    urlpatterns.append(
        path(f"{settings.MEDIA_URL[1:]}<path:path>", media.uploaded_image, name="media")
    )
