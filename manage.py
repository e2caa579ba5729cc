#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import secrets
import sys

# Commands that only read models and migration files: they sign, hash, mail and serve nothing, so
# a developer can run them on a fresh checkout without a SECRET_KEY or a mail server. Everything
# else, the web server included, still refuses to start without them when DEBUG is off.
SCHEMA_ONLY_COMMANDS = {"makemigrations", "showmigrations", "sqlmigrate"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kla_portal.settings")
    if len(sys.argv) > 1 and sys.argv[1] in SCHEMA_ONLY_COMMANDS:
        os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
        os.environ.setdefault("EMAIL_ALLOW_CONSOLE", "on")  # no mail is sent either
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
