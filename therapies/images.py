"""Uploaded images: only JPEG or PNG, recognised from their bytes, re-encoded before storing.

The client's file name and declared content type are never trusted. Decoding the pixels and
encoding them afresh drops metadata (EXIF, comments, ICC profiles) and anything smuggled after
the image data, such as HTML appended to a PNG.
"""

import io
import uuid
import warnings

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 25_000_000
EXTENSIONS = {"JPEG": "jpg", "PNG": "png"}

# Pillow warns above this many pixels and refuses above twice as many; we refuse at the limit.
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS

NOT_AN_IMAGE = "Upload a JPEG or PNG image. This file is not one (or it is damaged)."


def clean_image(upload) -> ContentFile:
    """The upload re-encoded as a fresh JPEG or PNG with a random name, or ValidationError."""
    if upload.size > MAX_IMAGE_BYTES:
        raise ValidationError(
            f"The image is {upload.size / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_IMAGE_BYTES // 1024 // 1024} MB. Save it smaller and try again."
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as image:
                image.verify()  # structure and checksums; the image is unusable afterwards
            upload.seek(0)
            with Image.open(upload) as image:
                if image.format not in EXTENSIONS:
                    raise ValidationError(NOT_AN_IMAGE)
                image_format = image.format
                image.load()
                image = ImageOps.exif_transpose(image)  # keep the orientation EXIF gave it
                image = _plain_pixels(image, image_format)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(
            f"The image is larger than {MAX_IMAGE_PIXELS // 1_000_000} megapixels; "
            "scale it down and try again."
        ) from error
    except ValidationError:
        raise
    except Exception as error:  # Pillow raises many kinds for hostile or damaged files.
        raise ValidationError(NOT_AN_IMAGE) from error
    output = io.BytesIO()
    if image_format == "JPEG":
        image.save(output, "JPEG", quality=88)
    else:
        image.save(output, "PNG")
    return ContentFile(output.getvalue(), name=f"{uuid.uuid4().hex}.{EXTENSIONS[image_format]}")


def _plain_pixels(image: Image.Image, image_format: str) -> Image.Image:
    """A new image holding only the pixels: no palette tricks, no metadata carried over."""
    if image_format == "JPEG":
        mode = "L" if image.mode == "L" else "RGB"
    elif image.mode in {"RGB", "L"} and "transparency" not in image.info:
        mode = image.mode
    else:
        mode = "RGBA"
    if image.mode != mode:
        image = image.convert(mode)
    return Image.frombytes(mode, image.size, image.tobytes())


class ImageUploadField(forms.FileField):
    """A form field for image uploads: cleans to the re-encoded file from ``clean_image``.

    Unlike Django's ImageField it ignores the client's file name and accepts only JPEG or PNG.
    """

    def to_python(self, data):
        upload = super().to_python(data)
        return None if upload is None else clean_image(upload)
