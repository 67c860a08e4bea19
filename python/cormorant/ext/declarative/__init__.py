"""The 1.x home of the declarative API, kept as SQLAlchemy 2.0 keeps
sqlalchemy.ext.declarative: declarative_base(), DeclarativeMeta, declared_attr,
as_declarative, has_inherited_table and synonym_for (the same objects as in cormorant.orm);
and its extensions: ConcreteBase, AbstractConcreteBase, DeferredReflection."""

from ...orm.decl_api import DeclarativeMeta, as_declarative, declarative_base, has_inherited_table
from ...orm.decl_base import declared_attr
from ...orm.descriptor_props import synonym_for
from .extensions import AbstractConcreteBase, ConcreteBase, DeferredReflection

__all__ = [
    "DeclarativeMeta",
    "as_declarative",
    "declarative_base",
    "declared_attr",
    "has_inherited_table",
    "synonym_for",
    "DeferredReflection",
    "ConcreteBase",
    "AbstractConcreteBase",
]
