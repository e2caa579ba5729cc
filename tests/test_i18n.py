"""English is available: the catalogue covers every string, and a visitor who picks it reads it."""

import ast
import datetime
import html
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from clusters.models import Cluster, Item
from indicators.models import Agency, Submission
from indicators.views.workspace import item_url

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{.*?\}\}|</?\w+>")
# Words the Indonesian interface shows on these pages; none may survive in English (whole words:
# the framework's own names, such as "Lingkungan Keluarga", stay Indonesian data).
INDONESIAN = re.compile(r"\b(Beranda|Keluar|Ganti|Periode|Diajukan|Disetujui|Dikembalikan)\b")


def po_entries(path=PO):
    """The catalogue's entries as dicts (msgctxt, msgid, msgid_plural, msgstr[n], flags)."""
    entries = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        entry, field = {"flags": set()}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[field] += ast.literal_eval(line)
            else:
                field, _, text = line.partition(" ")
                entry[field] = ast.literal_eval(text)
        if entry.get("msgid"):
            entries.append(entry)
    return entries


def translations(entry):
    """(source, translation) pairs of one entry: one, or one per plural form."""
    if "msgid_plural" in entry:
        return [(entry["msgid"], entry["msgstr[0]"]), (entry["msgid_plural"], entry["msgstr[1]"])]
    return [(entry["msgid"], entry["msgstr"])]


@pytest.fixture
def compiled_catalogue():
    """Fail, not skip, when the English catalogue was not compiled: English would be Indonesian."""
    if not MO.exists():
        pytest.fail(f"{MO.relative_to(ROOT)} is missing: run `make install` to compile it")
    if MO.stat().st_mtime < PO.stat().st_mtime:
        pytest.fail(f"{MO.relative_to(ROOT)} is older than its .po: run `make install`")


def need(tool):
    path = shutil.which(tool)
    if not path:
        pytest.fail(f"{tool} not found: install Debian's gettext (apt-get install gettext)")
    return path


def test_english_catalogue_compiles_without_errors(tmp_path):
    msgfmt = need("msgfmt")
    result = subprocess.run(  # noqa: S603 - Debian's msgfmt on our own catalogue
        [msgfmt, "--check", "-o", str(tmp_path / "django.mo"), str(PO)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_every_english_entry_is_translated_and_none_is_fuzzy():
    entries = po_entries()
    assert len(entries) > 300
    untranslated = [e["msgid"] for e in entries for _, text in translations(e) if not text]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


def test_english_keeps_every_placeholder_and_tag_of_the_indonesian():
    broken = [
        (source, text)
        for entry in po_entries()
        for source, text in translations(entry)
        if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text))
    ]
    assert broken == []


def test_english_catalogue_has_every_string_marked_in_the_source(tmp_path):
    """A fresh `makemessages` over a copy of the code finds no msgid the catalogue lacks."""
    need("xgettext")
    for entry in ROOT.iterdir():
        is_code = (entry / "__init__.py").exists() or entry.name == "templates"
        if entry.is_dir() and is_code and entry.name not in {"tests", "benchmarks"}:
            shutil.copytree(entry, tmp_path / entry.name, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "manage.py", tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--verbosity", "0"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "kla_portal.test_settings"},
        check=True,
    )

    def keys(path):
        return {(e.get("msgctxt"), e["msgid"]) for e in po_entries(path)}

    fresh = keys(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po")
    missing = sorted(fresh - keys(PO), key=str)
    assert missing == [], "run `make messages`, then translate the new entries in the .po"


def choose_english(client, next_url="/"):
    response = client.post("/i18n/setlang/", {"language": "en", "next": next_url})
    assert response.status_code == 302


def assert_english(html, *english):
    assert '<html lang="en">' in html
    for text in english:
        assert text in html
    assert INDONESIAN.findall(html) == []


@pytest.mark.django_db
def test_a_new_visitor_reads_the_login_page_in_indonesian(client, compiled_catalogue):
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="id">' in html
    assert "Masuk ke Portal KLA" in html
    assert "Sign in" not in html


@pytest.mark.django_db
def test_login_page_is_english_after_choosing_english(client, compiled_catalogue):
    choose_english(client, "/accounts/login/")
    html = client.get("/accounts/login/").content.decode()
    assert_english(html, "Sign in to the KLA Portal", "Username", "Password", "Change")
    assert "Masuk" not in html


def test_operator_home_stays_indonesian_without_a_choice(client, demo_with_values, operator):
    client.force_login(operator)
    html = client.get("/").content.decode()
    assert "Diajukan" in html
    assert "Submitted" not in html


def test_operator_home_is_english_after_choosing_english(
    client, demo_with_values, operator, compiled_catalogue
):
    client.force_login(operator)
    choose_english(client)
    html = client.get("/").content.decode()
    assert_english(html, "Sign out", "Submitted", "to fill in", "Items assigned to the OPD")
    assert "perlu diisi" not in html


def test_item_page_is_english_after_choosing_english(
    client, demo_with_values, operator, compiled_catalogue
):
    agency = Agency.objects.get(code="DINKES")
    submission = Submission.objects.filter(agency=agency, status="submitted").first()
    client.force_login(operator)
    choose_english(client)
    html = client.get(item_url(agency, submission.item.code)).content.decode()
    assert_english(html, "About this item", "Review history", "Submitted", "Answer")
    assert "Riwayat tinjauan" not in html


def test_dashboard_is_english_after_choosing_english(
    client, demo_with_values, gugus_tugas, compiled_catalogue
):
    client.force_login(gugus_tugas)
    choose_english(client, "/dashboard/")
    html = client.get("/dashboard/").content.decode()
    assert_english(html, "KLA Gugus Tugas dashboard", "Self-assessment", "Submitted", "Approved")
    assert "Penilaian mandiri" not in html


@pytest.mark.django_db
def test_an_english_browser_still_gets_indonesian_until_english_is_chosen(client):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Masuk ke Portal KLA" in page.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="id")
    assert "Masuk ke Portal KLA" not in page.content.decode()


# ---- messages from the Python code, and the framework's own names ---------------------------

CHECK, PERCENT = "III.17.a", "III.13.a"  # Dinkes items: a yes/no and a percentage
IMPORT = "/admin/indicators/submission/import/"


def speak(client, language):
    """Read the portal in `language`: Indonesian needs no choice, English is chosen."""
    if language == "en":
        choose_english(client)


def post_item(client, code, data):
    return client.post(f"/items/{code}/?agency=DINKES", data)


@pytest.mark.parametrize(
    ("language", "said", "not_said"),
    [
        ("id", "Butir ini wajib dilengkapi data dukung", "needs evidence"),
        ("en", "This item needs evidence before it is submitted", "wajib dilengkapi"),
    ],
)
def test_submitting_without_evidence_is_refused_in_the_chosen_language(
    client, demo, operator, compiled_catalogue, language, said, not_said
):
    client.force_login(operator)
    speak(client, language)
    response = post_item(client, CHECK, {"intent": "submit", "version": 0, "answer": "1"})
    assert response.status_code == 400
    assert said in response.content.decode()
    assert not_said not in response.content.decode()


@pytest.mark.parametrize(
    ("language", "said", "not_said"),
    [
        ("id", "Masa pengisian periode %(year)s sudah ditutup (%(date)s).", "has closed"),
        ("en", "Entry for period %(year)s has closed (%(date)s).", "sudah ditutup"),
    ],
)
def test_a_workflow_refusal_is_reported_in_the_chosen_language(
    client, demo, operator, compiled_catalogue, language, said, not_said
):
    period = demo.period
    period.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    period.save()
    client.force_login(operator)
    speak(client, language)
    # A page opened before the deadline is sent after it: the workflow itself refuses.
    data = {"intent": "save", "version": 0, "numerator": "9", "denominator": "10"}
    response = post_item(client, PERCENT, data)
    page = response.content.decode()
    assert response.status_code == 400
    assert said % {"year": period.year, "date": f"{period.closes_on:%d-%m-%Y}"} in page
    assert not_said not in page
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("language", "said", "not_said"),
    [
        (
            "id",
            "Isi berkas tidak dikenali sebagai jenis yang diterima. Jenis yang diterima:",
            "Accepted",
        ),
        ("en", "content is not recognised as an accepted type. Accepted types: PDF", "Jenis yang"),
    ],
)
def test_a_refused_upload_says_why_in_the_chosen_language(
    client, demo, operator, compiled_catalogue, language, said, not_said
):
    client.force_login(operator)
    speak(client, language)
    page = html.unescape(
        post_item(
            client,
            CHECK,
            {
                "intent": "save",
                "version": 0,
                "answer": "1",
                "file": SimpleUploadedFile("laporan.pdf", b"<html><script>x</script></html>"),
            },
        ).content.decode()
    )
    assert said in page
    assert not_said not in page
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("language", "said", "not_said"),
    [
        ("id", ["tidak dikenal di wilayah ini", "tidak boleh lebih besar dari penyebut"], "must"),
        ("en", ["is unknown in this region", "must not be greater than the denominator"], "tidak"),
    ],
)
def test_import_row_errors_read_in_the_chosen_language(
    client, demo, verifier, compiled_catalogue, language, said, not_said
):
    client.force_login(verifier)
    speak(client, language)
    rows = (
        "agency,item,numerator,denominator,value,note\nXYZ,II.11.a,,,4,\nDISDIK,IV.19.a,201,200,,\n"
    )
    file = SimpleUploadedFile("nilai.csv", rows.encode())
    response = client.post(IMPORT, {"period": demo.period.pk, "status": "submitted", "file": file})
    messages = [error.message for error in response.context["errors"]]
    page = html.unescape(response.content.decode())
    for text in said:
        assert any(text in message for message in messages)
        assert text in page
    assert not any(not_said in message for message in messages)
    assert not Submission.objects.exists()


def test_item_page_names_the_item_and_indicator_in_english_once_chosen(
    client, demo, operator, compiled_catalogue
):
    item = Item.objects.select_related("indicator").get(code=PERCENT)
    client.force_login(operator)
    indonesian = client.get(f"/items/{PERCENT}/?agency=DINKES").content.decode()
    assert item.name in indonesian and item.indicator.name in indonesian
    assert item.name_en not in indonesian

    choose_english(client)
    english = client.get(f"/items/{PERCENT}/?agency=DINKES").content.decode()
    assert item.name_en == "Under-five stunting prevalence"
    assert item.name_en in english and item.indicator.name_en in english
    assert item.name not in english and item.indicator.name not in english


def test_operator_home_names_clusters_indicators_and_items_in_the_chosen_language(
    client, demo, operator, compiled_catalogue
):
    item = Item.objects.select_related("indicator__cluster").get(code=PERCENT)
    names = [item.name, item.indicator.name, item.indicator.cluster.name]
    names_en = [item.name_en, item.indicator.name_en, item.indicator.cluster.name_en]
    client.force_login(operator)
    indonesian = html.unescape(client.get("/").content.decode())
    assert all(name in indonesian for name in names)
    assert not any(name in indonesian for name in names_en)

    choose_english(client)
    english = html.unescape(client.get("/").content.decode())
    assert all(name in english for name in names_en)
    assert not any(name in english for name in names)


def test_dashboard_names_the_framework_in_the_chosen_language(
    client, demo_with_values, gugus_tugas, compiled_catalogue
):
    item = Item.objects.select_related("indicator__cluster").get(code=PERCENT)
    names = [item.name, item.indicator.name, item.indicator.cluster.name]
    names_en = [item.name_en, item.indicator.name_en, item.indicator.cluster.name_en]
    client.force_login(gugus_tugas)
    indonesian = html.unescape(client.get("/dashboard/").content.decode())
    assert all(name in indonesian for name in names)
    assert not any(name in indonesian for name in names_en)

    choose_english(client, "/dashboard/")
    english = html.unescape(client.get("/dashboard/").content.decode())
    assert all(name in english for name in names_en)
    assert not any(name in english for name in names)


def test_dashboard_workbook_follows_the_chosen_language(
    client, demo_with_values, gugus_tugas, compiled_catalogue
):
    item = Item.objects.get(code=PERCENT)
    client.force_login(gugus_tugas)

    def workbook():
        content = client.get("/dashboard/export.xlsx").content
        return openpyxl.load_workbook(io.BytesIO(content), read_only=True)

    def cells(book, sheet):
        return {cell for row in book[sheet].iter_rows(values_only=True) for cell in row if cell}

    indonesian = workbook()
    assert indonesian.sheetnames[:3] == ["Ringkasan", "Klaster", "Indikator"]
    assert {"Pertanyaan", item.name} <= cells(indonesian, "Butir")

    choose_english(client, "/dashboard/")
    english = workbook()
    assert english.sheetnames[:3] == ["Summary", "Cluster", "Indicator"]
    items = cells(english, "Item")
    assert {"Question", item.name_en} <= items
    assert item.name not in items


def test_admin_index_names_clusters_in_the_chosen_language(
    client, demo_with_values, verifier, compiled_catalogue
):
    clusters = list(Cluster.objects.filter(framework=demo_with_values.period.framework))
    client.force_login(verifier)
    indonesian = html.unescape(client.get("/admin/").content.decode())
    assert all(c.name in indonesian and c.name_en not in indonesian for c in clusters)

    choose_english(client, "/admin/")
    english = html.unescape(client.get("/admin/").content.decode())
    assert all(c.name_en in english and c.name not in english for c in clusters)


@pytest.mark.django_db
def test_a_framework_name_without_english_falls_back_to_indonesian(framework):
    item = Item.objects.filter(indicator__cluster__framework=framework).first()
    item.name_en = ""
    with translation.override("en"):
        assert item.label == item.name
    item.name_en = "In English"
    with translation.override("en"):
        assert item.label == "In English"
    with translation.override("id"):
        assert item.label == item.name
