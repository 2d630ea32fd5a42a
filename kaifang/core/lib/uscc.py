"""Unified social credit codes (统一社会信用代码, GB 32100-2015) and customs registration codes.

A USCC has 18 characters: registration authority (1), entity type (1), administrative division
(6), the 9-character organisation code of GB 11714 (8 body characters and its own check
character) and the USCC check character. python-stdnum checks the format and the final check
character; it does not check the organisation code's check character, which we do here, so a
code with two transposed characters in the organisation code is caught too.
"""

from __future__ import annotations

from stdnum.cn import uscc as _stdnum_uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError

__all__ = [
    "UsccError",
    "is_customs_code",
    "is_valid_uscc",
    "make_uscc",
    "normalise_customs_code",
    "organisation_check_char",
    "synthetic_uscc",
    "validate_uscc",
]

# Characters a USCC may contain (GB 32100-2015: digits and capitals except I, O, Z, S, V).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_CUSTOMS_CHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_STRIP = str.maketrans("", "", " -\u3000\t\r\n")


class UsccError(ValueError):
    """A value that is not a valid USCC; ``reason`` is a Chinese sentence for the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _char_value(char: str) -> int:
    """GB 11714 value of an organisation-code character: digits 0-9, letters A=10 … Z=35."""
    if char.isdigit():
        return ord(char) - 48
    return ord(char) - 55


def organisation_check_char(body: str) -> str:
    """Check character of a GB 11714 organisation code from its 8 body characters."""
    if len(body) != 8:
        raise ValueError("organisation code body must have 8 characters")
    total = sum(_char_value(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 10:
        return "X"
    if check == 11:
        return "0"
    return str(check)


def _clean(value: object) -> str:
    return str(value).translate(_STRIP).upper()


def validate_uscc(value: object) -> str:
    """Return the normalised 18-character code, or raise ``UsccError`` with a Chinese reason."""
    if value is None:
        raise UsccError("统一社会信用代码为空")
    code = _clean(value)
    if not code:
        raise UsccError("统一社会信用代码为空")
    try:
        code = _stdnum_uscc.validate(code)
    except InvalidLength as exc:
        raise UsccError(f"统一社会信用代码应为18位，实为{len(code)}位") from exc
    except InvalidFormat as exc:
        raise UsccError(
            "统一社会信用代码格式错误（前8位应为数字，其余为数字或除I、O、Z、S、V外的大写字母）"
        ) from exc
    except InvalidChecksum as exc:
        raise UsccError("统一社会信用代码校验位（第18位）错误") from exc
    except ValidationError as exc:  # pragma: no cover - stdnum raises only the three above
        raise UsccError("统一社会信用代码无效") from exc
    if organisation_check_char(code[8:16]) != code[16]:
        raise UsccError("统一社会信用代码中的组织机构代码校验位（第17位）错误")
    return code


def is_valid_uscc(value: object) -> bool:
    try:
        validate_uscc(value)
    except UsccError:
        return False
    return True


def make_uscc(prefix: str) -> str:
    """A valid USCC from its first 16 characters, computing both check characters.

    ``prefix`` = authority and type (2), division code (6), organisation body (8), e.g.
    ``make_uscc("9141030000000001")``.
    """
    prefix = _clean(prefix)
    if len(prefix) != 16:
        raise ValueError("make_uscc needs the first 16 characters of the code")
    if any(c not in USCC_ALPHABET for c in prefix) or not prefix[:8].isdigit():
        raise ValueError(f"invalid characters in USCC prefix {prefix!r}")
    body = prefix + organisation_check_char(prefix[8:16])
    return body + _stdnum_uscc.calc_check_digit(body)


def synthetic_uscc(number: int, *, division: str = "410300", kind: str = "91") -> str:
    """The ``number``-th synthetic valid USCC (0 ≤ number < 10⁸) in ``division``."""
    if not 0 <= number < 100_000_000:
        raise ValueError("number out of range")
    return make_uscc(f"{kind}{division}{number:08d}")


def normalise_customs_code(value: object) -> str:
    """Strip spaces and upper-case a customs registration code (no validation)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _clean(value)


def is_customs_code(value: object) -> bool:
    """A well-formed 10-character customs registration code (海关编码), e.g. 4101960ABC.

    The first four characters are the digits of the registration area; the rest are digits or
    capital letters.
    """
    if not isinstance(value, str):
        return False
    return (
        len(value) == 10
        and value[:4].isdigit()
        and value.isascii()
        and all(c in _CUSTOMS_CHARS for c in value)
    )
