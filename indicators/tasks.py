"""Background jobs (django-tasks): run by `manage.py db_worker`, in the request in tests."""

from django_tasks import task

from indicators.services import packs


@task()
def verification_pack_build(pack_id: int) -> str:
    """Build one queued verification pack; its record says how it went."""
    pack = packs.pack_build(pack_id=pack_id)
    return pack.status if pack else "skipped"
