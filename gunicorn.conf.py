"""gunicorn settings for Portal KLA: `gunicorn -c gunicorn.conf.py` (see docs/DEPLOY.md)."""

import multiprocessing
import os

wsgi_app = "kla_portal.wsgi:application"
bind = os.environ.get("BIND", "127.0.0.1:8000")

# The usual 2 x cores + 1 sync workers; WEB_CONCURRENCY caps it where memory or the database's
# connection limit is the tighter bound (each worker keeps one connection open).
workers = multiprocessing.cpu_count() * 2 + 1
if os.environ.get("WEB_CONCURRENCY"):
    workers = max(1, min(workers, int(os.environ["WEB_CONCURRENCY"])))

# A request still running after 30 s is stuck (imports of 10,000 rows take a few seconds); the
# worker is replaced. Keep-alive is short because nginx or the load balancer sits in front.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak can never take a server down.
max_requests = 1000
max_requests_jitter = 100

# One line per request and gunicorn's own messages, both to stdout for journald or the
# container runtime. LOG_FORMAT=json turns both into JSON lines like the app's logs.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'
if os.environ.get("LOG_FORMAT") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "kla_portal.logging.JsonFormatter"}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "json",
            }
        },
        "root": {"handlers": ["stdout"], "level": "INFO"},
        "loggers": {
            "gunicorn.error": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        },
    }

# nginx on the same host (or the load balancer) sets X-Forwarded-For/-Proto; trust only it.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# gunicorn 27's control socket is not used (systemd manages the process) and would be shared by
# every gunicorn of the same user.
control_socket_disable = True
