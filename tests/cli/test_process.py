"""The command's own process keeps the top of glibc's heaps (cli/_process.py)."""

from __future__ import annotations

import platform
import sys

import pytest

from crossent.cli import _process, main


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="the setting is glibc's",
)
def test_glibc_keeps_the_heap_top() -> None:
    assert _process.keep_heap_top() is True


def test_other_c_libraries_are_left_alone(monkeypatch) -> None:
    monkeypatch.setattr(_process.platform, "libc_ver", lambda: ("musl", "1.2"))
    assert _process.keep_heap_top() is False


def test_every_command_sets_it_before_it_runs(monkeypatch, capsys) -> None:
    calls = []
    monkeypatch.setattr(_process, "keep_heap_top", lambda: calls.append(1) or True)
    assert main(["frameworks"]) == 0
    assert calls == [1]
    assert capsys.readouterr().out
