from __future__ import annotations

import pytest
from stdnum.cn import uscc as stdnum_uscc

from kaifang.core.lib.uscc import (
    UsccError,
    is_customs_code,
    is_valid_uscc,
    make_uscc,
    normalise_customs_code,
    organisation_check_char,
    synthetic_uscc,
    validate_uscc,
)

# Real codes published by the enterprises themselves (both check characters verified).
REAL = ["91110000600037341L", "91440300MA5H0HLK5U", "91133100MA0D8N1J7G"]


@pytest.mark.parametrize("code", REAL)
def test_real_codes_are_valid(code: str) -> None:
    assert validate_uscc(code) == code


def test_organisation_code_check_character() -> None:
    # GB 11714 worked example: 60003734 → check 1 (from 91110000600037341L)
    assert organisation_check_char("60003734") == "1"
    assert organisation_check_char("MA5H0HLK") == "5"


def test_normalises_spaces_dashes_and_case() -> None:
    assert validate_uscc(" 91110000-600037341l ") == "91110000600037341L"
    assert validate_uscc("9111 0000 6000 3734 1L") == "91110000600037341L"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "为空"),
        (None, "为空"),
        ("9111000060003734", "18位"),
        ("A1110000600037341L", "格式"),
        ("91110000600037341I", "格式"),
        ("91110000600037341M", "第18位"),
    ],
)
def test_invalid_codes_give_chinese_reasons(value: str | None, fragment: str) -> None:
    with pytest.raises(UsccError) as info:
        validate_uscc(value)
    assert fragment in info.value.reason


def test_organisation_check_is_verified_even_when_stdnum_accepts() -> None:
    # same code with the organisation check character changed and the final check recomputed:
    # stdnum calls it valid, GB 11714 does not
    body = "9111000060003734" + "2"
    code = body + stdnum_uscc.calc_check_digit(body)
    assert stdnum_uscc.is_valid(code)
    with pytest.raises(UsccError) as info:
        validate_uscc(code)
    assert "第17位" in info.value.reason
    assert not is_valid_uscc(code)


def test_make_uscc_computes_both_checks() -> None:
    code = make_uscc("9141030000000001")
    assert len(code) == 18
    assert validate_uscc(code) == code
    with pytest.raises(ValueError, match="16"):
        make_uscc("91410300")
    with pytest.raises(ValueError, match="invalid"):
        make_uscc("914103000000000I")


def test_synthetic_codes_are_valid_and_unique() -> None:
    codes = {synthetic_uscc(n) for n in range(5000)}
    assert len(codes) == 5000
    assert all(is_valid_uscc(c) for c in codes)
    assert synthetic_uscc(7, division="410100", kind="92").startswith("92410100")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("4101960ABC", True),
        ("4101241234", True),
        ("410124123", False),
        ("41012412345", False),
        ("4101 241234", False),
        ("ABCD241234", False),
        ("4101960abc", False),
        ("41019６0ABC", False),
        (4101241234, False),
    ],
)
def test_is_customs_code(value: object, expected: bool) -> None:  # noqa: FBT001
    assert is_customs_code(value) is expected


def test_normalise_customs_code() -> None:
    assert normalise_customs_code(" 4101960abc ") == "4101960ABC"
    assert normalise_customs_code(4101241234.0) == "4101241234"
    assert normalise_customs_code(None) == ""
