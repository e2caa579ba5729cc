"""manage.py verification_pack_expire: delete the files of verification packs past expiry."""

from django.core.management.base import BaseCommand

from indicators.services.packs import packs_expire, packs_fail_stale


class Command(BaseCommand):
    help = (
        "Hapus berkas paket verifikasi yang sudah kedaluwarsa (VERIFICATION_PACK_DAYS) dan "
        "tandai pembuatan yang terhenti sebagai gagal; untuk cron, sekali sehari cukup."
    )

    def handle(self, *args, **options):
        stale = packs_fail_stale()
        expired = packs_expire()
        self.stdout.write(
            f"{expired} paket kedaluwarsa dihapus; {stale} pembuatan terhenti ditandai gagal."
        )
