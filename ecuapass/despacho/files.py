"""Digitised documents of the operator: checked from their bytes, stored out of the web root.

* The size is bounded before anything is read: the request body by
  ``core.uploads.UploadLimitMiddleware`` and each file part by ``LimitedUploadHandler`` (the
  views declare ``@upload_limit(settings.ECUAPASS_SOPORTE_MAX_BYTES)``); a part over the limit
  arrives as a ``RefusedUpload`` whose content was never kept.
* The type is sniffed from the content (``filetype``: magic numbers), never taken from the name
  or the client's Content-Type: PDF, JPEG or PNG. Images must open as images (Pillow verifies
  the structure without decoding pixels); a PDF with active content (JavaScript, launch
  actions, embedded files) is refused.
* The file is written under ``ECUAPASS_UPLOADS_DIR`` (outside STATIC_ROOT and MEDIA_ROOT: no URL
  reaches it) with a random name; the original name is kept only as a label. It is served only
  by the views that check the document's scope (operator) or distrito (officer), as an
  attachment with the sniffed type.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import filetype
from django.conf import settings
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from ecuapass.core.uploads import RefusedUpload

from .errors import DespachoError

ALLOWED = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
SNIFF_BYTES = 8192
FIELD = "archivo"
# PDF names that run or carry something: refused (checked after decoding #xx escapes).
ACTIVE_PDF_NAMES = {b"JavaScript", b"JS", b"Launch", b"EmbeddedFile", b"RichMedia", b"XFA"}
_PDF_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    original_name: str
    content_type: str
    size: int
    sha256: str


def root() -> Path:
    return Path(settings.ECUAPASS_UPLOADS_DIR)


def max_bytes() -> int:
    return int(settings.ECUAPASS_SOPORTE_MAX_BYTES)


def _refuse(message) -> DespachoError:
    return DespachoError(message, field=FIELD)


def _read_all(uploaded, limit: int) -> bytes:
    """The file's bytes, never more than ``limit`` (the handler already stopped larger parts)."""
    uploaded.seek(0)
    data = bytearray()
    for chunk in uploaded.chunks():
        data += chunk
        if len(data) > limit:
            raise _refuse(_too_large(len(data), limit))
    return bytes(data)


def _too_large(size: int, limit: int) -> str:
    return _("El archivo es demasiado grande (%(size)s): el máximo es %(max)s.") % {
        "size": filesizeformat(size),
        "max": filesizeformat(limit),
    }


def _has_active_content(pdf: bytes) -> bool:
    for match in _PDF_NAME.finditer(pdf):
        name = _HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1))
        if name in ACTIVE_PDF_NAMES:
            return True
    return False


def _image_is_valid(data: bytes) -> bool:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except Exception:  # noqa: BLE001 - any decoder error means "not a valid image"
        return False
    return True


def check(uploaded) -> tuple[str, bytes]:
    """(sniffed content type, bytes) of an acceptable upload; else ``DespachoError`` on "archivo"."""
    limit = max_bytes()
    if uploaded is None:
        raise _refuse(_("Adjunte el archivo digitalizado (PDF, JPEG o PNG)."))
    if isinstance(uploaded, RefusedUpload) or (uploaded.size or 0) > limit:
        raise _refuse(_too_large(uploaded.size or 0, limit))
    data = _read_all(uploaded, limit)
    if not data:
        raise _refuse(_("El archivo está vacío."))
    kind = filetype.guess(data[:SNIFF_BYTES])
    mime = kind.mime if kind is not None else ""
    if mime not in ALLOWED:
        raise _refuse(
            _(
                "Solo se aceptan archivos PDF, JPEG o PNG: el contenido de «%(name)s» no es de "
                "ninguno de esos tipos."
            )
            % {"name": clean_name(uploaded.name)}
        )
    if mime == "application/pdf" and _has_active_content(data):
        raise _refuse(
            _("El PDF contiene contenido activo (JavaScript, acciones o archivos incrustados).")
        )
    if mime != "application/pdf" and not _image_is_valid(data):
        raise _refuse(_("La imagen está dañada o incompleta."))
    return mime, data


def clean_name(name: str | None) -> str:
    """A printable label of the client's file name (never used as a path)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>')
    return base.strip()[:200] or "documento"


def store(uploaded) -> StoredFile:
    """Check and write ``uploaded``; returns what the ``Attachment`` row records."""
    mime, data = check(uploaded)
    now = timezone.now()
    relative = f"despacho/{now:%Y}/{now:%m}/{secrets.token_hex(16)}.{ALLOWED[mime]}"
    path = root() / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("xb") as fh:  # a random name never overwrites another file
        fh.write(data)
    return StoredFile(
        stored_name=relative,
        original_name=clean_name(uploaded.name),
        content_type=mime,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def store_all(attachments, save_row) -> None:
    """Store each ``(name, bytes)`` of ``attachments`` and call ``save_row(index, stored)`` for its
    row; if anything fails, the files already written are removed (the rows roll back with the
    caller's transaction)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    written = []
    try:
        for index, (name, data) in enumerate(attachments):
            saved = store(SimpleUploadedFile(name, data))
            written.append(saved)
            save_row(index, saved)
    except BaseException:
        for saved in written:
            discard(saved)
        raise


def discard(stored: StoredFile) -> None:
    """Remove a file whose row was not saved (the transaction failed)."""
    (root() / stored.stored_name).unlink(missing_ok=True)


def base64_of(attachment) -> str:
    """The stored file as base64 (an envío carries its attachments as the API takes them)."""
    import base64

    with path_of(attachment).open("rb") as fh:
        return base64.b64encode(fh.read()).decode()


def path_of(attachment) -> Path:
    path = (root() / attachment.stored_name).resolve()
    if root().resolve() not in path.parents:
        raise Http404  # a stored name never leaves the uploads directory
    return path


def response(attachment) -> FileResponse:
    """The file as a download, with the type sniffed when it was stored."""
    path = path_of(attachment)
    if not path.exists():
        raise Http404
    reply = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    reply["Content-Security-Policy"] = "sandbox"
    reply["Cache-Control"] = "private, no-store"
    return reply
