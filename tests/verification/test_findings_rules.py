"""The rules of findings that the flow tests take for granted: a locked year stays as it was,
every named agency answers before DP3AKB decides, a province verifier keeps to its own stage,
nobody decides what they answered, and a reminder is claimed only when it is sent."""

import datetime
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from clusters.models import Item
from indicators import roles
from indicators.models import Agency, Period, Region
from kla_portal import versions
from tests.conftest import make_province_verifier
from verification.models import Finding
from verification.services import findings as services
from verification.services.mail import finding_reminders_send

F = Finding.Status


def _answer(finding, code, user):
    return services.finding_answer(
        finding=finding,
        agency=Agency.objects.get(code=code),
        note=f"Jawaban {code}",
        actor=user,
        version=Finding.objects.get(pk=finding.pk).version,
    )


def test_a_locked_years_findings_are_neither_recorded_nor_decided(demo, verifier, record):
    finding = record()
    _answer(finding, "DINKES", get_user_model().objects.get(username="operator.dinkes"))
    Period.objects.filter(pk=demo.period.pk).update(locked=True)
    demo.period.refresh_from_db()
    with pytest.raises(services.FindingError, match="terkunci"):
        record()
    current = Finding.objects.get(pk=finding.pk)
    with pytest.raises(services.FindingError, match="terkunci"):
        services.finding_close(finding=current, actor=verifier, version=current.version)
    with pytest.raises(services.FindingError, match="terkunci"):
        services.finding_reopen(
            finding=current, actor=verifier, version=current.version, note="Belum cukup."
        )
    assert Finding.objects.get(pk=finding.pk).status == F.ANSWERED


def test_a_finding_of_two_agencies_waits_for_both_and_reminds_the_one_still_silent(
    record, operator, other_operator, settings
):
    finding = record(agency_codes=("DINKES", "DISDIK"))
    _answer(finding, "DINKES", operator)
    current = Finding.objects.get(pk=finding.pk)
    assert current.status == F.OPEN  # DISDIK has not answered
    assert current.version == 2  # a page seen before the answer conflicts
    mail.outbox.clear()
    settings.FINDING_REMINDER_HOURS = 12
    assert finding_reminders_send(now=current.due_at - datetime.timedelta(hours=1)).sent == [
        finding.pk
    ]
    disdik = {u.email for u in Agency.objects.get(code="DISDIK").members.all() if u.email}
    assert {r for m in mail.outbox for r in m.to} == disdik  # not Dinkes, which answered
    _answer(finding, "DISDIK", other_operator)
    assert Finding.objects.get(pk=finding.pk).status == F.ANSWERED


def test_a_province_verifier_decides_only_its_own_stage(demo, verifier, record):
    Region.objects.filter(pk=demo.region.pk).update(province="Kalimantan Timur")
    user = make_province_verifier("Kalimantan Timur", "prov.kaltim")
    field_visit = record(stage="vl")  # DP3AKB's, of the ministry's field visit
    with pytest.raises(services.FindingError):
        services.finding_close(finding=field_visit, actor=user, version=field_visit.version)
    with pytest.raises(services.FindingError):
        services.finding_create(
            period=demo.period,
            stage="vl",
            item=Item.objects.get(code="III.13.a"),
            text="Bukan tahapnya.",
            agencies=list(Agency.objects.filter(region=demo.region, code="DINKES")),
            actor=user,
        )
    own = services.finding_create(
        period=demo.period,
        stage="va",
        item=Item.objects.get(code="III.13.a"),
        text="SK belum diperbarui.",
        agencies=list(Agency.objects.filter(region=demo.region, code="DINKES")),
        actor=user,
    )
    assert services.finding_close(finding=own, actor=user, version=own.version).status == F.CLOSED


def test_nobody_decides_a_finding_they_answered(demo, record, operator):
    """A superuser who is also a member of the agency named answers, then may not close."""
    both = get_user_model().objects.create_superuser("dual", "dual@example.org", "x")
    both.groups.add(roles.roles_ensure_groups()[roles.OPERATOR])
    Agency.objects.get(code="DINKES").members.add(both)
    finding = record()
    _answer(finding, "DINKES", both)
    current = Finding.objects.get(pk=finding.pk)
    with pytest.raises(services.FindingError, match="verifikator lain"):
        services.finding_close(finding=current, actor=both, version=current.version)


def test_only_the_agencies_operators_answer(record, verifier):
    """A verifier who belongs to the lead agency's members is no operator of it."""
    dp3akb = Agency.objects.get(code="DP3AKB")
    dp3akb.members.add(verifier)
    finding = record(agency_codes=("DP3AKB",))
    with pytest.raises(services.FindingError):
        _answer(finding, "DP3AKB", verifier)


def test_a_reminder_that_fails_to_send_is_tried_again(record, settings):
    settings.FINDING_REMINDER_HOURS = 12
    finding = record()
    inside = finding.due_at - datetime.timedelta(hours=1)
    with mock.patch("verification.services.mail.send_mail", side_effect=OSError("SMTP down")):
        assert finding_reminders_send(now=inside).sent == []
    assert Finding.objects.get(pk=finding.pk).reminded_at is None
    assert finding_reminders_send(now=inside).sent == [finding.pk]


def test_a_reminder_stamp_leaves_the_data_version(record, settings):
    finding = record()
    before = versions.current()
    Finding.objects.filter(pk=finding.pk).update(reminded_at=finding.due_at)
    assert versions.current() == before


def test_the_file_that_answers_a_live_finding_cannot_be_removed(record, operator, verifier):
    from indicators.models import Evidence, Submission
    from indicators.services.evidence import evidence_remove
    from indicators.services.workflow import WorkflowError
    from tests.conftest import PDF, upload

    finding = record()
    response = services.finding_answer(
        finding=finding, agency=Agency.objects.get(code="DINKES"), note="Terlampir.",
        actor=operator, version=1, upload=upload(PDF, "laporan.pdf"),
    )  # fmt: skip
    evidence = response.evidence
    assert Submission.objects.get(pk=evidence.submission_id).status == "draft"  # editable
    with pytest.raises(WorkflowError, match="catatan verifikator"):
        evidence_remove(evidence=evidence, actor=operator)
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    current = Finding.objects.get(pk=finding.pk)
    services.finding_close(finding=current, actor=verifier, version=current.version)
    evidence_remove(evidence=Evidence.objects.get(pk=evidence.pk), actor=operator)  # settled
    assert not Evidence.objects.filter(pk=evidence.pk).exists()


def test_the_home_says_when_it_shows_only_the_first_findings(client, record, operator):
    from verification.selectors.findings import HOME_LIMIT

    for _ in range(HOME_LIMIT + 2):
        record()
    client.force_login(operator)
    page = client.get("/").content.decode()
    assert f"{HOME_LIMIT}+</span>" in page
    assert f"Hanya {HOME_LIMIT} catatan pertama" in page


def test_a_document_of_another_item_is_refused_at_its_field(demo, record, operator):
    """An indicator's finding offers the requirements of its items; the one chosen must be the
    file's item's, and the form says so at that field."""
    from clusters.models import EvidenceRequirement, Indicator
    from tests.conftest import PDF, upload
    from verification.forms import AnswerForm
    from verification.services.findings import answer_items

    indicator = Indicator.objects.get(code="III.13")
    finding = services.finding_create(
        period=demo.period, stage="va", indicator=indicator, text="Lengkapi data gizi.",
        agencies=list(Agency.objects.filter(region=demo.region, code="DINKES")),
        actor=get_user_model().objects.get(username="verifikator"),
    )  # fmt: skip
    dinkes = Agency.objects.get(code="DINKES")
    items = list(answer_items(finding, dinkes))
    stunting, wasting = (next(i for i in items if i.code == c) for c in ("III.13.a", "III.13.b"))
    other = EvidenceRequirement.objects.filter(item=wasting).first()
    form = AnswerForm(
        data={
            "agency": str(dinkes.pk), "item": str(stunting.pk), "note": "Terlampir.",
            "requirement": str(other.pk), "document_date": "01-07-2026",
            "version": finding.version,
        },
        files={"file": upload(PDF, "gizi.pdf")},
        agencies=[dinkes], items=items,
    )  # fmt: skip
    assert not form.is_valid()
    assert "butir III.13.a" in " ".join(form.errors["requirement"])
