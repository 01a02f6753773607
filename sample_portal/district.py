"""The fictional district the sample portal publishes for: names, places, people, units.

Huyện Đồng Lâm, tỉnh Thái Nguyên, does not exist; every name here is invented (any
resemblance to a real person is chance). The portal's categories and its footer live
here too, so that the whole "site knowledge" of the sample is one module of data.
"""

from __future__ import annotations

import random
from functools import lru_cache

from sample_portal.model import Category

DISTRICT = "Đồng Lâm"
PROVINCE = "Thái Nguyên"
SITE_NAME = f"Cổng thông tin điện tử huyện {DISTRICT}"
ADDRESS = f"Tổ dân phố Trung Tâm, thị trấn {DISTRICT}, huyện {DISTRICT}, tỉnh {PROVINCE}"
PHONE = "(0208) 3 871 246"
FAX = "(0208) 3 871 247"
EMAIL = "ubnd.donglam@thainguyen.gov.vn"

CATEGORIES: tuple[Category, ...] = (
    Category("tin-tuc-su-kien", "Tin tức - Sự kiện", "Hq3TdHp2sJxk"),
    Category("kinh-te", "Kinh tế", "Kx7mQa2LrT9w"),
    Category("van-hoa-xa-hoi", "Văn hóa - Xã hội", "Vb4nZc8PeY1s"),
)
# Share of the articles each category receives, in CATEGORIES order.
CATEGORY_WEIGHTS = (0.4, 0.3, 0.3)

TOWNS = (DISTRICT, "Tân Lập")
COMMUNES = (
    "Lâm Sơn",
    "Tân Hòa",
    "Phú Thịnh",
    "Yên Mỹ",
    "Đồng Tâm",
    "Bình Long",
    "Quang Sơn",
    "Minh Tiến",
    "Hợp Thành",
    "Văn Lăng",
    "Khe Vàng",
    "Nà Mè",
    "Thượng Lâm",
    "Phúc Lộc",
    "Cao Kỳ",
    "Hòa Bình",
    "Tân Khánh",
    "Xuân Phương",
    "Na Hẩu",
    "Vũ Chấn",
)
# The administrative units of the district, as in "22/22 xã, thị trấn".
UNIT_COUNT = len(TOWNS) + len(COMMUNES)

HAMLETS = (
    "Làng Mới",
    "Nà Pịa",
    "Khuổi Cỏ",
    "Bản Chương",
    "Đồng Chòi",
    "Nà Lầy",
    "Làng Đèn",
    "Pác Cáp",
    "Tân Sơn",
    "Cầu Đá",
    "Khuôn Vạc",
    "Đồng Mấu",
)

# District posts and who holds them; a post may have several holders.
ROSTER: dict[str, tuple[str, ...]] = {
    "Bí thư Huyện ủy": ("Hoàng Văn Thắng",),
    "Phó Bí thư Thường trực Huyện ủy": ("Lương Thị Hà",),
    "Chủ tịch UBND huyện": ("Trần Minh Đức",),
    "Phó Chủ tịch UBND huyện": ("Nông Văn Tuấn", "Đào Thị Thu Hằng"),
    "Trưởng Ban Tuyên giáo Huyện ủy": ("Triệu Thị Mai",),
    "Chủ nhiệm Ủy ban Kiểm tra Huyện ủy": ("Ma Văn Bình",),
    "Trưởng phòng Nông nghiệp và Phát triển nông thôn huyện": ("Dương Văn Khánh",),
    "Chánh Văn phòng Điều phối nông thôn mới huyện": ("Vi Văn Thành",),
    "Trưởng phòng Giáo dục và Đào tạo huyện": ("Nguyễn Thị Lan",),
    "Giám đốc Trung tâm Y tế huyện": ("Lý Văn Sơn",),
    "Trưởng phòng Văn hóa và Thông tin huyện": ("Phạm Quốc Việt",),
    "Giám đốc Trung tâm Văn hóa, Thể thao - Truyền thông huyện": ("Bế Thị Ngọc",),
}

# Byline writers and photographers (pen names).
AUTHORS = (
    "Thu Hà",
    "Minh Khôi",
    "Ngọc Ánh",
    "Hà Linh",
    "Văn Quyết",
    "Bích Ngọc",
    "Đức Anh",
    "Thanh Thủy",
    "Lan Hương",
    "Quang Huy",
    "Hồng Nhung",
    "Mạnh Cường",
)

UNIT_MEDIA = f"Trung tâm Văn hóa, Thể thao - Truyền thông {DISTRICT}"

_FAMILY = (
    "Nguyễn",
    "Trần",
    "Hoàng",
    "Nông",
    "Ma",
    "Dương",
    "Lương",
    "Đinh",
    "Triệu",
    "La",
    "Hà",
    "Vi",
    "Bế",
    "Lý",
    "Phạm",
    "Đàm",
    "Lục",
)
_MALE = (
    ("Văn", "Đức", "Minh", "Quốc", "Hữu", "Xuân"),
    ("Hùng", "Tuấn", "Thắng", "Sơn", "Dũng", "Long", "Quyết", "Cường", "Hải", "Toàn"),
)
_FEMALE = (
    ("Thị", "Thu", "Thanh", "Ngọc", "Thị Thu", "Thị Hồng"),
    ("Lan", "Hương", "Hà", "Mai", "Thủy", "Hạnh", "Phương", "Huyền", "Nga", "Yến"),
)


@lru_cache(maxsize=4096)
def local_official(role: str) -> str:
    """The holder of a commune-level post (e.g. "Chủ tịch UBND xã Tân Hòa").

    Derived from the post alone, so the same post has the same holder in every article.
    """
    rng = random.Random(f"official:{role}")
    middles, givens = _MALE if rng.random() < 0.6 else _FEMALE
    return f"{rng.choice(_FAMILY)} {rng.choice(middles)} {rng.choice(givens)}"


def footer_lines() -> tuple[str, ...]:
    """The footer's contact lines."""
    return (
        f"Cơ quan chủ quản: Ủy ban nhân dân huyện {DISTRICT}, tỉnh {PROVINCE}",
        f"Địa chỉ: {ADDRESS} - Điện thoại: {PHONE}; Fax: {FAX}",
        f"Email: {EMAIL}",
        f"Ghi rõ nguồn “{SITE_NAME}” khi phát hành lại thông tin từ cổng thông tin này.",
    )
