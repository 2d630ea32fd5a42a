"""Stored files handed to the browser. MEDIA is never served by URL (no /media/ route, and
WhiteNoise serves only static files): every download is a view that fetched its record through
the scope gate first, writes its audit entry (a file leaving the system is an export), then
calls `file_download()`."""

from __future__ import annotations

from pathlib import PurePath

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def file_download(
    stored: FieldFile, *, filename: str = "", missing: str = "文件不存在"
) -> FileResponse:
    """The stored file as an attachment under its original name.

    Django writes a non-ASCII name as RFC 5987 `filename*=utf-8''…`, so a Chinese name reaches
    the user intact; the stored name (a random one for appeals) is never shown. The type is
    guessed from that name, never taken from the browser that uploaded it. A record whose file
    is missing on disk is a 404 saying `missing`, not a 500.
    """
    if not stored:
        raise Http404(missing)
    try:
        handle = stored.open("rb")
    except FileNotFoundError as error:
        raise Http404(missing) from error
    name = filename or PurePath(stored.name or "").name or "附件"
    return FileResponse(handle, as_attachment=True, filename=name)
