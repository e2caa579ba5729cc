"""Schemathesis against the API's own OpenAPI schema: every operation, bounded examples, valid
and invalid input, as a superuser and as an operator, with zero server errors and zero answers
outside the schema (status codes, content types, bodies)."""

import json
from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from api.services import open_data_publish
from indicators.models import Evidence, Submission
from tests.api.conftest import token_for

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
EXAMPLES = 5  # per operation, user and mode: 18 operations x 2 users x 2 modes


def api_schema() -> schemathesis.BaseSchema:
    raw = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(raw)))


@pytest.fixture
def keep_connection():
    """The WSGI app closes the database connection after each request; inside the test's
    transaction it must stay open, as Django's own test client arranges."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_settings(settings, keep_connection):
    settings.ALLOWED_HOSTS = ["*"]
    # The limits are tested on their own (test_throttling); here they would only answer 429.
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {name: "100000/minute" for name in rates},
    }
    return settings


def real_ids(period):
    """Ids of real objects, so that examples reach past the 404 of a random id."""
    submission = Submission.objects.filter(period=period, evidence__isnull=False).first()
    return {
        "id": [period.pk, submission.pk, Evidence.objects.first().pk],
        "code": [period.framework.code],
        "region": [period.region.slug],
    }


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize("username", ["admin", "operator.dinkes"])
def test_every_operation_answers_within_its_schema(demo_with_values, fuzz_settings, username):
    period = demo_with_values.period
    open_data_publish(period=period, actor=None)
    ids = real_ids(period)
    app = get_wsgi_application()
    raw = token_for(username)
    schema = api_schema()

    # Through schemathesis's auth, so that a case meant to lack the token really lacks it.
    @schema.auth()
    class Bearer:
        def get(self, case, context):
            return raw

        def set(self, case, data, context):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 18
    unsatisfiable = []
    answered = Counter()
    for operation in operations:
        for mode in ("positive", "negative"):
            strategy = operation.as_strategy(generation_mode=schemathesis.GenerationMode(mode))

            @given(case=strategy, pick=st.integers(min_value=0, max_value=5))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def run(case, pick):  # called at once below, so the loop's variables hold
                for name, values in ids.items():
                    # Half the valid examples on a real object, when the operation names one.
                    named = name in (case.path_parameters or {})
                    if mode == "positive" and named and pick < 3:  # noqa: B023
                        case.path_parameters[name] = values[pick % len(values)]
                response = case.call_and_validate(app=app, checks=CHECKS)
                answered[(operation.label, response.status_code)] += 1  # noqa: B023

            try:
                run()
            except Unsatisfiable:
                # Nothing to make invalid: no parameters, no body, no authentication.
                assert mode == "negative", operation.label
                unsatisfiable.append(operation.label)
    # The token was sent: the superuser had a 200 (or 201) from nearly every operation; the
    # operator is refused the verifier's writes, the readiness and other agencies' files.
    succeeded = {label for (label, code), _n in answered.items() if code in (200, 201)}
    least = len(operations) - 2 if username == "admin" else 10
    assert len(succeeded) >= least, sorted({op.label for op in operations} - succeeded)
    # The anonymous open data: no authentication to leave out, and any text is a region slug.
    assert all(label.startswith("GET /api/v1/open-data/") for label in unsatisfiable)
