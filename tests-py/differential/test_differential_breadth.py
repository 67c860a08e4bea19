"""The differential comparison (harness.py) weighted towards the constructs of
issue 15: CASE, CAST, type_coerce, literal_column, null(), true()/false(),
DISTINCT in aggregates, ~ of predicates, ORDER BY a label, self-joins through
table.alias(), subqueries joined in FROM, exists(), and (when cormorant has
them) set operations, CTEs and window functions.

Each example loads one set of tables and compares STATEMENTS SELECTs over
it, so the test runs EXAMPLES * STATEMENTS statements per backend under the
`ci` profile (derandomized); other profiles keep their own example count."""

import harness
import sqlfuzz
from hypothesis import given, settings

EXAMPLES = 130
STATEMENTS = 4


def example_count():
    profile = settings()
    return (
        EXAMPLES if profile.max_examples == settings.get_profile("ci").max_examples else profile.max_examples
    )


@settings(max_examples=example_count())
@given(scenario=sqlfuzz.scenarios(breadth=True, statements=STATEMENTS))
def test_breadth_matches_sqlalchemy(engines, scenario):
    harness.check_scenario(engines, scenario)
