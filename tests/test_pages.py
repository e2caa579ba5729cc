"""The front door: login page, admin and health check answer."""

import pytest


@pytest.mark.django_db
def test_login_page_is_served_in_indonesian(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "Masuk ke Portal KLA" in response.content.decode()


@pytest.mark.django_db
def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_login_then_home(client, operator):
    from tests.conftest import PASSWORD

    response = client.post(
        "/accounts/login/", {"username": "operator.dinkes", "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    # The login page echoes the username, so seeing it proves nothing: check the session.
    assert response.context["user"].username == "operator.dinkes"
    assert response.context["user"].is_authenticated
    assert response.redirect_chain == [("/", 302)]


def test_a_wrong_password_does_not_log_in(client, operator):
    response = client.post(
        "/accounts/login/", {"username": "operator.dinkes", "password": "wrong"}, follow=True
    )
    assert not response.context["user"].is_authenticated
    assert "_auth_user_id" not in client.session


def test_admin_index_for_superuser(client, superuser):
    client.force_login(superuser)
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_healthz_answers_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
