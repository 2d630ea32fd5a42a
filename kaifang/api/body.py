"""Reading a JSON request body for the API without letting odd input become a server error:
the content type must be JSON, the text valid UTF-8 JSON, not nested past a sane depth, and
every string encodable (a lone UTF-16 surrogate such as "\\ud800" parses but cannot be stored).
Each refusal is a (status, Chinese reason) pair the handler turns into its error body."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict

MAX_DEPTH = 32


@dataclass(frozen=True)
class BodyError(Exception):
    status: int
    detail: str


def json_object(request: HttpRequest) -> dict[str, Any]:
    """The body as a JSON object, or BodyError (415 for another content type, 400 otherwise)."""
    content_type = (request.content_type or "").lower()
    if content_type != "application/json" and not content_type.endswith("+json"):
        raise BodyError(415, "请求体必须是 JSON：请设置 Content-Type: application/json。")
    raw = request.body or b""
    if _nesting(raw) > MAX_DEPTH:
        raise BodyError(400, f"请求体嵌套层级过深（不超过 {MAX_DEPTH} 层）。")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise BodyError(400, "请求体不是有效的 JSON。") from error
    if not isinstance(body, dict):
        raise BodyError(400, "请求体必须是 JSON 对象。")
    if not _encodable(body):
        raise BodyError(400, "请求体含有无效字符（孤立的 UTF-16 代理项），请检查编码。")
    return body


def form_or_json(request: HttpRequest) -> tuple[dict[str, Any], MultiValueDict[str, Any]]:
    """The fields and files of a write that may carry attachments: a form as a page sends it
    (multipart/form-data, or urlencoded without files), or a JSON object (no files).
    BodyError as ``json_object``."""
    content_type = (request.content_type or "").lower()
    if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return request.POST.dict(), request.FILES
    try:
        return json_object(request), MultiValueDict()
    except BodyError as error:
        if error.status == 415:
            raise BodyError(
                415,
                "请求体必须是 JSON 或表单（带附件时为 multipart/form-data）：请设置 Content-Type。",
            ) from error
        raise


def _nesting(raw: bytes) -> int:
    """The deepest bracket nesting, counted outside strings (cheap, no recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                return deepest
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


def _encodable(value: Any) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_encodable(k) and _encodable(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_encodable(v) for v in value)
    return True
