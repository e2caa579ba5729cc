"""manage.py kla_readiness --period YEAR --region SLUG [--format json|table]"""

from indicators.management.period_document import PeriodDocumentCommand
from indicators.selectors.readiness_views import readiness_document


class Command(PeriodDocumentCommand):
    help = (
        "Kesiapan verifikasi setiap isian yang sudah diajukan: dokumen wajib yang belum ada, "
        "terlalu lama atau tidak berlaku lagi pada tanggal acuan, dan tanda data meragukan."
    )

    def document(self, period, **options):
        return readiness_document(period)

    def render_table(self, document):
        return render_table(document)


def render_table(doc: dict) -> str:
    summary = doc["summary"]
    lines = [
        f"Kesiapan verifikasi {doc['region']} {doc['period']} "
        f"(tanggal acuan {doc['reference_date']})",
        f"Siap: {summary['ready']}  Belum siap: {summary['not_ready']}  "
        f"Poin berisiko: {summary['points_at_risk']:.2f}",
        "",
        f"{'Butir':<10} {'OPD':<12} {'Status':<10} {'Siap':<5} Kekurangan",
    ]
    for row in doc["items"]:
        gaps = [
            *(f"belum ada {code}" for code in row["missing"]),
            *(f"{code} terlalu lama" for code in row["too_old"]),
            *(f"{code} tidak berlaku" for code in row["expired"]),
            *row["flags"],
        ]
        lines.append(
            f"{row['code']:<10} {row['agency']:<12} {row['status']:<10} "
            f"{'ya' if row['ready'] else 'tidak':<5} {', '.join(gaps) or '-'}"
        )
    return "\n".join(lines)
