"""Errors: one JSON shape, Indonesian by default, English with Accept-Language: en (API only)."""

from tests.api.conftest import api_client, token_for


def test_errors_are_indonesian_by_default_and_english_on_request(demo):
    indonesian = api_client().get("/api/v1/regions/").json()
    assert indonesian["title"] == "Perlu autentikasi"
    english = api_client(language="en").get("/api/v1/regions/").json()
    assert english["title"] == "Authentication required"
    assert set(english) == {"type", "title", "status", "detail", "code", "errors"}


def test_accept_language_changes_nothing_outside_the_api(client, operator):
    client.force_login(operator)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="id"' in page


def test_unknown_addresses_and_nul_under_api_are_json(demo):
    client = api_client(token_for("verifikator"), language="en")
    missing = client.get("/api/v1/nope/")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    too_long = client.get("/api/v1/periods/" + "9" * 30 + "/")
    assert too_long.status_code == 404 and too_long.json()["status"] == 404
    nul = client.get("/api/v1/periods/?region=%00")
    assert nul.status_code == 400 and nul.json()["code"] == "nul"


def test_bad_query_parameters_are_400_with_the_field(demo):
    client = api_client(token_for("verifikator"))
    for query in ("limit=0", "limit=abc", "offset=-1", "year=x", "colour=red", "year=1&year=2"):
        response = client.get(f"/api/v1/periods/?{query}")
        assert response.status_code == 400, query
        assert response.json()["errors"][0]["field"], query
    score = client.get(f"/api/v1/periods/{demo.period.pk}/score/?basis=nope")
    assert score.status_code == 400 and score.json()["errors"][0]["field"] == "basis"


def test_requests_past_the_limit_are_429_with_retry_after(demo, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "api": "3/minute",
            "api_write": "1/minute",
            "open_data": "2/minute",
        },
    }
    client = api_client(token_for("verifikator"))
    codes = [client.get("/api/v1/regions/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get("/api/v1/regions/")
    assert limited.json()["status"] == 429 and int(limited.headers["Retry-After"]) > 0
    anonymous = [api_client().get("/api/v1/open-data/").status_code for _ in range(3)]
    assert anonymous == [200, 200, 429]
