"""What the comment pages share: who is asking, the version asked about, and the list
filters as the query string names them."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.models import Organisation, User
from drafts import selectors as draft_selectors
from drafts.models import DraftVersion

from .. import selectors
from ..models import Comment, Disposition

View = Callable[..., HttpResponse]
# The filters of the list pages, as their query string names them.
FILTERS = (
    "section",
    "kind",
    "stance",
    "stakeholder_type",
    "country",
    "state",
    "disposition",
    "line",
    "q",
    "sort",
)
SORT_CHOICES = [
    ("line", "Line"),
    ("date", "Newest first"),
    ("endorsements", "Most endorsed"),
]


def acting_user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def next_or(request: HttpRequest, default: str) -> str:
    """Where a form asked to go back to (``next``), if it is a page of this site; else
    ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def version_asked(request: HttpRequest, slug: str, number: int) -> DraftVersion:
    return draft_selectors.version_get(user=request.user, slug=slug, number=number)


def list_filters(
    request: HttpRequest, names: tuple[str, ...] = FILTERS
) -> selectors.CommentFilters:
    """The list's filters from the query string; one that does not read (a line that is no
    number, in a link edited by hand) is left out."""
    return selectors.CommentFilters.from_query(request.GET, names=names, strict=False)


def filter_choices(version: DraftVersion, user: User | AnonymousUser) -> dict[str, Any]:
    return {
        "countries": selectors.version_countries(user=user, version=version),
        "sorts": SORT_CHOICES,
        "sections": [
            (section.key, section.heading) for section in draft_selectors.version_sections(version)
        ],
        "kinds": Comment.Kind.choices,
        "stances": Comment.Stance.choices,
        "stakeholder_types": Organisation.StakeholderType.choices,
        "states": Comment.State.choices,
        "dispositions": [("open", "Not yet answered"), *Disposition.Outcome.choices],
    }


def query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


class CountedPaginator(Paginator):
    """A paginator told the list's length, for a list whose length is kept: counting a
    version's comments would read every one of them."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @property
    def count(self) -> int:
        return self._known_count


def filtered_list(request: HttpRequest, version: DraftVersion, *, per_page: int) -> dict[str, Any]:
    """The context of a filtered, paged list of ``version``'s comments as the user may see
    them: the page, the filters read, the choices the filter bar offers, the query to page on."""
    filters = list_filters(request)
    comments = selectors.version_comments(user=request.user, version=version, filters=filters)
    paginator = Paginator(comments, per_page)
    if filters.is_unfiltered:
        # The whole list: its length is kept, not counted (see CountedPaginator).
        paginator = CountedPaginator(
            comments,
            per_page,
            count=selectors.version_comment_count(user=request.user, version=version),
        )
    return {
        "version": version,
        "draft": version.draft,
        "page": paginator.get_page(request.GET.get("page")),
        "filters": filters,
        "choices": filter_choices(version, request.user),
        "query": query_without_page(request),
    }
