"""Attachment checks for appeals: a size limit, an allowed list of types, and the file's own
bytes must match the type its name claims (kaifang/core/lib/uploads.py, never trusting the
browser's Content-Type)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError

from kaifang.core.lib.uploads import UploadRefused, check_container, content_matches

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
# extension → the MIME type its bytes must show
ALLOWED = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes
    content_type: str


def check_upload(name: str, content: bytes) -> Upload:
    """Return the checked upload or raise ValidationError with a Chinese reason."""
    clean_name = PurePath(name.replace("\\", "/")).name[:200] or "附件"
    ext = clean_name.rsplit(".", 1)[-1].lower() if "." in clean_name else ""
    if ext not in ALLOWED:
        raise ValidationError(
            f"附件“{clean_name}”的类型不允许，仅支持 PDF、JPG、PNG、Word（docx）、Excel（xlsx）。"
        )
    if len(content) > MAX_BYTES:
        raise ValidationError(f"附件“{clean_name}”超过 {MAX_BYTES // 1024 // 1024} MB。")
    if not content:
        raise ValidationError(f"附件“{clean_name}”是空文件。")
    if not content_matches(f".{ext}", content):
        raise ValidationError(f"附件“{clean_name}”的内容与扩展名 .{ext} 不符，请上传真实的文件。")
    try:
        check_container(f".{ext}", content)
    except UploadRefused as error:
        raise ValidationError(f"附件“{clean_name}”：{error}") from error
    return Upload(name=clean_name, content=content, content_type=ALLOWED[ext])
