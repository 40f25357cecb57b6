"""The three-step import page every app reuses: upload → preview → confirm.

An app's view resolves its programme and permission, builds its ImportSpec, and returns
``import_page(...)``; the template ``core/import.html`` shows the upload form, the per-row preview
and the confirmation button. ``table_download`` serves the template and the export.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tandem.core.http import AuthenticatedHttpRequest
from tandem.core.importing import (
    BatchUnavailable,
    ImportFileError,
    ImportRejected,
    ImportSpec,
    build_preview,
    import_batch_apply,
    import_batch_store,
    read_file,
    to_csv,
    to_xlsx,
)
from tandem.core.inputs import parse_id
from tandem.core.models import Programme
from tandem.core.text import grouped

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def import_page(
    request: AuthenticatedHttpRequest,
    *,
    programme: Programme,
    spec: ImportSpec,
    kind: str,
    title: str,
    done_url: str,
    template_url: str,
    export_url: str,
    note: str = "",
) -> HttpResponse:
    """``note``: what the import does not do that a new coordinator would expect it to (volunteers
    get no log-in): shown on the page and again after the import."""
    context: dict[str, Any] = {
        "programme": programme, "spec": spec, "title": title,
        "template_url": template_url, "export_url": export_url, "note": note,
    }
    if request.method == "POST" and "batch" in request.POST:
        batch_id = parse_id(request.POST["batch"])
        try:
            if batch_id is None:
                raise BatchUnavailable(
                    _("This import was already done or has expired. Upload the file again."))
            counts = import_batch_apply(programme=programme, kind=kind, spec=spec,
                                        actor=request.user, batch_id=batch_id)
        except BatchUnavailable as exc:
            messages.error(request, str(exc))
            return redirect(request.path)
        except ImportRejected as exc:
            context.update(preview=exc.preview, apply_error=" ".join(exc.messages))
            return render(request, "core/import.html", context, status=400)
        messages.success(
            request,
            _("Imported: %(new)s new, %(update)s updated.") % {k: grouped(v) for k, v in counts.items()},
        )
        if note:
            messages.info(request, note)
        return redirect(done_url)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["upload_error"] = _("Choose a file to upload.")
            return render(request, "core/import.html", context, status=400)
        content = upload.read()
        try:
            table = read_file(content, upload.name or "")
        except ImportFileError as exc:
            context["upload_error"] = str(exc)
            return render(request, "core/import.html", context, status=400)
        preview = build_preview(spec=spec, rows=table.rows)
        preview.warnings = table.warnings
        context["preview"] = preview
        if preview.is_valid:
            context["batch"] = import_batch_store(
                programme=programme, kind=kind, filename=upload.name or "", content=content,
                actor=request.user,
            )
            context["valid_hours"] = settings.IMPORT_BATCH_VALID_HOURS
        return render(request, "core/import.html", context, status=200 if preview.is_valid else 400)
    return render(request, "core/import.html", context)


def table_download(
    *, spec: ImportSpec, rows: list[dict[str, Any]], filename: str, file_format: str
) -> HttpResponse:
    """``file_format`` is "csv" or "xlsx"; ``rows`` empty gives the blank template."""
    if file_format == "xlsx":
        response = HttpResponse(to_xlsx(spec=spec, rows=rows), content_type=XLSX)
        name = f"{filename}.xlsx"
    else:
        response = HttpResponse(to_csv(spec=spec, rows=rows), content_type="text/csv; charset=utf-8")
        name = f"{filename}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
