"""Chinese descriptions of the API's error responses, merged into each operation's OpenAPI
entry (django-ninja writes English status phrases otherwise)."""

from __future__ import annotations

from typing import Any

ERRORS = {
    400: "请求无效：请求体不是 JSON 对象、字段不是字符串、含无效字符或嵌套过深。",
    401: "未认证：请登录，或在 Authorization 头中提供有效的渠道令牌（Bearer）。",
    404: "不存在：查询码不存在，或该诉求不是本渠道提交的。",
    415: "请求体类型不支持：请以 application/json 提交。",
    422: "参数校验失败：errors 中按字段列出原因。",
    429: "请求过于频繁：请稍后再试。",
}


def error_responses(*codes: int, **extra: Any) -> dict[str, Any]:
    """`openapi_extra` for an operation: the Chinese descriptions of `codes`, plus `extra`."""
    return {"responses": {code: {"description": ERRORS[code]} for code in codes}, **extra}
