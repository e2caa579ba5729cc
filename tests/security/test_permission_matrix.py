"""Every URL of the project, for every kind of visitor, answers as the matrix says."""

import datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks.backends.database.models import DBTaskResult

from api.models import OpenDataRelease
from api.services import token_create
from clusters.models import CategoryBand, Cluster, EvidenceRequirement, Framework, Indicator, Item
from facilities.models import Certification, Facility, FacilityType, Standard
from facilities.services import certification_save, facility_save, reference_load
from facilities.visits import site_save
from indicators import roles
from indicators.models import (
    Agency,
    Assignment,
    Evidence,
    Kelurahan,
    OfficialResult,
    Period,
    ProvinceMembership,
    Region,
    Submission,
    VerificationPack,
)
from tests.conftest import PDF
from tests.security.permission_matrix import (
    APP_INDEX,
    KNOWN_HOLES,
    MATRIX,
    POST_MATRIX,
    ROLES,
)
from tests.security.urlwalk import (
    HOSTILE_VALUES,
    PARAM,
    admin_model,
    fill,
    outcome,
    url_routes,
)
from verification.models import Finding, FindingResponse, ForecastSnapshot, Stage

USERNAMES = {
    "operator_a": "operator.dinkes",
    "operator_b": "operator.disdik",
    "verifier": "verifikator",
    "verifier_other": "verifikator.samarinda",
    "gugus_tugas": "gugustugas",
    "superuser": "admin",
    "province": "verifikator.kaltim",
    "province_other": "verifikator.jatim",
}


@pytest.fixture
def clients(demo_with_values, other_region):
    """A client per kind of visitor; the other region has an open period of its own."""
    Period.objects.create(
        region=other_region,
        year=demo_with_values.period.year,
        framework=demo_with_values.period.framework,
        opens_on=demo_with_values.period.opens_on,
        closes_on=demo_with_values.period.closes_on,
    )
    users = get_user_model().objects
    group = roles.roles_ensure_groups()[roles.PROVINCE_VERIFIER]
    Region.objects.create(slug="kediri", name="Kota Kediri", province="Jawa Timur")
    for username, province in (
        ("verifikator.kaltim", demo_with_values.region.province),
        ("verifikator.jatim", "Jawa Timur"),
    ):
        user = users.create_user(username, is_staff=True)
        user.groups.add(group)
        ProvinceMembership.objects.create(user=user, province=province)
    result = {"anonymous": Client(raise_request_exception=False)}
    for role, username in USERNAMES.items():
        client = Client(raise_request_exception=False)
        client.force_login(users.get(username=username))
        result[role] = client
    return result


@pytest.fixture
def samples(demo_with_values):
    """Objects of agency A (Dinkes) in the region in question, by admin model."""
    period = demo_with_values.period
    submission = (
        Submission.objects.filter(
            agency__code="DINKES", period=period, status=Submission.Status.SUBMITTED
        )
        .filter(evidence__isnull=False)
        .order_by("pk")
        .first()
    )
    evidence = submission.evidence.first()
    operator = get_user_model().objects.get(username="operator.dinkes")
    attempt = AccessAttempt.objects.create(
        username="operator.dinkes", ip_address="10.0.0.1", failures_since_start=1
    )
    log = AccessLog.objects.create(username="operator.dinkes", ip_address="10.0.0.1")
    failure = AccessFailureLog.objects.create(username="operator.dinkes", ip_address="10.0.0.1")
    token, _raw = token_create(user=operator, name="matrix", scope="write", days=30)
    release = OpenDataRelease.objects.create(
        period=Period.objects.get(region=period.region, year=period.year - 1)
    )
    item = submission.item
    reference_load()
    facility = facility_save(
        region=period.region,
        values={
            "facility_type": FacilityType.objects.get(code="PUSKESMAS"),
            "name": "Puskesmas Klandasan Ilir",
            "kelurahan": Kelurahan.objects.order_by("code").first(),
            "agency": Agency.objects.get(code="DINKES", region=period.region),
            "level": "",
        },
        actor=operator,
    )
    certification = certification_save(
        values={
            "standard": Standard.objects.get(code="PRAP"),
            "stage": "granted",
            "granted_on": period.opens_on,
            "valid_until": None,
            "certificate_number": "PRAP/1",
        },
        actor=operator,
        facility=facility,
        upload=SimpleUploadedFile("prap.pdf", PDF),
    )
    pack = VerificationPack.objects.create(
        period=period, scope="approved", status="done", built_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )  # fmt: skip
    pack.file.save("paket.zip", ContentFile(b"PK\x05\x06" + b"\x00" * 18))
    # The demo's last year has findings; Dinkes's alone on III.13.a is the sample.
    finding = Finding.objects.get(item__code="III.13.a", period__year=period.year - 1)
    objects = {
        "api.apitoken": token,
        "api.opendatarelease": release,
        "auth.group": Group.objects.get(name="OPD Operator"),
        "auth.user": operator,
        "axes.accessattempt": attempt,
        "axes.accesslog": log,
        "axes.accessfailurelog": failure,
        "clusters.framework": Framework.objects.get(pk=period.framework_id),
        "clusters.cluster": Cluster.objects.get(pk=item.indicator.cluster_id),
        "clusters.indicator": Indicator.objects.get(pk=item.indicator_id),
        "clusters.item": Item.objects.get(pk=item.pk),
        "clusters.evidencerequirement": EvidenceRequirement.objects.filter(item=item).first(),
        "indicators.submission": submission,
        "indicators.evidence": evidence,
        "indicators.reviewevent": submission.events.first(),
        "indicators.region": Region.objects.get(slug="balikpapan"),
        "indicators.agency": Agency.objects.get(code="DINKES", region__slug="balikpapan"),
        "indicators.period": period,
        "indicators.assignment": Assignment.objects.get(agency__code="DINKES", item=item),
        "indicators.officialresult": OfficialResult.objects.get(period__year=period.year - 1),
        "facilities.facilitytype": facility.facility_type,
        "facilities.standard": certification.standard,
        "facilities.facility": facility,
        "facilities.certification": certification,
        "indicators.verificationpack": pack,
        "verification.finding": finding,
        "verification.stage": Stage.objects.filter(period=finding.period).first(),
        "verification.forecastsnapshot": ForecastSnapshot.objects.get(period=finding.period),
        "indicators.provincemembership": ProvinceMembership.objects.get(
            user__username="verifikator.kaltim"
        ),
        "clusters.categoryband": CategoryBand.objects.filter(framework=period.framework).first(),
        "facilities.fieldvisitsite": site_save(
            period=period,
            values={
                "name": "Puskesmas Klandasan Ilir",
                "facility": facility,
                "contact_name": "Ibu Rina",
                "contact_phone": "0812 3456 7890",
                "starts_at": timezone.now(),
                "ends_at": timezone.now() + datetime.timedelta(hours=1),
            },
            actor=operator,
        ),
        "django_tasks_database.dbtaskresult": DBTaskResult.objects.create(
            task_path="indicators.tasks.verification_pack_build",
            args_kwargs={"args": [pack.pk], "kwargs": {}},
            backend_name="default",
        ),
    }
    for obj in objects.values():
        # Bulk-created rows (assignments) have no audit record yet; a save writes one.
        if hasattr(obj, "history") and not obj.history.exists():
            obj.save()
    api_period = f"/api/v1/periods/{period.pk}/"
    uid = urlsafe_base64_encode(force_bytes(operator.pk))
    ct = ContentType.objects.get_for_model(Submission)
    year = period.year
    query = f"?region=balikpapan&period={year}"
    explicit = {
        "accounts/reset/<uidb64>/<token>/": fill(
            "accounts/reset/<uidb64>/<token>/", [uid, "bad-token"]
        ),
        "admin/r/<path:content_type_id>/<path:object_id>/": f"/admin/r/{ct.pk}/{submission.pk}/",
        "admin/auth/user/<id>/password/": f"/admin/auth/user/{operator.pk}/password/",
        APP_INDEX: "/admin/indicators/",
        "fasilitas/register/<int:pk>/": f"/fasilitas/register/{facility.pk}/",
        "fasilitas/register/<int:pk>/close/": f"/fasilitas/register/{facility.pk}/close/",
        "fasilitas/register/<int:pk>/certificates/add/": (
            f"/fasilitas/register/{facility.pk}/certificates/add/"
        ),
        "fasilitas/register/certificates/<int:pk>/": (
            f"/fasilitas/register/certificates/{certification.pk}/"
        ),
        "fasilitas/register/certificates/<int:pk>/file/": (
            f"/fasilitas/register/certificates/{certification.pk}/file/"
        ),
        "admin/indicators/verificationpack/<int:pk>/download/": (
            f"/admin/indicators/verificationpack/{pack.pk}/download/"
        ),
        "admin/(?P<url>.*)$": "/admin/no-such-page/",
        "temuan/<int:pk>/": f"/temuan/{finding.pk}/",
        "admin/verification/finding/<int:pk>/decide/": (
            f"/admin/verification/finding/{finding.pk}/decide/"
        ),
        "admin/clusters/framework/<int:pk>/copy/": (
            f"/admin/clusters/framework/{period.framework_id}/copy/"
        ),
        "admin/indicators/submission/<int:pk>/review/": (
            f"/admin/indicators/submission/{submission.pk}/review/"
        ),
        "items/<str:code>/": f"/items/{item.code}/",
        "admin/review/<int:pk>/": f"/admin/review/{submission.pk}/",
        "items/<str:code>/withdraw/": f"/items/{item.code}/withdraw/",
        "evidence/<int:pk>/": f"/evidence/{evidence.pk}/",
        "evidence/<int:pk>/remove/": f"/evidence/{evidence.pk}/remove/",
        "evidence/<int:pk>/document/": f"/evidence/{evidence.pk}/document/",
        "dashboard/": f"/dashboard/{query}",
        "dashboard/export.xlsx": f"/dashboard/export.xlsx{query}",
        "fasilitas/cakupan/": f"/fasilitas/cakupan/{query}",
        "fasilitas/cakupan/export.xlsx": f"/fasilitas/cakupan/export.xlsx{query}",
        "fasilitas/lokus/": f"/fasilitas/lokus/{query}",
        "provinsi/": "/provinsi/?province=" + quote(period.region.province),
        "api/tokens/<id:pk>/revoke/": f"/api/tokens/{token.pk}/revoke/",
        "api/v1/frameworks/<slug:code>/": f"/api/v1/frameworks/{period.framework.code}/",
        "api/v1/periods/<id:pk>/": api_period,
        "api/v1/periods/<id:pk>/score/": f"{api_period}score/",
        "api/v1/periods/<id:pk>/readiness/": f"{api_period}readiness/",
        "api/v1/periods/<id:pk>/values/": f"{api_period}values/",
        "api/v1/periods/<id:pk>/open-data/": f"{api_period}open-data/",
        "api/v1/submissions/<id:pk>/": f"/api/v1/submissions/{submission.pk}/",
        "api/v1/submissions/<id:pk>/evidence/": f"/api/v1/submissions/{submission.pk}/evidence/",
        "api/v1/evidence/<id:pk>/file/": f"/api/v1/evidence/{evidence.pk}/file/",
        "api/v1/open-data/<slug:region>/scores.json": "/api/v1/open-data/balikpapan/scores.json",
        "api/v1/open-data/<slug:region>/scores.csv": "/api/v1/open-data/balikpapan/scores.csv",
    }
    return {"objects": objects, "explicit": explicit, "submission": submission}


def sample_url(route: str, samples) -> str:
    """The route filled with the sample object of its model (and history id), or as given."""
    if route in samples["explicit"]:
        return samples["explicit"][route]
    model = admin_model(route)
    if model and "(" in route:  # simple_history's record page: object id and history id
        obj = samples["objects"][model]
        return fill(route, [obj.pk, obj.history.order_by("history_id").first().history_id])
    if model and "<" in route:
        return fill(route, [samples["objects"][model].pk])
    return fill(route, [])


def walk(matrix, clients, samples, method="get", data=None):
    """Request every route for every visitor; return the (route, role, expected, got) misses."""
    misses = []
    for route, expected in matrix.items():
        url = sample_url(route, samples)
        for role in ROLES:
            response = getattr(clients[role], method)(url, data or {})
            got = outcome(response)
            if got != expected[role]:
                misses.append((route, role, expected[role], got, url))
    return misses


def check(misses, method):
    """Every miss is a failure unless it is a known hole; a closed known hole is one too."""
    known = {(m, route, role) for m, route, role in KNOWN_HOLES if m == method}
    seen = {(method, route, role) for route, role, *_ in misses}
    report = [
        f"{method} {route} as {role}: expected {want}, got {got} ({url})"
        for route, role, want, got, url in misses
        if (method, route, role) not in known
    ]
    closed = sorted(known - seen)
    if closed:
        report.append(f"Known holes now closed, remove them from KNOWN_HOLES: {closed}")
    assert not report, "\n".join(report)


def test_every_url_pattern_has_an_entry_in_the_matrix():
    routes = {route.route for route in url_routes()}
    missing = sorted(routes - set(MATRIX))
    assert not missing, "URL patterns without an entry in permission_matrix.MATRIX:\n" + "\n".join(
        missing
    )
    stale = sorted(set(MATRIX) - routes)
    assert not stale, "Matrix entries for URL patterns that no longer exist:\n" + "\n".join(stale)


def test_every_url_answers_each_kind_of_visitor_as_the_matrix_says(clients, samples):
    check(walk(MATRIX, clients, samples), "GET")


def test_posts_change_nothing_for_those_who_may_not_make_them(clients, samples):
    submission = samples["submission"]
    register = samples["objects"]["facilities.facility"]
    before = (submission.status, submission.version, Evidence.objects.count())
    findings = list(Finding.objects.values_list("pk", "status", "version"))
    responses = FindingResponse.objects.count()
    places = list(Facility.objects.values_list("pk", "version", "active"))
    certificates = list(Certification.objects.values_list("pk", "version"))
    # A stale version: even an allowed reviewer's post is refused as a conflict.
    data = {"review": "approve", "version": str(submission.version + 1000)}
    check(walk(POST_MATRIX, clients, samples, method="post", data=data), "POST")
    submission.refresh_from_db()
    assert (submission.status, submission.version, Evidence.objects.count()) == before
    assert list(Finding.objects.values_list("pk", "status", "version")) == findings
    assert FindingResponse.objects.count() == responses
    assert list(Facility.objects.values_list("pk", "version", "active")) == places
    assert list(Certification.objects.values_list("pk", "version")) == certificates
    assert register.pk in dict((pk, v) for pk, v, _ in places)


def test_history_record_page_never_reverts_an_item(client, superuser):
    item = Item.objects.get(code="III.13.a")
    first = item.history.earliest("history_id")
    item.weight += 1
    item.save()
    client.force_login(superuser)
    url = f"/admin/clusters/item/{item.pk}/history/{first.history_id}/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"weight": first.weight})
    assert response.status_code == 405
    item.refresh_from_db()
    assert item.weight == first.weight + 1


def test_security_doc_states_the_number_of_requests_checked():
    checked = (len(MATRIX) + len(POST_MATRIX)) * len(ROLES)
    text = (Path(__file__).resolve().parents[2] / "docs" / "SECURITY.md").read_text()
    assert f"{checked} requests" in text, f"docs/SECURITY.md should state {checked} requests"


def test_every_path_parameter_takes_hostile_values_without_a_500(clients):
    """`/items/%00/`, a history page of `abc`, a record `1e99`: a 400 or 404, never a 500."""
    routes = [route.route for route in url_routes() if PARAM.search(route.route)]
    assert "admin/clusters/item/^([^/]+)/history/([^/]+)/$" in routes
    for role in ("superuser", "verifier", "operator_a"):
        for route in routes:
            for value in HOSTILE_VALUES[:7]:
                url = fill(route, [quote(value, safe="")] * route.count("<") + [quote(value)] * 3)
                response = clients[role].get(url)
                assert response.status_code != 500, f"{role} {url[:80]}: 500"
                if "\x00" in value:
                    assert response.status_code == 400, f"{role} {url[:80]}"
