"""JSON-lines log formatting, chosen with LOG_FORMAT=json so log shippers can parse every line."""

from __future__ import annotations

import json
import logging

# Attributes every LogRecord has; anything else on a record came from `extra=` and is data.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class ClientAddressFilter(logging.Filter):
    """Adds `client`, the visitor's address behind the trusted proxies, to request records.

    Django's own records (django.request, django.security) carry the request; the address they
    would otherwise imply is the proxy's, the same for every visitor.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if request is not None and not hasattr(record, "client") and hasattr(request, "META"):
            from kla_portal.client_address import client_address

            record.client = client_address(request)
        return True


class PlainFormatter(logging.Formatter):
    """The plain line, ending with `client=<address>` when the record has one."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        client = getattr(record, "client", None)
        return f"{line} client={client}" if client else line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the record's `extra` fields."""

    def format(self, record: logging.LogRecord) -> str:
        document = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                document[key] = value
        if record.exc_info:
            document["exception"] = self.formatException(record.exc_info)
        return json.dumps(document, default=str, ensure_ascii=False)
