"""API fixtures: a token per kind of user and scope, and a client that sends it."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from api.models import ApiToken
from api.services import token_create


def token_for(username: str, scope: str = ApiToken.Scope.WRITE) -> str:
    user = get_user_model().objects.get(username=username)
    return token_create(user=user, name=f"{username} {scope}", scope=scope, days=30)[1]


def api_client(raw: str | None = None, language: str | None = None) -> APIClient:
    client = APIClient(raise_request_exception=False)
    headers = {}
    if raw:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    if language:
        headers["HTTP_ACCEPT_LANGUAGE"] = language
    client.credentials(**headers)
    return client


@pytest.fixture
def as_user():
    """`as_user("operator.dinkes", "write")`: an API client with a fresh token of that user."""

    def make(username: str, scope: str = ApiToken.Scope.WRITE, language: str | None = None):
        return api_client(token_for(username, scope), language)

    return make
