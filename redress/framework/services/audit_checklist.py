"""The default checklist of an internal audit: one or more questions per clause of ISO 10002
(4 to 8), in Vietnamese and English, in our own words. Each audit gets its own copy when it
starts, which its auditors may then edit; changing this list changes only audits started later.
"""

from __future__ import annotations

from typing import NamedTuple


class DefaultQuestion(NamedTuple):
    clause: str
    text: str  # Vietnamese
    text_en: str


DEFAULT_CHECKLIST: tuple[DefaultQuestion, ...] = (
    DefaultQuestion(
        "4",
        "Các nguyên tắc (minh bạch, dễ tiếp cận, khách quan, bảo mật, kịp thời…) có được áp "
        "dụng trong thực tế xử lý khiếu nại không?",
        "Are the guiding principles (transparency, accessibility, objectivity, confidentiality, "
        "timeliness…) applied in practice?",
    ),
    DefaultQuestion(
        "4.5",
        "Khách hàng có thể khiếu nại qua các kênh đã công bố, bằng tiếng Việt và tiếng Anh, "
        "kể cả người dễ bị tổn thương không?",
        "Can customers complain through the published channels, in Vietnamese and English, "
        "vulnerable people included?",
    ),
    DefaultQuestion(
        "4.7",
        "Người điều tra có khác người phê duyệt quyết định khi tổ chức yêu cầu bốn mắt không?",
        "Is the investigator someone other than the approver of the decision where four-eyes "
        "applies?",
    ),
    DefaultQuestion(
        "5.2",
        "Chính sách xử lý khiếu nại có được lãnh đạo cao nhất phê duyệt, công bố và nhân viên "
        "đã đọc không?",
        "Is the complaints-handling policy approved by top management, published and read "
        "by staff?",
    ),
    DefaultQuestion(
        "5.3",
        "Trách nhiệm và quyền hạn của từng bước xử lý có được phân công rõ, với đúng một người "
        "chịu trách nhiệm giải trình không?",
        "Are responsibility and authority for each step assigned, with exactly one person "
        "accountable?",
    ),
    DefaultQuestion(
        "6.2",
        "Các mục tiêu xử lý khiếu nại có chỉ số, chỉ tiêu, người phụ trách và được đo định kỳ "
        "không?",
        "Do the complaints-handling objectives have a measure, a target, an owner, and are "
        "they measured regularly?",
    ),
    DefaultQuestion(
        "6.4",
        "Người xử lý khiếu nại có được đào tạo và chứng chỉ đào tạo còn hiệu lực không?",
        "Are complaint handlers trained, with their training current?",
    ),
    DefaultQuestion(
        "7.2",
        "Mỗi khiếu nại có được ghi nhận với mã số duy nhất, thông tin cần thiết và yêu cầu "
        "khắc phục của khách hàng không?",
        "Is each complaint recorded with a unique reference, the supporting information and "
        "the remedy sought?",
    ),
    DefaultQuestion(
        "7.3",
        "Khiếu nại có được theo dõi từ khi tiếp nhận đến khi kết thúc, và khách hàng biết "
        "được tình trạng không?",
        "Is each complaint tracked from receipt to closure, with its status available to the "
        "complainant?",
    ),
    DefaultQuestion(
        "7.4",
        "Việc tiếp nhận có được xác nhận ngay với khách hàng, trong thời hạn đã định không?",
        "Is receipt acknowledged to the complainant promptly, within the set time?",
    ),
    DefaultQuestion(
        "7.5",
        "Khiếu nại có được đánh giá ban đầu (mức độ nghiêm trọng, an toàn, mức ưu tiên) không?",
        "Is each complaint assessed initially (severity, safety, priority)?",
    ),
    DefaultQuestion(
        "7.6",
        "Việc điều tra có được ghi lại với bằng chứng và nguyên nhân gốc, tương xứng với mức "
        "độ nghiêm trọng không?",
        "Is the investigation recorded with evidence and a root cause, in proportion to the "
        "seriousness?",
    ),
    DefaultQuestion(
        "7.7",
        "Quyết định và biện pháp khắc phục có được phê duyệt đúng thẩm quyền không?",
        "Are the decision and remedies approved at the right level?",
    ),
    DefaultQuestion(
        "7.8",
        "Quyết định có được thông báo kịp thời, nêu lý do và cách khiếu nại tiếp không?",
        "Is the decision communicated promptly, with reasons and how to contest it?",
    ),
    DefaultQuestion(
        "7.9",
        "Khiếu nại chỉ được đóng khi có phản hồi của khách hàng (hoặc hết thời hạn) và các "
        "hành động đã thực hiện không?",
        "Is a complaint closed only once the complainant's reaction (or the timeout) is "
        "recorded and the actions are done?",
    ),
    DefaultQuestion(
        "8.2",
        "Khiếu nại có được phân loại và phân tích để tìm vấn đề hệ thống và lặp lại không?",
        "Are complaints classified and analysed for systemic and recurring problems?",
    ),
    DefaultQuestion(
        "8.3",
        "Mức độ hài lòng của khách hàng với quy trình xử lý có được khảo sát không?",
        "Is the complainants' satisfaction with the process surveyed?",
    ),
    DefaultQuestion(
        "8.4",
        "Các chỉ số theo dõi quy trình có được báo cáo định kỳ cho lãnh đạo không?",
        "Are the process's indicators reported to management regularly?",
    ),
    DefaultQuestion(
        "8.6",
        "Lãnh đạo cao nhất có xem xét hệ thống xử lý khiếu nại định kỳ, có biên bản và hành "
        "động không?",
        "Does top management review the complaints-handling system regularly, with minutes "
        "and actions?",
    ),
    DefaultQuestion(
        "8.7",
        "Các hành động khắc phục, phòng ngừa có được thực hiện đúng hạn và kiểm tra hiệu lực "
        "không?",
        "Are corrective and preventive actions carried out on time and checked for effectiveness?",
    ),
)
