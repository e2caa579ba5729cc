"""The `make bench` harness: its trivial route stays out of production, budgets are judged right."""

import pytest
from django.urls import NoReverseMatch, reverse

from benchmarks.pages import PAGES, Page, page_path, sample_objects, session_cookie
from benchmarks.report import budgets


def test_production_has_no_trivial_bench_route(client):
    with pytest.raises(NoReverseMatch):
        reverse("bench-trivial")
    assert client.get("/bench/trivial").status_code in (302, 404)


def test_bench_urls_add_the_trivial_view_beside_the_portal(client, settings, db):
    settings.ROOT_URLCONF = "benchmarks.urls"
    response = client.get("/bench/trivial")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert client.get("/healthz").status_code == 200


def test_the_trivial_view_is_the_first_page_and_every_page_has_a_budget():
    assert PAGES[0].path == "/bench/trivial"
    assert all(page.budget >= 1 for page in PAGES)


@pytest.mark.parametrize(
    "engine", ["django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cache"]
)
def test_every_benched_page_answers_the_bench_session_on_generated_data(
    generate, client, settings, engine, monkeypatch
):
    settings.ROOT_URLCONF = "benchmarks.urls"
    settings.MIDDLEWARE = ["benchmarks.cold.ColdMiddleware", *settings.MIDDLEWARE]
    settings.SESSION_ENGINE = engine  # the bench runs with Redis: sessions in the cache
    generate(regions=2, agencies=20)
    objects = sample_objects()
    written = objects["cold_submission"]
    assert written.period.region != objects["submission"].period.region
    monkeypatch.setenv("BENCH_COLD_SUBMISSION", str(written.pk))
    for page in PAGES:
        client.cookies.clear()
        if page.user:
            name, _, key = session_cookie(objects[page.user]).partition("=")
            client.cookies[name] = key
        path = page_path(page, objects)
        headers = {"X-Bench-Cold": "1"} if page.cold else {}
        assert client.get(path, headers=headers).status_code == 200, (page.name, path)


def test_a_cold_request_follows_a_committed_write_that_moves_the_version(
    generate, client, settings, monkeypatch
):
    from kla_portal import versions

    settings.ROOT_URLCONF = "benchmarks.urls"
    settings.MIDDLEWARE = ["benchmarks.cold.ColdMiddleware", *settings.MIDDLEWARE]
    generate(regions=2, agencies=20)
    objects = sample_objects()
    monkeypatch.setenv("BENCH_COLD_SUBMISSION", str(objects["cold_submission"].pk))
    before = versions.current()
    assert client.get("/bench/trivial", headers={"X-Bench-Cold": "1"}).status_code == 200
    middle = versions.current()
    assert client.get("/bench/write").status_code == 200
    assert before != middle != versions.current()
    assert client.get("/bench/trivial").status_code == 200
    assert versions.current() == versions.current()


def test_a_page_the_bench_cannot_locate_is_refused():
    with pytest.raises(ValueError):
        page_path(Page("nothing", None, locate="nowhere"), {"submission": None})


def _run(connections, ratio, errors=0):
    return {"connections": connections, "ratio_p50": ratio, "errors": errors}


def test_budgets_are_judged_at_eight_connections_and_errors_count():
    results = {
        "pages": [
            {"name": "trivial", "status": "measured", "budget": 1, "runs": [_run(8, 1.0)]},
            {
                "name": "fast",
                "status": "measured",
                "budget": 5,
                "runs": [_run(8, 4.9), _run(32, 9)],
            },
            {"name": "slow", "status": "measured", "budget": 5, "runs": [_run(8, 5.1, errors=2)]},
            {"name": "later", "status": "missing", "budget": 5},
        ],
        "import": {"rows": 10, "ratio": 6.0, "budget": 5.0},
    }
    met = {check["budget"]: check["met"] for check in budgets(results)}
    assert met == {
        "fast p50 <= 5x trivial at c=8": True,
        "slow p50 <= 5x trivial at c=8": False,
        "import of 10 rows <= 5x bulk_create": False,
        "zero errors": False,
    }
