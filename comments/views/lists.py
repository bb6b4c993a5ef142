"""The lists of comments: a version's comments with their filters, and the author's own."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import selectors
from .shared import (
    acting_user,
    filtered_list,
    version_asked,
)


def version_comments(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = version_asked(request, slug, number)
    context = filtered_list(request, version, per_page=50)
    page = context["page"]
    page.object_list = selectors.comments_with_anchored_lines(page.object_list)
    return render(request, "comments/list.html", context)


@login_required
def my_comments(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.comments_of_user(acting_user(request)), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "comments/mine.html", {"page": page})
