"""Pages of the accounts app."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from haip_portal.exceptions import ApplicationError

from . import selectors, services
from .forms import ApiTokenCreateForm
from .models import ApiToken

# --- API tokens -------------------------------------------------------------------------


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    tokens = selectors.api_tokens_of_user(user=request.user)  # type: ignore[arg-type]
    return render(request, "accounts/tokens.html", {"tokens": tokens})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.api_token_create(
                user=request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=form.expires_at(),
            )
        except ApplicationError as error:
            field = {"expires_at": "expires_on"}.get(error.field or "", error.field)
            form.add_error(field if field in form.fields else None, error.message)
        else:
            # Shown in this response only: not in a URL, a redirect or the session.
            return render(
                request, "accounts/token_created.html", {"token": token, "raw": raw}, status=201
            )
    return render(request, "accounts/token_form.html", {"form": form})


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = services.api_token_revoke(user=request.user, token_id=token_id)  # type: ignore[arg-type]
    except ApiToken.DoesNotExist as error:
        raise Http404("No such token.") from error
    messages.success(request, f"The token “{token.name}” is revoked; it no longer works.")
    return redirect("accounts:token_list")
