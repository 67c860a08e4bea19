"""atheris target: the SQLite reflection parsers in
cormorant/dialects/sqlite/reflection.py, run on fuzzed sqlite_master text.

Each input is decoded as UTF-8 (invalid bytes replaced) and given to
_parse_table() (the CREATE TABLE tokenizer and parser behind constraint
names, DEFERRABLE / INITIALLY and generated columns), and, a line at a time,
to sqlite_type() (a column's declared type, as PRAGMA table_info gives it).
A cormorant exception is an accepted refusal; any other exception, a result
of the wrong shape, a hang (libFuzzer's -timeout) or a RecursionError is a
finding.

    python tests-cpp/fuzz/fuzz_sqlite_reflection.py CORPUS_DIR -max_total_time=60

.ci/fuzz runs it on a copy of corpus/fuzz_sqlite_reflection/. Needs atheris
and an installed cormorant (the package imports its native module).
"""

import sys

import atheris

# Coverage feedback for the whole package: the reflection modules are imported
# along with the rest of it when cormorant is first imported.
with atheris.instrument_imports(include=["cormorant"]):
    from cormorant.dialects.sqlite import reflection

from cormorant import exc
from cormorant.sql import sqltypes


def _is_names(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(n, str) for n in value)


def check_parsed(sql: str) -> None:
    parsed = reflection._parse_table(sql)
    assert parsed.pk_name is None or isinstance(parsed.pk_name, str), parsed
    for name, columns in parsed.uniques:
        assert (name is None or isinstance(name, str)) and _is_names(columns), parsed
    for name, columns, table, referred, options in parsed.foreign_keys:
        assert name is None or isinstance(name, str), parsed
        assert _is_names(columns) and isinstance(table, str) and _is_names(referred), parsed
        assert set(options) <= {"deferrable", "initially"}, parsed
    for column, expression in parsed.generated.items():
        assert isinstance(column, str) and isinstance(expression, str), parsed
        assert expression in sql, parsed
    tokens = reflection._tokenize(sql)
    for before, after in zip(tokens, tokens[1:]):
        assert before.end <= after.start, tokens


def TestOneInput(data: bytes) -> None:
    sql = data.decode("utf-8", "replace")
    try:
        check_parsed(sql)
        for line in sql.splitlines()[:8]:
            assert isinstance(reflection.sqlite_type(line), sqltypes.TypeEngine)
    except exc.CormorantError:
        pass


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
