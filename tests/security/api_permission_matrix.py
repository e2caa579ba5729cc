"""The API's outcome for every operation, for every kind of visitor and token scope.

Visitors are those of `permission_matrix.ROLES`, each with a read-only and a read-write token
(anonymous has none). Path parameters are filled with objects of agency A (Dinkes) in Kota
Balikpapan; writes are sent so that even an allowed one changes nothing (a dry run, withdrawing
an unpublished year, a file-less upload). `test_permission_matrix.py` in tests/api/ fails on
any API operation of the schema missing here.
"""

from tests.security.permission_matrix import ROLES
from tests.security.urlwalk import BAD, FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, UNAUTHORIZED

SCOPES = ("read", "write")
# operator_a, operator_b, verifier, verifier_other, gugus_tugas, superuser. The province
# verifiers (issue 16) read in the portal and the admin only: the API scopes by the regions a
# user acts for (`roles.user_regions`), where they have none; not visited here yet.
NAMED = ROLES[1:7]
VISITORS = ("anonymous", *(f"{role}:{scope}" for role in NAMED for scope in SCOPES))


def each(operator_a, operator_b, verifier, verifier_other, gugus_tugas, superuser, *, read=None):
    """Outcomes of the six signed-in roles; `read` overrides every read-only token's (writes)."""
    outcomes = dict(zip(NAMED, (operator_a, operator_b, verifier, verifier_other, gugus_tugas,
                                superuser), strict=True))  # fmt: skip
    result = {"anonymous": UNAUTHORIZED}
    for role, outcome in outcomes.items():
        result[f"{role}:read"] = read or outcome
        result[f"{role}:write"] = outcome
    return result


ALL = each(OK, OK, OK, OK, OK, OK)
REGION = each(OK, OK, OK, NOT_FOUND, OK, OK)
AGENCY_A = each(OK, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK)
PUBLIC = dict.fromkeys(VISITORS, OK)

API_MATRIX = {
    ("GET", "/api/v1/frameworks/"): ALL,
    ("GET", "/api/v1/frameworks/{code}/"): ALL,
    ("GET", "/api/v1/regions/"): ALL,
    ("GET", "/api/v1/periods/"): ALL,
    ("GET", "/api/v1/periods/{pk}/"): REGION,
    # an operator reads their own agency's score; readiness is the dashboard's
    ("GET", "/api/v1/periods/{pk}/score/"): REGION,
    ("GET", "/api/v1/periods/{pk}/readiness/"): each(FORBIDDEN, FORBIDDEN, OK, NOT_FOUND, OK, OK),
    # a dry run of one Dinkes row: operator B may not send agency A's values
    ("POST", "/api/v1/periods/{pk}/values/"): each(
        OK, BAD, OK, NOT_FOUND, FORBIDDEN, OK, read=FORBIDDEN
    ),
    ("GET", "/api/v1/periods/{pk}/open-data/"): REGION,
    ("PUT", "/api/v1/periods/{pk}/open-data/"): None,  # see DELETE: the same rule, not sent
    ("DELETE", "/api/v1/periods/{pk}/open-data/"): each(
        FORBIDDEN, FORBIDDEN, OK, NOT_FOUND, FORBIDDEN, OK, read=FORBIDDEN
    ),
    ("GET", "/api/v1/submissions/"): ALL,
    ("GET", "/api/v1/submissions/{pk}/"): AGENCY_A,
    # without a file: agency A's operator is told what is missing, anyone else finds nothing
    ("POST", "/api/v1/submissions/{pk}/evidence/"): each(
        BAD, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, read=FORBIDDEN
    ),
    ("GET", "/api/v1/evidence/{pk}/file/"): AGENCY_A,
    ("GET", "/api/v1/open-data/"): PUBLIC,
    ("GET", "/api/v1/open-data/{region}/scores.json"): dict.fromkeys(VISITORS, NOT_FOUND),
    ("GET", "/api/v1/open-data/{region}/scores.csv"): dict.fromkeys(VISITORS, NOT_FOUND),
}

# A method an operation does not have: 405 for anyone the API lets in.
NOT_ALLOWED_MATRIX = {
    ("GET", "/api/v1/periods/{pk}/values/"): each(*[NOT_ALLOWED] * 6),
    ("DELETE", "/api/v1/submissions/{pk}/"): each(*[NOT_ALLOWED] * 6, read=FORBIDDEN),
}
