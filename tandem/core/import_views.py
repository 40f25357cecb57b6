"""The three-step import page every app reuses: upload → preview → confirm.

An app's view resolves its programme and permission, builds its ImportSpec, and returns
``import_page(...)``; the template ``core/import.html`` shows the upload form, the per-row preview
and the confirmation button. ``table_download`` serves the template and the export.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core.http import AuthenticatedHttpRequest
from tandem.core.importing import (
    ImportFileError,
    ImportSpec,
    apply_import,
    build_preview,
    read_table,
    to_csv,
    to_xlsx,
)
from tandem.core.models import ImportBatch, Programme

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
) -> HttpResponse:
    context: dict[str, Any] = {
        "programme": programme, "spec": spec, "title": title,
        "template_url": template_url, "export_url": export_url,
    }
    if request.method == "POST" and "batch" in request.POST:
        batch = ImportBatch.objects.filter(
            programme=programme, kind=kind, pk=request.POST["batch"], applied__isnull=True
        ).first()
        if batch is None:
            messages.error(request, _("This import was already done or has expired. Upload the file again."))
            return redirect(request.path)
        preview = build_preview(spec=spec, rows=read_table(bytes(batch.content), batch.filename))
        try:
            counts = apply_import(spec=spec, preview=preview, actor=request.user)
        except ValidationError as exc:
            context.update(preview=preview, batch=batch, apply_error=" ".join(exc.messages))
            return render(request, "core/import.html", context, status=400)
        ImportBatch.objects.filter(pk=batch.pk).update(
            applied=timezone.now(), content=b"", summary=counts
        )
        messages.success(
            request,
            _("Imported: %(new)s new, %(update)s updated.") % counts,
        )
        return redirect(done_url)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["upload_error"] = _("Choose a file to upload.")
            return render(request, "core/import.html", context, status=400)
        content = upload.read()
        try:
            rows = read_table(content, upload.name or "")
        except ImportFileError as exc:
            context["upload_error"] = str(exc)
            return render(request, "core/import.html", context, status=400)
        preview = build_preview(spec=spec, rows=rows)
        context["preview"] = preview
        if preview.is_valid:
            context["batch"] = ImportBatch.objects.create(
                programme=programme, kind=kind, filename=upload.name or "upload",
                content=content, created_by=request.user,
            )
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
