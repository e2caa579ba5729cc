"""Every API operation answers every visitor and token scope as the API matrix says."""

import pytest
from django.contrib.auth import get_user_model
from drf_spectacular.generators import SchemaGenerator

from api.models import ApiToken
from api.services import token_create
from indicators.models import Assignment, Period, Submission
from tests.api.conftest import api_client
from tests.security.api_permission_matrix import (
    API_MATRIX,
    NAMED,
    NOT_ALLOWED_MATRIX,
    VISITORS,
)
from tests.security.test_permission_matrix import USERNAMES
from tests.security.urlwalk import outcome


@pytest.fixture
def visitors(demo_with_values, other_region):
    Period.objects.create(
        region=other_region,
        year=demo_with_values.period.year,
        framework=demo_with_values.period.framework,
        opens_on=demo_with_values.period.opens_on,
        closes_on=demo_with_values.period.closes_on,
    )
    clients = {"anonymous": api_client()}
    users = get_user_model().objects
    for role, username in USERNAMES.items():
        if role not in NAMED:  # the province verifiers have no API row yet
            continue
        for scope in ApiToken.Scope.values:
            raw = token_create(user=users.get(username=username), name=role, scope=scope, days=9)[1]
            clients[f"{role}:{scope}"] = api_client(raw)
    return clients


@pytest.fixture
def filled(demo_with_values):
    period = demo_with_values.period
    submission = (
        Submission.objects.filter(agency__code="DINKES", period=period, evidence__isnull=False)
        .order_by("pk")
        .first()
    )
    item = (
        Assignment.objects.filter(agency__code="DINKES", item__kind="percent")
        .order_by("item__code")
        .first()
        .item
    )
    return {
        "params": {
            "code": period.framework.code,
            "pk": period.pk,
            "region": period.region.slug,
        },
        "pk": {"submissions": submission.pk, "evidence": submission.evidence.first().pk},
        "values": {
            "dry_run": True,
            "rows": [
                {
                    "agency": "DINKES",
                    "item": item.code,
                    "numerator": "1",
                    "denominator": "2",
                }
            ],
        },  # fmt: skip
    }


def _url(route, filled):
    params = dict(filled["params"])
    for prefix, pk in filled["pk"].items():
        if route.startswith(f"/api/v1/{prefix}/"):
            params["pk"] = pk
    return route.format(**params)


def _send(client, method, route, filled):
    url = _url(route, filled)
    if method == "POST" and route.endswith("/values/"):
        return client.post(url, filled["values"], format="json")
    if method == "POST":
        return client.post(url, {}, format="multipart")
    return getattr(client, method.lower())(url)


def test_every_api_operation_has_an_entry():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {
        (method.upper(), path.replace("{id}", "{pk}"))
        for path, item in schema["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }
    assert operations == set(API_MATRIX), operations ^ set(API_MATRIX)


def test_every_visitor_and_scope_gets_what_the_matrix_says(visitors, filled):
    before = (Submission.objects.count(), Submission.objects.order_by("pk").last().version)
    misses = []
    for (method, route), expected in {**API_MATRIX, **NOT_ALLOWED_MATRIX}.items():
        if expected is None:
            continue
        for visitor in VISITORS:
            got = outcome(_send(visitors[visitor], method, route, filled))
            if got != expected[visitor]:
                misses.append(
                    f"{method} {route} as {visitor}: expected {expected[visitor]}, got {got}"
                )
    assert not misses, "\n".join(misses)
    assert (Submission.objects.count(), Submission.objects.order_by("pk").last().version) == before
