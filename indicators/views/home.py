"""Each role's home at `/`."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from indicators import roles


@login_required
def home(request):
    """The landing page: links to what the user's role may open."""
    user = request.user
    context = {
        "is_operator": roles.is_operator(user),
        "is_verifier": roles.is_verifier(user),
        "can_see_dashboard": roles.can_see_dashboard(user),
    }
    return render(request, "indicators/home.html", context)
