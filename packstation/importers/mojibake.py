"""Recognise a file whose text went through the wrong encoding before it reached us.

A CSV opened in a spreadsheet with the wrong encoding and saved again (or copied
between systems) decodes cleanly here but holds garbled names and addresses; imported,
it would overwrite good orders. What is recognised, from a sample of the file's non-ASCII
text, and refused naming the likely cause:
- UTF-8 read as GBK (and saved as GBK, or as UTF-8): the text encodes back to GBK bytes
  that decode as UTF-8, and its Chinese characters are mostly far outside common use
  (GB2312 level 1 holds the 3,755 characters of everyday text). ftfy does not cover GBK.
- GBK read as UTF-8: the original characters were replaced by U+FFFD (lost for good).
- UTF-8 read as Latin-1 or Windows-1252 and saved again: ftfy's own detector (made for
  exactly this) finds the round trip.
- Big5 (Traditional Chinese): decodes as GBK into rare characters, but cleanly as Big5.
  It is not a supported encoding; the user is told to save the file as UTF-8.
- Otherwise, text whose characters are nearly all rare ones is refused as garbled.
"""

from __future__ import annotations

import codecs
import re

import ftfy

from packstation.errors import UserError

SAMPLE_CHARS = 100_000  # non-ASCII characters looked at; the file's start tells enough
MIN_CHARS = 20  # fewer non-ASCII characters than this tell nothing
# Share of them outside everyday text: real addresses have under 0.05, Traditional
# Chinese text (Hong Kong, Taiwan) about 0.47, mis-decoded text over 0.8.
RARE_SHARE = 0.75
# Big5 read as GBK: more than this share rare, and read as Big5 less than BIG5_SHARE
# outside Big5's own everyday characters.
BIG5_GB_SHARE = 0.3
BIG5_SHARE = 0.1
ROUND_TRIP_SHARE = 0.3  # of non-ASCII runs that turn back into UTF-8
MIN_ROUND_TRIPS = 3
_RUNS = re.compile(r"[^\x00-\x7f]+")
_LATIN_ROUND_TRIPS = {"latin-1", "sloppy-windows-1252", "windows-1252", "sloppy-windows-1251"}


def check(name: str, data: bytes, text: str, encoding: str) -> None:
    """Raise UserError if `text` (the start of `data` decoded as `encoding`) looks
    mis-decoded."""
    runs = _sample(text)
    if not runs:
        return
    if _round_trips_to_utf8(runs):
        raise _refused(
            name,
            "文字是乱码：文件多半是 UTF-8 编码却被当作 GBK 打开（例如用 Excel/WPS）后保存",
            "its text is garbled: it was probably UTF-8 opened as GBK (e.g. in Excel or WPS) "
            "and saved again",
        )
    if encoding.startswith("utf"):
        steps = ftfy.fix_encoding_and_explain(" ".join(runs)).explanation or []
        if any(step == "encode" and how in _LATIN_ROUND_TRIPS for step, how in steps):
            raise _refused(
                name,
                "文字是乱码：文件多半是 UTF-8 编码却被当作 Latin-1/Windows-1252 打开后保存",
                "its text is garbled: it was probably UTF-8 opened as Latin-1/Windows-1252 "
                "and saved again",
            )
    if "\ufffd" in text:
        raise _refused(
            name,
            "含有替换字符“\ufffd”：文件多半是 GBK 编码却被当作 UTF-8 打开后保存，"
            "原来的文字已经丢失",
            "it holds replacement characters (\ufffd): it was probably GBK text opened as UTF-8 "
            "and saved, and the original characters are lost",
        )
    chars, rare = _rarity(runs)
    if chars < MIN_CHARS:
        return
    if encoding.startswith("gb") and rare > BIG5_GB_SHARE * chars and _reads_as_big5(data):
        raise unsupported_big5(name)
    if rare > RARE_SHARE * chars:
        raise _refused(
            name,
            "文字是乱码（大部分汉字是极少用的字）：文件的编码多半不对",
            "its text is garbled (most of its Chinese characters are ones almost never used): "
            "it is probably in another encoding",
        )


def unsupported_big5(name: str) -> UserError:
    return UserError(
        f"{name} 看起来是 Big5（繁体中文）编码，不支持此编码。请用 Excel/WPS 另存为"
        "“CSV UTF-8”后再导入。",
        f"{name} looks like Big5 (Traditional Chinese), an encoding that is not supported. "
        "Save it as 'CSV UTF-8' in Excel/WPS, then import it.",
    )


def looks_like_big5(data: bytes) -> bool:
    """Big5 bytes that decode strictly (for a file that is neither UTF-8 nor GBK)."""
    return _is_big5(data)


def _refused(name: str, zh: str, en: str) -> UserError:
    return UserError(
        f"{name} 未导入：{zh}。请从店铺后台重新导出原始文件直接导入。",
        f"{name} was not imported: {en}. Export the original file again from the shop "
        "back-end and import it directly.",
    )


def _sample(text: str) -> list[str]:
    runs: list[str] = []
    size = 0
    for match in _RUNS.finditer(text):
        runs.append(match.group())
        size += len(runs[-1])
        if size >= SAMPLE_CHARS:
            break
    return runs


def _rarity(runs: list[str], encoding: str = "gbk") -> tuple[int, int]:
    """(non-ASCII characters, those outside everyday text) in `runs`: everyday is the
    punctuation and full-width forms of GB2312 (GBK lead bytes A1-A3) and its level 1
    characters (B0-D7), or for "big5" its punctuation (A1-A3) and frequent characters
    (A4-C6); kana, box drawing, private use and rare characters are not."""
    common = _EVERYDAY[encoding]
    chars = rare = 0
    for run in runs:
        for char in run:
            chars += 1
            try:
                lead = char.encode(encoding)[0]
            except UnicodeEncodeError:
                rare += 1
                continue
            if lead not in common:
                rare += 1
    return chars, rare


_EVERYDAY = {
    "gbk": frozenset(range(0xA1, 0xA4)) | frozenset(range(0xB0, 0xD8)),
    "big5": frozenset(range(0xA1, 0xC7)),
}


def _round_trips_to_utf8(runs: list[str]) -> bool:
    """Enough runs that, encoded as GBK, are UTF-8 text of two or more characters (a cut
    last character allowed: a lossy save turned it into `?`)."""
    tried = hits = 0
    for run in (part for whole in runs for part in whole.split("\ufffd")):
        try:
            raw = run.encode("gb18030")
        except UnicodeEncodeError:
            continue
        if len(raw) < 6:
            continue
        tried += 1
        try:
            decoded = codecs.getincrementaldecoder("utf-8")().decode(raw, final=False)
        except UnicodeDecodeError:
            continue
        if len(decoded) >= 2 and not decoded.isascii():
            hits += 1
    return hits >= MIN_ROUND_TRIPS and hits >= ROUND_TRIP_SHARE * tried


def _is_big5(data: bytes) -> bool:
    return _as_big5(data) is not None


def _as_big5(data: bytes) -> str | None:
    """The start of `data` read as Big5, or None if it is not Big5."""
    start = data[: 4 * SAMPLE_CHARS]
    try:
        return start.decode("big5")
    except UnicodeDecodeError as error:
        if error.start > len(start) - 4:  # cut inside a character at the end
            return start[: error.start].decode("big5")
        return None


def _reads_as_big5(data: bytes) -> bool:
    """Valid Big5, and everyday text read so."""
    text = _as_big5(data)
    if text is None:
        return False
    chars, rare = _rarity(_sample(text), "big5")
    return chars >= MIN_CHARS and rare < BIG5_SHARE * chars
