"""Pages of a list: `limit` (at most 500) and `offset`, with bounds the database can take."""

from rest_framework.pagination import LimitOffsetPagination

MAX_OFFSET = 10**9


class Page(LimitOffsetPagination):
    default_limit = 100
    max_limit = 500

    def get_offset(self, request):
        return min(super().get_offset(request), MAX_OFFSET)

    def get_paginated_response_schema(self, schema):
        result = super().get_paginated_response_schema(schema)
        result["properties"]["count"]["example"] = 12
        return result

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == "limit":
                parameter["schema"].update(minimum=1, maximum=self.max_limit)
            if parameter["name"] == "offset":
                parameter["schema"].update(minimum=0, maximum=MAX_OFFSET)
        return parameters
