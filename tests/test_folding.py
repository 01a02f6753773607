"""Folding for search without diacritics (issue 18, item 1's first piece): every tone and
vowel mark goes, đ becomes d, case goes; Python and DuckDB fold alike."""

from __future__ import annotations

import unicodedata

import duckdb
import pytest

from extractors.text import fold

VOWELS = "aăâeêioôơuưy"
TONED = {  # each base vowel with its five tones, lower and upper case
    base: [
        ch
        for ch in (
            f"{base}\u0300",  # huyền
            f"{base}\u0301",  # sắc
            f"{base}\u0309",  # hỏi
            f"{base}\u0303",  # ngã
            f"{base}\u0323",  # nặng
        )
    ]
    for base in VOWELS
}


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        (
            "Đại hội Đoàn TNCS Hồ Chí Minh huyện Võ Nhai",
            "dai hoi doan tncs ho chi minh huyen vo nhai",
        ),
        ("Nghị quyết số 35-NQ/TW", "nghi quyet so 35-nq/tw"),
        ("nghi quyet 35", "nghi quyet 35"),  # already folded: unchanged
        ("ĐẠT TRÊN 90%", "dat tren 90%"),
        ("Thái Nguyên, ngày 22/10/2018", "thai nguyen, ngay 22/10/2018"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded
    assert fold(folded) == folded  # idempotent


def test_every_vowel_and_tone_folds_to_its_letter() -> None:
    for base, toned in TONED.items():
        letter = fold(base)
        assert letter in "aeiouy"
        for composed in (unicodedata.normalize("NFC", t) for t in toned):
            assert fold(composed) == letter, composed
            assert fold(composed.upper()) == letter, composed.upper()
    assert fold("đĐ") == "dd"


def test_duckdb_folds_alike() -> None:
    samples = [
        "Đại hội Đoàn TNCS Hồ Chí Minh huyện Võ Nhai",
        "Nghị quyết số 35-NQ/TW ngày 22/10/2018 của Bộ Chính trị",
        "Ủy ban nhân dân xã Tràng Xá đạt trên 90% chỉ tiêu",
        *(unicodedata.normalize("NFC", t) for toned in TONED.values() for t in toned),
        *(unicodedata.normalize("NFC", t).upper() for toned in TONED.values() for t in toned),
    ]
    con = duckdb.connect()
    folded = con.execute(
        "SELECT list_transform(?, lambda s: replace(lower(strip_accents(s)), 'đ', 'd'))", [samples]
    ).fetchone()
    assert folded is not None
    assert folded[0] == [fold(s) for s in samples]
