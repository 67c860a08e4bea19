"""The static types of hybrids, association proxies, synonyms and composites
as SQLAlchemy 2.0 gives them: on the class an SQL expression, on an instance
the value. One mypy --strict run checks the assert_type() lines of PROGRAM;
the same program also runs, on each backend."""

import textwrap

PROGRAM = textwrap.dedent(
    """
    import dataclasses
    from typing import Any

    from typing_extensions import assert_type

    from cormorant import ForeignKey, String, select
    from cormorant.engine import Engine
    from cormorant.ext.associationproxy import AssociationProxy, AssociationProxyInstance, association_proxy
    from cormorant.ext.hybrid import hybrid_method, hybrid_property
    from cormorant.orm import DeclarativeBase, Mapped, Session, composite, mapped_column, relationship, validates
    from cormorant.sql.elements import ColumnElement
    from cormorant.sql.selectable import Select


    @dataclasses.dataclass
    class Point:
        x: int
        y: int


    class Base(DeclarativeBase):
        pass


    class Member(Base):
        __tablename__ = "typed_member"
        id: Mapped[int] = mapped_column(primary_key=True)
        first: Mapped[str] = mapped_column(String(20))
        last: Mapped[str] = mapped_column(String(20))
        age: Mapped[int]
        spot: Mapped[Point] = composite(mapped_column("sx"), mapped_column("sy"))
        member_tags: Mapped[list["MemberTag"]] = relationship()
        tags: AssociationProxy[list[str]] = association_proxy(
            "member_tags", "tag", creator=lambda tag: MemberTag(tag=tag)
        )

        @hybrid_property
        def full_name(self) -> str:
            return self.first + " " + self.last

        @full_name.inplace.setter
        def _full_name_setter(self, value: str) -> None:
            self.first, self.last = value.split(" ")

        @hybrid_property
        def is_adult(self) -> bool:
            return self.age >= 18

        @hybrid_method
        def older_than(self, years: int) -> bool:
            return self.age > years

        @validates("first")
        def check_first(self, key: str, value: str) -> str:
            return value.strip()


    class MemberTag(Base):
        __tablename__ = "typed_member_tag"
        id: Mapped[int] = mapped_column(primary_key=True)
        member_id: Mapped[int] = mapped_column(ForeignKey("typed_member.id"))
        tag: Mapped[str] = mapped_column(String(20))


    def exercise(engine: Engine) -> None:
        assert_type(Member.full_name, ColumnElement[str])
        assert_type(Member.is_adult, ColumnElement[bool])
        assert_type(Member.tags, AssociationProxyInstance[list[str]])
        assert_type(select(Member.full_name), Select[tuple[str]])
        Base.metadata.create_all(engine)
        with Session(engine) as session:
            ann = Member(first=" Ann", last="Lee", age=30, spot=Point(1, 2))
            assert_type(ann.full_name, str)
            assert_type(ann.tags, list[str])
            assert_type(ann.spot, Point)
            ann.tags.append("x")
            ann.full_name = "Ann Lee"
            session.add(ann)
            session.commit()
            names = session.scalars(select(Member.full_name).where(Member.is_adult, ~Member.older_than(40)))
            assert names.all() == ["Ann Lee"]
            assert session.scalars(select(Member.id).where(Member.tags == "x")).all() == [ann.id]
            assert session.scalars(select(Member.spot)).one() == Point(1, 2)
            assert ann.first == "Ann" and ann.older_than(20)
    """
)


def test_mypy_strict_accepts_the_attribute_program(mypy_strict):
    proc = mypy_strict(PROGRAM, "attribute_typing_program.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_attribute_program_runs(url, run_program):
    run_program(PROGRAM, "attribute_typing_program.py", url)
