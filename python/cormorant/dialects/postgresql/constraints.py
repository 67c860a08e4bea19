"""ExcludeConstraint: PostgreSQL's EXCLUDE USING gist (room WITH =, during WITH &&),
which no two rows may both satisfy."""

from __future__ import annotations

from typing import Any

from ...sql.defaults import ddl_datum
from ...sql.elements import TextClause, coerce
from ...sql.schema import Column, ColumnCollectionConstraint
from ...util.options import refuse_unsupported


class ExcludeConstraint(ColumnCollectionConstraint):
    """EXCLUDE USING `using` (element WITH operator, ...) [WHERE (where)]; each
    element a column (or its name) or an expression, paired with an operator."""

    __visit_name__ = "exclude_constraint"

    def __init__(
        self,
        *elements: tuple[Any, str],
        name: str | None = None,
        using: str = "gist",
        where: Any = None,
        **unsupported: Any,
    ) -> None:
        refuse_unsupported("ExcludeConstraint()", unsupported)
        if not elements:
            raise ValueError("ExcludeConstraint() needs at least one (column, operator) element")
        self.elements = [(element, operator) for element, operator in elements]
        columns = [
            e if isinstance(e, str) else e.name for e, _ in self.elements if isinstance(e, (str, Column))
        ]
        super().__init__(*columns, name=name)
        self.using = using
        self.where = TextClause(where) if isinstance(where, str) else where
        self.operators = {e if isinstance(e, str) else getattr(e, "name", e): op for e, op in self.elements}

    def _datum(self, dialect: str | None = None) -> tuple[Any, ...]:
        elements = tuple(("with", self._element_datum(e, dialect), op) for e, op in self.elements)
        where = ddl_datum(coerce(self.where), dialect) if self.where is not None else None
        return ("exclude", self.name, self.using, elements, where)

    @staticmethod
    def _element_datum(element: Any, dialect: str | None) -> tuple[Any, ...]:
        if isinstance(element, str):
            return ("col", None, element)
        return ddl_datum(coerce(element), dialect)
