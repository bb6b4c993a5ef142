"""Pages of the answer loop: the comments shown beside the change that answers them on the
compare page, commenters' acceptances and objections, the deadline for them, and the
secretariat's list of objections."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from drafts.diff import SectionDiff
from drafts.models import DraftVersion

from .. import citations


def compare_page_extension(
    request: HttpRequest, old: DraftVersion, new: DraftVersion, sections: list[SectionDiff]
) -> dict[str, Any]:
    """The compare page's notes (``COMPARE_PAGE_EXTENSIONS``): under the first row of the
    lines a disposition cites, the comments on the old version those lines answer, as the
    viewer may see them."""
    notes = citations.answers_by_row(user=request.user, old=old, new=new, sections=sections)
    return {"row_notes": notes, "row_notes_heading": _("Answers the comments")}
