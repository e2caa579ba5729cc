"""The REST API (/api/v1/): thin views that fetch through `indicators.access`, validate with a
serializer, call a service or selector, and answer JSON (errors: `api.exceptions`)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api import selectors as open_data
from api import serializers as s
from api import services
from api.models import OpenDataRelease
from api.pagination import check_query
from api.throttling import OpenDataThrottle
from clusters.models import Cluster, EvidenceRequirement, Framework, Indicator, Item
from indicators import access, roles
from indicators.models import Agency, Evidence, OfficialResult, Submission
from indicators.selectors.readiness_views import readiness_document
from indicators.selectors.score_cache import cached_period_score
from indicators.selectors.scores import period_score
from indicators.services import documents
from indicators.views.evidence import evidence_file_response

ERRORS = {
    code: OpenApiResponse(s.ProblemSerializer, description=description)
    for code, description in (
        (400, "Permintaan tidak valid"),
        (401, "Tanpa token, atau token tidak valid, dicabut atau kedaluwarsa"),
        (403, "Tidak diizinkan untuk pengguna atau cakupan token ini"),
        (404, "Tidak ditemukan, atau di luar wilayah pengguna"),
        (409, "Ditolak oleh alur kerja, atau data berubah"),
        (429, "Terlalu banyak permintaan"),
    )
}
READ_ERRORS = {k: v for k, v in ERRORS.items() if k in (400, 401, 403, 404, 429)}


def _query(request) -> dict:
    return request.query_params.dict()


class Strict:
    """Every API view: a query parameter it does not know, or one given twice, is a 400."""

    query_fields: tuple[str, ...] = ()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        allowed = set(self.query_fields)
        if getattr(self, "pagination_class", None) and hasattr(self, "list"):
            allowed |= {"limit", "offset"}
        check_query(request, allowed)


def _errors(*codes):
    return {code: ERRORS[code] for code in codes}


# ---- the edition ---------------------------------------------------------------------------


@extend_schema(tags=["edisi"], responses={200: s.FrameworkSerializer(many=True), **READ_ERRORS})
class FrameworkList(Strict, generics.ListAPIView):
    """Editions of the evaluation instrument."""

    serializer_class = s.FrameworkSerializer
    queryset = Framework.objects.order_by("-year", "code")


@extend_schema(tags=["edisi"], responses={200: s.FrameworkDetailSerializer, **READ_ERRORS})
class FrameworkDetail(Strict, generics.RetrieveAPIView):
    """An edition with its clusters, indicators, items and the documents each item asks for."""

    serializer_class = s.FrameworkDetailSerializer
    lookup_field = "code"
    pagination_class = None

    def get_queryset(self):
        return Framework.objects.prefetch_related(
            Prefetch("clusters", Cluster.objects.order_by("order")),
            Prefetch("clusters__indicators", Indicator.objects.order_by("number")),
            Prefetch("clusters__indicators__items", Item.objects.order_by("order", "code")),
            Prefetch(
                "clusters__indicators__items__evidence_requirements",
                EvidenceRequirement.objects.order_by("order", "code"),
            ),
        )


# ---- regions and periods -------------------------------------------------------------------


@extend_schema(tags=["wilayah"], responses={200: s.RegionSerializer(many=True), **READ_ERRORS})
class RegionList(Strict, generics.ListAPIView):
    """The regions the caller acts for."""

    serializer_class = s.RegionSerializer

    def get_queryset(self):
        return roles.user_regions(self.request.user).order_by("name")


@extend_schema(
    tags=["wilayah"],
    parameters=[s.PeriodFilterSerializer],
    responses={200: s.PeriodSerializer(many=True), **READ_ERRORS},
)
class PeriodList(Strict, generics.ListAPIView):
    """The periods of the caller's regions, newest first."""

    serializer_class = s.PeriodSerializer
    query_fields = ("region", "year")

    def get_queryset(self):
        query = s.PeriodFilterSerializer(data=_query(self.request))
        query.is_valid(raise_exception=True)
        periods = access.periods_visible_to(self.request.user).select_related("open_data")
        if "region" in query.validated_data:
            periods = periods.filter(region__slug=query.validated_data["region"])
        if "year" in query.validated_data:
            periods = periods.filter(year=query.validated_data["year"])
        return periods.order_by("region__name", "-year")


@extend_schema(tags=["wilayah"], responses={200: s.PeriodSerializer, **READ_ERRORS})
class PeriodDetail(Strict, APIView):
    """One period of the caller's regions."""

    def get(self, request, pk):
        period = access.period_for_user(request.user, pk)
        return Response(s.PeriodSerializer(period).data)


def _official(period):
    result = OfficialResult.objects.filter(period=period).first()
    return s.OfficialResultSerializer(result).data if result else None


@extend_schema(
    tags=["nilai"],
    parameters=[s.ScoreQuerySerializer],
    responses={200: s.ScoreSerializer, **READ_ERRORS},
)
class PeriodScore(Strict, APIView):
    """The period's score on a basis: `verified` (approved), `self` (submitted, returned and
    approved) or `ready` (approved with every required document dated right).

    Gugus Tugas, verifiers and admins get the region's score (or one agency's with `agency`);
    an operator gets what their own agency's answers earn."""

    query_fields = ("basis", "agency")

    def get(self, request, pk):
        period = access.period_for_user(request.user, pk)
        query = s.ScoreQuerySerializer(data=_query(request))
        query.is_valid(raise_exception=True)
        basis = query.validated_data["basis"]
        agencies = access.score_agencies(request.user, period, query.validated_data.get("agency"))
        if agencies is None:
            score = cached_period_score(period, basis)
            codes = None
        else:
            score = period_score(period, basis, agencies=agencies)
            codes = list(Agency.objects.filter(pk__in=agencies).values_list("code", flat=True))
        body = {
            "region": period.region.slug,
            "period": period.year,
            "basis": basis,
            "agencies": codes,
            **score.as_json(),
            "official": _official(period),
        }
        return Response(body)


@extend_schema(tags=["nilai"], responses={200: s.ReadinessSerializer, **READ_ERRORS})
class PeriodReadiness(Strict, APIView):
    """The `kla_readiness` document: each non-draft submission judged on the reference date."""

    def get(self, request, pk):
        period = access.period_for_user(request.user, pk)
        if not roles.can_see_dashboard(request.user):
            raise PermissionDenied(
                _("Kesiapan wilayah hanya untuk Gugus Tugas, verifikator dan admin.")
            )
        return Response(readiness_document(period))


# ---- writes --------------------------------------------------------------------------------


def _push_result(plan, *, period, dry_run: bool) -> dict:
    """What the push did (or, with dry_run, would do), row by row with the submission's id."""
    rows = [(row, "new", None) for row in plan.new]
    rows += [(row, "changed", current) for row, current in plan.changed]
    rows += [(row, "unchanged", current) for row, current in plan.unchanged]
    ids = {}
    if not dry_run and plan.new:
        ids = {
            (agency, item): pk
            for pk, agency, item in Submission.objects.filter(
                period=period,
                agency_id__in={row.agency.pk for row in plan.new},
                item_id__in={row.item.pk for row in plan.new},
            ).values_list("pk", "agency_id", "item_id")
        }
    return {
        "dry_run": dry_run,
        "period": period.pk,
        "status": plan.status,
        "new": len(plan.new),
        "changed": len(plan.changed),
        "unchanged": len(plan.unchanged),
        "approved_changed": len(plan.approved_changed),
        "held": len(plan.held),
        "lacking_evidence": len(plan.lacking_evidence),
        "verified_before": float(plan.verified_before),
        "verified_after": float(plan.verified_after),
        "rows": [
            {
                "row": row.row,
                "agency": row.agency.code,
                "item": row.item.code,
                "outcome": outcome,
                "status": current.status if outcome == "unchanged" else row.status,
                "submission": current.pk if current else ids.get(row.key),
            }
            for row, outcome, current in sorted(rows, key=lambda r: r[0].row)
        ],
    }


@extend_schema(
    tags=["kirim"],
    request=s.ValuesPushSerializer,
    responses={200: s.PushResultSerializer, **_errors(400, 401, 403, 404, 409, 429)},
)
class ValuesPush(Strict, APIView):
    """Send an agency's values for the period, with exactly the import's rules: all or nothing,
    every row's errors in the answer, `dry_run` to check only, and approved answers replaced
    only by a verifier who says `replace_approved`. Needs a read-write token."""

    parser_classes = [JSONParser]

    def post(self, request, pk):
        period = access.period_for_user(request.user, pk)
        body = s.ValuesPushSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = services.values_push(user=request.user, period=period, **body.validated_data)
        return Response(_push_result(plan, period=period, dry_run=body.validated_data["dry_run"]))


@extend_schema(
    tags=["kirim"],
    request={"multipart/form-data": s.EvidenceUploadSerializer},
    responses={201: s.EvidenceSerializer, **_errors(400, 401, 403, 404, 409, 429)},
)
class EvidenceUpload(Strict, APIView):
    """Attach a file to one of the caller's agency's answers (a draft or returned one), with
    the checks of an upload: content, macros, size, quotas. `requirement` names the document
    of the item it is, with its number and dates. Needs a read-write token."""

    parser_classes = [MultiPartParser, FormParser]

    def post(self, request, pk):
        submission = access.submission_for_operator(request.user, pk)
        body = s.EvidenceUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        requirement = None
        if data.get("requirement"):
            requirement = get_object_or_404(
                EvidenceRequirement, item=submission.item, code=data["requirement"]
            )
        evidence = documents.document_add(
            submission=submission,
            upload=data["file"],
            actor=request.user,
            requirement=requirement,
            document_date=data.get("document_date"),
            valid_until=data.get("valid_until"),
            number=data.get("document_number", ""),
            title=data.get("title", ""),
        )
        return Response(s.EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


# ---- submissions and files -----------------------------------------------------------------


def _submissions(user):
    return (
        access.submissions_visible_to(user)
        .select_related("agency", "item")
        .prefetch_related(Prefetch("evidence", queryset=_evidence_rows()))
        .order_by("period_id", "item__code", "agency__code", "pk")
    )


def _evidence_rows():
    return Evidence.objects.select_related("requirement").order_by("uploaded_at", "pk")


@extend_schema(
    tags=["isian"],
    parameters=[s.SubmissionFilterSerializer],
    responses={200: s.SubmissionSerializer(many=True), **READ_ERRORS},
)
class SubmissionList(Strict, generics.ListAPIView):
    """The answers the caller may read, with their evidence metadata: an operator's agencies',
    a verifier's region's (Gugus Tugas reads scores, not answers)."""

    serializer_class = s.SubmissionSerializer
    query_fields = ("period", "agency", "item", "status")

    def get_queryset(self):
        query = s.SubmissionFilterSerializer(data=_query(self.request))
        query.is_valid(raise_exception=True)
        rows = _submissions(self.request.user)
        filters = query.validated_data
        if "period" in filters:
            rows = rows.filter(period_id=filters["period"])
        if "agency" in filters:
            rows = rows.filter(agency__code__iexact=filters["agency"])
        if "item" in filters:
            rows = rows.filter(item__code__iexact=filters["item"])
        if "status" in filters:
            rows = rows.filter(status=filters["status"])
        return rows


@extend_schema(tags=["isian"], responses={200: s.SubmissionSerializer, **READ_ERRORS})
class SubmissionDetail(Strict, generics.RetrieveAPIView):
    """One answer the caller may read, with its evidence metadata."""

    serializer_class = s.SubmissionSerializer

    def get_queryset(self):
        return _submissions(self.request.user)


@extend_schema(
    tags=["isian"],
    responses={
        (200, "*/*"): OpenApiResponse(OpenApiTypes.BINARY, description="Isi berkas"),
        **READ_ERRORS,
    },
)
class EvidenceFile(Strict, APIView):
    """The body of an evidence file, to those who may download it in the portal; 404 to others."""

    def get(self, request, pk):
        return evidence_file_response(access.evidence_for_user(request.user, pk))


# ---- open data -----------------------------------------------------------------------------


def _state(period):
    release = OpenDataRelease.objects.filter(period=period).first()
    slug = period.region.slug
    return {
        "period": period.pk,
        "region": slug,
        "year": period.year,
        "published": release is not None,
        "published_at": timezone.localtime(release.published_at) if release else None,
        "json_url": reverse("api:open-data-json", args=[slug]),
        "csv_url": reverse("api:open-data-csv", args=[slug]),
    }


@extend_schema(tags=["data terbuka"])
class OpenDataState(Strict, APIView):
    """Whether the period's aggregate scores are published as open data; a verifier of the
    region publishes (PUT) or withdraws (DELETE) them with a read-write token."""

    @extend_schema(responses={200: s.OpenDataStateSerializer, **READ_ERRORS})
    def get(self, request, pk):
        return Response(_state(access.period_for_user(request.user, pk)))

    @extend_schema(request=None, responses={200: s.OpenDataStateSerializer, **READ_ERRORS})
    def put(self, request, pk):
        period = access.period_for_verifier(request.user, pk)
        services.open_data_publish(period=period, actor=request.user)
        return Response(_state(period))

    @extend_schema(request=None, responses={200: s.OpenDataStateSerializer, **READ_ERRORS})
    def delete(self, request, pk):
        period = access.period_for_verifier(request.user, pk)
        services.open_data_unpublish(period=period, actor=request.user)
        return Response(_state(period))


class _Public(Strict, APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [OpenDataThrottle]


class OpenDataIndex(_Public):
    """The regions that publish open data, with their published years. Anonymous."""

    @extend_schema(tags=["data terbuka"], auth=[], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return Response({"regions": open_data.published_regions()})


def _cacheable(request, body: str, content_type: str, filename: str | None = None):
    """A public answer that a cache may keep but must check again each time (never stale)."""
    etag = open_data.etag_of(body)
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type=content_type)
        if filename:
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["ETag"] = etag
    response["Cache-Control"] = "public, no-cache"
    response["Vary"] = "Accept-Language"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _document(region):
    try:
        return open_data.open_data_document(region)
    except OpenDataRelease.DoesNotExist:
        raise Http404(_("Wilayah ini belum menerbitkan data terbuka.")) from None


class OpenDataJson(_Public):
    """A region's published years as JSON with the Satu Data metadata. Anonymous."""

    @extend_schema(
        tags=["data terbuka"],
        auth=[],
        responses={200: OpenApiTypes.OBJECT, 404: ERRORS[404], 429: ERRORS[429]},
    )
    def get(self, request, region):
        body = open_data.json_body(_document(region))
        return _cacheable(request, body, "application/json")


class OpenDataCsv(_Public):
    """A region's published years as CSV (one row per total, category, cluster, indicator and
    official result); the metadata is the JSON's. Anonymous."""

    @extend_schema(
        tags=["data terbuka"],
        auth=[],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR),
            404: ERRORS[404],
            429: ERRORS[429],
        },
    )
    def get(self, request, region):
        body = open_data.open_data_csv(_document(region))
        return _cacheable(
            request, body, "text/csv; charset=utf-8", filename=f"kla-{region}-nilai.csv"
        )
