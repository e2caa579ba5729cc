"""The documents each item asks for: shipped with the edition, kept when edited, copied forward."""

import csv

from clusters.models import EvidenceRequirement
from clusters.services import FIXTURES, bundled_editions, framework_copy, framework_load


def _fixture_rows():
    with open(FIXTURES / "kla-2026" / "evidence_requirements.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_bundled_edition_ships_every_requirement_of_the_reference_data(framework):
    rows = _fixture_rows()
    stored = EvidenceRequirement.objects.filter(item__indicator__cluster__framework=framework)
    assert len(rows) == 72
    assert set(stored.values_list("item__code", "code")) == {(r["item"], r["code"]) for r in rows}
    decree = stored.get(item__code="K.2.a", code="sk")
    assert (decree.required, decree.max_age_months, decree.must_be_in_force) == (True, None, True)
    report = stored.get(item__code="K.2.b", code="notulen")
    assert (report.required, report.max_age_months, report.must_be_in_force) == (True, 12, False)


def test_loading_again_changes_nothing_and_keeps_admin_edits(framework):
    edited = EvidenceRequirement.objects.get(item__code="K.2.b", code="notulen")
    edited.max_age_months = 6
    edited.required = False
    edited.save()
    report = framework_load(directory=bundled_editions()[0])
    assert report.created["requirements"] == 0 and not report.created_any
    edited.refresh_from_db()
    assert (edited.max_age_months, edited.required) == (6, False)


def test_copying_an_edition_copies_its_requirements_as_edited(framework):
    edited = EvidenceRequirement.objects.get(item__code="K.2.b", code="notulen")
    edited.max_age_months = 24
    edited.save()
    target = framework_copy(source=framework, code="kla-2027", name="KLA 2027", year=2027)
    copied = EvidenceRequirement.objects.filter(item__indicator__cluster__framework=target)
    assert copied.count() == 72
    assert copied.get(item__code="K.2.b", code="notulen").max_age_months == 24
    # the source edition keeps its own rows
    assert (
        EvidenceRequirement.objects.filter(item__indicator__cluster__framework=framework).count()
        == 72
    )
