"""Request ids and logs that help to debug without holding personal data.

- ``RequestIdMiddleware`` gives every request an id: the ``X-Request-ID`` header a proxy sent
  (if it looks like an id), else a new one. The response carries it back, and every log line
  written while the request runs has it (``request_id``), so one line in a proxy's log leads to
  every line the request wrote. With ``LOG_REQUESTS`` it writes one line per request: method,
  URL pattern (never the path itself, which can hold a token), status, duration.
- ``ContextFilter`` (on the log handler) adds the request id, the task a worker runs, and the
  request's safe context (method, URL pattern, view, user id) to every record, and takes the
  request object itself out of it.
- A background task runs with the id of the request that enqueued it (or of the task or
  periodic job that did): the database backend keeps it in the task's row
  (``remember_request_id``), Redis in the RQ job (``core.task_backends``), and the worker sets
  it while the task runs, so the request's lines and its tasks' lines share one id.
- ``JsonFormatter`` writes one JSON object per line (production). An exception is logged with
  its type and its stack (file, line, function, code), never its message: messages carry the
  values that caused them (a name, an address, a database row). Database errors add their
  SQLSTATE and constraint name. E-mail addresses left in a message are masked.
"""

from __future__ import annotations

import logging
import re
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

_request_id: ContextVar[str] = ContextVar("tandem_request_id", default="")
_task: ContextVar[str] = ContextVar("tandem_task", default="")
_before_task: ContextVar[str] = ContextVar("tandem_before_task", default="")
_in_task: ContextVar[bool] = ContextVar("tandem_in_task", default=False)

REQUEST_ID_HEADER = "X-Request-ID"
# What an incoming id may look like (a proxy's, a load balancer's): anything else is replaced.
ACCEPTED_ID = re.compile(r"^[A-Za-z0-9._:@/+=-]{8,128}$")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
request_log = logging.getLogger("tandem.request")
STATIC_PREFIX = "/static/"  # static files (WhiteNoise) are not worth a line each


def current_request_id() -> str:
    return _request_id.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


def _route(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return "/" + match.route if match is not None and match.route else "(unresolved)"


class RequestIdMiddleware:
    """Outermost middleware: sets the request id before anything can log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if ACCEPTED_ID.match(incoming) else new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            if settings.LOG_REQUESTS and not request.path.startswith(STATIC_PREFIX):
                request_log.info(
                    "%s %s %s", request.method, _route(request), response.status_code,
                    extra={"request": request, "status_code": response.status_code,
                           "duration_ms": round((time.perf_counter() - started) * 1000, 1)},
                )
            return response
        finally:
            _request_id.reset(token)


# Where an enqueued task keeps the id of the request that enqueued it: a key of the database
# backend's ``args_kwargs`` (beside "args" and "kwargs", which the worker reads alone), RQ's job meta.
TASK_REQUEST_ID = "request_id"


def set_task_request_id(value: Any) -> None:
    """The worker side: the task about to run logs with the request id it was enqueued with
    (one that does not look like an id is replaced by a new one, as at the door). The id the
    worker had before comes back when the task has finished (``_task_finished``)."""
    if not _in_task.get():
        _before_task.set(_request_id.get())
        _in_task.set(True)
    _request_id.set(value if isinstance(value, str) and ACCEPTED_ID.match(value) else new_request_id())


def remember_request_id(sender: Any, instance: Any, **kwargs: Any) -> None:
    """``pre_save`` of django-tasks-db's task row: a new task keeps the current request id."""
    request_id = _request_id.get()
    if request_id and instance._state.adding and isinstance(instance.args_kwargs, dict):
        instance.args_kwargs = {**instance.args_kwargs, TASK_REQUEST_ID: request_id}


@contextmanager
def request_id_scope() -> Iterator[str]:
    """Work that no request started (a periodic job) gets an id of its own while it runs, unless
    it already has one: its lines, and the tasks it enqueues, share it."""
    current = _request_id.get()
    if current:
        yield current
        return
    token = _request_id.set(new_request_id())
    try:
        yield _request_id.get()
    finally:
        _request_id.reset(token)


def _task_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    _task.set(f"{task_result.task.module_path}#{task_result.id}")
    if _in_task.get():  # Redis: the job has set the id already (core.task_backends.Job)
        return
    row = getattr(task_result, "db_result", None)  # the database backend's task row
    if row is not None:
        set_task_request_id((row.args_kwargs or {}).get(TASK_REQUEST_ID))
    elif not _request_id.get():  # a task run outside any request: an id of its own
        set_task_request_id(None)
    # else: a backend that runs the task inside the request (the immediate one) keeps its id.


def _task_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    _task.set("")
    if _in_task.get():  # the worker's id of before the task, usually none
        _request_id.set(_before_task.get())
        _in_task.set(False)


def connect_task_signals() -> None:
    """Worker log lines name the task they belong to and the request that enqueued it (both
    task backends' signals). Ours run first, so that the "task started" line has them too."""
    from django.db.models.signals import pre_save
    from django.tasks import signals
    from django_tasks_db.models import DBTaskResult

    pre_save.connect(remember_request_id, sender=DBTaskResult, dispatch_uid="tandem_task_request_id")
    modules: list[Any] = [signals]
    try:  # django-tasks-rq sends the django-tasks backport's signals
        from django_tasks import signals as backport
    except ImportError:  # pragma: no cover - the Redis backend is not installed
        pass
    else:
        modules.append(backport)
    for module in modules:
        suffix = "" if module is signals else "_rq"
        # The library's own "Task … state=…" loggers are connected on import: put ours first.
        module.task_started.disconnect(module.log_task_started)
        module.task_started.connect(_task_started, dispatch_uid="tandem_log_task_started" + suffix)
        module.task_started.connect(module.log_task_started)
        module.task_finished.connect(_task_finished, dispatch_uid="tandem_log_task_finished" + suffix)


def mask(text: str) -> str:
    return EMAIL.sub("[e-mail]", text)


def safe_message(text: str) -> str:
    """A message without a traceback pasted into it (RQ does so: the exception's message comes
    with it) and with e-mail addresses masked."""
    return mask(text.split("Traceback (most recent call last)", 1)[0].rstrip())


class ContextFilter(logging.Filter):
    """Adds ``request_id``, ``task`` and a request's safe context; drops the request object."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        # Django logs a 404 or a 500 after the middleware has answered: the request has the id.
        # (A record seen by a second handler keeps what the first one found.)
        record.request_id = (getattr(request, "request_id", None) or getattr(record, "request_id", None)
                             or _request_id.get() or "-")
        task = _task.get()
        if task:
            record.task = task
        if isinstance(request, HttpRequest):
            message = record.getMessage()
            route = _route(request)
            # Django's request logger names the path ("Not Found: /invitations/<token>/").
            if request.path and request.path in message:
                message = message.replace(request.path, route)
            record.msg, record.args = message, ()
            record.method = request.method
            record.route = route
            match = getattr(request, "resolver_match", None)
            if match is not None:
                record.view = match.view_name
            user = getattr(request, "user", None)
            if user is not None and getattr(user, "is_authenticated", False):
                record.user_id = user.pk
            record.request = None
        return True


def exception_context(exc_info: Any) -> dict[str, Any]:
    """An exception's type, SQLSTATE/constraint if it has them, and its stack without messages."""
    exc_type, exc, tb = exc_info
    context: dict[str, Any] = {"type": f"{exc_type.__module__}.{exc_type.__qualname__}"}
    cause = (exc.__cause__ or exc.__context__) if exc is not None else None
    for candidate in (exc, cause):
        sqlstate = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if sqlstate:
            context["sqlstate"] = sqlstate
            diag = getattr(candidate, "diag", None)
            if diag is not None and getattr(diag, "constraint_name", None):
                context["constraint"] = diag.constraint_name
            break
    if cause is not None:
        context["cause"] = f"{type(cause).__module__}.{type(cause).__qualname__}"
    context["stack"] = [
        f"{frame.filename}:{frame.lineno} in {frame.name}: {(frame.line or '').strip()}"
        for frame in traceback.extract_tb(tb)
    ]
    return context


# Context a record may carry into a JSON line; anything else a library adds is left out.
EXTRA_FIELDS = (
    "task", "method", "route", "view", "user_id", "status_code", "duration_ms", "job", "round_id",
    "programme_id", "count",
)


class JsonFormatter(BaseJsonFormatter):
    """One JSON object per line: time, level, logger, message, request_id and safe context."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": safe_message(record.getMessage()),
            "request_id": getattr(record, "request_id", None) or _request_id.get() or "-",
        }
        for field in EXTRA_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                data[field] = value
        if record.exc_info and record.exc_info[0] is not None:
            data["exception"] = exception_context(record.exc_info)
        return self.jsonify_log_record(data)


class TextFormatter(logging.Formatter):
    """Development: a readable line with the request id; tracebacks in full."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get() or "-"
        return super().format(record)
