"""The admin editor's live preview and image upload, in place of django-markdownx's views.

markdownx's own views answer anyone, trust the client's file name and content type, and fail
with a 500 on a request without content. These are mounted behind staff login, POST only,
with CSRF checks kept, and answer the same way markdownx's JavaScript expects.
"""

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.decorators import method_decorator
from django.utils.html import escape
from django.views import View
from django.views.decorators.http import require_POST

from cancerchoices.markdown import MAX_MARKDOWN_LENGTH, render

from .images import MAX_IMAGE_BYTES, clean_image
from .models import markdown_page_for

# Form encoding overhead on top of the payload itself (field names, multipart boundaries).
REQUEST_OVERHEAD_BYTES = 64 * 1024
MAX_PREVIEW_REQUEST_BYTES = MAX_MARKDOWN_LENGTH * 4 + REQUEST_OVERHEAD_BYTES  # 4 bytes per char
MAX_UPLOAD_REQUEST_BYTES = MAX_IMAGE_BYTES + REQUEST_OVERHEAD_BYTES
UPLOAD_FOLDER = "markdownx/"

staff_post_only = [staff_member_required, require_POST]


def render_preview(text: str) -> str:
    """The preview pane's HTML: the same render as a save, with what a save would refuse
    (unknown references or terms, a text too long) said above it, and the references listed."""
    try:
        page = markdown_page_for(text)
        html = render(text, page)
    except ValidationError as error:
        return f'<p class="errornote">{escape(" ".join(error.messages))}</p>'
    if page.missing:
        unknown = ", ".join(dict.fromkeys(page.missing))
        html = f'<p class="errornote">Not found: {escape(unknown)}</p>' + html
    if page.numbers:
        items = "".join(f"<li>{escape(page.references[key].citation)}</li>" for key in page.numbers)
        html += f"<h4>References</h4><ol>{items}</ol>"
    return html


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@method_decorator(staff_post_only, name="dispatch")
class MarkdownPreviewView(View):
    """Markdown to HTML for the editor's preview pane: the same render-and-sanitise as a save."""

    def post(self, request):
        # Refuse before reading the body; validate_markdown then refuses what is still too long.
        if _declared_length(request) > MAX_PREVIEW_REQUEST_BYTES:
            return HttpResponse(
                f"The text is too long to preview (the limit is {MAX_MARKDOWN_LENGTH:,} "
                "characters).",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        content = request.POST.get("content")
        if content is None:
            return HttpResponseBadRequest(
                "No text to preview.", content_type="text/plain; charset=utf-8"
            )
        return HttpResponse(render_preview(content))


@method_decorator(staff_post_only, name="dispatch")
class ImageUploadView(View):
    """Store one JPEG or PNG and answer with the Markdown that shows it."""

    def post(self, request):
        if _declared_length(request) > MAX_UPLOAD_REQUEST_BYTES:
            return self.refuse(
                f"The image is too large; the limit is {MAX_IMAGE_BYTES // 1024 // 1024} MB."
            )
        upload = request.FILES.get("image")
        if upload is None:
            return self.refuse("Choose an image to upload.")
        try:
            image = clean_image(upload)
        except ValidationError as error:
            return self.refuse(" ".join(error.messages))
        name = default_storage.save(UPLOAD_FOLDER + image.name, image)
        return JsonResponse({"image_code": f"![]({default_storage.url(name)})"})

    @staticmethod
    def refuse(message: str) -> JsonResponse:
        # The shape of markdownx's own form errors: field name -> list of messages.
        return JsonResponse({"image": [message]}, status=400)
