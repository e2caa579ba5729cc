"""Pages of a list: `limit` (1 to 500) and `offset`; a bad value is a 400, not ignored."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination

MAX_OFFSET = 10**9


def check_query(request, allowed) -> None:
    """Refuse a query parameter the operation does not know, or one given twice: a typo in a
    filter must not silently answer the unfiltered list."""
    errors = {}
    for key, values in request.query_params.lists():
        if key not in allowed:
            errors[key[:60]] = [_("Parameter tidak dikenal.")]
        elif len(values) > 1:
            errors[key] = [_("Parameter ini hanya boleh diberikan sekali.")]
    if errors:
        raise ValidationError(errors)


class Page(LimitOffsetPagination):
    default_limit = 100
    max_limit = 500

    def _bounded(self, request, name, default, low, high):
        text = request.query_params.get(name)
        if text is None:
            return default
        if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
            raise ValidationError(
                {
                    name: [
                        _("Harus bilangan bulat %(low)s sampai %(high)s.")
                        % {"low": low, "high": high}
                    ]
                }
            )
        return int(text)

    def get_limit(self, request):
        return self._bounded(request, self.limit_query_param, self.default_limit, 1, self.max_limit)

    def get_offset(self, request):
        return self._bounded(request, self.offset_query_param, 0, 0, MAX_OFFSET)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == "limit":
                parameter["schema"].update(minimum=1, maximum=self.max_limit)
            if parameter["name"] == "offset":
                parameter["schema"].update(minimum=0, maximum=MAX_OFFSET)
        return parameters
