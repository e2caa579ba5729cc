"""Personal tokens: created and revoked on one's own page, stored hashed, expiring, scoped."""

import datetime
import re

from django.utils import timezone

from api.models import ApiToken, token_digest
from tests.api.conftest import api_client, token_for


def test_a_user_creates_a_token_sees_it_once_and_it_is_stored_hashed(client, operator):
    client.force_login(operator)
    page = client.post("/api/tokens/", {"name": "Sistem gizi", "scope": "write", "days": 90})
    assert page.status_code == 200
    raw = re.search(r'value="(kla_[^"]+)"', page.content.decode()).group(1)
    token = ApiToken.objects.get(user=operator)
    assert token.digest == token_digest(raw) and raw not in str(token.__dict__)
    assert token.scope == "write"
    assert (token.expires_at - timezone.now()).days in (89, 90)
    # Shown once: the list afterwards carries the prefix only.
    listed = client.get("/api/tokens/").content.decode()
    assert raw not in listed and token.prefix in listed
    assert api_client(raw).get("/api/v1/regions/").status_code == 200


def test_a_revoked_or_expired_token_is_refused(client, operator):
    raw = token_for("operator.dinkes")
    token = ApiToken.objects.get(user=operator)
    client.force_login(operator)
    assert client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 302
    response = api_client(raw).get("/api/v1/regions/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Token ini sudah dicabut."
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    other = token_for("operator.dinkes")
    ApiToken.objects.filter(digest=token_digest(other)).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert api_client(other).get("/api/v1/regions/").json()["detail"] == (
        "Token ini sudah kedaluwarsa."
    )


def test_nobody_revokes_another_users_token(client, operator, other_operator):
    token_for("operator.dinkes")
    token = ApiToken.objects.get(user=operator)
    client.force_login(other_operator)
    assert client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_session_alone_does_not_open_the_api(client, operator):
    client.force_login(operator)
    assert client.get("/api/v1/regions/").status_code == 401
    # ... but it opens the documentation and the schema.
    assert client.get("/api/docs/").status_code == 200
    assert client.get("/api/schema/").status_code == 200


def test_bad_authorization_headers_are_401_problems(demo):
    for header in ("Bearer", "Bearer a b", "Bearer nope", "Bearer " + "x" * 500, "Token \xe9"):
        client = api_client()
        client.credentials(HTTP_AUTHORIZATION=header)
        response = client.get("/api/v1/regions/")
        assert response.status_code == 401, header
        assert response.json()["status"] == 401


def test_a_bad_token_form_is_refused_with_the_reason(client, operator):
    client.force_login(operator)
    response = client.post("/api/tokens/", {"name": " ", "scope": "root", "days": 9999})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()
