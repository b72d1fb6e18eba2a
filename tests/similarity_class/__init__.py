"""A generated class for the similarity tests and benchmark, the same on every run.

Four INDEPENDENT correct solutions of ``activations`` and ``optimizers`` in different styles:
``reference`` (solutions/lec04, vectorised with np.where), ``independent``
(tests/submissions/independent, written from the contract only: tanh-based sigmoid, setdefault
state), ``loops`` (element by element with ``math``, one defaults helper) and ``masks`` (boolean
masks, tuple unpacking, a shared denominator helper). Each style passes ``grader check`` in full.
Disguised copies are derived from them by renaming identifiers, reordering functions, replacing
comments and layout, and splitting expressions into temporaries; the bare stubs are students who
did nothing.
"""

from __future__ import annotations

import ast
import io
import json
import random
import re
import tokenize
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
MODULES = ("activations", "optimizers")
STYLES = ("reference", "independent", "loops", "masks")
_KEEP = {"np", "numpy", "math", "self", "None", "True", "False"}


def style(name: str) -> dict[str, str]:
    """``module -> source`` of one independent style."""
    if name == "reference":
        return {m: re.sub(r"^\s*### (BEGIN|END) SOLUTION\n", "",
                          (ROOT / "solutions/lec04" / f"{m}.py").read_text(), flags=re.M)
                for m in MODULES}
    folder = ROOT / "tests/submissions/independent" if name == "independent" else HERE / name
    return {m: (folder / f"{m}.py").read_text() for m in MODULES}


def stubs() -> dict[str, str]:
    return {m: (ROOT / "exercises/lec04" / f"{m}.py").read_text() for m in MODULES}


def graded_names() -> set[str]:
    found = set()
    for m in MODULES:
        tree = ast.parse((ROOT / "exercises/lec04" / f"{m}.py").read_text())
        found |= {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    return found


# ---- disguises ---------------------------------------------------------------------------------

def rename(text: str, seed: int) -> str:
    """Every local, helper, helper parameter and constant gets a new name.

    Kept, so that the copy still works: the contract's function and parameter names (tests pass
    ``config=``), and names used inside f-strings (one STRING token before Python 3.12).
    """
    tree = ast.parse(text)
    keep = graded_names() | _KEEP
    names: set[str] = set()
    keyword_spots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name in keep:
            keep |= {a.arg for a in (*node.args.posonlyargs, *node.args.args,
                                     *node.args.kwonlyargs)}
        elif isinstance(node, ast.JoinedStr):
            keep |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    for node in ast.walk(tree):
        if isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.keyword) and node.arg:
            keyword_spots.add((node.lineno, node.col_offset))
    rng = random.Random(seed)
    words = ["alpha", "beta_", "gamma", "delta", "omega", "theta", "kappa", "sigma_", "value",
             "tmp", "arr", "res", "acc", "buf", "item", "state", "data", "inp", "outp", "vec"]
    mapping = {}
    for i, name in enumerate(sorted(names - keep)):
        mapping[name] = f"{rng.choice(words)}_{i}{rng.randrange(10)}"
    return _replace_names(text, mapping, keyword_spots)


def _replace_names(text: str, mapping: dict[str, str], skip: set[tuple[int, int]]) -> str:
    lines = text.splitlines(keepends=True)
    edits = []
    previous = ""
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == tokenize.NAME and tok.string in mapping and previous != "." \
                and tok.start not in skip:
            edits.append((tok.start, tok.end, mapping[tok.string]))
        if tok.type not in (tokenize.NL, tokenize.COMMENT):
            previous = tok.string
    for (row, col), (_, end), new in reversed(edits):
        line = lines[row - 1]
        lines[row - 1] = line[:col] + new + line[end:]
    return "".join(lines)


def reorder(text: str, seed: int) -> str:
    """Top-level functions shuffled among their own places (everything else stays put)."""
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    spans = [(min([n.lineno, *(d.lineno for d in n.decorator_list)]) - 1, n.end_lineno or n.lineno)
             for n in tree.body if isinstance(n, ast.FunctionDef)]
    blocks = ["".join(lines[a:b]) for a, b in spans]
    shuffled = blocks[:]
    random.Random(seed).shuffle(shuffled)
    out, cursor = [], 0
    for (a, b), block in zip(spans, shuffled, strict=True):
        out.append("".join(lines[cursor:a]))
        out.append(block)
        cursor = b
    out.append("".join(lines[cursor:]))
    return "".join(out)


class _Splitter(ast.NodeTransformer):
    """``return a * b + c`` -> ``part_1 = a * b; part_2 = c; return part_1 + part_2``."""

    def __init__(self) -> None:
        self.count = 0

    def _temp(self) -> str:
        self.count += 1
        return f"part_{self.count}"

    def _split(self, value: ast.expr) -> tuple[list[ast.stmt], ast.expr]:
        if not isinstance(value, ast.BinOp):
            return [], value
        pre: list[ast.stmt] = []
        sides = []
        for side in (value.left, value.right):
            if isinstance(side, ast.Name | ast.Constant):
                sides.append(side)
                continue
            name = self._temp()
            pre.append(ast.Assign(targets=[ast.Name(name, ast.Store())], value=side, lineno=0))
            sides.append(ast.Name(name, ast.Load()))
        return pre, ast.BinOp(sides[0], value.op, sides[1])

    def visit_Return(self, node: ast.Return) -> list[ast.stmt] | ast.Return:
        if node.value is None:
            return node
        pre, value = self._split(node.value)
        return [*pre, ast.Return(value)]

    def visit_Assign(self, node: ast.Assign) -> list[ast.stmt] | ast.Assign:
        pre, value = self._split(node.value)
        return [*pre, ast.Assign(targets=node.targets, value=value, lineno=0)]


def split_temporaries(text: str) -> str:
    tree = _Splitter().visit(ast.parse(text))
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


class _NoDocstrings(ast.NodeTransformer):
    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        self.generic_visit(node)
        first = node.body[0]
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                and isinstance(first.value.value, str):
            node.body = node.body[1:] or [ast.Pass()]
        return node


def relayout(text: str, seed: int) -> str:
    """Comments and docstrings replaced, two-space indents, blank lines moved."""
    tree = _NoDocstrings().visit(ast.parse(text))
    code = ast.unparse(ast.fix_missing_locations(tree))
    rng = random.Random(seed)
    remarks = ["# my own implementation", "# TODO check this again", "# 구현 완료",
               "# works on my laptop", "# see lecture slides", "# careful here"]
    out = ["# Homework 4 — submitted on time\n"]
    for line in code.splitlines():
        stripped = line.lstrip(" ")
        indent = (len(line) - len(stripped)) // 4 * "  "
        if stripped.startswith("def "):
            out.append("\n" * rng.randrange(1, 4))
        elif stripped and rng.random() < 0.3:
            out.append(f"{indent}{rng.choice(remarks)}\n")
        out.append(f"{indent}{stripped}\n")
    return "".join(out)


DISGUISES = {
    # origin style -> steps applied to each of its modules
    "reference": ("rename", "reorder"),
    "independent": ("relayout", "split"),
    "loops": ("rename", "split", "relayout", "reorder"),
    "masks": ("rename", "split"),
}


def disguise(text: str, steps: tuple[str, ...], seed: int) -> str:
    for step in steps:
        if step == "rename":
            text = rename(text, seed)
        elif step == "reorder":
            text = reorder(text, seed)
        elif step == "split":
            text = split_temporaries(text)
        elif step == "relayout":
            text = relayout(text, seed)
    return text


# ---- writing a class ---------------------------------------------------------------------------

def write_folder(folder: Path, modules: dict[str, str]) -> Path:
    folder.mkdir(parents=True)
    for m, text in modules.items():
        (folder / f"{m}.py").write_text(text, encoding="utf-8")
    return folder


def write_checkout(folder: Path, modules: dict[str, str]) -> Path:
    write_folder(folder / "exercises" / "lec04", modules)
    (folder / "README.md").write_text("my checkout\n")
    return folder


def write_zip(path: Path, modules: dict[str, str], prefix: str = "") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for m, text in modules.items():
            z.writestr(f"{prefix}{m}.py", text)
    return path


def write_notebook(path: Path, modules: dict[str, str]) -> Path:
    """One notebook holding every module's code, a cell per function, with a magic and markdown."""
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# 과제 4\n"]},
             {"cell_type": "code", "metadata": {}, "source": ["%matplotlib inline\n"],
              "outputs": [], "execution_count": None}]
    for text in modules.values():
        cells.append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                      "source": text.splitlines(keepends=True)})
    nb = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    return path


def generated_class(folder: Path, seed: int = 100) -> dict[str, list[str]]:
    """Write the class into ``folder``; returns entry names by role.

    Roles: ``independent`` (one per style), ``copies`` (pairs: origin entry, disguised copy) and
    ``stubs``. Entry kinds vary: folders, a checkout, a zip and a notebook.
    """
    folder.mkdir(parents=True, exist_ok=True)
    roles: dict[str, list[str]] = {"independent": [], "copies": [], "stubs": []}
    writers = {"reference": lambda p, mods: write_folder(p, mods),
               "independent": lambda p, mods: write_checkout(p, mods),
               "loops": lambda p, mods: write_folder(p, mods),
               "masks": lambda p, mods: write_folder(p, mods)}
    for i, name in enumerate(STYLES):
        entry = f"s{i + 1:02d}_{name}"
        writers[name](folder / entry, style(name))
        roles["independent"].append(entry)
    copy_writers = {"reference": lambda p, mods: write_folder(p, mods),
                    "independent": lambda p, mods: write_zip(p.with_suffix(".zip"), mods, "hw4/"),
                    "loops": lambda p, mods: write_checkout(p, mods),
                    "masks": lambda p, mods: write_notebook(p.with_suffix(".ipynb"), mods)}
    suffix = {"independent": ".zip", "masks": ".ipynb"}
    for i, name in enumerate(STYLES):
        mods = {m: disguise(text, DISGUISES[name], seed=seed + i) for m, text in style(name).items()}
        entry = f"c{i + 1:02d}_copy_of_{name}"
        copy_writers[name](folder / entry, mods)
        roles["copies"].append(f"s{i + 1:02d}_{name}")
        roles["copies"].append(entry + suffix.get(name, ""))
    for i in range(2):
        entry = f"z{i + 1:02d}_stub"
        write_folder(folder / entry, stubs())
        roles["stubs"].append(entry)
    return roles
