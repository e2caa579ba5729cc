"""The pages `make bench` drives, and the signed-in session each one is fetched with.

Pages are a plain list so a new one is one line.
"""

from dataclasses import dataclass
from importlib import import_module

from django.urls import reverse

OPERATOR, VERIFIER, GUGUS_TUGAS = "operator", "verifier", "gugus_tugas"


@dataclass(frozen=True)
class Page:
    name: str
    path: str | None  # None: found at run time by `locate`
    user: str | None = None
    budget: float = 5.0  # allowed p50 as a multiple of the trivial view's, at 8 connections
    locate: str | None = None
    # Every request the first after a write (benchmarks/cold.py): cached content is stale.
    cold: bool = False


PAGES = [
    Page("trivial", "/bench/trivial", budget=1.0),
    # The floor of every signed-in page: session and user loaded (issue 19).
    Page("signed-in trivial", "/bench/trivial-signed-in", OPERATOR, budget=5.0),
    Page("bench write", "/bench/write", budget=15.0),  # the cold runs' write alone
    Page("healthz", "/healthz"),
    Page("operator home", "/", OPERATOR),
    Page("operator home (cold)", "/", OPERATOR, budget=15.0, cold=True),
    Page("operator item", None, OPERATOR, locate="item"),
    Page("operator item (cold)", None, OPERATOR, budget=15.0, locate="item", cold=True),
    Page("dashboard", "/dashboard/", GUGUS_TUGAS),
    Page("dashboard (cold)", "/dashboard/", GUGUS_TUGAS, budget=15.0, cold=True),
    Page("admin changelist", "/admin/indicators/submission/", VERIFIER, budget=10.0),
    Page("admin submission", None, VERIFIER, budget=10.0, locate="admin-change"),
    # The verifier's workbench (issue 18), beside the stock changelist and change page.
    Page("review queue", "/admin/review/", VERIFIER, budget=10.0),
    # Its rows come from the content cache too: the first request after a write builds them.
    Page("review queue (cold)", "/admin/review/", VERIFIER, budget=10.0, cold=True),
    Page("review page", None, VERIFIER, budget=10.0, locate="review-page"),
    Page("review page (cold)", None, VERIFIER, budget=10.0, locate="review-page", cold=True),
]


def sample_objects(region_slug: str = "r0001", agency_code: str = "DINKES") -> dict:
    """The users and the submission the pages are fetched for: a busy item of one operator."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from indicators.models import Submission
    from indicators.seeding.synthetic import (
        gugus_tugas_username,
        operator_username,
        verifier_username,
    )
    from indicators.selectors.periods import current_period, region_by_slug

    period = current_period(region_by_slug(region_slug))
    submission = (
        Submission.objects.filter(period=period, agency__code=agency_code)
        .select_related("item", "agency", "period__region")
        .annotate(files=Count("evidence"))
        .order_by("-files", "item__code")
        .first()
    )
    users = get_user_model().objects
    # The row the cold runs write: of another region, so no page's own rows change.
    elsewhere = Submission.objects.exclude(period__region=period.region).order_by("pk").first()
    return {
        "submission": submission,
        "cold_submission": elsewhere or submission,
        OPERATOR: users.get(username=operator_username(region_slug, agency_code)),
        VERIFIER: users.get(username=verifier_username(region_slug)),
        GUGUS_TUGAS: users.get(username=gugus_tugas_username(region_slug)),
    }


def session_cookie(user) -> str:
    """A signed-in session for `user`, written through Django's own session store."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    # The configured engine: with REDIS_URL (as in the bench) sessions live in the cache.
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def page_path(page: Page, objects: dict) -> str:
    """The page's URL; pages found at run time are built from the sample submission."""
    from indicators.views.workspace import item_url

    if page.path:
        return page.path
    submission = objects["submission"]
    if page.locate == "admin-change":
        return reverse("admin:indicators_submission_change", args=[submission.pk])
    if page.locate == "review-page":
        return reverse("admin:review_page", args=[submission.pk])
    if page.locate == "item":
        return item_url(submission.agency, submission.item.code)
    raise ValueError(page.locate)
