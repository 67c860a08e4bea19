"""The operators only some types give a meaning to, as methods of every column
expression: ARRAY's overlap(), JSONB's has_key(), a range's adjacent_to(),
HSTORE's keys()... Each asks the expression's type (its `_operators`) to
build the SQL, and fails when the type has no such operator.

They are plain methods rather than a __getattr__ fallback, which would slow
every attribute access on every column expression."""

from __future__ import annotations

from typing import Any


class TypeOperators:
    """Mixin of ColumnOperators: the type-specific operators, by SQLAlchemy's names."""

    __slots__ = ()

    def _type_operator(self, name: str, *args: Any, **kw: Any) -> Any:
        raise NotImplementedError  # ColumnOperators builds the expression

    # --- ARRAY ------------------------------------------------------------------------------

    def all(self, other: Any, operator: Any = None) -> Any:
        """ARRAY: `other <operator> ALL (expr)` (= unless given)."""
        return self._type_operator("all", other, operator)

    def overlap(self, other: Any) -> Any:
        """PostgreSQL ARRAY: expr && other, the arrays share an item."""
        return self._type_operator("overlap", other)

    # --- JSONB and HSTORE -------------------------------------------------------------------

    def has_key(self, key: Any) -> Any:
        """JSONB / HSTORE: expr ? key."""
        return self._type_operator("has_key", key)

    def has_all(self, keys: Any) -> Any:
        """JSONB / HSTORE: expr ?& keys, every key is present."""
        return self._type_operator("has_all", keys)

    def has_any(self, keys: Any) -> Any:
        """JSONB / HSTORE: expr ?| keys, some key is present."""
        return self._type_operator("has_any", keys)

    def contained_by(self, other: Any) -> Any:
        """ARRAY / JSONB / HSTORE / ranges: expr <@ other."""
        return self._type_operator("contained_by", other)

    def path_exists(self, path: Any) -> Any:
        """JSONB: expr @? path, the JSON path yields an item."""
        return self._type_operator("path_exists", path)

    def path_match(self, path: Any) -> Any:
        """JSONB: expr @@ path, the JSON path predicate holds."""
        return self._type_operator("path_match", path)

    def delete_path(self, path: Any) -> Any:
        """JSONB: expr #- path, the document without the item at path."""
        return self._type_operator("delete_path", path)

    def defined(self, key: Any) -> Any:
        """HSTORE: defined(expr, key), the key has a non-NULL value."""
        return self._type_operator("defined", key)

    def delete(self, key: Any) -> Any:
        """HSTORE: delete(expr, key), without a key (or keys, or pairs)."""
        return self._type_operator("delete", key)

    def slice(self, keys: Any) -> Any:
        """HSTORE: slice(expr, keys), only those keys."""
        return self._type_operator("slice", keys)

    def keys(self) -> Any:
        """HSTORE: akeys(expr), the keys as an array."""
        return self._type_operator("keys")

    def vals(self) -> Any:
        """HSTORE: avals(expr), the values as an array."""
        return self._type_operator("vals")

    def array(self) -> Any:
        """HSTORE: hstore_to_array(expr), keys and values alternating."""
        return self._type_operator("array")

    def matrix(self) -> Any:
        """HSTORE: hstore_to_matrix(expr), [key, value] pairs."""
        return self._type_operator("matrix")

    # --- ranges -------------------------------------------------------------------------------

    def overlaps(self, other: Any) -> Any:
        """Range: expr && other."""
        return self._type_operator("overlaps", other)

    def strictly_left_of(self, other: Any) -> Any:
        """Range: expr << other."""
        return self._type_operator("strictly_left_of", other)

    def strictly_right_of(self, other: Any) -> Any:
        """Range: expr >> other."""
        return self._type_operator("strictly_right_of", other)

    def not_extend_right_of(self, other: Any) -> Any:
        """Range: expr &< other."""
        return self._type_operator("not_extend_right_of", other)

    def not_extend_left_of(self, other: Any) -> Any:
        """Range: expr &> other."""
        return self._type_operator("not_extend_left_of", other)

    def adjacent_to(self, other: Any) -> Any:
        """Range: expr -|- other."""
        return self._type_operator("adjacent_to", other)

    def union(self, other: Any) -> Any:
        """Range: expr + other."""
        return self._type_operator("union", other)

    def difference(self, other: Any) -> Any:
        """Range: expr - other."""
        return self._type_operator("difference", other)

    def intersection(self, other: Any) -> Any:
        """Range: expr * other."""
        return self._type_operator("intersection", other)
