"""The word diff ``bulletin history`` shows between two versions of an article: removed
words as [-…-], added ones as {+…+}, a few words of context around each change."""

from __future__ import annotations

from bulletin.cli.word_diff import ELIDED, PARAGRAPH, word_diff, words

LONG = " ".join(f"w{i}" for i in range(1, 31))  # w1 … w30


def test_the_same_words_are_no_diff() -> None:
    assert word_diff("Huyện tổ chức hội nghị", "Huyện  tổ chức\nhội nghị") is None
    assert word_diff(None, "") is None
    assert word_diff(None, None) is None


def test_added_removed_and_replaced_words() -> None:
    assert word_diff("Một hai ba", "Một hai ba bốn") == "Một hai ba {+bốn+}"
    assert word_diff("Một hai ba bốn", "Một ba bốn") == "Một [-hai-] ba bốn"
    assert word_diff("Đạt 95% kế hoạch", "Đạt 97,5% kế hoạch") == "Đạt [-95%-]{+97,5%+} kế hoạch"
    assert word_diff(None, "Tóm tắt.") == "{+Tóm tắt.+}"
    assert word_diff("Tóm tắt.", None) == "[-Tóm tắt.-]"


def test_only_a_few_words_of_context_are_kept_around_each_change() -> None:
    changed = LONG.replace("w15", "X").replace("w28", "w28 Y")
    assert word_diff(LONG, changed, context=3) == (
        f"{ELIDED} w12 w13 w14 [-w15-]{{+X+}} w16 w17 w18 {ELIDED} w26 w27 w28 {{+Y+}} w29 w30"
    )
    # Unchanged words between two changes are all shown when they are few.
    close = LONG.replace("w15", "X").replace("w19", "Z")
    assert word_diff(LONG, close, context=3) == (
        f"{ELIDED} w12 w13 w14 [-w15-]{{+X+}} w16 w17 w18 [-w19-]{{+Z+}} w20 w21 w22 {ELIDED}"
    )
    assert word_diff("a b", "a b c", context=0) == f"{ELIDED} {{+c+}}"


def test_paragraph_breaks_are_words_of_their_own() -> None:
    assert words("Đoạn một.\n\nĐoạn  hai.\n \nBa") == [
        "Đoạn",
        "một.",
        PARAGRAPH,
        "Đoạn",
        "hai.",
        PARAGRAPH,
        "Ba",
    ]
    assert word_diff("Đoạn một.\n\nĐoạn hai.", "Đoạn một. Đoạn hai.") == (
        f"Đoạn một. [-{PARAGRAPH}-] Đoạn hai."
    )
    assert word_diff("Một.", "Một.\n\nHai.") == f"Một. {{+{PARAGRAPH} Hai.+}}"
