"""The expected outcome of every URL pattern for every kind of visitor.

Keys are URL patterns exactly as the resolver prints them; `test_permission_matrix.py` walks
the resolver and fails on any pattern missing here. Path parameters are filled with objects of
agency A (Dinkes) in Kota Balikpapan; "verifier_other" is the DP3AKB verifier of Kota Samarinda.
Outcomes: 200, "login" (redirect to a login page), "redirect" (anywhere else), 400, 403, 404,
405. Django's admin sends a signed-in visitor who is not staff to the admin login, and answers
a staff member who asks for an object outside their scope with a redirect to the index
("does not exist"), exactly as for an object that does not exist.
"""

from tests.security.urlwalk import (
    BAD,
    FORBIDDEN,
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    UNAUTHORIZED,
)

ROLES = (
    "anonymous",
    "operator_a",
    "operator_b",
    "verifier",
    "verifier_other",
    "gugus_tugas",
    "superuser",
)


def row(anonymous, operator_a, operator_b, verifier, verifier_other, gugus_tugas, superuser):
    return dict(zip(ROLES, (anonymous, operator_a, operator_b, verifier, verifier_other,
                            gugus_tugas, superuser), strict=True))  # fmt: skip


PUBLIC = row(OK, OK, OK, OK, OK, OK, OK)
SIGNED_IN = row(LOGIN, OK, OK, OK, OK, OK, OK)
# Admin pages: non-staff are sent to the admin login; both verifiers are staff.
STAFF = row(LOGIN, LOGIN, LOGIN, OK, OK, LOGIN, OK)
SUPERUSER = row(LOGIN, LOGIN, LOGIN, FORBIDDEN, FORBIDDEN, LOGIN, OK)
NOBODY = row(LOGIN, LOGIN, LOGIN, FORBIDDEN, FORBIDDEN, LOGIN, FORBIDDEN)
STAFF_REDIRECT = row(LOGIN, LOGIN, LOGIN, REDIRECT, REDIRECT, LOGIN, REDIRECT)
STAFF_NOT_FOUND = row(LOGIN, LOGIN, LOGIN, NOT_FOUND, NOT_FOUND, LOGIN, NOT_FOUND)
STAFF_NOT_ALLOWED = row(LOGIN, LOGIN, LOGIN, NOT_ALLOWED, NOT_ALLOWED, LOGIN, NOT_ALLOWED)
# An object of region A: its verifier and the superuser see it, the other region's does not.
REGION_CHANGE = row(LOGIN, LOGIN, LOGIN, OK, REDIRECT, LOGIN, OK)
REGION_HISTORY = row(LOGIN, LOGIN, LOGIN, OK, NOT_FOUND, LOGIN, OK)
DASHBOARD = row(LOGIN, FORBIDDEN, FORBIDDEN, OK, NOT_FOUND, OK, OK)
API_SESSION = row(*[UNAUTHORIZED] * 7)
API_ROUTES = (
    "frameworks/",
    "frameworks/<slug:code>/",
    "regions/",
    "periods/",
    "periods/<id:pk>/",
    "periods/<id:pk>/score/",
    "periods/<id:pk>/readiness/",
    "periods/<id:pk>/values/",
    "periods/<id:pk>/open-data/",
    "submissions/",
    "submissions/<id:pk>/",
    "submissions/<id:pk>/evidence/",
    "evidence/<id:pk>/file/",
)


def admin_model(
    prefix: str,
    *,
    changelist=STAFF,
    add=SUPERUSER,
    change=STAFF,
    history=STAFF,
    delete=SUPERUSER,
    audited=True,
) -> dict:
    """The routes a ModelAdmin registers, with simple_history's record page when audited."""
    routes = {
        f"{prefix}": changelist,
        f"{prefix}add/": add,
        f"{prefix}<path:object_id>/history/": history,
        f"{prefix}<path:object_id>/delete/": delete,
        f"{prefix}<path:object_id>/change/": change,
        f"{prefix}<path:object_id>/": STAFF_REDIRECT,
    }
    if audited:
        routes[f"{prefix}^([^/]+)/history/([^/]+)/$"] = history
    return routes


def region_model(name: str, **overrides) -> dict:
    """An indicators model scoped to the user's regions."""
    options = {"change": REGION_CHANGE, "history": REGION_HISTORY, **overrides}
    return admin_model(f"admin/indicators/{name}/", **options)


MATRIX = {
    # accounts (django.contrib.auth.urls): logout is POST only since Django 5
    "accounts/login/": PUBLIC,
    "accounts/logout/": row(*[NOT_ALLOWED] * 7),
    "accounts/password_change/": SIGNED_IN,
    "accounts/password_change/done/": SIGNED_IN,
    "accounts/password_reset/": PUBLIC,
    "accounts/password_reset/done/": PUBLIC,
    "accounts/reset/<uidb64>/<token>/": PUBLIC,  # a bad token: the "invalid link" page
    "accounts/reset/done/": PUBLIC,
    # the admin site
    "admin/": STAFF,
    "admin/login/": row(OK, OK, OK, REDIRECT, REDIRECT, OK, REDIRECT),
    "admin/logout/": row(
        REDIRECT, REDIRECT, REDIRECT, NOT_ALLOWED, NOT_ALLOWED, REDIRECT, NOT_ALLOWED
    ),  # fmt: skip
    "admin/password_change/": STAFF,
    "admin/password_change/done/": STAFF,
    "admin/autocomplete/": NOBODY,  # without a valid field to complete
    "admin/jsi18n/": STAFF,
    "admin/r/<path:content_type_id>/<path:object_id>/": STAFF_NOT_FOUND,  # no public URL
    "admin/^(?P<app_label>auth|axes|clusters|indicators|api)/$": STAFF,
    "admin/(?P<url>.*)$": STAFF_NOT_FOUND,
    **admin_model(
        "admin/auth/group/",
        changelist=SUPERUSER,
        change=SUPERUSER,
        history=SUPERUSER,
        audited=False,
    ),  # fmt: skip
    "admin/auth/user/<id>/password/": SUPERUSER,
    **admin_model(
        "admin/auth/user/",
        changelist=SUPERUSER,
        change=SUPERUSER,
        history=SUPERUSER,
        audited=False,
    ),  # fmt: skip
    # login throttling records: superusers read them, nobody adds them
    **{
        route: outcome
        for name in ("accessattempt", "accesslog", "accessfailurelog")
        for route, outcome in admin_model(
            f"admin/axes/{name}/",
            changelist=SUPERUSER,
            add=NOBODY,
            change=SUPERUSER,
            history=SUPERUSER,
            audited=False,
        ).items()
    },  # fmt: skip
    # the framework: verifiers read it, only superusers change or copy it
    "admin/clusters/framework/<int:pk>/copy/": SUPERUSER,
    **admin_model("admin/clusters/framework/"),
    **admin_model("admin/clusters/cluster/"),
    **admin_model("admin/clusters/indicator/"),
    **admin_model("admin/clusters/item/"),
    **admin_model("admin/clusters/evidencerequirement/"),
    # the year's data, scoped to the verifier's regions
    "admin/indicators/submission/import/": STAFF,
    "admin/indicators/submission/recap/": STAFF,
    "admin/indicators/submission/<int:pk>/review/": STAFF_NOT_ALLOWED,  # POST only
    "admin/indicators/submission/export/": STAFF,
    **region_model("submission", add=NOBODY),
    **region_model("evidence", add=NOBODY),
    **region_model("reviewevent", add=NOBODY),
    **region_model("region"),
    **region_model("agency"),
    **region_model("period"),
    **region_model("assignment"),
    **region_model("officialresult", add=STAFF),
    # the API's records: superusers read tokens (and revoke them) and the open-data releases
    **admin_model(
        "admin/api/apitoken/", changelist=SUPERUSER, add=NOBODY, change=SUPERUSER, history=SUPERUSER
    ),  # fmt: skip
    **admin_model(
        "admin/api/opendatarelease/",
        changelist=SUPERUSER,
        add=NOBODY,
        change=SUPERUSER,
        history=SUPERUSER,
    ),  # fmt: skip
    # the portal itself
    "healthz": PUBLIC,
    "i18n/setlang/": row(*[REDIRECT] * 7),
    "": SIGNED_IN,
    "items/<str:code>/": row(LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "evidence/<int:pk>/": row(LOGIN, OK, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK),
    "evidence/<int:pk>/remove/": row(LOGIN, *[NOT_ALLOWED] * 6),  # POST only
    "evidence/<int:pk>/document/": row(LOGIN, *[NOT_ALLOWED] * 6),  # POST only
    # ?region=balikpapan: the other region's verifier asks for a region not theirs
    "dashboard/": DASHBOARD,
    "dashboard/export.xlsx": DASHBOARD,
    # the API (issue 20): a session opens only the schema, its page and one's own tokens; the
    # API itself answers 401 without a token (tests/api/test_permission_matrix.py has tokens)
    "api/schema/": row(UNAUTHORIZED, *[OK] * 6),
    "api/docs/": SIGNED_IN,
    "api/tokens/": SIGNED_IN,
    "api/tokens/<id:pk>/revoke/": row(LOGIN, *[NOT_ALLOWED] * 6),  # POST only
    **{f"api/v1/{route}": API_SESSION for route in API_ROUTES},
    # open data: public; Balikpapan has published last year in the sample
    "api/v1/open-data/": PUBLIC,
    "api/v1/open-data/<slug:region>/scores.json": PUBLIC,
    "api/v1/open-data/<slug:region>/scores.csv": PUBLIC,
}

# State-changing requests, posted with a stale version so that even an allowed post changes
# nothing: the workflow refuses it with a message (a redirect, or the item page with 400).
POST_MATRIX = {
    "evidence/<int:pk>/remove/": row(LOGIN, REDIRECT, *[NOT_FOUND] * 5),
    "evidence/<int:pk>/document/": row(LOGIN, REDIRECT, *[NOT_FOUND] * 5),
    "items/<str:code>/": row(LOGIN, BAD, *[NOT_FOUND] * 5),
    # operator A's own token: A revokes it, nobody else finds it
    "api/tokens/<id:pk>/revoke/": row(LOGIN, REDIRECT, *[NOT_FOUND] * 5),
    "admin/indicators/submission/<int:pk>/review/": row(
        LOGIN, LOGIN, LOGIN, REDIRECT, FORBIDDEN, LOGIN, REDIRECT
    ),
    # Audit history is read only: simple_history would save a posted record page as a revert.
    "admin/clusters/framework/^([^/]+)/history/([^/]+)/$": STAFF_NOT_ALLOWED,
    "admin/indicators/submission/^([^/]+)/history/([^/]+)/$": STAFF_NOT_ALLOWED,
    "admin/indicators/agency/^([^/]+)/history/([^/]+)/$": STAFF_NOT_ALLOWED,
}

# Holes the matrix has found and that are still open: (method, route, role) -> reason. Empty
# since simple_history's pages became read-only and region-scoped (ReadOnlyHistoryAdmin).
KNOWN_HOLES: dict[tuple[str, str, str], str] = {}
