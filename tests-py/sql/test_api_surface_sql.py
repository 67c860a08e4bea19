"""The cormorant.sql, cormorant.sql.expression and cormorant.sql.functions
rows of ../shared/acceptance/test_15_api_surface.py, run here until the whole
file joins tests-py/acceptance.txt: every public name SQLAlchemy 2.0 has in
these modules exists under the same path and is the same kind of thing."""

import importlib
import json
import pathlib

import pytest

API_FILE = (
    pathlib.Path(__file__).resolve().parents[2] / ".." / "shared" / "acceptance" / "sqlalchemy_api.json"
)
MODULES = ["cormorant.sql", "cormorant.sql.expression", "cormorant.sql.functions"]


def kind_of(obj):
    if isinstance(obj, type):
        return "class"
    return "callable" if callable(obj) else "object"


@pytest.fixture(scope="module")
def api():
    if not API_FILE.exists():
        pytest.skip(f"{API_FILE} is not here: the shared acceptance folder must sit beside the checkout")
    return json.loads(API_FILE.read_text())["modules"]


@pytest.mark.parametrize("module", MODULES)
def test_every_sqlalchemy_name_of(api, module):
    mod = importlib.import_module(module)
    names = api[module]
    missing = sorted(n for n in names if not hasattr(mod, n))
    assert not missing, f"{module} lacks {', '.join(missing)}"
    wrong = sorted(n for n, kind in names.items() if kind_of(getattr(mod, n)) != kind)
    assert not wrong, f"{module}: not the same kind as SQLAlchemy's: {', '.join(wrong)}"
