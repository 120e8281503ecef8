"""What an attachment is, by its bytes: the name and the browser's type are the applicant's to choose."""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .models import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, Attachment

# The first bytes of each accepted kind of file; nothing else is accepted.
MAGIC_NUMBERS = (
    (b"%PDF-", Attachment.ContentType.PDF),
    (b"\x89PNG\r\n\x1a\n", Attachment.ContentType.PNG),
    (b"\xff\xd8\xff", Attachment.ContentType.JPEG),
)


def detect_content_type(head: bytes) -> str | None:
    """The type the file's first bytes say, or None for anything but PDF, PNG and JPEG."""
    for magic, content_type in MAGIC_NUMBERS:
        if head.startswith(magic):
            return content_type
    return None


def check_upload(upload) -> str:
    """Refuse a file that is too large or is no PDF, PNG or JPEG by its bytes; return its type."""
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size)s; an attachment may be at most %(limit)s.")
            % {"name": upload.name, "size": filesizeformat(upload.size), "limit": filesizeformat(MAX_ATTACHMENT_BYTES)},
            code="attachment_too_large",
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    content_type = detect_content_type(head)
    if content_type is None:
        raise ValidationError(
            _("“%(name)s” is not a PDF, PNG or JPEG file (whatever its name says): attach the document as PDF or as an image.")
            % {"name": upload.name},
            code="attachment_type",
        )
    return content_type


def check_count(existing: int, added: int) -> None:
    if existing + added > MAX_ATTACHMENTS:
        raise ValidationError(
            _("At most %(limit)d attachments per application; this would make %(count)d.")
            % {"limit": MAX_ATTACHMENTS, "count": existing + added},
            code="attachment_count",
        )
