"""Rewrite citations of documents outside the repository to their place in ``docs/``.

While crossent was being built, code, tests, goldens and READMEs cited research notes
kept next to the repository (``SEMANTICS.md``, ``SEMANTICS_NEXT.md``, ``PAIN.md``,
``DESIGN.md``, ``PERF.md``, ``STYLE.md``, the ``seeds`` folder beside the checkout),
sometimes by the absolute path of the machine they were written on. Their content now lives in
``docs/`` (see ``docs/README.md``), with the same section labels, so a citation is
rewritten by changing its path only::

    python tools/citations.py            # rewrite every citation in place
    python tools/citations.py --check    # list what is left; exit 1 if anything is
    python tools/citations.py --dry-run  # show the rewrites without writing

``--check`` reports, per file and line: a citation of one of the old documents, a
path outside the repository (an absolute path of the development machine, or the
``shared`` folder next to the checkout), and a cited ``*.md`` path that no file in
the repository has. ``MAPPING`` is the old → new table in words; ``RULES`` applies it.
(The literal outside paths are assembled from pieces below, so that a plain
``git grep`` for them finds no hit in this file either.) ``TARGET_LABELS`` lists the section labels
the rewritten citations point at; ``tests/test_docs_stand_alone.py`` checks that each
is a heading of its document.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Files left alone: the changelog records history in the words of its day;
#: docs/README.md names the earlier documents on purpose (the provenance table);
#: this script and its test hold the mapping and examples of it.
SKIP = frozenset(
    {
        "CHANGELOG.md",
        "docs/README.md",
        "tools/citations.py",
        "tests/test_docs_stand_alone.py",
    }
)

#: ``*.md`` names that are outputs, not citations (``crossent bench`` writes
#: ``OUT/results.md``).
WRITTEN_MD = frozenset({"results.md", "OUT/results.md"})

_W = "/" + "work"  # the development machine's root
_UP = ".." + "/"  # the parent of the checkout
_B = r"(?<![\w.-])"  # not inside a longer name or path
_SHARED_DOCS = rf"(?:{_W}/shared/docs/|(?:\.\./)+shared/docs/|docs/)?"
_SHARED_SEEDS = rf"(?:{_W}/shared|(?:\.\./)+shared|\.\.)/seeds"

#: The mapping, old citation → new one (section labels are kept as they are).
MAPPING: tuple[tuple[str, str], ...] = (
    ("SEMANTICS.md §2.11, SEMANTICS.md 5.1, SEMANTICS.md D16", "docs/semantics.md …"),
    ("SEMANTICS_NEXT.md §1 … §9", "docs/semantics.md N1 … N9"),
    ("SEMANTICS_NEXT.md (measured section)", "docs/semantics.md N10"),
    ("PAIN.md item 25", "docs/mistakes.md item 25"),
    ("PAIN.md item D4 (a SEMANTICS.md item)", "docs/semantics.md D4"),
    ("DESIGN.md", "docs/design.md"),
    ("STYLE.md §4.6", 'docs/design.md, "Error messages"'),
    ("PERF.md section 6", "docs/performance.md section 6"),
    (f"{_UP}shared/docs/X.md, {_W}/shared/docs/X.md", "docs/… as above"),
    (f"{_UP}shared/seeds/000_cc44af17d8294db6.txt", "docs/seeds/000.md"),
    (f"{_W}/shared/seeds/000_*.txt", "docs/seeds/000.md"),
    (f"{_UP}shared/seeds, {_UP}seeds", "docs/seeds"),
    (f"{_W}/venvs/parity/bin/python", ".venv-parity/bin/python"),
    (f"{_W}/main/.venv-parity, {_W}/main/.venv", ".venv-parity, .venv"),
)

#: (pattern, replacement), applied in this order to every line. The labels after a
#: document name (§2.11, 5.1, D16, item 25, section 6) are kept: docs/ uses the
#: same numbering, except SEMANTICS_NEXT.md's §1–§9, which became N1–N9.
RULES: tuple[tuple[str, str], ...] = (
    # SEMANTICS_NEXT.md → Part II of docs/semantics.md
    (
        _B + _SHARED_DOCS + r"SEMANTICS_NEXT\.md(\s+)§?\s*([1-9])\b",
        r"docs/semantics.md\1N\2",
    ),
    (_B + _SHARED_DOCS + r"SEMANTICS_NEXT\.md", "docs/semantics.md (Part II)"),
    # a divergence item D<n> of SEMANTICS.md cited as a PAIN.md item
    (_B + _SHARED_DOCS + r"PAIN\.md item (D\d+)", r"docs/semantics.md \1"),
    (_B + _SHARED_DOCS + r"SEMANTICS\.md", "docs/semantics.md"),
    (_B + _SHARED_DOCS + r"PAIN\.md", "docs/mistakes.md"),
    (_B + _SHARED_DOCS + r"DESIGN\.md", "docs/design.md"),
    (_B + _SHARED_DOCS + r"PERF\.md", "docs/performance.md"),
    (_B + _SHARED_DOCS + r"STYLE\.md §4\.6", 'docs/design.md, "Error messages"'),
    (_B + _SHARED_DOCS + r"STYLE\.md", "docs/design.md"),
    # the seed questions
    (_B + _SHARED_SEEDS + r"/(\d{3})_(?:[0-9a-f]{16}|\*)\.txt", r"docs/seeds/\1.md"),
    (_B + _SHARED_SEEDS + r"\b", "docs/seeds"),
    # paths of the machine the notes were written on
    (_W + r"/venvs/parity/bin/python", ".venv-parity/bin/python"),
    (_W + r"/main/(\.venv(?:-parity)?)\b", r"\1"),
)
_COMPILED = tuple((re.compile(p), r) for p, r in RULES)

#: Section labels the rewritten citations land on, per document: every label of
#: the earlier documents (the ones cited today and the others), as it must appear at
#: the start of a heading there.
TARGET_LABELS: dict[str, tuple[str, ...]] = {
    "docs/semantics.md": (
        *(str(i) for i in range(1, 12)),
        "1.1", "1.2",
        *(f"2.{i}" for i in range(1, 12)),
        *(f"2.6.{i}" for i in range(1, 7)),
        *(f"2.7.{i}" for i in range(1, 5)),
        "3.1", "3.2", "3.3",
        *(f"4.{i}" for i in range(1, 6)),
        *(f"5.{i}" for i in range(1, 6)),
        *(f"D{i}" for i in range(1, 24)),
        *(f"N{i}" for i in range(1, 11)),
    ),
    "docs/mistakes.md": tuple(str(i) for i in range(1, 29)),
    "docs/performance.md": (
        *(str(i) for i in range(1, 8)),
        "2.1", "2.2", "2.3", "3.1",
    ),
    "docs/design.md": ("Error messages", "Quality bars", "Layers"),
    "docs/seeds/000.md": (),
    "docs/seeds/001.md": (),
    "docs/seeds/002.md": (),
    "docs/seeds/003.md": (),
}  # fmt: skip

#: What --check reports besides the old names: a path outside the repository.
_OUTSIDE = re.compile(_W + r"/[\w./*-]*|(?<![\w.])(?:\.\./)+shared\b[\w./*-]*")
_OLD_NAME = re.compile(
    r"(?<![\w-])(?:SEMANTICS_NEXT|SEMANTICS|PAIN|DESIGN|PERF|STYLE)\.md"
)
_CITED_SECTION = re.compile(r"docs/semantics\.md,?\s+(?:§\s*)?([DN]?\d+(?:\.\d+)*)")
_CITED_ITEMS = re.compile(
    r"docs/mistakes\.md(?:'s)?\s+items?\s+(\d+(?:\s*(?:,|–|-|and)\s*\d+)*)"
)
_CITED_PERF = re.compile(
    r"docs/performance\.md`*,?\s+(?:§\s*|section\s+)(\d+(?:\.\d+)*)"
)
_CITED_SEED = re.compile(r"docs/seeds/(\d{3})\.md")
_MD_PATH = re.compile(r"(?<![\w./-])((?:\.{1,2}/)*[\w.-]+(?:/[\w.-]+)*\.md)\b")


@dataclass(frozen=True)
class Finding:
    """One citation --check reports."""

    path: str
    line: int
    kind: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.kind}: {self.text}"


def rewrite_line(line: str) -> str:
    """The line with every old citation replaced by its place in ``docs/``."""
    for pattern, replacement in _COMPILED:
        line = pattern.sub(replacement, line)
    return line


def repository_files(root: Path = ROOT) -> list[str]:
    """Tracked and untracked, not ignored, text files, relative to the root."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        check=True,
        capture_output=True,
    ).stdout.decode()
    return sorted({p for p in out.split("\0") if p and (root / p).is_file()})


def _text(path: Path) -> str | None:
    data = path.read_bytes()
    if b"\0" in data:
        return None
    try:
        return data.decode()
    except UnicodeDecodeError:
        return None


def _scanned(root: Path) -> Iterator[tuple[str, str]]:
    for rel in repository_files(root):
        if rel in SKIP:
            continue
        text = _text(root / rel)
        if text is not None:
            yield rel, text


def rewrite(root: Path = ROOT, *, write: bool = True) -> dict[str, int]:
    """Rewrite the citations of every file; the number of lines changed per file."""
    changed: dict[str, int] = {}
    for rel, text in _scanned(root):
        lines = text.splitlines(keepends=True)
        new = [rewrite_line(line) for line in lines]
        n = sum(a != b for a, b in zip(lines, new))
        if n:
            changed[rel] = n
            if write:
                (root / rel).write_text("".join(new), encoding="utf-8")
    return changed


def _md_exists(cited: str, rel: str, root: Path, names: set[str]) -> bool:
    here = (root / rel).parent
    if (root / cited).is_file() or (here / cited).is_file():
        return True
    # a bare file name (README.md, NOTES_keras_tf.md) that the repository has
    return "/" not in cited and cited in names


def check(root: Path = ROOT, *, after_rewrite: bool = False) -> list[Finding]:
    """Every citation of a document or path outside the repository.

    With ``after_rewrite``, what would be left once the rewrite has run (the files
    are not changed).
    """
    files = repository_files(root)
    names = {Path(p).name for p in files}
    findings: list[Finding] = []
    for rel, text in _scanned(root):
        for number, line in enumerate(text.splitlines(), 1):
            if after_rewrite:
                line = rewrite_line(line)
            findings.extend(_line_findings(rel, number, line, root, names))
    return findings


def cited_labels(text: str) -> Iterator[tuple[str, str]]:
    """(document, label) for each labelled citation of a ``docs/`` file in ``text``."""
    for m in _CITED_SECTION.finditer(text):
        yield "docs/semantics.md", m.group(1)
    for m in _CITED_ITEMS.finditer(text):
        for number in re.findall(r"\d+", m.group(1)):
            yield "docs/mistakes.md", number
    for m in _CITED_PERF.finditer(text):
        yield "docs/performance.md", m.group(1)
    for m in _CITED_SEED.finditer(text):
        yield f"docs/seeds/{m.group(1)}.md", ""


def _line_findings(
    rel: str, number: int, line: str, root: Path, names: set[str]
) -> Iterable[Finding]:
    for m in _OUTSIDE.finditer(line):
        yield Finding(rel, number, "path outside the repository", m.group())
    for m in _OLD_NAME.finditer(line):
        yield Finding(rel, number, "document outside the repository", m.group())
    for m in _MD_PATH.finditer(line):
        cited = m.group(1)
        if _OLD_NAME.search(cited) or cited in WRITTEN_MD:
            continue
        if rel.startswith("goldens/") or _md_exists(cited, rel, root, names):
            continue
        yield Finding(rel, number, "cited .md path not in the repository", cited)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="list, do not rewrite")
    mode.add_argument(
        "--dry-run", action="store_true", help="show the rewrites, do not write"
    )
    args = parser.parse_args(argv)
    if args.check:
        findings = check()
        for f in findings:
            print(f)
        files = len({f.path for f in findings})
        print(f"{len(findings)} citation(s) outside the repository in {files} file(s)")
        return 1 if findings else 0
    changed = rewrite(write=not args.dry_run)
    verb = "would change" if args.dry_run else "changed"
    for rel, n in changed.items():
        print(f"{rel}: {verb} {n} line(s)")
    print(f"{verb} {sum(changed.values())} line(s) in {len(changed)} file(s)")
    py = [rel for rel in changed if rel.endswith(".py")]
    if py and not args.dry_run:
        print("then run: .venv/bin/ruff format " + " ".join(py))
    return 0


if __name__ == "__main__":
    sys.exit(main())
