"""manage.py kla_score --period YEAR --region SLUG --basis verified|self|ready [--format ...]"""

from indicators.management.period_document import PeriodDocumentCommand
from indicators.selectors.scores import BASES, score_document


class Command(PeriodDocumentCommand):
    help = (
        "Hitung nilai KLA sebuah wilayah dan periode (verified: hanya yang disetujui; "
        "ready: yang disetujui dan dokumennya lengkap, cukup baru dan berlaku)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--basis", required=True, choices=sorted(BASES))

    def document(self, period, *, basis, **options):
        return score_document(period, basis)

    def render_table(self, document):
        return render_table(document)


def render_table(doc: dict) -> str:
    category = doc["category"] or "(belum berkategori)"
    full = sum(c["max_points"] for c in doc["clusters"])  # 1000 in the shipped edition
    lines = [
        f"Nilai KLA {doc['region']} {doc['period']} ({doc['basis']})",
        f"Total: {doc['total']:.2f} / {full:g}  Kategori: {category}  "
        "(perkiraan tidak resmi, bobot bawaan portal)",
    ]
    if doc["next_category"]:
        lines.append(f"Menuju {doc['next_category']}: kurang {doc['points_to_next']:.2f} poin")
    if doc.get("conditions"):
        lines += ["", f"{'Kategori':<12} {'Syarat':<30} {'Terpenuhi':>9}"]
        for c in doc["conditions"]:
            met = "ya" if c["met"] else "belum"
            lines.append(f"{c['band']:<12} {c['target']:<30} {met:>9}")
    lines += ["", f"{'Klaster':<70} {'Nilai':>8} {'Maks':>8}"]
    for c in doc["clusters"]:
        lines.append(
            f"{c['code'] + ' ' + c['name']:<70.70} {c['points']:>8.2f} {c['max_points']:>8.2f}"
        )
    lines += ["", f"{'Indikator':<10} {'Nilai':>8} {'Maks':>8}"]
    for i in doc["indicators"]:
        lines.append(f"{i['code']:<10} {i['points']:>8.2f} {i['max_points']:>8.2f}")
    lines += ["", f"{'Butir':<10} {'Nilai':>10} {'Fraksi':>8}"]
    for i in doc["items"]:
        value = "-" if i["value"] is None else f"{i['value']:.2f}"
        lines.append(f"{i['code']:<10} {value:>10} {i['fraction']:>8.2f}")
    return "\n".join(lines)
