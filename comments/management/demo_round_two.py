"""The demo's second round: v2 published with v1's comments carried to it, the secretariat's
answers citing the v2 lines that carry them out (as the disposition form suggests them), a
deadline for responses, one commenter accepting and one objecting. Run by ``load_demo`` once,
while v2 is still unpublished."""

from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from drafts import services as draft_services
from drafts.models import DraftVersion

from .. import citations
from .. import services as comment_services
from ..models import Comment

# (index of the demo comment, outcome, response)
ANSWERS = [
    (0, "accepted", "Accepted: v2 asks for red teaming by teams independent of the developers."),
    (2, "accepted", "Accepted: v2 sets a 15-day deadline for notifying serious incidents."),
    (3, "partially_accepted", "Partly accepted: v2 asks for yearly updates and at each major "
     "release; a shorter cycle would burden smaller developers."),
    (4, "accepted", "Accepted: the insider-threat line is folded into the security measures."),
    (5, "accepted", "Accepted: v2 names open provenance standards beside watermarks."),
]  # fmt: skip
OBJECTION = (
    "Yearly is too rare for frontier models, whose capabilities change between releases; "
    "ask for an update every six months."
)


def publish_and_answer(*, v1: DraftVersion, secretariat: User, say: Callable[[str], None]) -> None:
    """Publish v2 and record the second round, unless v2 is already published."""
    v2 = v1.draft.versions.filter(number=2, status=DraftVersion.Status.DRAFT).first()
    if v2 is None:
        return
    now = timezone.now()
    v2 = draft_services.version_publish(
        version=v2,
        opens_at=now,
        closes_at=now + timedelta(days=60),
        changelog=v2.changelog,
        published_by=secretariat,
    )
    say("Published v2 (v1's comment period is closed); v1's comments are carried to it.")
    filed = list(Comment.objects.filter(version=v1).select_related("version").order_by("number"))
    cited_count = 0
    for index, outcome, response in ANSWERS:
        comment = filed[index]
        suggested = citations.citation_suggestions(comment, v2)
        cited = [(s.line_start, s.line_end) for s in suggested[:1]]
        cited_count += len(cited)
        comment_services.comment_dispose(
            comments=[comment], user=secretariat, outcome=outcome, response=response, cited=cited
        )
    comment_services.response_period_set(
        version=v1, closes_at=now + timedelta(days=30), user=secretariat
    )
    comment_services.disposition_answer(comment=filed[0], user=filed[0].author, answer="accepted")
    comment_services.disposition_answer(
        comment=filed[3], user=filed[3].author, answer="objected", reason=OBJECTION
    )
    say(
        f"Answered {len(ANSWERS)} v1 comments citing {cited_count} passages of v2; responses "
        "open for 30 days: one accepted, one objected. You said, we did: "
        f"/drafts/{v1.draft.slug}/v2/you-said-we-did/"
    )
