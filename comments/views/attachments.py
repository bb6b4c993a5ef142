"""Position papers attached to comments: sending one to whoever may see its comment, and the
author attaching more from the comment's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haip_portal.errors import show_as_message
from haip_portal.exceptions import ApplicationError
from haip_portal.middleware import mark_confidential

from .. import selectors, services
from ..models import Attachment, Comment
from .shared import acting_user


def attachment_response(attachment: Attachment) -> FileResponse:
    """The file as a download (never shown inline, never sniffed), marked confidential when
    its comment is not public."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.file_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    comment: Comment = attachment.comment
    if comment.is_confidential or comment.state != Comment.State.PUBLISHED:
        mark_confidential(response)
    return response


def attachment_download(request: HttpRequest, reference: str, pk: int) -> FileResponse:
    attachment = selectors.attachment_get(user=request.user, reference=reference, pk=pk)
    return attachment_response(attachment)


@login_required
@require_POST
def attachment_add(request: HttpRequest, reference: str) -> HttpResponse:
    comment = selectors.comment_get(user=request.user, reference=reference)
    try:
        added = services.attachments_add(
            comment=comment, user=acting_user(request), files=request.FILES.getlist("attachments")
        )
    except ApplicationError as error:
        show_as_message(request, error)
    else:
        messages.success(
            request,
            _("Attached: %(names)s.") % {"names": ", ".join(a.file_name for a in added)},
        )
    return redirect(comment.get_absolute_url())
