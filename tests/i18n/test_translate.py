"""translate(), UserError and the choice of language, as the CLI and the windows use them."""

from __future__ import annotations

import pickle

import pytest

from packstation.domain.orders import InterceptReason, stop_reason
from packstation.domain.printer_reasons import PrinterReason
from packstation.domain.verdicts import Verdict
from packstation.errors import ErrorCode, UserError
from packstation.i18n import (
    lang_from_locale,
    msgid,
    output_langs,
    translate,
    translate_all,
)
from packstation.messages import verdict_text


def test_a_code_reads_in_the_language_asked_for_and_switches_at_any_time() -> None:
    assert translate(Verdict.WRONG_ITEM, "zh") == "错货！此商品不在本订单中，请拿出"
    assert translate(Verdict.WRONG_ITEM, "en") == "wrong item: not in this order, take it out"
    assert translate(Verdict.WRONG_ITEM, "zh").startswith("错货")  # back again, same process


def test_parameters_fill_the_message_and_a_code_parameter_is_translated_too() -> None:
    assert translate(ErrorCode.UNKNOWN_ORDER, "en", order_no="NOPE") == "order not found: NOPE"
    assert translate(ErrorCode.UNKNOWN_ORDER, "zh", order_no="NOPE") == "找不到订单：NOPE"
    assert translate("printer.paper_end", "en", device="tcp:10.0.0.9:9100") == (
        "printer tcp:10.0.0.9:9100 is out of paper: load a new roll"
    )
    # A parameter named like translate's own arguments is still a parameter.
    assert translate(ErrorCode.USAGE, "en", detail="x") == "usage error: x"


def test_a_parameter_that_is_a_code_is_worded_in_the_same_language() -> None:
    assert translate(ErrorCode.USAGE, "zh", detail=InterceptReason.REFUNDED) == (
        "命令参数错误：订单已退款"
    )
    assert translate(ErrorCode.USAGE, "en", detail=InterceptReason.REFUNDED) == (
        "usage error: the order was refunded"
    )

def test_a_key_with_no_message_anywhere_shows_itself_rather_than_nothing() -> None:
    assert translate("nowhere.any", "en") == "nowhere.any"
    assert translate("nowhere.any", "zh", n=1) == "nowhere.any {'n': 1}"


def test_a_missing_parameter_stays_visible_instead_of_failing() -> None:
    assert translate(ErrorCode.UNKNOWN_ORDER, "en") == "order not found: {order_no}"


def test_an_unknown_language_or_a_bare_word_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        translate(Verdict.OK, "fr")
    with pytest.raises(ValueError, match="not a message code"):
        msgid("ok")


def test_translate_all_joins_chinese_then_english_by_default() -> None:
    assert translate_all(ErrorCode.UNKNOWN_ORDER, order_no="A1") == (
        "找不到订单：A1 / order not found: A1"
    )
    assert translate_all(ErrorCode.UNKNOWN_ORDER, ("en",), order_no="A1") == "order not found: A1"


def test_verdict_text_is_the_catalogue() -> None:
    for verdict in Verdict:
        assert verdict_text(verdict) == translate(verdict, "zh")
        assert verdict_text(verdict, "en") == translate(verdict, "en")


def test_codes_keep_their_stored_values() -> None:
    """The database and `--json` hold the plain values; only the catalogue key is namespaced."""
    assert Verdict.NOT_FOUND == "not_found" and Verdict.NOT_FOUND.msgid == "verdict.not_found"
    assert PrinterReason.NOT_FOUND.msgid == "printer.not_found"
    assert stop_reason("refunded", None) is InterceptReason.REFUNDED
    assert stop_reason("paid", "lines_changed") == "lines_changed"
    assert stop_reason("paid", None, changed=True) is InterceptReason.CHANGED
    assert stop_reason("paid", None) is None


def test_a_user_error_carries_its_code_and_parameters() -> None:
    error = UserError(ErrorCode.UNKNOWN_ORDER, order_no="NOPE")
    assert (error.code, error.params) == (ErrorCode.UNKNOWN_ORDER, {"order_no": "NOPE"})
    assert error.message("en") == "order not found: NOPE"
    assert error.message("zh") == "找不到订单：NOPE"
    assert error.text(("en",)) == "order not found: NOPE"
    assert str(error) == "找不到订单：NOPE / order not found: NOPE"


def test_the_legacy_two_sentence_form_still_works_until_its_callers_are_converted() -> None:
    legacy = UserError("找不到订单：X", "order not found: X")
    assert legacy.code is None and legacy.params == {}
    assert (legacy.message("zh"), legacy.message("en")) == ("找不到订单：X", "order not found: X")
    assert (legacy.zh, legacy.en) == ("找不到订单：X", "order not found: X")
    assert str(legacy) == "找不到订单：X / order not found: X"
    new = UserError(ErrorCode.BENCH_BOX_OPEN)
    assert new.zh == new.message("zh") and new.en == new.message("en")


def test_a_user_error_without_a_code_is_refused() -> None:
    with pytest.raises(TypeError):
        UserError("just one sentence")
    with pytest.raises(TypeError):
        UserError(ErrorCode.UNKNOWN_ORDER, "NOPE")  # parameters go by name
    with pytest.raises(TypeError):
        UserError("中文", "English", order_no="x")


def test_codes_pickle_as_themselves() -> None:
    """Codes cross process boundaries (a worker, a queue) as the same members."""
    assert pickle.loads(pickle.dumps(ErrorCode.UNKNOWN_ORDER)) is ErrorCode.UNKNOWN_ORDER


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "zh_TW.UTF-8"}, "zh"),
        ({"LANG": "en"}, "en"),
        ({"LANG": "C.UTF-8"}, None),
        ({"LANG": "C"}, None),
        ({"LANG": "POSIX"}, None),
        ({"LANG": "de_DE.UTF-8"}, None),
        ({}, None),
        ({"LANG": ""}, None),
        # POSIX order: LC_ALL, then LC_MESSAGES, then LANG.
        ({"LANG": "zh_CN.UTF-8", "LC_MESSAGES": "en_GB.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "C"}, None),
    ],
)
def test_the_locale_names_a_language_or_none(environ: dict[str, str], expected: str) -> None:
    assert lang_from_locale(environ) == expected


def test_the_option_beats_the_locale_and_nothing_means_both() -> None:
    assert output_langs("zh", {"LANG": "en_US.UTF-8"}) == ("zh",)
    assert output_langs(None, {"LANG": "en_US.UTF-8"}) == ("en",)
    assert output_langs(None, {"LANG": "C.UTF-8"}) == ("zh", "en")
    assert output_langs(None, {}) == ("zh", "en")
