"""SELECT statements drawn by hypothesis, built with cormorant and with
SQLAlchemy from one description, run on the same database: cormorant must
return the same keys, rows and Python types, or raise the same error class
(see sqlfuzz.py; the comparison is in harness.py)."""

import harness
import sqlfuzz
from hypothesis import given


@given(scenario=sqlfuzz.scenarios())
def test_select_matches_sqlalchemy(engines, scenario):
    harness.check_scenario(engines, scenario)
