"""The store, the domain and the command line load no Textual (harlequin does the same)."""

from __future__ import annotations

import subprocess
import sys

import pytest

CHECK = (
    "import sys; import {modules}; "
    "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))"
)


@pytest.mark.parametrize(
    "modules",
    ["salestui.domain", "salestui.store", "salestui.store, salestui.domain, salestui.cli"],
)
def test_no_textual_module_is_loaded(modules: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK.format(modules=modules)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_check_sees_textual_when_it_is_loaded() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK.format(modules="salestui.app")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "'textual'" in result.stdout
