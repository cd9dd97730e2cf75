"""Uploaded images, served by the app from MEDIA_ROOT (one server, or a file system every
server mounts). With object storage (docs/deployment.md) the storage serves them from its own
address instead, and this view has nothing to serve.

Uploads are stored only as re-encoded JPEG or PNG under random names (``therapies.images``),
so only such names are served, each saying what it is and allowed to be nothing else: the
image content type from the extension, ``X-Content-Type-Options: nosniff``, and a
Content-Security-Policy that allows nothing and sandboxes the document, should anything ever
be opened as one. A name is never reused for other bytes, so browsers and CDNs keep each for a
year.
"""

from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import Http404
from django.views.decorators.http import require_safe
from django.views.static import serve

CONTENT_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
CACHE_CONTROL = "public, max-age=31536000, immutable"
POLICY = "default-src 'none'; sandbox"


@require_safe
def uploaded_image(request, path: str):
    content_type = CONTENT_TYPES.get(PurePosixPath(path).suffix.lower())
    if content_type is None:
        raise Http404("Not an image.")
    # Django's static file view: refuses paths out of the folder, answers If-Modified-Since.
    try:
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
    except SuspiciousFileOperation as error:  # a path out of the folder
        raise Http404("No such image.") from error
    response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = POLICY
    response["Cache-Control"] = CACHE_CONTROL
    return response
