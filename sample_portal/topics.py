"""The bulletin templates: seven topics of district news, written for this project.

Template syntax (filled by ``content.py``, left to right, from the article's own RNG):

- ``[a|b|c]``: one of the alternatives (may be empty, may hold slots);
- ``{HUYEN}`` district, ``{XA}`` the article's commune, ``{THON}`` a hamlet,
  ``{NAM}`` the publication year, ``{NAMT}`` the year before, ``{NH}`` the school year;
- ``{DOC}`` the full citation of the document the lead cites, ``{DOC2}`` a short
  citation of a second (local) document;
- numbers, each recorded as a quoted phrase: ``{N:noun:lo-hi}`` a count ("hơn 1.200 lượt
  người"), ``{P:lo-hi}`` a rate after its noun ("đạt 95,5%"), ``{Q:lo-hi}`` a bare
  percentage ("khoảng 4,5%"), ``{M:lo-hi}`` money in billions of đồng ("2,5 tỷ đồng",
  "850 triệu đồng"), ``{RX}``/``{RXF}`` communes reached ("20/22 xã, thị trấn", all of
  them), ``{R:noun:lo-hi}`` a ratio ("38/52 trường").

Titles, quotes and captions hold no number slots: the numbers of an article are those of
its body. Central documents are real (number, date and issuer are public facts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class CentralDoc:
    """A document of the Party or the Government, cited by its full title."""

    ref: str
    issued: date
    citation: str


CENTRAL_DOCS: dict[str, CentralDoc] = {
    d.ref: d
    for d in (
        CentralDoc(
            "35-NQ/TW",
            date(2018, 10, 22),
            "Nghị quyết số 35-NQ/TW ngày 22/10/2018 của Bộ Chính trị về tăng cường bảo vệ "
            "nền tảng tư tưởng của Đảng, đấu tranh phản bác các quan điểm sai trái, thù "
            "địch trong tình hình mới",
        ),
        CentralDoc(
            "05-CT/TW",
            date(2016, 5, 15),
            "Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị về đẩy mạnh học tập và "
            "làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        ),
        CentralDoc(
            "749/QĐ-TTg",
            date(2020, 6, 3),
            "Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ phê duyệt "
            "Chương trình Chuyển đổi số quốc gia đến năm 2025, định hướng đến năm 2030",
        ),
        CentralDoc(
            "06/QĐ-TTg",
            date(2022, 1, 6),
            "Quyết định số 06/QĐ-TTg ngày 06/01/2022 của Thủ tướng Chính phủ phê duyệt Đề "
            "án phát triển ứng dụng dữ liệu về dân cư, định danh và xác thực điện tử phục "
            "vụ chuyển đổi số quốc gia",
        ),
        CentralDoc(
            "19-NQ/TW",
            date(2022, 6, 16),
            "Nghị quyết số 19-NQ/TW ngày 16/6/2022 của Ban Chấp hành Trung ương Đảng về "
            "nông nghiệp, nông dân, nông thôn đến năm 2030, tầm nhìn đến năm 2045",
        ),
        CentralDoc(
            "263/QĐ-TTg",
            date(2022, 2, 22),
            "Quyết định số 263/QĐ-TTg ngày 22/02/2022 của Thủ tướng Chính phủ phê duyệt "
            "Chương trình mục tiêu quốc gia xây dựng nông thôn mới giai đoạn 2021 - 2025",
        ),
        CentralDoc(
            "29-NQ/TW",
            date(2013, 11, 4),
            "Nghị quyết số 29-NQ/TW ngày 04/11/2013 của Ban Chấp hành Trung ương Đảng về "
            "đổi mới căn bản, toàn diện giáo dục và đào tạo",
        ),
        CentralDoc(
            "20-NQ/TW",
            date(2017, 10, 25),
            "Nghị quyết số 20-NQ/TW ngày 25/10/2017 của Ban Chấp hành Trung ương Đảng về "
            "tăng cường công tác bảo vệ, chăm sóc và nâng cao sức khỏe Nhân dân trong tình "
            "hình mới",
        ),
        CentralDoc(
            "33-NQ/TW",
            date(2014, 6, 9),
            "Nghị quyết số 33-NQ/TW ngày 09/6/2014 của Ban Chấp hành Trung ương Đảng về xây "
            "dựng và phát triển văn hóa, con người Việt Nam đáp ứng yêu cầu phát triển bền "
            "vững đất nước",
        ),
    )
}

# Local document kinds (name, type code), issued by the district People's Committee
# ("123/QĐ-UBND") or by the Standing Board of the district Party Committee ("08-KH/HU").
ADMIN_KINDS = (("Kế hoạch", "KH-UBND"), ("Quyết định", "QĐ-UBND"), ("Hướng dẫn", "HD-UBND"))
PARTY_KINDS = (("Kế hoạch", "KH/HU"), ("Nghị quyết", "NQ/HU"), ("Chỉ thị", "CT/HU"))
ADMIN_ISSUER = "của UBND huyện"
PARTY_ISSUER = "của Ban Thường vụ Huyện ủy"


@dataclass(frozen=True, slots=True)
class Topic:
    """One kind of bulletin and everything needed to write one."""

    key: str
    category: str
    party: bool
    central: tuple[str, ...]
    about: tuple[str, ...]
    titles: tuple[str, ...]
    leads: tuple[str, ...]
    paragraphs: tuple[str, ...]
    quotes: tuple[str, ...]
    captions: tuple[str, ...]
    roles: tuple[str, ...]
    units: tuple[str, ...]


_MEDIA = "Trung tâm Văn hóa, Thể thao - Truyền thông Đồng Lâm"

TOPICS: tuple[Topic, ...] = (
    Topic(
        key="xay-dung-dang",
        category="tin-tuc-su-kien",
        party=True,
        central=("35-NQ/TW", "05-CT/TW"),
        about=(
            "về nâng cao chất lượng sinh hoạt chi bộ năm {NAM}",
            "về công tác kiểm tra, giám sát năm {NAM}",
            "về tăng cường công tác tuyên truyền trên không gian mạng",
        ),
        titles=(
            "[Huyện {HUYEN}|Đảng bộ xã {XA}] nâng cao chất lượng sinh hoạt chi bộ "
            "[năm {NAM}|ở thôn, xóm]",
            "Đảng bộ xã {XA} chú trọng phát triển đảng viên [trong đoàn viên, thanh niên|mới]",
            "[Xã {XA}|Huyện đoàn {HUYEN}|Hội Cựu chiến binh xã {XA}] chung tay bảo vệ nền "
            "tảng tư tưởng của Đảng trên không gian mạng",
            "[Hội nghị|Lớp] [bồi dưỡng|tập huấn] nghiệp vụ công tác [kiểm tra, giám sát|"
            "tuyên giáo|dân vận] năm {NAM} [tại xã {XA}|cho cán bộ cơ sở]",
            "Xã {XA} [đẩy mạnh|] học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
            "[Huyện ủy {HUYEN}|Đảng ủy xã {XA}] [quán triệt|triển khai] các văn bản mới của "
            "[Trung ương|Tỉnh ủy]",
        ),
        leads=(
            "Thực hiện {DOC}, thời gian qua, cấp ủy, chính quyền các cấp huyện {HUYEN} đã "
            "tập trung lãnh đạo, chỉ đạo triển khai đồng bộ nhiều giải pháp. Nhờ đó, nhận "
            "thức và trách nhiệm của cán bộ, đảng viên được nâng lên rõ rệt.",
            "Triển khai {DOC}, Đảng bộ huyện {HUYEN} xác định công tác xây dựng Đảng là "
            "nhiệm vụ then chốt, gắn với nâng cao năng lực lãnh đạo và sức chiến đấu của tổ "
            "chức cơ sở đảng.",
            "Năm {NAM}, bám sát {DOC}, các cấp ủy trên địa bàn huyện {HUYEN} đã cụ thể hóa "
            "thành các chương trình, kế hoạch phù hợp với thực tiễn địa phương.",
        ),
        paragraphs=(
            "Ngay sau khi văn bản được ban hành, Ban Thường vụ Huyện ủy đã chỉ đạo tổ chức "
            "quán triệt đến các tổ chức cơ sở đảng, đội ngũ cán bộ, đảng viên. Đến nay, {RX} "
            "đã hoàn thành việc học tập, quán triệt; tỷ lệ cán bộ, đảng viên tham gia "
            "{P:88-99}. Nội dung sinh hoạt được đổi mới theo hướng thiết thực, gắn với nhiệm "
            "vụ chính trị của từng địa phương, đơn vị.",
            "Công tác phát triển đảng viên được các cấp ủy quan tâm thực hiện. Trong năm, "
            "toàn Đảng bộ huyện đã kết nạp {N:đảng viên mới:60-220}, trong đó có "
            "{N:đoàn viên thanh niên:20-60}; {N:chi bộ:10-40} được đánh giá có chất lượng "
            "sinh hoạt tốt. Nhiều chi bộ thôn, xóm đã chủ động lựa chọn chuyên đề sinh hoạt "
            "sát với đời sống của Nhân dân.",
            "Cùng với đó, lực lượng cộng tác viên trên không gian mạng đã chia sẻ "
            "{N:tin, bài:300-2000} mang tính tích cực, thu hút {N:lượt tương tác:5000-40000}. "
            "Các trang thông tin của [Huyện đoàn|Hội Liên hiệp Phụ nữ huyện|các xã, thị trấn] "
            "thường xuyên cập nhật hoạt động của địa phương, góp phần định hướng dư luận xã "
            "hội.",
            "Công tác kiểm tra, giám sát được tiến hành thường xuyên. Ủy ban Kiểm tra Huyện "
            "ủy đã kiểm tra {N:tổ chức đảng:8-30} và {N:đảng viên:15-60} khi có dấu hiệu vi "
            "phạm; qua đó kịp thời chấn chỉnh những hạn chế, thiếu sót, giữ vững kỷ luật, kỷ "
            "cương trong Đảng.",
            "Huyện đã tổ chức {N:hội nghị tập huấn:3-15} về kỹ năng tuyên truyền, đấu tranh "
            "phản bác các quan điểm sai trái cho {N:lượt học viên:400-2000} là báo cáo viên, "
            "tuyên truyền viên cơ sở. Thực hiện {DOC2}, các chi bộ đã đưa nội dung học tập và "
            "làm theo gương Bác vào sinh hoạt định kỳ.",
            "Việc thực hiện quy chế dân chủ ở cơ sở được đẩy mạnh. Tại xã {XA}, Đảng ủy xã "
            "đã tổ chức {N:buổi đối thoại:4-12} giữa người đứng đầu cấp ủy, chính quyền với "
            "Nhân dân; tỷ lệ kiến nghị chính đáng của cử tri được giải quyết {P:90-100}.",
            "Kết quả đánh giá, xếp loại năm {NAMT} cho thấy tỷ lệ tổ chức cơ sở đảng hoàn "
            "thành tốt nhiệm vụ trở lên {P:85-96}; {N:đảng viên:400-1500} được đánh giá hoàn "
            "thành xuất sắc nhiệm vụ.",
        ),
        quotes=(
            "Chúng tôi xác định xây dựng Đảng là nhiệm vụ then chốt, vì vậy mỗi cấp ủy phải "
            "bám sát cơ sở, lắng nghe ý kiến của Nhân dân và kịp thời tháo gỡ những vướng "
            "mắc ngay từ thôn, xóm.",
            "Thời gian tới, huyện tiếp tục đổi mới nội dung, phương thức sinh hoạt chi bộ, "
            "nâng cao chất lượng đội ngũ cán bộ, đảng viên, nhất là ở những chi bộ còn gặp "
            "nhiều khó khăn.",
            "Mỗi cán bộ, đảng viên phải thực sự là một tuyên truyền viên tích cực, vừa lan "
            "tỏa thông tin chính thống, vừa kiên quyết đấu tranh với những thông tin sai trái "
            "trên mạng xã hội.",
        ),
        captions=(
            "Quang cảnh hội nghị [sơ kết|tổng kết|quán triệt] tại Huyện ủy {HUYEN}",
            "Lãnh đạo Huyện ủy {HUYEN} trao Huy hiệu Đảng cho các đảng viên xã {XA}",
            "Đại biểu tham dự lớp bồi dưỡng lý luận chính trị năm {NAM}",
            "Chi bộ thôn {THON} xã {XA} sinh hoạt chuyên đề",
        ),
        roles=(
            "Bí thư Huyện ủy",
            "Phó Bí thư Thường trực Huyện ủy",
            "Trưởng Ban Tuyên giáo Huyện ủy",
            "Chủ nhiệm Ủy ban Kiểm tra Huyện ủy",
            "Bí thư Đảng ủy xã {XA}",
        ),
        units=("Ban Tuyên giáo Huyện ủy", _MEDIA),
    ),
    Topic(
        key="chuyen-doi-so",
        category="tin-tuc-su-kien",
        party=False,
        central=("749/QĐ-TTg", "06/QĐ-TTg"),
        about=(
            "về chuyển đổi số huyện {HUYEN} năm {NAM}",
            "về triển khai Đề án 06 trên địa bàn huyện năm {NAM}",
            "về đẩy mạnh thanh toán không dùng tiền mặt",
        ),
        titles=(
            "[Huyện {HUYEN}|Xã {XA}] đẩy mạnh chuyển đổi số [trong cơ quan nhà nước|năm {NAM}]",
            "Xã {XA} ra mắt mô hình [“Thôn thông minh”|“Chợ 4.0”|“Tổ công nghệ số cộng đồng”]",
            "Tập huấn kỹ năng số cho [Tổ công nghệ số cộng đồng|cán bộ, công chức|hội viên phụ "
            "nữ] xã {XA}",
            "Nâng cao tỷ lệ hồ sơ thủ tục hành chính trực tuyến [toàn trình |]tại xã {XA}",
            "Triển khai Đề án 06 trên địa bàn xã {XA}",
            "{HUYEN}: Phát huy vai trò Tổ công nghệ số cộng đồng tại xã {XA}",
        ),
        leads=(
            "Thực hiện {DOC}, huyện {HUYEN} đã triển khai đồng bộ các nhiệm vụ chuyển đổi số "
            "trên cả ba trụ cột chính quyền số, kinh tế số và xã hội số.",
            "Theo {DOC}, năm {NAM} huyện {HUYEN} tập trung đưa các nền tảng số đến gần hơn "
            "với người dân. Bước đầu, nhiều mô hình hay đã được nhân rộng ở cơ sở.",
            "Bám sát {DOC}, các cơ quan, đơn vị và UBND các xã, thị trấn trên địa bàn huyện "
            "{HUYEN} đã chủ động ứng dụng công nghệ thông tin trong giải quyết thủ tục hành "
            "chính cho người dân, doanh nghiệp.",
        ),
        paragraphs=(
            "Đến nay, {RXF} đã thành lập Tổ công nghệ số cộng đồng với "
            "{N:thành viên:500-1600}. Các tổ đã hướng dẫn người dân cài đặt ứng dụng định "
            "danh điện tử, sử dụng dịch vụ công trực tuyến và thanh toán không dùng tiền mặt.",
            "Tỷ lệ hồ sơ thủ tục hành chính được tiếp nhận và giải quyết trực tuyến "
            "{P:70-96}; tỷ lệ văn bản điện tử trao đổi giữa các cơ quan nhà nước {P:95-99}. "
            "Bộ phận Một cửa huyện đã tiếp nhận {N:hồ sơ:3000-15000} trong năm {NAM}, không "
            "có hồ sơ quá hạn.",
            "Hạ tầng số tiếp tục được đầu tư. Huyện đã bố trí {M:0.8-4.5} để nâng cấp đường "
            "truyền, trang bị thiết bị cho Bộ phận tiếp nhận và trả kết quả của {RX}. Tỷ lệ "
            "thôn, xóm được phủ sóng di động băng rộng {P:92-99}.",
            "Tại xã {XA}, mô hình thôn thông minh đã giúp {N:hộ:150-600} kết nối camera an "
            "ninh, loa truyền thanh thông minh và nhóm Zalo của thôn. Người dân có thể phản "
            "ánh kiến nghị, theo dõi thông báo của chính quyền ngay trên điện thoại.",
            "Thực hiện {DOC2}, Công an huyện phối hợp với các xã, thị trấn đã thu nhận "
            "{N:hồ sơ cấp căn cước:8000-30000} và kích hoạt "
            "{N:tài khoản định danh điện tử:6000-25000}. Tỷ lệ người dân trong độ tuổi đã "
            "kích hoạt tài khoản định danh điện tử {P:75-92}.",
            "Huyện đã tổ chức {N:lớp tập huấn:5-20} về kỹ năng số cho "
            "{N:lượt cán bộ, công chức:300-1200} và thành viên Tổ công nghệ số cộng đồng. "
            "Nhiều hợp tác xã đã đưa sản phẩm chè, miến dong lên sàn thương mại điện tử, "
            "doanh thu bán hàng trực tuyến đạt {M:0.3-3}.",
        ),
        quotes=(
            "Chuyển đổi số không chỉ là câu chuyện của cơ quan nhà nước mà phải bắt đầu từ "
            "chính người dân. Khi người dân thấy tiện lợi, họ sẽ chủ động tham gia và lan tỏa "
            "cho nhau.",
            "Chúng tôi đặt mục tiêu mỗi thôn, xóm đều có thành viên Tổ công nghệ số cộng đồng "
            "đủ khả năng hướng dẫn bà con sử dụng các dịch vụ công trực tuyến.",
            "Thời gian tới, huyện sẽ tiếp tục đầu tư hạ tầng, đồng thời chú trọng đào tạo kỹ "
            "năng cho đội ngũ cán bộ cấp xã để phục vụ người dân ngày càng tốt hơn.",
        ),
        captions=(
            "Thành viên Tổ công nghệ số cộng đồng xã {XA} hướng dẫn người dân cài đặt ứng "
            "dụng định danh điện tử",
            "Người dân làm thủ tục hành chính tại Bộ phận Một cửa huyện {HUYEN}",
            "Lớp tập huấn kỹ năng số cho cán bộ, công chức cấp xã năm {NAM}",
            "Tiểu thương chợ {XA} sử dụng mã QR trong thanh toán",
        ),
        roles=(
            "Chủ tịch UBND huyện",
            "Phó Chủ tịch UBND huyện",
            "Trưởng phòng Văn hóa và Thông tin huyện",
            "Chủ tịch UBND xã {XA}",
        ),
        units=("Phòng Văn hóa và Thông tin", _MEDIA, "Văn phòng HĐND và UBND huyện"),
    ),
    Topic(
        key="nong-nghiep",
        category="kinh-te",
        party=False,
        central=("19-NQ/TW",),
        about=(
            "về phát triển sản xuất nông nghiệp năm {NAM}",
            "về phòng, chống dịch bệnh cho đàn vật nuôi năm {NAM}",
            "về phát triển cây chè giai đoạn 2021 - 2025",
        ),
        titles=(
            "[Huyện {HUYEN}|Xã {XA}] [hoàn thành|đẩy nhanh tiến độ] gieo cấy [vụ Xuân|vụ Mùa] "
            "năm {NAM}",
            "Nông dân xã {XA} [thu hoạch|chăm sóc] chè [vụ Xuân|vụ Hè|cuối vụ]",
            "Phát triển vùng chè an toàn theo tiêu chuẩn [VietGAP|hữu cơ] ở xã {XA}",
            "Hiệu quả mô hình [trồng bưởi|nuôi ong lấy mật|trồng dưa lưới trong nhà màng|"
            "nuôi cá lồng] tại xã {XA}",
            "Xã {XA} chủ động phòng, chống [rét đậm, rét hại cho đàn gia súc|dịch tả lợn "
            "châu Phi|sâu bệnh hại cây trồng]",
            "Hội thảo đầu bờ giới thiệu giống [lúa|ngô] mới tại xã {XA}",
        ),
        leads=(
            "Thực hiện {DOC}, ngành nông nghiệp huyện {HUYEN} đã chỉ đạo các xã, thị trấn "
            "chủ động chuẩn bị giống, vật tư và nhân lực ngay từ đầu vụ.",
            "Triển khai {DOC}, nhiều hộ nông dân trên địa bàn huyện {HUYEN} đã mạnh dạn "
            "chuyển đổi cơ cấu cây trồng, vật nuôi. Bước đầu, các mô hình sản xuất hàng hóa "
            "đã mang lại thu nhập ổn định cho người dân.",
            "Theo {DOC}, huyện {HUYEN} tập trung phát triển các vùng sản xuất tập trung, gắn "
            "sản xuất với chế biến và tiêu thụ sản phẩm.",
        ),
        paragraphs=(
            "Vụ này, toàn huyện gieo cấy được {N:ha lúa:1500-4500}, bằng {Q:95-104} kế hoạch. "
            "Các giống lúa chất lượng cao, năng suất khá tiếp tục được đưa vào sản xuất, "
            "chiếm {Q:40-70} diện tích.",
            "Diện tích chè toàn huyện hiện có {N:ha:1800-3500}, trong đó {N:ha:300-900} được "
            "chứng nhận sản xuất theo tiêu chuẩn VietGAP và hữu cơ. Năng suất chè búp tươi "
            "bình quân {N:tạ/ha:110-140}, giá trị thu được trên mỗi héc-ta đạt "
            "{M:0.15-0.35}/năm.",
            "Để chủ động phòng, chống dịch bệnh, huyện đã cấp {N:liều vắc-xin:20000-80000} "
            "tiêm phòng cho đàn gia súc, gia cầm; phun khử trùng tiêu độc "
            "{N:m2 chuồng trại:50000-300000}. Tỷ lệ tiêm phòng trên đàn trâu, bò {P:80-95}.",
            "Huyện đã hỗ trợ {M:1-6} từ nguồn ngân sách để phát triển sản xuất, tập trung vào "
            "giống cây trồng, vật tư phân bón và chuyển giao khoa học kỹ thuật. Đã có "
            "{N:hộ:200-900} được hỗ trợ cây giống chất lượng cao.",
            "Mô hình [trồng bưởi Diễn|nuôi ong lấy mật|trồng dưa lưới trong nhà màng] tại xã "
            "{XA} hiện có {N:hộ tham gia:15-80}, cho thu nhập bình quân {M:0.08-0.4} mỗi hộ "
            "mỗi năm. Nhiều hộ đã thoát nghèo, có điều kiện tái đầu tư mở rộng sản xuất.",
            "Toàn huyện hiện có {N:hợp tác xã nông nghiệp:20-60} và {N:sản phẩm:10-40} đạt "
            "chuẩn OCOP. Thực hiện {DOC2}, các xã đã chủ động kết nối tiêu thụ, đưa sản phẩm "
            "vào các hội chợ, siêu thị trong và ngoài tỉnh.",
        ),
        quotes=(
            "Chúng tôi khuyến khích bà con liên kết theo chuỗi, sản xuất theo quy trình an "
            "toàn để nâng cao giá trị sản phẩm, thay vì chạy theo số lượng như trước đây.",
            "Thời tiết năm nay diễn biến phức tạp, vì vậy huyện yêu cầu các xã bám sát đồng "
            "ruộng, hướng dẫn người dân gieo cấy đúng khung thời vụ và chủ động phòng trừ sâu "
            "bệnh.",
            "Nhờ được hỗ trợ giống và tập huấn kỹ thuật, nhiều hộ đã mạnh dạn đầu tư, thu "
            "nhập năm sau cao hơn năm trước.",
        ),
        captions=(
            "Nông dân xã {XA} thu hái chè [vụ Xuân|vụ Hè|vụ Thu]",
            "Cán bộ khuyến nông hướng dẫn người dân xã {XA} chăm sóc lúa",
            "Mô hình trồng cây ăn quả tại xã {XA} cho hiệu quả kinh tế cao",
            "Lãnh đạo huyện {HUYEN} kiểm tra tiến độ sản xuất tại xã {XA}",
        ),
        roles=(
            "Phó Chủ tịch UBND huyện",
            "Trưởng phòng Nông nghiệp và Phát triển nông thôn huyện",
            "Chủ tịch UBND xã {XA}",
            "Giám đốc Hợp tác xã chè {XA}",
        ),
        units=("Phòng Nông nghiệp và Phát triển nông thôn", _MEDIA),
    ),
    Topic(
        key="nong-thon-moi",
        category="kinh-te",
        party=False,
        central=("263/QĐ-TTg",),
        about=(
            "về thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới năm {NAM}",
            "về xây dựng xã đạt chuẩn nông thôn mới nâng cao, nông thôn mới kiểu mẫu",
        ),
        titles=(
            "Xã {XA} về đích nông thôn mới nâng cao",
            "Xã {XA} huy động nguồn lực xây dựng nông thôn mới năm {NAM}",
            "Người dân xã {XA} hiến đất làm đường giao thông nông thôn",
            "Kiểm tra kết quả thực hiện tiêu chí nông thôn mới tại xã {XA}",
            "[Thôn|Xóm] {THON} xã {XA} đạt chuẩn khu dân cư nông thôn mới kiểu mẫu",
            "Chung tay xây dựng nông thôn mới ở xã {XA}",
        ),
        leads=(
            "Thực hiện {DOC}, huyện {HUYEN} đã lồng ghép nhiều nguồn lực để đầu tư hạ tầng "
            "nông thôn, nâng cao đời sống vật chất và tinh thần cho người dân.",
            "Triển khai {DOC}, phong trào xây dựng nông thôn mới ở huyện {HUYEN} tiếp tục "
            "nhận được sự hưởng ứng tích cực của các tầng lớp Nhân dân.",
            "Theo {DOC}, năm {NAM} huyện {HUYEN} phấn đấu có thêm xã đạt chuẩn nông thôn mới "
            "nâng cao. Để hoàn thành mục tiêu, các xã đã tập trung vào những tiêu chí còn khó "
            "khăn.",
        ),
        paragraphs=(
            "Năm {NAM}, tổng nguồn lực huy động để xây dựng nông thôn mới trên địa bàn huyện "
            "đạt {M:40-180}, trong đó Nhân dân đóng góp {M:3-20} và hiến "
            "{N:m2 đất:5000-40000}. Từ nguồn lực này, các xã đã cứng hóa "
            "{N:km đường giao thông nông thôn:10-60}.",
            "Đến nay, toàn huyện có {N:xã:8-18} đạt chuẩn nông thôn mới, trong đó "
            "{N:xã:2-7} đạt chuẩn nông thôn mới nâng cao; {N:thôn:10-40} đạt chuẩn khu dân "
            "cư nông thôn mới kiểu mẫu. Bình quân mỗi xã đạt {N:tiêu chí:15-19}.",
            "Thu nhập bình quân đầu người ở khu vực nông thôn năm {NAMT} đạt "
            "{M:0.045-0.065}/người/năm; tỷ lệ hộ nghèo giảm còn {Q:2-8}.",
            "Tại xã {XA}, tỷ lệ hộ dân sử dụng nước sinh hoạt hợp vệ sinh {P:95-100}; "
            "{N:hộ:300-1200} đã thực hiện phân loại rác thải tại nguồn. Nhiều tuyến đường "
            "hoa, đường điện chiếu sáng do Nhân dân tự làm đã góp phần tạo cảnh quan sáng, "
            "xanh, sạch, đẹp.",
            "Thực hiện {DOC2}, Văn phòng Điều phối nông thôn mới huyện đã thành lập "
            "{N:đoàn kiểm tra:3-10}, rà soát từng tiêu chí tại {RX}. Những tiêu chí chưa đạt "
            "được phân công cụ thể cho từng phòng, ngành phụ trách.",
            "Phong trào “Ngày thứ bảy cùng dân” thu hút {N:lượt người:2000-12000} tham gia "
            "phát quang, vệ sinh đường làng, ngõ xóm. Đoàn viên thanh niên đã trồng mới "
            "{N:cây xanh:2000-15000} dọc các tuyến đường trục thôn.",
        ),
        quotes=(
            "Xây dựng nông thôn mới là hành trình không có điểm dừng. Sau khi về đích, chúng "
            "tôi tiếp tục duy trì, nâng cao chất lượng các tiêu chí, nhất là tiêu chí thu nhập "
            "và môi trường.",
            "Bài học lớn nhất là phát huy vai trò chủ thể của người dân. Khi bà con hiểu việc "
            "mình làm là vì chính cuộc sống của mình thì sẽ đồng lòng góp công, góp của.",
            "Huyện sẽ ưu tiên nguồn lực cho các xã còn nhiều khó khăn, đồng thời gắn xây dựng "
            "nông thôn mới với phát triển sản phẩm OCOP và du lịch nông thôn.",
        ),
        captions=(
            "Tuyến đường bê tông liên thôn tại xã {XA} được hoàn thành từ nguồn vốn nông thôn mới",
            "Đoàn kiểm tra của huyện {HUYEN} thẩm định tiêu chí nông thôn mới tại xã {XA}",
            "Người dân thôn {THON} xã {XA} tham gia làm đường giao thông",
            "Nhà văn hóa thôn {THON} xã {XA} được xây dựng khang trang",
        ),
        roles=(
            "Chủ tịch UBND huyện",
            "Phó Chủ tịch UBND huyện",
            "Chánh Văn phòng Điều phối nông thôn mới huyện",
            "Chủ tịch UBND xã {XA}",
        ),
        units=("Văn phòng Điều phối nông thôn mới", _MEDIA),
    ),
    Topic(
        key="giao-duc",
        category="van-hoa-xa-hoi",
        party=False,
        central=("29-NQ/TW",),
        about=(
            "về thực hiện nhiệm vụ năm học {NH}",
            "về nâng cao chất lượng giáo dục vùng đặc biệt khó khăn",
        ),
        titles=(
            "Ngành Giáo dục {HUYEN} [tổng kết năm học|triển khai nhiệm vụ năm học] {NH}",
            "Trường [Tiểu học|THCS|Mầm non] {XA} đạt chuẩn quốc gia",
            "[Huyện {HUYEN}|Xã {XA}] tuyên dương học sinh giỏi [năm học {NH}|cấp tỉnh]",
            "Trường [Tiểu học|THCS] {XA} bảo đảm an toàn cho học sinh [trong mùa mưa lũ|"
            "trước kỳ nghỉ hè|khi đến trường]",
            "Xã {XA} [khánh thành|khởi công] điểm trường [mầm non|tiểu học] thôn {THON}",
            "Nâng cao chất lượng dạy và học tiếng Việt cho học sinh dân tộc thiểu số ở xã {XA}",
        ),
        leads=(
            "Thực hiện {DOC}, ngành Giáo dục và Đào tạo huyện {HUYEN} đã triển khai đồng bộ "
            "các giải pháp nâng cao chất lượng dạy và học, nhất là ở các điểm trường vùng "
            "sâu, vùng xa.",
            "Năm học {NH}, bám sát {DOC}, các nhà trường trên địa bàn huyện {HUYEN} đã đổi "
            "mới phương pháp giảng dạy, tăng cường ứng dụng công nghệ thông tin.",
            "Theo {DOC}, huyện {HUYEN} tiếp tục đầu tư cơ sở vật chất trường, lớp học theo "
            "hướng chuẩn hóa. Qua đó, tạo điều kiện để học sinh được học tập trong môi trường "
            "an toàn.",
        ),
        paragraphs=(
            "Toàn huyện hiện có {N:trường học:40-60} với {N:học sinh:9000-18000}. Tỷ lệ huy "
            "động trẻ trong độ tuổi đến trường {P:98-100}; tỷ lệ học sinh hoàn thành chương "
            "trình tiểu học {P:98-100}.",
            "Năm học vừa qua, huyện có {N:học sinh đạt giải cấp tỉnh:20-90} và "
            "{N:học sinh đạt giải cấp huyện:150-500}. Tỷ lệ học sinh tốt nghiệp trung học cơ "
            "sở {P:97-100}.",
            "Hiện nay, {R:trường:40-60} đạt chuẩn quốc gia. Năm {NAM}, huyện đã bố trí "
            "{M:5-30} để xây mới, cải tạo phòng học, nhà vệ sinh và mua sắm thiết bị dạy học.",
            "Tại xã {XA}, điểm trường thôn {THON} được đầu tư {N:phòng học:2-8} kiên cố với "
            "tổng kinh phí {M:1-5}, giúp {N:học sinh:40-150} không còn phải học nhờ nhà văn "
            "hóa thôn.",
            "Thực hiện {DOC2}, Phòng Giáo dục và Đào tạo đã tổ chức {N:lớp bồi dưỡng:4-15} "
            "chuyên môn cho {N:lượt giáo viên:300-1200}, tập trung vào phương pháp dạy học "
            "tích cực và kỹ năng ứng dụng công nghệ thông tin.",
            "Công tác xã hội hóa giáo dục được đẩy mạnh. Các tổ chức, cá nhân đã ủng hộ "
            "{M:0.3-2.5} để tặng học bổng, xe đạp, sách vở cho "
            "{N:học sinh có hoàn cảnh khó khăn:100-600}.",
        ),
        quotes=(
            "Chúng tôi xác định chất lượng đội ngũ giáo viên là yếu tố quyết định. Vì vậy, "
            "ngành luôn tạo điều kiện để thầy cô được học tập, bồi dưỡng, nhất là ở các điểm "
            "trường xa trung tâm.",
            "Mục tiêu của huyện là không để học sinh nào phải bỏ học vì hoàn cảnh khó khăn, "
            "đồng thời từng bước thu hẹp khoảng cách về chất lượng giáo dục giữa các vùng.",
            "Năm học mới, ngành tiếp tục thực hiện chương trình giáo dục phổ thông mới, chú "
            "trọng giáo dục kỹ năng sống và bảo đảm an toàn trường học.",
        ),
        captions=(
            "Học sinh Trường Tiểu học {XA} trong giờ học",
            "Lãnh đạo huyện {HUYEN} trao thưởng cho học sinh giỏi năm học {NH}",
            "Điểm trường mầm non thôn {THON} xã {XA} được đầu tư xây dựng khang trang",
            "Giáo viên Trường THCS {XA} ứng dụng công nghệ thông tin trong giảng dạy",
        ),
        roles=(
            "Phó Chủ tịch UBND huyện",
            "Trưởng phòng Giáo dục và Đào tạo huyện",
            "Hiệu trưởng Trường THCS {XA}",
        ),
        units=("Phòng Giáo dục và Đào tạo", _MEDIA),
    ),
    Topic(
        key="y-te",
        category="van-hoa-xa-hoi",
        party=False,
        central=("20-NQ/TW",),
        about=(
            "về công tác y tế, dân số năm {NAM}",
            "về phòng, chống dịch bệnh truyền nhiễm năm {NAM}",
        ),
        titles=(
            "Trung tâm Y tế huyện {HUYEN} [khám sàng lọc|khám bệnh, cấp thuốc miễn phí] cho "
            "người cao tuổi xã {XA}",
            "[Huyện {HUYEN}|Xã {XA}] chủ động phòng, chống [sốt xuất huyết|dịch bệnh mùa hè|"
            "bệnh tay chân miệng]",
            "Đẩy mạnh [cài đặt|sử dụng] sổ sức khỏe điện tử tại xã {XA}",
            "Xã {XA} duy trì đạt Bộ tiêu chí quốc gia về y tế xã",
            "Nâng cao tỷ lệ người dân tham gia bảo hiểm y tế ở xã {XA}",
            "Tiêm chủng [vắc-xin sởi - rubella|mở rộng] cho trẻ em xã {XA}",
        ),
        leads=(
            "Thực hiện {DOC}, ngành Y tế huyện {HUYEN} đã triển khai nhiều giải pháp nâng "
            "cao chất lượng khám, chữa bệnh và chăm sóc sức khỏe ban đầu cho Nhân dân.",
            "Triển khai {DOC}, Trung tâm Y tế huyện {HUYEN} phối hợp với các xã, thị trấn "
            "tăng cường công tác giám sát, chủ động phòng, chống dịch bệnh ngay từ cơ sở.",
            "Theo {DOC}, năm {NAM} huyện {HUYEN} tập trung củng cố mạng lưới y tế cơ sở. Nhờ "
            "đó, người dân được tiếp cận dịch vụ y tế thuận lợi hơn.",
        ),
        paragraphs=(
            "Năm {NAM}, Trung tâm Y tế huyện đã khám bệnh cho {N:lượt người:40000-90000}, "
            "điều trị nội trú {N:lượt bệnh nhân:3000-9000}. Công suất sử dụng giường bệnh "
            "{P:85-110}.",
            "Tỷ lệ người dân tham gia bảo hiểm y tế {P:92-98}; {RXF} có bác sĩ làm việc tại "
            "trạm y tế. Trạm Y tế xã {XA} đã được đầu tư {M:0.5-3} để sửa chữa, nâng cấp "
            "phòng khám và mua sắm trang thiết bị.",
            "Đợt khám sàng lọc tại xã {XA} đã khám, tư vấn và cấp thuốc miễn phí cho "
            "{N:người cao tuổi:200-800}, phát hiện {N:trường hợp:20-90} mắc bệnh tăng huyết "
            "áp, đái tháo đường và chuyển tuyến điều trị kịp thời.",
            "Công tác tiêm chủng mở rộng được duy trì. Tỷ lệ trẻ em dưới một tuổi được tiêm "
            "chủng đầy đủ {P:95-99}; {N:trẻ:600-2500} đã được tiêm bổ sung vắc-xin [sởi - "
            "rubella|phòng bệnh bạch hầu, ho gà, uốn ván].",
            "Thực hiện {DOC2}, các xã đã tổ chức {N:đợt ra quân:3-12} vệ sinh môi trường, "
            "diệt bọ gậy phòng, chống sốt xuất huyết với sự tham gia của "
            "{N:lượt người:1500-8000}. Đến nay, trên địa bàn huyện chưa ghi nhận ổ dịch lớn.",
            "Đến nay, {N:người dân:20000-60000} đã được cập nhật thông tin sổ sức khỏe điện "
            "tử; tỷ lệ cơ sở khám, chữa bệnh thực hiện thanh toán không dùng tiền mặt "
            "{P:80-100}.",
        ),
        quotes=(
            "Chúng tôi luôn xác định y tế cơ sở là tuyến đầu. Khi trạm y tế xã làm tốt, người "
            "dân không phải đi xa, vừa tiết kiệm chi phí vừa được theo dõi sức khỏe thường "
            "xuyên.",
            "Thời tiết giao mùa là điều kiện thuận lợi cho dịch bệnh phát sinh, vì vậy mỗi "
            "gia đình cần chủ động vệ sinh môi trường, ngủ màn và đưa trẻ đi tiêm chủng đúng "
            "lịch.",
            "Ngành Y tế sẽ tiếp tục nâng cao chất lượng khám, chữa bệnh, đẩy mạnh ứng dụng "
            "công nghệ thông tin để người dân được phục vụ nhanh chóng, thuận tiện hơn.",
        ),
        captions=(
            "Cán bộ y tế khám sàng lọc cho người cao tuổi xã {XA}",
            "Trạm Y tế xã {XA} được đầu tư trang thiết bị hiện đại",
            "Tiêm vắc-xin cho trẻ em tại Trạm Y tế xã {XA}",
            "Người dân xã {XA} ra quân vệ sinh môi trường phòng, chống dịch bệnh",
        ),
        roles=(
            "Phó Chủ tịch UBND huyện",
            "Giám đốc Trung tâm Y tế huyện",
            "Trưởng Trạm Y tế xã {XA}",
        ),
        units=("Trung tâm Y tế huyện Đồng Lâm", _MEDIA),
    ),
    Topic(
        key="van-hoa",
        category="van-hoa-xa-hoi",
        party=False,
        central=("33-NQ/TW",),
        about=(
            "về tổ chức các hoạt động văn hóa, thể thao năm {NAM}",
            "về bảo tồn và phát huy giá trị văn hóa truyền thống các dân tộc",
        ),
        titles=(
            "Khai mạc Lễ hội Lồng tồng xã {XA} năm {NAM}",
            "Bảo tồn [hát Then, đàn tính|trang phục truyền thống|dân ca Sán Chay] của đồng bào "
            "dân tộc ở {HUYEN}",
            "Sôi nổi Đại hội Thể dục thể thao xã {XA} năm {NAM}",
            "Xã {XA} [phát triển du lịch cộng đồng|xây dựng đời sống văn hóa ở khu dân cư]",
            "[Sôi nổi|Bế mạc|Khai mạc] giải [bóng chuyền hơi|bóng đá nam|kéo co] các xã, thị trấn "
            "huyện {HUYEN} năm {NAM}",
            "Thôn {THON} xã {XA} ra mắt câu lạc bộ [văn nghệ dân gian|dưỡng sinh|thơ ca]",
        ),
        leads=(
            "Thực hiện {DOC}, huyện {HUYEN} đã tổ chức nhiều hoạt động văn hóa, văn nghệ, thể "
            "dục thể thao, góp phần nâng cao đời sống tinh thần của Nhân dân.",
            "Triển khai {DOC}, các xã, thị trấn trên địa bàn huyện {HUYEN} đã quan tâm bảo "
            "tồn, phát huy bản sắc văn hóa các dân tộc gắn với phát triển du lịch.",
            "Theo {DOC}, năm {NAM} phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa” ở "
            "huyện {HUYEN} tiếp tục được triển khai sâu rộng. Nhiều mô hình văn hóa ở cơ sở "
            "hoạt động hiệu quả.",
        ),
        paragraphs=(
            "Năm {NAM}, toàn huyện có {N:hộ gia đình:12000-25000} đạt danh hiệu “Gia đình văn "
            "hóa”; tỷ lệ thôn, xóm, tổ dân phố đạt danh hiệu văn hóa {P:85-95}. Các hương "
            "ước, quy ước được sửa đổi, bổ sung phù hợp với thực tế.",
            "Lễ hội năm nay thu hút {N:lượt người:3000-15000} đến tham quan, trải nghiệm. Bên "
            "cạnh phần lễ trang trọng, phần hội diễn ra sôi nổi với các trò chơi dân gian như "
            "ném còn, đẩy gậy, kéo co và {N:tiết mục văn nghệ:15-50} của các đội đến từ {RX}.",
            "Hiện toàn huyện có {N:câu lạc bộ văn nghệ dân gian:20-70} với "
            "{N:thành viên:500-2000}. Huyện đã hỗ trợ {M:0.2-1.5} mua sắm trang phục, nhạc cụ "
            "cho các câu lạc bộ hát Then, đàn tính và múa truyền thống.",
            "Giải đấu có {N:vận động viên:150-600} đến từ {RX} tham gia tranh tài ở các môn "
            "bóng chuyền, cầu lông, kéo co và đẩy gậy. Ban Tổ chức đã trao "
            "{N:bộ huy chương:20-60} cho các cá nhân và tập thể đạt thành tích cao.",
            "Thực hiện {DOC2}, huyện đã đầu tư {M:1-8} xây dựng, sửa chữa nhà văn hóa thôn, "
            "xóm. Đến nay, tỷ lệ thôn, xóm có nhà văn hóa đạt chuẩn {P:90-100}.",
            "Du lịch cộng đồng tại xã {XA} bước đầu thu hút du khách với {N:homestay:5-25} "
            "được đầu tư bài bản. Năm {NAMT}, xã đón {N:lượt khách:5000-30000}, doanh thu từ "
            "dịch vụ du lịch đạt {M:2-15}.",
        ),
        quotes=(
            "Mỗi lễ hội, mỗi câu hát Then là tài sản quý mà cha ông để lại. Chúng tôi muốn "
            "thế hệ trẻ hiểu, yêu và tự hào để tiếp tục giữ gìn.",
            "Phong trào văn hóa, thể thao ở cơ sở không chỉ giúp người dân rèn luyện sức khỏe "
            "mà còn tăng cường tình đoàn kết trong cộng đồng dân cư.",
            "Huyện sẽ tiếp tục hỗ trợ các thôn, xóm xây dựng thiết chế văn hóa, đồng thời gắn "
            "bảo tồn văn hóa truyền thống với phát triển du lịch cộng đồng.",
        ),
        captions=(
            "Tiết mục hát Then, đàn tính tại lễ hội xã {XA}",
            "Trò chơi ném còn thu hút đông đảo người dân tham gia",
            "Các vận động viên tranh tài môn kéo co tại giải thể thao huyện {HUYEN} năm {NAM}",
            "Câu lạc bộ văn nghệ dân gian thôn {THON} xã {XA} biểu diễn phục vụ Nhân dân",
        ),
        roles=(
            "Phó Chủ tịch UBND huyện",
            "Trưởng phòng Văn hóa và Thông tin huyện",
            "Giám đốc Trung tâm Văn hóa, Thể thao - Truyền thông huyện",
            "Chủ tịch UBND xã {XA}",
        ),
        units=("Phòng Văn hóa và Thông tin", _MEDIA),
    ),
)

TOPICS_BY_CATEGORY: dict[str, tuple[Topic, ...]] = {}
for _topic in TOPICS:
    TOPICS_BY_CATEGORY[_topic.category] = (*TOPICS_BY_CATEGORY.get(_topic.category, ()), _topic)
