"""Convert workbooks to PDF with LibreOffice (the paper copy) and read the pages back.

LibreOffice (Debian `libreoffice-calc-nogui`, with `fonts-noto-cjk` for Chinese) is
installed by `.ci/run` when missing. Each conversion gets its own user profile, so
parallel test workers never share LibreOffice's lock.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Sequence
from pathlib import Path

from pypdf import PdfReader

A4_POINTS = (595.3, 841.9)  # 210 x 297 mm
FONTS = Path(__file__).with_name("songti.conf")  # 宋体 -> Noto Serif CJK SC


def to_pdf(workbook: Path, out_dir: Path) -> Path:
    """Convert `workbook` to PDF in `out_dir` with headless LibreOffice; the PDF's path."""
    return to_pdfs([workbook], out_dir)[0]


def to_pdfs(workbooks: Sequence[Path], out_dir: Path) -> list[Path]:
    """Convert several workbooks in ONE LibreOffice run (it starts in about 2 s)."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    assert office, "LibreOffice is not installed (.ci/run installs libreoffice-calc-nogui)"
    profile = out_dir / f"lo-profile-{uuid.uuid4().hex[:8]}"
    command = [
        office,
        f"-env:UserInstallation={profile.resolve().as_uri()}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out_dir),
        *map(str, workbooks),
    ]
    env = {**os.environ, "FONTCONFIG_FILE": str(FONTS)}
    subprocess.run(command, check=True, capture_output=True, timeout=300, env=env)
    shutil.rmtree(profile, ignore_errors=True)
    return [out_dir / (w.stem + ".pdf") for w in workbooks]


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    """(width, height) in points of every page."""
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in PdfReader(pdf).pages]


def is_a4(size: tuple[float, float], landscape: bool = False) -> bool:
    """True when a page is A4 in the given orientation (within a point)."""
    width, height = size
    expected = A4_POINTS[::-1] if landscape else A4_POINTS
    return abs(width - expected[0]) < 1.5 and abs(height - expected[1]) < 1.5
