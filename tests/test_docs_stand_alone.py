"""The repository stands alone: the documents the code cites are in ``docs/``.

Code, tests and goldens still cite research notes kept outside the repository
(``SEMANTICS.md §2.11``, ``PAIN.md item 8``, …); ``tools/citations.py`` rewrites those
citations to ``docs/`` (issue #19). These tests check that the rewrite will land on
real documents and real section labels, and that it leaves nothing outside the
repository; they hold before the rewrite has run and after.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _citations_tool():
    spec = importlib.util.spec_from_file_location(
        "crossent_tools_citations", ROOT / "tools" / "citations.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up
    spec.loader.exec_module(module)
    return module


citations = _citations_tool()

DOCS = (
    "docs/README.md",
    "docs/semantics.md",
    "docs/mistakes.md",
    "docs/design.md",
    "docs/performance.md",
    "docs/seeds/000.md",
    "docs/seeds/001.md",
    "docs/seeds/002.md",
    "docs/seeds/003.md",
)


def _headings(doc: str) -> list[str]:
    text = (ROOT / doc).read_text(encoding="utf-8")
    return re.findall(r"^#{1,6}[ \t]+(.+?)[ \t]*$", text, flags=re.M)


def _headings_with_label(doc: str, label: str) -> list[str]:
    # "2.1 Call chain" carries 2.1, "D1. Renormalised …" D1, "Error messages" itself;
    # "2.11 …" does not carry 2.1, nor "N10 …" N1.
    pattern = re.compile(re.escape(label) + r"(?:\.?\s|$)")
    return [h for h in _headings(doc) if pattern.match(h)]


@pytest.mark.parametrize("doc", DOCS)
def test_document_exists_and_has_a_title(doc: str) -> None:
    path = ROOT / doc
    assert path.is_file(), f"{doc} is missing"
    assert path.read_text(encoding="utf-8").startswith("# ")


def test_every_target_document_is_listed() -> None:
    assert set(citations.TARGET_LABELS) <= set(DOCS)


@pytest.mark.parametrize(
    ("doc", "label"),
    [(d, label) for d, labels in citations.TARGET_LABELS.items() for label in labels],
)
def test_target_label_is_exactly_one_heading(doc: str, label: str) -> None:
    found = _headings_with_label(doc, label)
    assert len(found) == 1, f"{doc}: label {label!r} heads {found or 'no section'}"


def test_rewritten_citations_land_on_existing_labels() -> None:
    # Every labelled citation in the tree, as it reads after the rewrite (and as it
    # reads already where it has been rewritten), names a section of its document.
    missing = []
    for rel in citations.repository_files():
        if rel in citations.SKIP:
            continue
        try:
            text = (ROOT / rel).read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        rewritten = "\n".join(citations.rewrite_line(x) for x in text.splitlines())
        for doc, label in citations.cited_labels(rewritten):
            if not (ROOT / doc).is_file():
                missing.append(f"{rel}: {doc} does not exist")
            elif label and len(_headings_with_label(doc, label)) != 1:
                missing.append(f"{rel}: {doc} has no section {label}")
    assert not missing, "\n".join(sorted(set(missing)))


def test_nothing_outside_the_repository_after_the_rewrite() -> None:
    left = citations.check(after_rewrite=True)
    assert not left, "\n".join(map(str, left))


def test_rewrite_examples() -> None:
    w, up = "/" + "work", ".." + "/"
    cases = {
        "SEMANTICS.md §2.11 [RUN]": "docs/semantics.md §2.11 [RUN]",
        '"note":"SEMANTICS.md 5.1: 1.4072266"': '"note":"docs/semantics.md 5.1: 1.4072266"',
        "SEMANTICS.md D16": "docs/semantics.md D16",
        "SEMANTICS_NEXT.md §2": "docs/semantics.md N2",
        "PAIN.md item 25": "docs/mistakes.md item 25",
        "PAIN.md item D4": "docs/semantics.md D4",
        "the fidelity bar of DESIGN.md": "the fidelity bar of docs/design.md",
        "(STYLE.md §4.6)": '(docs/design.md, "Error messages")',
        "see ``docs/PERF.md`` section 6": "see ``docs/performance.md`` section 6",
        f"as in `{up}shared/docs/PERF.md`": "as in `docs/performance.md`",
        f"in {w}/shared/docs/SEMANTICS.md (": "in docs/semantics.md (",
        f"printed in {w}/shared/seeds/000_*.txt.": "printed in docs/seeds/000.md.",
        f"{up}shared/seeds/002_244be10ff84411a0.txt": "docs/seeds/002.md",
        f"questions (``{up}shared/seeds``).": "questions (``docs/seeds``).",
        f"{w}/venvs/parity/bin/python tools/": ".venv-parity/bin/python tools/",
        f"run in `{w}/main/.venv-parity`": "run in `.venv-parity`",
        "docs/semantics.md §2.11": "docs/semantics.md §2.11",  # idempotent
    }
    for old, new in cases.items():
        assert citations.rewrite_line(old) == new
