"""The admin index shows the verifier's review queue: the default index view, plus context."""

from django.contrib import admin

from indicators.selectors import review_queue

_default_index = admin.site.index


def _index_with_queue(request, extra_context=None):
    context = {
        "review_queues": review_queue.index_queues(request.user),
        "overdue_days": review_queue.OVERDUE_AFTER.days,
        **(extra_context or {}),
    }
    return _default_index(request, context)


admin.site.index = _index_with_queue
