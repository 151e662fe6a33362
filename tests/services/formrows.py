"""Hand-made rows of the official forms (Attachments 1 and 2) and a save-and-reload helper.

A plain module (not a conftest) so tests import it by a name unique across tests/.
"""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook, load_workbook

from services.exports.attachment1 import ExaminerForm
from services.exports.attachment2 import SummaryRow

FORM = ExaminerForm(
    name="张三",
    sex="男",
    birth_month=date(1968, 5, 1),
    document_number="32040219680512123X",
    education="大专",
    phone="13900000001",
    occupations="车工/三级、电工/四级",
    certificate_number="213204005200001",
    organization="常州市某某机械有限公司",
    vocational_certificate="车工 技师 0123456789",
    title="高级工程师",
    work_history="1990—2000 常州某厂 车工\n2000—至今 某公司 技师",
)

ROW = SummaryRow(
    name="张三",
    sex="男",
    document_number="32040219680512123X",
    phone="13900000001",
    organization="常州市某某机械有限公司",
    occupations="车工、电工",
    grade="高级考评员",
    certificate_number="213204005100001",
    issue_date=date(2021, 7, 1),
    valid_until=date(2024, 6, 30),
)


def reload(workbook: Workbook) -> Workbook:
    """Save and load back, as a planner's Excel would see the file."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return load_workbook(buffer)
