"""The verification pack as a ZIP: the scope's files, `index.xlsx`, `index.html`, `SHA256SUMS`.

Files go under `<cluster>/<indicator>/<item>/<agency>/<NN>-<clean name>` (selectors/packs.py
says which and where). A region's pack may be several GB, so nothing is held whole in memory:
each file is read from the evidence storage (local or S3) in chunks into a spooled temporary
file while its SHA-256 is computed, and only a file whose checksum matches the stored one is
copied, again in chunks, into the archive (ZIP64, stored: documents and photos are already
compressed). A file that no longer matches, or is gone, is left out and reported: in the result,
the index and on the command line, never packed silently.
"""

from __future__ import annotations

import datetime
import hashlib
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import quote

from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from openpyxl import Workbook

from indicators.answers import format_number
from indicators.exports.cells import sheet_cell
from indicators.models import Period, evidence_storage
from indicators.selectors import scores
from indicators.selectors.packs import Filters, PackFile, pack_files, pack_items

CHUNK = 1024 * 1024
# Files up to this size are checked in memory, larger ones on the temporary disk.
SPOOL_BYTES = 1024 * 1024
INDEX_XLSX, INDEX_HTML, SUMS = "index.xlsx", "index.html", "SHA256SUMS"
BASES = (scores.VERIFIED, scores.SELF, scores.READY)


@dataclass
class Progress:
    """How far a build is: files and bytes of the scope's files."""

    files_total: int = 0
    files_done: int = 0
    bytes_total: int = 0
    bytes_done: int = 0
    current: str = ""


@dataclass
class PackResult:
    """What went into the archive and what was left out (and why)."""

    packed: list[PackFile] = field(default_factory=list)
    left_out: list[dict] = field(default_factory=list)
    bytes_packed: int = 0


class _Hashing:
    """A writable stream that passes bytes on and keeps their SHA-256."""

    def __init__(self, stream):
        self.stream, self.digest = stream, hashlib.sha256()

    def write(self, data):
        self.digest.update(data)
        return self.stream.write(data)


def _zipinfo(name: str, when: datetime.datetime, compress: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=timezone.localtime(when).timetuple()[:6])
    info.compress_type = compress
    info.external_attr = 0o644 << 16
    return info


def _checked_copy(row: PackFile, progress: Progress, report):
    """The stored file in a spooled temporary file whose SHA-256 matched the stored one, or the
    report (a dict) of why it is left out."""
    digest, size = hashlib.sha256(), 0
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - the caller closes it
    try:
        with evidence_storage().open(row.storage_name, "rb") as source:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                spool.write(chunk)
                size += len(chunk)
                progress.bytes_done += len(chunk)
                report(progress)
    except (FileNotFoundError, OSError) as exc:
        spool.close()
        return _leave_out(row, _("berkas tidak ditemukan di penyimpanan (%s)") % type(exc).__name__)
    if digest.hexdigest() != row.sha256:
        spool.close()
        return _leave_out(
            row,
            _("checksum tidak cocok: tersimpan %(stored)s, terbaca %(read)s")
            % {"stored": row.sha256, "read": digest.hexdigest()},
        )
    spool.seek(0)
    return spool


def _leave_out(row: PackFile, reason: str) -> dict:
    return {
        "evidence": row.evidence_id,
        "path": row.path,
        "agency": row.agency,
        "item": row.item,
        "name": row.original_name,
        "reason": reason,
    }


def pack_write(
    out,
    *,
    period: Period,
    filters: Filters,
    progress: Callable[[Progress], None] | None = None,
    now: datetime.datetime | None = None,
) -> PackResult:
    """Write the pack of `period` and `filters` as a ZIP into `out` (a path or binary file)."""
    now = now or timezone.now()
    report = progress or (lambda p: None)
    files = pack_files(period, filters)
    unique = {row.path: row for row in files}
    state = Progress(files_total=len(unique), bytes_total=sum(row.size for row in unique.values()))
    report(state)
    result = PackResult()
    sums: list[tuple[str, str]] = []
    refused: set[str] = set()
    with zipfile.ZipFile(out, "w", allowZip64=True) as archive:
        for path, row in unique.items():
            state.current = path
            spool = _checked_copy(row, state, report)
            if isinstance(spool, dict):
                result.left_out.append(spool)
                refused.add(path)
            else:
                with (
                    spool,
                    archive.open(
                        _zipinfo(path, now, zipfile.ZIP_STORED), "w", force_zip64=True
                    ) as entry,
                ):
                    while chunk := spool.read(CHUNK):
                        entry.write(chunk)
                sums.append((row.sha256, path))
                result.bytes_packed += row.size
            state.files_done += 1
            report(state)
        result.packed = [row for row in files if row.path not in refused]
        items = pack_items(period, filters, files)
        points = {basis: scores.item_points(period, basis) for basis in BASES}
        header = _header(period, filters, now, result)
        for name, writer in (
            (INDEX_XLSX, lambda s: _write_xlsx(s, header, result, items, points)),
            (INDEX_HTML, lambda s: _write_html(s, header, result, items, points)),
        ):
            with archive.open(_zipinfo(name, now, zipfile.ZIP_DEFLATED), "w") as entry:
                hashing = _Hashing(entry)
                writer(hashing)
            sums.append((hashing.digest.hexdigest(), name))
        lines = "".join(f"{digest}  {path}\n" for digest, path in sums)
        archive.writestr(_zipinfo(SUMS, now, zipfile.ZIP_DEFLATED), lines.encode())
    return result


# ---- the index ---------------------------------------------------------------------------------


def _header(period, filters: Filters, now, result: PackResult) -> list[tuple[str, str]]:
    scope = {
        "approved": _("disetujui"),
        "ready": _("siap verifikasi"),
        "all": _("semua diajukan"),
        "findings": _("jawaban catatan verifikator"),
    }
    chosen = ", ".join(
        f"{label} {code}"
        for label, code in (
            (_("klaster"), filters.cluster),
            (_("OPD"), filters.agency),
            (_("butir"), filters.item),
        )
        if code
    )
    return [
        (_("Wilayah"), period.region.name),
        (_("Periode"), str(period.year)),
        (_("Cakupan"), str(scope[filters.scope]) + (f" ({chosen})" if chosen else "")),
        (_("Dibuat"), timezone.localtime(now).strftime("%d-%m-%Y %H:%M %Z")),
        (_("Tanggal acuan dokumen"), period.reference_on.strftime("%d-%m-%Y")),
        (_("Jumlah berkas"), format_number(len({r.path for r in result.packed}))),
        (_("Tidak disertakan"), format_number(len(result.left_out))),
    ]


def _file_columns():
    return [
        (_("Klaster"), lambda r: r.cluster),
        (_("Nama klaster"), lambda r: r.cluster_name),
        (_("Indikator"), lambda r: r.indicator),
        (_("Nama indikator"), lambda r: r.indicator_name),
        (_("Butir"), lambda r: r.item),
        (_("Nama butir"), lambda r: r.item_name),
        (_("Dokumen yang diminta"), lambda r: r.requirement),
        (_("OPD"), lambda r: r.agency),
        (_("Nama OPD"), lambda r: r.agency_name),
        (_("Judul"), lambda r: r.title or r.original_name),
        (_("Nomor dokumen"), lambda r: r.document_number),
        (_("Tanggal dokumen"), lambda r: r.document_date),
        (_("Berlaku sampai"), lambda r: r.valid_until),
        (_("Status isian"), lambda r: r.status),
        (_("Disetujui oleh"), lambda r: r.approved_by),
        (_("Disetujui pada"), lambda r: _local(r.approved_at)),
        (_("SHA-256"), lambda r: r.sha256),
        (_("Ukuran (byte)"), lambda r: r.size),
        (_("Path dalam arsip"), lambda r: r.path),
    ]


def _item_columns(points):
    return [
        (_("Klaster"), lambda i: i.cluster),
        (_("Indikator"), lambda i: i.indicator),
        (_("Butir"), lambda i: i.item),
        (_("Nama butir"), lambda i: i.item_name),
        (_("OPD"), lambda i: i.agency),
        (_("Status isian"), lambda i: i.status),
        (_("Jawaban"), lambda i: i.answer),
        (_("Jumlah berkas"), lambda i: i.files),
        (_("Nilai butir terverifikasi"), lambda i: points[scores.VERIFIED].get(i.item)),
        (_("Nilai butir mandiri"), lambda i: points[scores.SELF].get(i.item)),
        (_("Nilai butir siap verifikasi"), lambda i: points[scores.READY].get(i.item)),
    ]


def _left_out_columns():
    return [
        (_("Butir"), lambda x: x["item"]),
        (_("OPD"), lambda x: x["agency"]),
        (_("Nama berkas"), lambda x: x["name"]),
        (_("Sebab"), lambda x: x["reason"]),
    ]


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _write_xlsx(stream, header, result: PackResult, items, points):
    """The index as a workbook written row by row (write-only), every text cell neutralised."""
    workbook = Workbook(write_only=True)

    def sheet(title, columns, rows):
        ws = workbook.create_sheet(title)
        ws.freeze_panes = "A2"
        ws.append([sheet_cell(label) for label, _value in columns])
        for row in rows:
            ws.append([_xlsx_value(value(row)) for _label, value in columns])
        return ws

    sheet(_("Berkas"), _file_columns(), result.packed)
    sheet(_("Butir"), _item_columns(points), items)
    sheet(_("Tidak disertakan"), _left_out_columns(), result.left_out)
    about = workbook.create_sheet(_("Tentang"))
    for label, value in header:
        about.append([sheet_cell(label), sheet_cell(value)])
    with tempfile.SpooledTemporaryFile(max_size=8 * CHUNK) as spool:
        workbook.save(spool)
        spool.seek(0)
        while chunk := spool.read(CHUNK):
            stream.write(chunk)


def _xlsx_value(value):
    if isinstance(value, Decimal):
        return float(value)
    return sheet_cell(value)


def _html_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, Decimal):
        return format_number(value, 2)
    if isinstance(value, int):
        return format_number(value)
    return escape(value)


STYLE = (
    "body{font-family:sans-serif;margin:1.5rem;color:#212529}"
    "table{border-collapse:collapse;font-size:.85rem;margin-bottom:2rem}"
    "th,td{border:1px solid #ccc;padding:.25rem .4rem;vertical-align:top;text-align:left}"
    "th{background:#f1f3f5;position:sticky;top:0}td.sha{font-family:monospace;font-size:.7rem}"
)


def _write_html(stream, header, result: PackResult, items, points):
    """The same index as one plain page: relative links, no script, readable offline."""

    def put(text):
        stream.write(text.encode())

    title = escape(_("Paket verifikasi KLA"))
    put(f'<!DOCTYPE html>\n<html lang="id"><head><meta charset="utf-8"><title>{title}</title>')
    put(f"<style>{STYLE}</style></head><body><h1>{title}</h1><table>")
    for label, value in header:
        put(f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>")
    put("</table>")

    columns = _file_columns()
    put(f"<h2>{escape(_('Berkas'))}</h2><table><tr>")
    put("".join(f"<th>{escape(label)}</th>" for label, _value in columns) + "</tr>")
    for row in result.packed:
        cells = []
        for label, value in columns:
            text = _html_value(value(row))
            if value(row) == row.path:
                text = f'<a href="{escape(quote(row.path))}">{text}</a>'
            css = ' class="sha"' if label == _("SHA-256") else ""
            cells.append(f"<td{css}>{text}</td>")
        put("<tr>" + "".join(cells) + "</tr>\n")
    put("</table>")

    for heading, cols, rows in (
        (_("Butir"), _item_columns(points), items),
        (_("Tidak disertakan"), _left_out_columns(), result.left_out),
    ):
        put(f"<h2>{escape(heading)}</h2><table><tr>")
        put("".join(f"<th>{escape(label)}</th>" for label, _value in cols) + "</tr>")
        for row in rows:
            put("<tr>" + "".join(f"<td>{_html_value(v(row))}</td>" for _l, v in cols) + "</tr>\n")
        put("</table>")
    put("</body></html>\n")
