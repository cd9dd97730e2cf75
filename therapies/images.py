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
# Memory, not the file's size, is what a hostile image costs: a few kilobytes of PNG can
# declare any number of pixels. Pillow holds up to 4 bytes a pixel, and cleaning holds at most
# two copies of the pixels at once (decoded, and converted or turned upright), so the limit
# bounds cleaning to 8 bytes a pixel: about 104 MB, and a worker stays under 200 MB in all
# (tests/test_uploads.py measures it). A 12-megapixel photo from any phone fits.
MAX_IMAGE_PIXELS = 13_000_000
EXTENSIONS = {"JPEG": "jpg", "PNG": "png"}

# Pillow warns above this many pixels and refuses above twice as many; we refuse at the limit,
# from the dimensions in the file's header, before any pixel is decoded.
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS

NOT_AN_IMAGE = "Upload a JPEG or PNG image. This file is not one (or it is damaged)."
TOO_MANY_PIXELS = (
    f"The image is larger than {MAX_IMAGE_PIXELS // 1_000_000} megapixels; "
    "scale it down and try again."
)


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
            with Image.open(upload) as image:  # reads the header only
                if image.format not in EXTENSIONS:
                    raise ValidationError(NOT_AN_IMAGE)
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise ValidationError(TOO_MANY_PIXELS)
                image_format = image.format
                output = _reencoded(image, image_format)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(TOO_MANY_PIXELS) from error
    except ValidationError:
        raise
    except Exception as error:  # Pillow raises many kinds for hostile or damaged files.
        raise ValidationError(NOT_AN_IMAGE) from error
    return ContentFile(output, name=f"{uuid.uuid4().hex}.{EXTENSIONS[image_format]}")


def _reencoded(image: Image.Image, image_format: str) -> bytes:
    """The pixels of ``image`` encoded afresh: no palette tricks, no metadata carried over.

    At most two copies of the pixels exist at once: the decoded image, and its conversion (or,
    briefly, its upright turn)."""
    image.load()
    ImageOps.exif_transpose(image, in_place=True)  # keep the orientation EXIF gave it
    mode = _plain_mode(image, image_format)
    if image.mode != mode:
        plain = image.convert(mode)
        image.close()  # frees the decoded pixels before encoding
    else:
        plain = image
    # Only pixels are written: the encoders take metadata (EXIF, ICC profiles, comments,
    # text chunks, transparency keys) from the image's info and the arguments, and both
    # are empty.
    plain.info = {}
    output = io.BytesIO()
    if image_format == "JPEG":
        plain.save(output, "JPEG", quality=88)
    else:
        plain.save(output, "PNG")
    plain.close()
    return output.getvalue()


def _plain_mode(image: Image.Image, image_format: str) -> str:
    if image_format == "JPEG":
        return "L" if image.mode == "L" else "RGB"
    if image.mode in {"RGB", "L"} and "transparency" not in image.info:
        return image.mode
    return "RGBA"


class ImageUploadField(forms.FileField):
    """A form field for image uploads: cleans to the re-encoded file from ``clean_image``.

    Unlike Django's ImageField it ignores the client's file name and accepts only JPEG or PNG.
    """

    def to_python(self, data):
        upload = super().to_python(data)
        return None if upload is None else clean_image(upload)
