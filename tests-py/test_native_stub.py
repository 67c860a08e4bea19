"""_native.pyi declares exactly what the native module exports: every name at
module level, and every public member of each class. A function added in
cpp/bindings without its stub (or a stub left behind) fails here."""

import ast
import pathlib

import cormorant
from cormorant import _native

STUB = pathlib.Path(cormorant.__file__).parent / "_native.pyi"


def _public(names):
    return {n for n in names if not n.startswith("_")}


def _stub_tree():
    return ast.parse(STUB.read_text())


def _declared(body):
    names = set()
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return _public(names)


def _stub_classes():
    return {node.name: node for node in _stub_tree().body if isinstance(node, ast.ClassDef)}


def test_module_names_match_the_stub():
    exported = _public(n for n in dir(_native) if not n.startswith("__"))
    declared = {n for n in _declared(_stub_tree().body)}
    assert exported - declared == set(), "exported by _native but missing from _native.pyi"
    assert declared - exported == set(), "declared in _native.pyi but not exported by _native"


def test_class_members_match_the_stub():
    drift = {}
    for name, node in _stub_classes().items():
        cls = getattr(_native, name)
        if issubclass(cls, BaseException):  # its fields are set on each raised instance
            continue
        exported = _public(set(dir(cls)) - set(dir(object)))
        declared = _declared(node.body)
        if exported != declared:
            drift[name] = {"missing from stub": exported - declared, "not exported": declared - exported}
    assert drift == {}


def test_compile_returns_what_the_stub_says():
    sql, keys, kind, locks_rows, reads_only, many_values = _native.compile(
        ("insert", "t", ("a",), ((("bind", "a"),),), (), None), "sqlite"
    )
    assert (sql, keys, kind, locks_rows, reads_only) == (
        "INSERT INTO t (a) VALUES (?)",
        ["a"],
        "insert",
        False,
        False,
    )
    assert isinstance(many_values, _native.ValuesTemplate)
