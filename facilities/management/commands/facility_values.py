"""manage.py facility_values --period YEAR --region SLUG [--format json|table]"""

from facilities.selectors import facility_values_document
from indicators.management.period_document import PeriodDocumentCommand


class Command(PeriodDocumentCommand):
    help = (
        "Cetak nilai setiap butir yang diisi register fasilitas pada tanggal acuan periode, "
        "dengan daftar tempat di baliknya."
    )

    def document(self, period, **options):
        return facility_values_document(period)

    def render_table(self, document):
        return render_table(document)


def render_table(doc: dict) -> str:
    lines = [
        f"Nilai register fasilitas {doc['region']} {doc['period']} per {doc['reference_date']}",
        "",
        f"{'Butir':<10} {'Nilai':>10} {'Tempat':>7}",
    ]
    for item in doc["items"]:
        value = "-" if item["value"] is None else f"{item['value']:.2f}"
        lines.append(f"{item['code']:<10} {value:>10} {len(item['places']):>7}")
        for place in item["places"]:
            where = ", ".join(p for p in (place["kelurahan"], place["kecamatan"]) if p)
            extra = f" [{place['certificate_number']}]" if place["certificate_number"] else ""
            lines.append(f"{'':<10}   - {place['name']} ({where}){extra}")
    return "\n".join(lines)
