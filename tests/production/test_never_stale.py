"""The cached pages are never stale: after every kind of write, in a random order, the operator
home, the item page, the dashboard and the review queue served from the content cache equal a
fresh rendering.

The writes really commit (a transactional test), so the data version moves as in production:
through the services, the admin's kind of model saves, and the bulk paths that send no signal
(`QuerySet.update`, `bulk_create`, `QuerySet.delete`). On the local-memory cache and on Redis.
"""

import contextlib
import datetime
import random
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import F
from django.test import Client, override_settings

from clusters.models import BandCondition, CategoryBand, Cluster, Indicator, Item
from facilities.models import Certification, Facility, FacilityType
from facilities.seeding import certify, place
from facilities.services import reference_load
from indicators import roles
from indicators.models import Agency, Assignment, Evidence, Kelurahan, Period, Region, Submission
from indicators.services import evidence as evidence_service
from indicators.services import workflow
from indicators.services.importing import values_import
from indicators.views.workspace import item_url
from kla_portal import versions
from tests.conftest import PDF, attach_evidence

pytestmark = pytest.mark.django_db(transaction=True)
STEPS = 30
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
PRINTED = re.compile(r'<p class="print-only small" id="printed-by">.*?</p>', re.S)


@pytest.fixture(params=["locmem", "redis"])
def any_cache(request):
    if request.param == "redis":
        request.getfixturevalue("redis_cache")


class World:
    """The demo city, its three visitors' clients and the handful of rows the writes touch."""

    def __init__(self, demo, operator, verifier, gugus_tugas, superuser, seed):
        self.rng = random.Random(seed)
        if not FacilityType.objects.exists():  # a transactional test flushed the reference data
            reference_load()
        self.period = demo.period
        self.dinkes = Agency.objects.get(region=demo.region, code="DINKES")
        self.operator, self.verifier, self.superuser = operator, verifier, superuser
        self.verifier_group = Group.objects.get(name=roles.VERIFIER)
        self.verifier_agency = Agency.objects.filter(members=verifier).order_by("pk").first()
        self.second_agency = (
            Agency.objects.filter(region=demo.region).exclude(members=operator).order_by("pk")
        ).first()
        assigned = Item.objects.filter(
            assignments__agency=self.dinkes, indicator__cluster__framework=self.period.framework
        ).order_by("code")
        kinds = {}
        for item in assigned:
            kinds.setdefault(item.kind, item)
        self.items = list(kinds.values())  # one item of each kind: every answer form
        self.clients = {}
        for name, user in (("operator", operator), ("gugus", gugus_tugas), ("verifier", verifier)):
            client = Client()
            client.force_login(user)
            self.clients[name] = client
        # The review queue (issue 18) too: every status, and the waiting ones.
        queues = [("verifier", "/admin/review/?status=all"), ("verifier", "/admin/review/")]
        first = self.submission(self.items[0]) or Submission.objects.create(
            agency=self.dinkes, item=self.items[0], period=self.period, **self.values(self.items[0])
        )
        queues.append(("verifier", f"/admin/review/{first.pk}/"))  # its review page
        self.pages = [("operator", "/"), ("gugus", "/dashboard/"), *queues] + [
            ("operator", item_url(self.dinkes, item.code)) for item in self.items
        ]

    def submission(self, item):
        return Submission.objects.filter(agency=self.dinkes, item=item, period=self.period).first()

    def values(self, item):
        n = self.rng.randint(0, 40)
        if item.kind == "check":
            return {"answer_yes": self.rng.random() < 0.5}
        if item.kind == "count":
            return {"count": n}
        return {"numerator": n, "denominator": 40}


def _page(world, who, path):
    response = world.clients[who].get(path)
    html = response.content.decode()
    return response.status_code, PRINTED.sub("", CSRF.sub("", html))


def _compare(world, label):
    for who, path in world.pages:
        cached = _page(world, who, path)
        with override_settings(SCORE_CACHE_SECONDS=0):  # every cache off: rendered fresh
            fresh = _page(world, who, path)
        assert cached == fresh, f"{path} stale after {label}"


# ---- the writes: every kind that shows on the three pages ------------------------------------


def draft_save(w):
    item = w.rng.choice(w.items)
    found = w.submission(item) or Submission(agency=w.dinkes, item=item, period=w.period)
    if found.pk is None or workflow.can_edit(found):
        workflow.submission_save(
            submission=found, values=w.values(item), actor=w.operator, version=None
        )


def submit(w):
    for item in w.items:
        found = w.submission(item)
        if found and found.status in ("draft", "returned") and found.has_value:
            workflow.submission_submit(submission=found, actor=w.operator, version=None)
            return


def review(w):
    waiting = Submission.objects.filter(period=w.period, status="submitted").order_by("?").first()
    if waiting is None:
        return
    if w.rng.random() < 0.5:
        workflow.submission_approve(submission_id=waiting.pk, actor=w.verifier, note="Cukup.")
    else:
        workflow.submission_return(submission_id=waiting.pk, actor=w.verifier, note="Lengkapi.")


def reopen(w):
    approved = Submission.objects.filter(period=w.period, status="approved").first()
    if approved:
        workflow.submission_reopen(submission_id=approved.pk, actor=w.verifier, note="Cek SK.")


def values_import_row(w):
    item = next((i for i in w.items if i.kind == "percent"), w.items[0])
    numbers = {"check": ",,ya", "count": ",,7", "percent": "33,40,"}[item.kind]
    content = f"agency,item,numerator,denominator,value,note\nDINKES,{item.code},{numbers},b\n"
    found = w.submission(item)
    if found is None or found.status not in ("approved",):
        values_import(
            content=content.encode(), filename="v.csv", period=w.period, status="submitted"
        )


def evidence_upload(w):
    found = w.submission(w.rng.choice(w.items))
    if found:
        attach_evidence(found, content=PDF + bytes([w.rng.randint(0, 255)]))


def evidence_remove(w):
    file = Evidence.objects.filter(
        submission__agency=w.dinkes, submission__status__in=("draft", "returned")
    ).first()
    if file:
        evidence_service.evidence_remove(evidence=file, actor=w.operator)


def evidence_bulk_delete(w):
    first = Evidence.objects.filter(submission__agency=w.dinkes).order_by("pk").first()
    if first:
        Evidence.objects.filter(pk=first.pk).delete()  # a QuerySet delete, no view


def bulk_status(w):
    status = w.rng.choice(["draft", "submitted", "approved", "returned"])
    Submission.objects.filter(agency=w.dinkes, period=w.period).update(status=status)


def bulk_create_answers(w):
    missing = [i for i in w.items if w.submission(i) is None]
    Submission.objects.bulk_create(
        Submission(agency=w.dinkes, item=i, period=w.period, status="draft", **w.values(i))
        for i in missing
    )


def item_edit(w):
    Item.objects.filter(pk=w.rng.choice(w.items).pk).update(name=f"Butir {w.rng.randint(1, 99)}")


def indicator_edit(w):
    Indicator.objects.filter(pk=w.items[0].indicator_id).update(
        name=f"Indikator {w.rng.randint(1, 99)}"
    )


def cluster_edit(w):
    cluster = Cluster.objects.get(indicators__items=w.items[0])
    cluster.name = f"Klaster {w.rng.randint(1, 99)}"
    cluster.save()  # the admin's way: a model save


def band_edit(w):
    CategoryBand.objects.filter(framework=w.period.framework).update(
        min_total=F("min_total") + w.rng.choice([-7, 7])
    )


def agency_edit(w):
    Agency.objects.filter(pk=w.dinkes.pk).update(name=f"Dinas Kesehatan {w.rng.randint(1, 99)}")


def assignment_toggle(w):
    item = w.items[-1]
    gone = Assignment.objects.filter(agency=w.dinkes, item=item).delete()[0]
    if not gone:
        Assignment.objects.bulk_create([Assignment(agency=w.dinkes, item=item)])


def period_dates(w):
    Period.objects.filter(pk=w.period.pk).update(
        closes_on=F("closes_on") + datetime.timedelta(days=w.rng.choice([-20, 20]))
    )


def period_lock(w):
    period = Period.objects.get(pk=w.period.pk)
    period.locked = not period.locked
    period.save()


def facility_and_certificate(w):
    kelurahan = Kelurahan.objects.filter(kecamatan__region=w.period.region).order_by("pk").first()
    facility = place(
        w.period.region, "PUSKESMAS", f"Puskesmas {w.rng.randint(1, 999)}", kelurahan, "DINKES"
    )
    today = datetime.date.today()
    certify(facility, "PRAP", today - datetime.timedelta(days=300), today + datetime.timedelta(10))


def certificate_bulk_update(w):
    Certification.objects.filter(facility__agency=w.dinkes).update(
        valid_until=datetime.date.today() + datetime.timedelta(days=w.rng.randint(1, 90))
    )


def facility_close(w):
    Facility.objects.filter(agency=w.dinkes).update(active=False)


def user_rename(w):
    get_user_model().objects.filter(pk=w.verifier.pk).update(
        username=f"verifikator{w.rng.randint(1, 99)}"
    )


# ---- writes to what decides access (issue 18: the access facts are cached too) ---------------


def group_toggle(w):
    """The verifier leaves or rejoins the verifiers' group (the admin's user form)."""
    if w.verifier.groups.filter(pk=w.verifier_group.pk).exists():
        w.verifier.groups.remove(w.verifier_group)
    else:
        w.verifier.groups.add(w.verifier_group)


def group_rename(w):
    """The group renamed (and back): its name is the role."""
    name = Group.objects.get(pk=w.verifier_group.pk).name
    renamed = roles.VERIFIER if name != roles.VERIFIER else f"{roles.VERIFIER} (lama)"
    Group.objects.filter(pk=w.verifier_group.pk).update(name=renamed)


def membership_toggle(w):
    """The verifier taken out of, or put back in, their agency (in bulk: no signal)."""
    through = Agency.members.through
    if not through.objects.filter(agency=w.verifier_agency, user=w.verifier).delete()[0]:
        through.objects.bulk_create([through(agency=w.verifier_agency, user=w.verifier)])


def operator_second_agency(w):
    """The operator made a member of a second agency (the home's switcher), or no longer."""
    through = Agency.members.through
    if not through.objects.filter(agency=w.second_agency, user=w.operator).delete()[0]:
        through.objects.bulk_create([through(agency=w.second_agency, user=w.operator)])


def region_rename(w):
    Region.objects.filter(pk=w.period.region_id).update(name=f"Kota Uji {w.rng.randint(1, 99)}")


def period_next_year(w):
    """Next year's period opened (the scope's current period moves to it), or removed."""
    following = w.period.year + 1
    if not Period.objects.filter(region=w.period.region, year=following).delete()[0]:
        Period.objects.create(
            region=w.period.region,
            framework=w.period.framework,
            year=following,
            opens_on=datetime.date(following, 1, 2),
            closes_on=datetime.date(following, 12, 31),
        )


def band_condition(w):
    """A category's condition beyond points (issue 16), added or removed in bulk."""
    band = CategoryBand.objects.filter(framework=w.period.framework).order_by("-order").first()
    if not BandCondition.objects.filter(band=band).delete()[0]:
        BandCondition.objects.bulk_create(
            [BandCondition(band=band, kind=BandCondition.Kind.ITEM_FULL, item=w.items[0])]
        )


def stage_record(w):
    """A ministry stage of the period with its date (the dashboard's timeline)."""
    from verification.models import Stage

    held = datetime.date.today() - datetime.timedelta(days=w.rng.randint(1, 60))
    Stage.objects.update_or_create(
        period=w.period, kind=w.rng.choice(["self", "va", "vl"]), defaults={"held_on": held}
    )


def finding_flow(w):
    """A verifier's finding recorded, or the open one answered or closed (issue 16)."""
    from verification.models import Finding
    from verification.services import findings

    found = Finding.objects.filter(period=w.period).exclude(status="closed").first()
    with contextlib.suppress(findings.FindingError):
        if found is None:
            findings.finding_create(
                period=w.period,
                stage="vl",
                item=w.items[0],
                text="Unggah laporan resmi.",
                agencies=[w.dinkes],
                actor=w.verifier,
            )
        elif found.status == "open":
            findings.finding_answer(
                finding=found,
                agency=w.dinkes,
                note="Sudah diunggah.",
                actor=w.operator,
                version=found.version,
            )
        else:
            findings.finding_close(finding=found, actor=w.verifier, version=found.version)


WRITES = [
    band_condition,
    stage_record,
    finding_flow,
    draft_save,
    submit,
    review,
    reopen,
    values_import_row,
    evidence_upload,
    evidence_remove,
    evidence_bulk_delete,
    bulk_status,
    bulk_create_answers,
    item_edit,
    indicator_edit,
    cluster_edit,
    band_edit,
    agency_edit,
    assignment_toggle,
    period_dates,
    period_lock,
    facility_and_certificate,
    certificate_bulk_update,
    facility_close,
    user_rename,
    group_toggle,
    group_rename,
    membership_toggle,
    operator_second_agency,
    region_rename,
    period_next_year,
]


@pytest.mark.parametrize("seed", [1, 2])
def test_cached_pages_equal_fresh_ones_after_every_kind_of_write(
    any_cache, demo, operator, verifier, gugus_tugas, superuser, seed
):
    world = World(demo, operator, verifier, gugus_tugas, superuser, seed)
    _compare(world, "nothing")
    # Every kind of write at least once, then random ones; the pages are read (and cached)
    # before each write, then compared with fresh renderings after it.
    writes = world.rng.sample(WRITES, len(WRITES)) + world.rng.choices(WRITES, k=STEPS)
    for n, write in enumerate(writes):
        for who, path in world.pages:
            world.clients[who].get(path)
        before = versions.current()
        # A refused write (locked period, wrong status) changes nothing.
        with contextlib.suppress(workflow.WorkflowError):
            write(world)
        _compare(world, f"step {n}: {write.__name__} (version {before} -> {versions.current()})")


def test_the_pages_are_served_from_the_cache_when_nothing_changed(
    any_cache, demo, operator, verifier, gugus_tugas, superuser
):
    world = World(demo, operator, verifier, gugus_tugas, superuser, 0)
    for who, path in world.pages:
        first = world.clients[who].get(path)
        second = world.clients[who].get(path)
        rendered = [t.name for t in second.templates]
        assert first.status_code == second.status_code == 200
        # The page around the content is rendered again; the content itself is not.
        assert not any(name.endswith("_content.html") for name in rendered), (path, rendered)
        assert any(name.endswith("_content.html") for name in (t.name for t in first.templates))


def test_the_dashboard_counts_an_upload_at_once(any_cache, demo, gugus_tugas):
    """The "tanpa data dukung" column once stayed as it was after an upload."""
    client = Client()
    client.force_login(gugus_tugas)
    item = (
        Item.objects.filter(assignments__agency__code="DINKES", evidence_required=True)
        .order_by("code")
        .first()
    )
    agency = Agency.objects.get(code="DINKES")
    # Waiting for review without a file (as an import leaves it): counted as without evidence.
    waiting = Submission.objects.create(
        agency=agency,
        item=item,
        period=demo.period,
        status="submitted",
        answer_yes=True,
        count=1,
        numerator=1,
        denominator=2,
    )

    def without_files():
        page = client.get("/dashboard/").content.decode()
        row = re.search(r"<tr>\s*<th[^>]*><a [^>]*agency=DINKES#.*?</tr>", page, re.S)
        return row.group(0) if row else page

    before = without_files()
    attach_evidence(waiting)
    after = without_files()
    assert before != after
    with override_settings(SCORE_CACHE_SECONDS=0):
        assert without_files() == after


def test_a_refused_post_is_never_cached_nor_served_from_the_cache(any_cache, demo, operator):
    """The form's bound state is the user's own: the error page renders fresh, and the next
    GET shows what is stored, not what was typed."""
    client = Client()
    client.force_login(operator)
    item = Item.objects.filter(assignments__agency__code="DINKES", kind="percent").first()
    url = item_url(Agency.objects.get(code="DINKES"), item.code)
    assert client.get(url).status_code == 200  # the content is cached now
    typed = {"intent": "save", "version": 0, "numerator": "777", "denominator": "abc"}
    refused = client.post(url, typed)
    assert refused.status_code == 400
    assert 'value="777"' in refused.content.decode()
    again = client.get(url)
    assert again.status_code == 200
    assert 'value="777"' not in again.content.decode()
    assert not any(t.name.endswith("_content.html") for t in again.templates)  # from the cache


def test_text_that_names_a_placeholder_is_shown_as_typed(any_cache, demo, operator):
    """A narrative naming what the cached content's placeholders looked like is printed as the
    operator wrote it: each rendering draws its own token, so nothing a user types is ever
    replaced by the CSRF token or another piece of the page."""
    client = Client()
    client.force_login(operator)
    item = Item.objects.filter(assignments__agency__code="DINKES", kind="percent").first()
    dinkes = Agency.objects.get(code="DINKES")
    typed = "klafreshcsrf0b6e5f1d klafreshcsrf klafreshfindings7d3b9a"
    Submission.objects.update_or_create(
        agency=dinkes,
        item=item,
        period=demo.period,
        defaults={"numerator": 1, "denominator": 2, "narrative": typed},
    )
    url = item_url(dinkes, item.code)
    first = client.get(url).content.decode()
    again = client.get(url).content.decode()  # from the cache
    assert typed in first and typed in again
    assert 'name="csrfmiddlewaretoken" value="klafresh' not in again  # the token is put in
