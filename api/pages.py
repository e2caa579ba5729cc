"""The API's pages for people: one's own tokens (create, revoke) and the documentation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from drf_spectacular.views import SpectacularSwaggerSplitView

from api import services
from api.forms import TokenForm
from api.models import ApiToken


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    """The user's own tokens; a new one's text is shown on this answer only, never again."""
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        token, raw = services.token_create(user=request.user, **form.cleaned_data)
        created = {"token": token, "raw": raw}
        form = TokenForm()
    rows = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    status = 400 if request.method == "POST" and created is None else 200
    return render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": rows, "created": created},
        status=status,
    )


@login_required
@require_POST
def token_revoke(request, pk):
    """Revoke one of the user's own tokens (another user's is a 404)."""
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.token_revoke(token=token)
    messages.success(request, _("Token %(name)s dicabut.") % {"name": token.name})
    return redirect("api:tokens")


# The browsable documentation: Swagger UI from drf-spectacular-sidecar (no CDN), its start-up
# script served as a file so the page keeps the portal's Content-Security-Policy.
docs = login_required(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/docs.html")
)
