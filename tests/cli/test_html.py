"""The HTML report: self-contained, opens offline in headless Chromium with no console errors."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

SEED_Y = "[[1,0,0],[0,1,0],[0,0,1]]"
SEED_P = "[[0.9,0.05,0.05],[0.5,0.89,0.6],[0.05,0.01,0.94]]"


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> str:
    import os
    import sys
    from pathlib import Path

    out = tmp_path_factory.mktemp("html") / "report.html"
    script = Path(sys.executable).with_name("crossent")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "crossent"]
    res = subprocess.run(
        [
            *cmd,
            "explain",
            "--y-true",
            SEED_Y,
            "--y-pred",
            SEED_P,
            "--observed",
            "0.0946",
            "--against",
            "keras.losses.CategoricalCrossentropy",
            "--html",
            str(out),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=300,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    return str(out)


def test_report_is_self_contained(report: str) -> None:
    from pathlib import Path

    text = Path(report).read_text()
    assert text.startswith("<!DOCTYPE html>")
    assert "data-code='renormalized'" in text
    assert "<svg" in text  # plots inline
    # nothing fetched from elsewhere
    assert not re.search(r"""(src|href)=["']https?://""", text)


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def test_report_renders_in_headless_chromium(report: str, tmp_path) -> None:
    browser = _chromium()
    if browser is None:
        pytest.skip(
            "headless Chromium is not installed (.ci/run installs Debian's chromium; it could not be installed here)"
        )
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--enable-logging=stderr",
        "--v=0",
    ]
    dom = subprocess.run(
        [browser, *flags, "--dump-dom", f"file://{report}"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "renormalized" in dom.stdout
    assert "crossent explain" in dom.stdout
    console = [
        line
        for line in dom.stderr.splitlines()
        if "CONSOLE" in line or "Uncaught" in line
    ]
    assert console == [], console
    shot = tmp_path / "report.png"
    subprocess.run(
        [
            browser,
            *flags,
            f"--screenshot={shot}",
            "--window-size=1200,2000",
            f"file://{report}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert shot.exists()
    assert shot.stat().st_size > 10_000  # a page was painted, not a blank
