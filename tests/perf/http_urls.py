"""The portal's URLs plus a plain Django JSON view: the yardstick of the comment-list benchmark.

The plain view goes through the same middleware as the API, but has no DRF, authentication,
permissions, throttling, visibility rules, pagination or serializers: 50 rows of the comments
table as ``values()`` in a ``JsonResponse``.
"""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from comments.models import Comment
from haip_portal.urls import handler400, handler403, handler404, handler500

PLAIN_FIELDS = (
    "reference",
    "line_start",
    "line_end",
    "kind",
    "stance",
    "body",
    "visibility",
    "state",
    "channel",
    "stakeholder_type",
    "country",
    "created_at",
    "updated_at",
)
PLAIN_PATH = "/perf/plain-comments/"


def plain_comments(request: HttpRequest) -> JsonResponse:
    rows = list(Comment.objects.order_by("pk").values(*PLAIN_FIELDS)[:50])
    return JsonResponse({"results": rows})


urlpatterns = [
    path(PLAIN_PATH.strip("/") + "/", plain_comments, name="perf_plain_comments"),
    path("", include("haip_portal.urls")),
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
