"""Quickstart: the seeds' User model on SQLite — create, query, update, delete.

Run with:  python examples/quickstart.py
"""

from datetime import datetime
from typing import Optional

from cormorant import String, create_engine, func, select
from cormorant.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True, index=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    full_name: Mapped[Optional[str]] = mapped_column(String(100))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    def __repr__(self) -> str:
        return f"User(id={self.id}, email={self.email})"


def main() -> None:
    engine = create_engine("sqlite:///quickstart.db")
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    print("created table 'users' in quickstart.db")

    with Session(engine) as session:
        session.add_all(
            [
                User(email="ann@example.com", username="ann", full_name="Ann Lee"),
                User(email="bob@example.com", username="bob"),
                User(email="cid@example.com", username="cid", is_active=False),
            ]
        )
        session.commit()
        print("inserted:", session.scalars(select(User).order_by(User.id)).all())

        active = session.scalars(select(User).where(User.is_active == True).order_by(User.username)).all()  # noqa: E712
        print("active users:", [u.username for u in active])

        bob = session.execute(select(User).where(User.username == "bob")).scalar_one()
        bob.full_name = "Bob Stone"
        session.commit()
        print("updated:", bob.username, "->", session.get(User, bob.id).full_name)

        cid = session.execute(select(User).where(User.username == "cid")).scalar_one()
        session.delete(cid)
        session.commit()
        remaining = session.scalar(select(func.count(User.id)))
        print("deleted cid; users left:", remaining)

        for row in session.execute(select(User.username, User.created_at).order_by(User.username)):
            print(f"  {row.username:5} created at {row.created_at:%Y-%m-%d %H:%M:%S}")
    engine.dispose()


if __name__ == "__main__":
    main()
