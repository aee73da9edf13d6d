"""Nothing in model/, service/ or commands/ may read the hidden truth or import synthetic.

Allowed: the command that generates the data and the evaluation command. Whole files in
``ALLOWED``; in ``ALLOWED_FUNCTIONS`` only the named top-level functions of a file (so that,
e.g., ``train`` next to ``evaluate`` stays checked).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("model", "service", "commands")
ALLOWED = {"commands/synthetic_data.py", "commands/oracle_harness.py"}
ALLOWED_FUNCTIONS = {
    "commands/demo.py": {"demo"},  # generates and writes the demo world, never reads the truth
    "commands/training.py": {"evaluate", "_oracle"},  # the evaluation harness
}
WORDS = ("truth", "oracle", "planted")
READERS = {"read_csv", "read_excel", "read_parquet", "read_json", "read_table", "open", "load",
           "loadtxt", "read_text", "read_bytes", "load_truth", "glob", "iterdir", "Path"}


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def _mentions(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        text = (sub.value if isinstance(sub, ast.Constant) and isinstance(sub.value, str)
                else _name(sub))
        if any(w in text.lower() for w in WORDS):
            return True
    return False


def _nodes(tree: ast.Module, skip: set[str]):
    for top in tree.body:
        if isinstance(top, (ast.FunctionDef, ast.AsyncFunctionDef)) and top.name in skip:
            continue
        yield from ast.walk(top)


def violations(source: str, allowed_functions: set[str] = frozenset()) -> list[str]:
    """Each import of ``synthetic`` and each file read that names the truth, by line."""
    found = []
    for node in _nodes(ast.parse(source), set(allowed_functions)):
        if isinstance(node, ast.Import):
            found += [f"line {node.lineno}: import {a.name}" for a in node.names
                      if a.name.split(".")[0] == "synthetic"]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "synthetic":
            found.append(f"line {node.lineno}: from {node.module} import")
        elif isinstance(node, ast.Call):
            if _name(node.func) == "import_module" and _mentions_synthetic(node):
                found.append(f"line {node.lineno}: import_module(synthetic...)")
            elif _name(node.func) in READERS and _mentions(node):
                found.append(f"line {node.lineno}: {_name(node.func)}(... truth ...)")
            elif isinstance(node.func, ast.Attribute) and _name(node.func) in READERS \
                    and _mentions(node.func.value):
                found.append(f"line {node.lineno}: ....{_name(node.func)}() on the truth")
        elif isinstance(node, ast.Attribute) and node.attr == "truth_dir":
            found.append(f"line {node.lineno}: uses settings.truth_dir")
    return found


def _mentions_synthetic(call: ast.Call) -> bool:
    return any(isinstance(a, ast.Constant) and str(a.value).startswith("synthetic")
               for a in call.args)


def test_the_checker_catches_each_kind_of_leak():
    assert violations("import synthetic.oracle")
    assert violations("from synthetic import generate")
    assert violations("import importlib\nimportlib.import_module('synthetic.oracle')")
    assert violations("import pandas as pd\npd.read_csv(folder / 'planted_groups.csv')")
    assert violations("truth_folder.joinpath('x').read_text()")
    assert violations("open(settings.truth_dir / 'people.csv')")
    assert violations("import numpy as np\nnp.load(oracle_path)")
    assert not violations("import pandas as pd\npd.read_csv(raw / 'employees.csv')")
    assert not violations("ground = 'truth'  # a word in a string that is not read")
    two = "def evaluate():\n    import synthetic\ndef train():\n    import synthetic\n"
    assert len(violations(two, {"evaluate"})) == 1


def test_model_service_and_commands_never_read_the_truth():
    leaks = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel in ALLOWED:
                continue
            found = violations(path.read_text(encoding="utf-8"),
                               ALLOWED_FUNCTIONS.get(rel, set()))
            if found:
                leaks[rel] = found
    assert leaks == {}
