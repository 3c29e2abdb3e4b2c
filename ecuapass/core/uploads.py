"""Request bodies and uploaded files are refused when too large, before they are stored.

Django spools any upload to disk before a form can look at its size. Here:

- ``UploadLimitMiddleware`` answers 413 to a body whose Content-Length exceeds what the view can
  accept, without reading a byte of it (a Spanish page, or the API's JSON error under /api/);
- ``LimitedUploadHandler`` (first of ``FILE_UPLOAD_HANDLERS``) stops storing a file part at the
  view's limit and hands the form a ``RefusedUpload``: its ``size`` is what the client sent,
  its content was never kept, so the form's own size check answers with its message on the
  field. It also refuses an oversize body by itself (400) where the middleware is not in use.

A view accepts a file of up to ``settings.ECUAPASS_UPLOAD_MAX_BYTES`` unless it says otherwise
with ``@upload_limit(bytes)``, and a body of that plus its other fields (bounded by
``DATA_UPLOAD_MAX_MEMORY_SIZE``) and their multipart framing. Bodies that are not multipart
(forms, the API's JSON and XML) are bounded by ``DATA_UPLOAD_MAX_MEMORY_SIZE``: Django checks it
for forms but Django REST framework reads its stream without a limit.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

# Room for the multipart framing of each field (boundary and part headers) next to the
# values that DATA_UPLOAD_MAX_MEMORY_SIZE counts.
PART_OVERHEAD = 256


def upload_limit(max_bytes: int, field=None):
    """Declare the largest file a view accepts (the default is ECUAPASS_UPLOAD_MAX_BYTES) and,
    optionally, the label of its file field for the message that refuses a larger one."""

    def decorate(view):
        view.upload_max_bytes = max_bytes
        view.upload_field = field
        return view

    return decorate


def _view(request):
    if not hasattr(request, "_upload_view"):
        try:
            request._upload_view = resolve(
                request.path_info, getattr(request, "urlconf", None)
            ).func
        except Resolver404:
            request._upload_view = None
    return request._upload_view


def file_limit(request) -> int:
    """The largest file the view of this request accepts."""
    return getattr(_view(request), "upload_max_bytes", None) or settings.ECUAPASS_UPLOAD_MAX_BYTES


def _is_multipart(request) -> bool:
    return request.META.get("CONTENT_TYPE", "").lower().startswith("multipart/")


def body_limit(request) -> int | None:
    """The largest body the view of this request can accept (None: no limit configured)."""
    fields = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if fields is None:
        return None
    if not _is_multipart(request):
        return fields
    framing = PART_OVERHEAD * (settings.DATA_UPLOAD_MAX_NUMBER_FIELDS or 1000)
    return file_limit(request) + fields + framing


def _content_length(request) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class UploadLimitMiddleware:
    """413 for a body larger than the view accepts, decided from Content-Length alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = _content_length(request)
        limit = body_limit(request) if length else None
        if limit is not None and length > limit:
            return too_large_response(request, length)
        return self.get_response(request)


def too_large_response(request, length: int):
    if _is_multipart(request):
        detail = _(
            "El archivo enviado es demasiado grande (%(size)s): el máximo es %(max)s. "
            "No se guardó nada."
        ) % {"size": filesizeformat(length), "max": filesizeformat(file_limit(request))}
        field = getattr(_view(request), "upload_field", None)
        if field:
            detail = f"{field}: {detail}"
    else:
        detail = _(
            "La solicitud es demasiado grande (%(size)s): el máximo es %(max)s. No se guardó nada."
        ) % {
            "size": filesizeformat(length),
            "max": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
        }
    if request.path.startswith("/api/"):
        return JsonResponse({"error": "request_too_large", "detail": detail}, status=413)
    return render(request, "errors/413.html", {"detail": detail}, status=413)


class RefusedUpload(UploadedFile):
    """A file part larger than the view accepts. ``size`` is how much the client sent; the
    content was not stored (reading it gives nothing)."""

    def __init__(self, name, content_type, size: int, limit: int):
        super().__init__(io.BytesIO(), name, content_type, size)
        self.limit = limit


class LimitedUploadHandler(FileUploadHandler):
    """Stops a file at the view's limit: later chunks reach no other handler (no disk)."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.limit = file_limit(self.request)
        total = body_limit(self.request)
        if total is not None and content_length > total:
            raise RequestDataTooBig(_("La solicitud es demasiado grande."))
        return None

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        return raw_data if self.received <= self.limit else None

    def file_complete(self, file_size):
        if self.received <= self.limit:
            return None  # the next handler has the whole file
        return RefusedUpload(self.file_name, self.content_type, self.received, self.limit)
