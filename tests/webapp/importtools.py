"""Helpers of the import tests: the S data set's catalogue and an examiner workbook with one
bad row. A plain module, so tests import it by a name unique across tests/."""

from __future__ import annotations

from pathlib import Path

from data.generate import generate
from data.sheets import examiner_records, write_examiners
from models import Institution, Occupation

INSTANCE = generate("S", 0)
BAD_ID = "320402196503120011"  # the check character should be 4


def catalogue_only(session) -> Institution:
    """The institution and the occupation catalogue the sheets name, nothing else."""
    institution = Institution(code=INSTANCE["institution"]["code"], name="常州测试评价机构")
    session.add(institution)
    for o in INSTANCE["occupations"]:
        session.add(Occupation(code=o["code"], name=o["name"], edition="2022"))
    session.flush()
    return institution


def examiner_sheet(folder: Path) -> Path:
    """The generated S examiners (40 people) plus one row with a wrong ID check character."""
    rows = examiner_records(INSTANCE)
    rows.append(rows[0] | {"姓名": "错号", "身份证号码": BAD_ID, "证书编号": None})
    return write_examiners(folder / "考评人员.xlsx", INSTANCE, rows=rows)
