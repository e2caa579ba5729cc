"""`make bench`: national synthetic data, gunicorn, wrk, and a report against a trivial view."""
