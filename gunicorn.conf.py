"""gunicorn settings used by `make run`, the benchmark and production alike."""

import multiprocessing
import os

workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# A worker stuck longer than this is killed and replaced; pages normally take milliseconds.
timeout = 30
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so slow leaks cannot build up; jitter avoids all at once.
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
# The default format, and the request's id (X-Request-ID, cancerchoices.requestlog), which the
# application's own log records carry too.
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" request_id=%({x-request-id}o)s'
)
# gunicorn's control socket defaults to a shared path; each instance keeps its own (or none).
control_socket_disable = True
