"""Files handed to the browser. MEDIA is never served by URL (no /media/ route, and
WhiteNoise serves only static files): every download is a view that fetched its record through
the scope gate first (or built the file from scoped reads), writes its audit entry (a file
leaving the system is an export), then returns `file_download()`: one place that names the
file and sets its type, for stored files and for files built in memory alike."""

from __future__ import annotations

import mimetypes
from pathlib import PurePath
from typing import overload

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

OFFICE_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def content_type_of(filename: str) -> str:
    """The type a file is sent as, guessed from its name (never from an uploader's claim)."""
    suffix = PurePath(filename).suffix.lower()
    guessed, _ = mimetypes.guess_type(filename)
    return OFFICE_TYPES.get(suffix) or guessed or "application/octet-stream"


@overload
def file_download(stored: FieldFile, *, filename: str = "", missing: str = ...) -> FileResponse: ...


@overload
def file_download(*, content: bytes, filename: str) -> HttpResponse: ...


def file_download(
    stored: FieldFile | None = None,
    *,
    content: bytes | None = None,
    filename: str = "",
    missing: str = "文件不存在",
) -> HttpResponse | FileResponse:
    """The file as an attachment under ``filename`` (a stored file: its original name).

    ``stored``: a stored file (streamed from disk); ``content``: the bytes of a file built for
    this request (an Excel or Word export). Django writes a non-ASCII name as RFC 5987
    `filename*=utf-8''…`, so a Chinese name reaches the user intact; the stored name (a random
    one for appeals) is never shown. The type is guessed from the name, never taken from the
    browser that uploaded it. A record whose file is missing on disk is a 404 saying
    `missing`, not a 500.
    """
    if content is not None:
        name = filename or "下载"
        response = HttpResponse(content, content_type=content_type_of(name))
        response["Content-Disposition"] = (
            content_disposition_header(as_attachment=True, filename=name) or "attachment"
        )
        return response
    if not stored:
        raise Http404(missing)
    try:
        handle = stored.open("rb")
    except FileNotFoundError as error:
        raise Http404(missing) from error
    name = filename or PurePath(stored.name or "").name or "附件"
    return FileResponse(handle, as_attachment=True, filename=name)
