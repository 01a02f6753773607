"""Day-first Vietnamese dates and times; unreadable ones give None, never a guess."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from extractors.dates import parse_vn_datetime

ICT = timezone(timedelta(hours=7))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("06-05-2022 14:56", datetime(2022, 5, 6, 14, 56, tzinfo=ICT)),
        ("06/05/2022", datetime(2022, 5, 6, tzinfo=ICT)),
        ("21/12/2012 | 12:00 AM", datetime(2012, 12, 21, 0, 0, tzinfo=ICT)),
        ("Ngày đăng 28/07/2020 | 02:20 PM", datetime(2020, 7, 28, 14, 20, tzinfo=ICT)),
        ("Thứ Sáu, 06/05/2022 - 14:56", datetime(2022, 5, 6, 14, 56, tzinfo=ICT)),
        ("Thứ Bẩy, 07/05/2022 - 08:05", datetime(2022, 5, 7, 8, 5, tzinfo=ICT)),
        ("Thứ năm, 2/11/2023, 19:20 (GMT+7)", datetime(2023, 11, 2, 19, 20, tzinfo=ICT)),
        ("Cập nhật lúc 14:56 ngày 06/05/2022", datetime(2022, 5, 6, 14, 56, tzinfo=ICT)),
        ("14:43, 07/03/2024", datetime(2024, 3, 7, 14, 43, tzinfo=ICT)),
        ("Mai An 14:43, 07/03/2024", datetime(2024, 3, 7, 14, 43, tzinfo=ICT)),
        ("ngày 6 tháng 5 năm 2022", datetime(2022, 5, 6, tzinfo=ICT)),
        ("Hà Nội, Ngày 06 tháng 05 năm 2022", datetime(2022, 5, 6, tzinfo=ICT)),
        ("14h30 ngày 6/5/2022", datetime(2022, 5, 6, 14, 30, tzinfo=ICT)),
        ("14 giờ 30 phút, ngày 6/5/2022", datetime(2022, 5, 6, 14, 30, tzinfo=ICT)),
        ("Thứ Hai, ngày 09/05/2022 10:15", datetime(2022, 5, 9, 10, 15, tzinfo=ICT)),
        ("06/05/2022 02:56 CH", datetime(2022, 5, 6, 14, 56, tzinfo=ICT)),
        ("06/05/2022 12:30 CH", datetime(2022, 5, 6, 12, 30, tzinfo=ICT)),
        ("06/05/2022 09:05 SA", datetime(2022, 5, 6, 9, 5, tzinfo=ICT)),
        ("06/05/2022 12:10 SA", datetime(2022, 5, 6, 0, 10, tzinfo=ICT)),
        ("06.05.2022 14:56:09", datetime(2022, 5, 6, 14, 56, 9, tzinfo=ICT)),
        ("2025-10-22T19:25:52+07:00", datetime(2025, 10, 22, 19, 25, 52, tzinfo=ICT)),
        ("2025-10-22T12:25:52Z", datetime(2025, 10, 22, 19, 25, 52, tzinfo=ICT)),
        ("2022-05-06T14:56:00", datetime(2022, 5, 6, 14, 56, tzinfo=ICT)),
        ("2022-05-06", datetime(2022, 5, 6, tzinfo=ICT)),
        ("Thứ năm, 2/11/2023, 19:20 (GMT+9)", datetime(2023, 11, 2, 17, 20, tzinfo=ICT)),
        ("\u00a006/05/2022\u00a0\u00a014:56 ", datetime(2022, 5, 6, 14, 56, tzinfo=ICT)),
    ],
)
def test_reads_day_first(text: str, expected: datetime) -> None:
    parsed = parse_vn_datetime(text)
    assert parsed == expected
    assert parsed is not None
    assert parsed.utcoffset() == timedelta(hours=7)
    assert parsed.isoformat() == expected.isoformat()


def test_isoformat_of_the_seed_date() -> None:
    parsed = parse_vn_datetime("06-05-2022 14:56")
    assert parsed is not None
    assert parsed.isoformat() == "2022-05-06T14:56:00+07:00"


def test_other_timezone() -> None:
    parsed = parse_vn_datetime("06/05/2022 14:56", "UTC")
    assert parsed is not None
    assert parsed.isoformat() == "2022-05-06T14:56:00+00:00"


@pytest.mark.parametrize(
    "text",
    [
        "16/72/2020",  # no 72nd month: None, not 16 December
        "31/02/2022",
        "Ngày 16/72/2020, Sở ban hành",
        "06/05/2022 25:10",
        "14:56",
        "06/05/22",
        "ngày 32 tháng 1 năm 2022",
        "2022-13-01",
        "Thứ Sáu",
        "",
        "   ",
        None,
        "29/29 cơ sở đoàn",
    ],
)
def test_unreadable_gives_none(text: str | None) -> None:
    assert parse_vn_datetime(text) is None
