"""The expected outcome of every URL pattern for every kind of visitor.

Keys are URL patterns exactly as the resolver prints them; `test_permission_matrix.py` walks
the resolver and fails on any pattern missing here. Path parameters are filled with objects of
agency A (Dinkes) in Kota Balikpapan; "verifier_other" is the DP3AKB verifier of Kota Samarinda;
"province" is the province verifier of Kalimantan Timur (Balikpapan's province: reads it, writes
nothing), "province_other" the province verifier of Jawa Timur (Kota Kediri), who must not.
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
    "province",
    "province_other",
)


def row(anonymous, operator_a, operator_b, verifier, verifier_other, gugus_tugas, superuser,
        *, province=None, province_other=None):  # fmt: skip
    """One route's outcomes. The province verifiers are staff who read what a verifier reads:
    unless stated, the Kalimantan Timur one answers as the region's verifier and the Jawa Timur
    one as the other region's verifier; every route where they differ says so."""
    province = verifier if province is None else province
    province_other = verifier_other if province_other is None else province_other
    return dict(zip(ROLES, (anonymous, operator_a, operator_b, verifier, verifier_other,
                            gugus_tugas, superuser, province, province_other),
                    strict=True))  # fmt: skip


def like(base: dict, **changes) -> dict:
    """A row as `base`, with some visitors' outcomes changed."""
    return {**base, **changes}


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
# What only a verifier does (review, import, build packs, add records): the province
# verifiers' group holds view permissions only, so the admin refuses them (403).
VERIFIER_WORK = row(LOGIN, LOGIN, LOGIN, OK, OK, LOGIN, OK, province=FORBIDDEN,
                    province_other=FORBIDDEN)  # fmt: skip
# The register's portal pages: any operator for their own agency, a 404 for everyone else.
OPERATORS = row(LOGIN, OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)
OWN_AGENCY = row(LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)
# The admin's app index route, as Django builds it from the apps with registered models.
APP_INDEX = "admin/^(?P<app_label>auth|axes|django_tasks_database|clusters|indicators|facilities|api|verification)/$"  # noqa: E501

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
    # the verifier's workbench: the queue of one's own region, the review page of its rows
    # province verifiers never review: the queue sends them to the admin index, the page 403
    "admin/review/": like(STAFF, province=REDIRECT, province_other=REDIRECT),
    "admin/review/<int:pk>/": like(REGION_HISTORY, province=FORBIDDEN, province_other=FORBIDDEN),
    "admin/password_change/": STAFF,
    "admin/password_change/done/": STAFF,
    "admin/autocomplete/": NOBODY,  # without a valid field to complete
    "admin/jsi18n/": STAFF,
    "admin/r/<path:content_type_id>/<path:object_id>/": STAFF_NOT_FOUND,  # no public URL
    APP_INDEX: STAFF,
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
    # a category and its conditions beyond points (inline): read by verifiers, as the edition
    **admin_model("admin/clusters/categoryband/"),
    # the year's data, scoped to the verifier's regions
    "admin/indicators/submission/import/": VERIFIER_WORK,
    "admin/indicators/submission/import/template.xlsx": VERIFIER_WORK,
    "admin/indicators/submission/recap/": VERIFIER_WORK,
    "admin/indicators/submission/<int:pk>/review/": STAFF_NOT_ALLOWED,  # POST only
    "admin/indicators/submission/export/": VERIFIER_WORK,
    **region_model("submission", add=NOBODY),
    **region_model("evidence", add=NOBODY),
    **region_model("reviewevent", add=NOBODY),
    **region_model("region"),
    **region_model("agency"),
    **region_model("period"),
    **region_model("assignment"),
    **region_model("officialresult", add=VERIFIER_WORK),
    # who is a province verifier of which province: superusers only
    **admin_model(
        "admin/indicators/provincemembership/",
        changelist=SUPERUSER,
        change=SUPERUSER,
        history=SUPERUSER,
    ),  # fmt: skip
    # the register of places: verifiers manage their region's, the reference only superusers
    "admin/facilities/facility/import/": VERIFIER_WORK,
    "admin/facilities/facility/export/": VERIFIER_WORK,
    **admin_model("admin/facilities/facilitytype/"),
    **admin_model("admin/facilities/standard/"),
    **admin_model(
        "admin/facilities/facility/",
        add=VERIFIER_WORK,
        change=REGION_CHANGE,
        history=REGION_HISTORY,
    ),
    **admin_model(
        "admin/facilities/certification/",
        add=VERIFIER_WORK,
        change=REGION_CHANGE,
        history=REGION_HISTORY,
    ),
    # the field-visit sites (lokus, issue 16): the region's verifiers plan them; province
    # verifiers read them (their group has only view permissions)
    **admin_model(
        "admin/facilities/fieldvisitsite/",
        add=VERIFIER_WORK,
        change=REGION_CHANGE,
        history=REGION_HISTORY,
        delete=row(
            LOGIN,
            LOGIN,
            LOGIN,
            OK,
            REDIRECT,
            LOGIN,
            OK,
            province=FORBIDDEN,
            province_other=FORBIDDEN,
        ),
    ),  # fmt: skip
    # verification packs (issue 15): the region's verifiers build and download them; nobody
    # adds, edits or deletes one by hand (expiry deletes them)
    # province verifiers read the files themselves, not the packs (verifiers' work)
    "admin/indicators/verificationpack/build/": VERIFIER_WORK,
    "admin/indicators/verificationpack/<int:pk>/download/": row(
        LOGIN, LOGIN, LOGIN, OK, NOT_FOUND, LOGIN, OK, province=NOT_FOUND
    ),  # fmt: skip
    **admin_model(
        "admin/indicators/verificationpack/",
        changelist=like(STAFF, province=FORBIDDEN, province_other=FORBIDDEN),
        add=NOBODY,
        change=like(REGION_CHANGE, province=FORBIDDEN, province_other=FORBIDDEN),
        history=like(REGION_CHANGE, province=REDIRECT),
        delete=NOBODY,
        audited=False,
    ),  # fmt: skip
    # the ministry's stages and the verifiers' findings (issue 16): the region's verifiers record
    # them, the province verifiers record findings (not stages) of their province; the frozen
    # forecast is read only; closing and reopening are POST only
    **admin_model(
        "admin/verification/stage/",
        add=like(STAFF, province=FORBIDDEN, province_other=FORBIDDEN),
        change=REGION_CHANGE,
        history=REGION_HISTORY,
    ),
    **admin_model(
        "admin/verification/finding/", add=STAFF, change=REGION_CHANGE, history=REGION_HISTORY
    ),
    "admin/verification/finding/<int:pk>/decide/": STAFF_NOT_ALLOWED,
    **admin_model(
        "admin/verification/forecastsnapshot/",
        add=NOBODY,
        change=REGION_CHANGE,
        history=REGION_HISTORY,
        delete=NOBODY,
    ),
    # the background jobs' records (django-tasks): superusers read them, nobody writes them
    **admin_model(
        "admin/django_tasks_database/dbtaskresult/",
        changelist=SUPERUSER,
        add=NOBODY,
        change=SUPERUSER,
        history=SUPERUSER,
        delete=NOBODY,
        audited=False,
    ),  # fmt: skip
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
    "items/<str:code>/withdraw/": row(LOGIN, *[NOT_ALLOWED] * 6),  # POST only
    "evidence/<int:pk>/": row(LOGIN, OK, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK),
    "evidence/<int:pk>/remove/": row(LOGIN, *[NOT_ALLOWED] * 6),  # POST only
    "evidence/<int:pk>/document/": row(LOGIN, *[NOT_ALLOWED] * 6),  # POST only
    # the register in the portal: its agency's operators (the sample is a Dinkes puskesmas)
    "fasilitas/register/": OPERATORS,
    "fasilitas/register/export/": OPERATORS,
    "fasilitas/register/add/": OPERATORS,
    "fasilitas/register/<int:pk>/": OWN_AGENCY,
    "fasilitas/register/<int:pk>/close/": row(LOGIN, *[NOT_ALLOWED] * 6),  # POST only
    "fasilitas/register/<int:pk>/certificates/add/": OWN_AGENCY,
    "fasilitas/register/certificates/<int:pk>/": OWN_AGENCY,
    # the certificate file: as evidence, its agency's operators and its region's verifiers
    "fasilitas/register/certificates/<int:pk>/file/": row(
        LOGIN, OK, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK
    ),  # fmt: skip
    # findings in the portal: anyone signed in lists the findings they may see; one finding
    # (Dinkes's, in the sample) for its agencies, the region's verifiers and Gugus Tugas
    "temuan/": SIGNED_IN,
    "temuan/<int:pk>/": row(LOGIN, OK, NOT_FOUND, OK, NOT_FOUND, OK, OK),
    # ?region=balikpapan: the other region's verifier asks for a region not theirs
    "dashboard/": DASHBOARD,
    "dashboard/export.xlsx": DASHBOARD,
    # the register of facilities: the coverage page and its export, scoped like the dashboard
    "fasilitas/cakupan/": DASHBOARD,
    "fasilitas/cakupan/export.xlsx": DASHBOARD,
    # the printable plan of the field-visit sites, scoped like the dashboard
    "fasilitas/lokus/": DASHBOARD,
    # the province overview (?province=Kalimantan Timur): its province verifier and superusers
    "provinsi/": row(
        LOGIN,
        FORBIDDEN,
        FORBIDDEN,
        FORBIDDEN,
        FORBIDDEN,
        FORBIDDEN,
        OK,
        province=OK,
        province_other=NOT_FOUND,
    ),  # fmt: skip
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
    # a bulk post without ticked rows changes nothing and returns to the queue
    "admin/review/": row(LOGIN, LOGIN, LOGIN, REDIRECT, REDIRECT, LOGIN, REDIRECT),
    "admin/review/<int:pk>/": row(
        LOGIN,
        LOGIN,
        LOGIN,
        BAD,
        NOT_FOUND,
        LOGIN,
        BAD,
        province=FORBIDDEN,
        province_other=FORBIDDEN,
    ),  # fmt: skip
    "evidence/<int:pk>/remove/": row(LOGIN, REDIRECT, *[NOT_FOUND] * 5),
    "evidence/<int:pk>/document/": row(LOGIN, REDIRECT, *[NOT_FOUND] * 5),
    "items/<str:code>/": row(LOGIN, BAD, *[NOT_FOUND] * 5),
    "items/<str:code>/withdraw/": row(LOGIN, REDIRECT, *[NOT_FOUND] * 5),
    # operator A's own token: A revokes it, nobody else finds it
    "api/tokens/<id:pk>/revoke/": row(LOGIN, REDIRECT, *[NOT_FOUND] * 5),
    "admin/indicators/submission/<int:pk>/review/": row(
        LOGIN, LOGIN, LOGIN, REDIRECT, FORBIDDEN, LOGIN, REDIRECT, province=FORBIDDEN
    ),
    # The register: an incomplete form changes nothing (400), a close without a day is refused
    # with a message (redirect); for anyone but the agency's operators, a 404.
    "fasilitas/register/add/": row(LOGIN, BAD, BAD, *[NOT_FOUND] * 4),
    "fasilitas/register/<int:pk>/": row(LOGIN, BAD, *[NOT_FOUND] * 5),
    "fasilitas/register/<int:pk>/close/": row(LOGIN, REDIRECT, *[NOT_FOUND] * 5),
    "fasilitas/register/<int:pk>/certificates/add/": row(LOGIN, BAD, *[NOT_FOUND] * 5),
    "fasilitas/register/certificates/<int:pk>/": row(LOGIN, BAD, *[NOT_FOUND] * 5),
    "admin/facilities/facility/^([^/]+)/history/([^/]+)/$": STAFF_NOT_ALLOWED,
    # Audit history is read only: simple_history would save a posted record page as a revert.
    "admin/clusters/framework/^([^/]+)/history/([^/]+)/$": STAFF_NOT_ALLOWED,
    "admin/indicators/submission/^([^/]+)/history/([^/]+)/$": STAFF_NOT_ALLOWED,
    "admin/indicators/agency/^([^/]+)/history/([^/]+)/$": STAFF_NOT_ALLOWED,
    # Findings: the sample is of the locked year, so nobody may answer it (a message and back);
    # a decision without close or reopen changes nothing (a message and back).
    "temuan/<int:pk>/": row(LOGIN, REDIRECT, NOT_FOUND, REDIRECT, NOT_FOUND, REDIRECT, REDIRECT),
    "admin/verification/finding/<int:pk>/decide/": row(
        LOGIN, LOGIN, LOGIN, REDIRECT, NOT_FOUND, LOGIN, REDIRECT
    ),
    # An invalid form (no period): shown again, nothing started.
    "admin/indicators/verificationpack/build/": VERIFIER_WORK,
}

# Holes the matrix has found and that are still open: (method, route, role) -> reason. Empty
# since simple_history's pages became read-only and region-scoped (ReadOnlyHistoryAdmin).
KNOWN_HOLES: dict[tuple[str, str, str], str] = {}
