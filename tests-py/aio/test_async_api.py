"""cormorant.ext.asyncio's API beyond the seeds' use of it (issue 14): URL
checks, streaming, run_sync, savepoints, lazy loads that need an await,
awaitable_attrs, scoped sessions, get()/refresh() options."""

import asyncio

import pytest
from cormorant import ForeignKey, String, create_engine, exc, func, select, text
from cormorant.ext.asyncio import (
    AsyncAttrs,
    async_engine_from_config,
    async_object_session,
    async_scoped_session,
    async_sessionmaker,
    create_async_engine,
)
from cormorant.orm import DeclarativeBase, Mapped, mapped_column, relationship, selectinload


class Base(AsyncAttrs, DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "authors"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    books: Mapped[list["Book"]] = relationship(back_populates="author")


class Book(Base):
    __tablename__ = "books"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    author: Mapped[Author] = relationship(back_populates="books")


def with_library(async_url, body, **engine_options):
    """Runs `body(engine, sessions)` over two authors with three books each."""

    async def main():
        engine = create_async_engine(async_url, **engine_options)
        try:
            async with engine.begin() as conn:
                await conn.run_sync(Base.metadata.create_all)
            sessions = async_sessionmaker(engine, expire_on_commit=False)
            async with sessions.begin() as session:
                for a in range(2):
                    session.add(
                        Author(id=a + 1, name=f"a{a}", books=[Book(title=f"a{a}-b{b}") for b in range(3)])
                    )
            return await body(engine, sessions)
        finally:
            await engine.dispose()

    return asyncio.run(main())


def test_sync_and_async_urls_are_not_interchangeable(url):
    async_spelling = url.replace("sqlite:", "sqlite+aiosqlite:").replace("postgresql:", "postgresql+asyncpg:")
    with pytest.raises(exc.ArgumentError, match="create_async_engine"):
        create_engine(async_spelling)
    with pytest.raises(exc.ArgumentError, match="requires an async driver"):
        create_async_engine(url)


def test_a_lazy_load_without_await_names_the_attribute(async_url):
    async def body(engine, sessions):
        async with sessions() as session:
            author = await session.get(Author, 1)
            with pytest.raises(exc.MissingGreenlet) as info:
                author.books  # noqa: B018
            books = await author.awaitable_attrs.books
            return str(info.value), sorted(b.title for b in books)

    message, titles = with_library(async_url, body)
    assert "Author.books" in message and "selectinload" in message and "awaitable_attrs" in message
    assert titles == ["a0-b0", "a0-b1", "a0-b2"]


def test_an_expired_attribute_read_without_await_is_refused(async_url):
    async def body(engine, _):
        async with async_sessionmaker(engine)() as session:  # expire_on_commit=True
            author = await session.get(Author, 2)
            author.name = "renamed"
            await session.commit()
            with pytest.raises(exc.MissingGreenlet, match="Author.name"):
                author.name  # noqa: B018
            await session.refresh(author, ["name"])
            return author.name

    assert with_library(async_url, body) == "renamed"


def test_stream_reads_rows_in_partitions(async_url):
    async def body(engine, sessions):
        async with sessions() as session:
            result = await session.stream(select(Book).order_by(Book.id).execution_options(yield_per=2))
            sizes = [len(part) async for part in result.scalars().partitions()]
            titles = [b.title async for b in await session.stream_scalars(select(Book).order_by(Book.id))]
        async with engine.connect() as conn:
            async with conn.stream(select(Book.title).order_by(Book.id)) as rows:
                first = await rows.fetchone()
                rest = await rows.all()
            count = 0
            async for _ in await conn.stream_scalars(select(Book.id)):
                count += 1
        return sizes, titles, first, rest, count

    sizes, titles, first, rest, count = with_library(async_url, body)
    assert sizes == [2, 2, 2]
    assert titles[0] == "a0-b0" and len(titles) == 6
    assert first == ("a0-b0",) and len(rest) == 5
    assert count == 6


def test_run_sync_savepoints_and_selectin(async_url):
    async def body(engine, sessions):
        async with sessions() as session:
            authors = (
                (await session.execute(select(Author).options(selectinload(Author.books)))).scalars().all()
            )
            loaded = sum(len(a.books) for a in authors)
            async with session.begin_nested():
                session.add(Book(title="kept", author_id=1))
            try:
                async with session.begin_nested():
                    session.add(Book(title="undone", author_id=1))
                    await session.flush()
                    raise RuntimeError("roll back to the savepoint")
            except RuntimeError:
                pass
            await session.commit()
            titles = await session.run_sync(lambda s: [b.title for b in s.execute(select(Book)).scalars()])
            assert async_object_session(authors[0]) is session
        return loaded, titles

    loaded, titles = with_library(async_url, body)
    assert loaded == 6
    assert "kept" in titles and "undone" not in titles


def test_get_with_options_and_for_update(async_url):
    async def body(engine, sessions):
        async with sessions() as session, session.begin():
            author = await session.get(Author, 1, options=[selectinload(Author.books)], with_for_update=True)
            return len(author.books)  # loaded by the option: no await needed

    assert with_library(async_url, body) == 3


def test_async_scoped_session_gives_each_task_its_own(async_url):
    async def body(engine, sessions):
        scoped = async_scoped_session(sessions, scopefunc=asyncio.current_task)

        async def in_task():
            first, second = scoped(), scoped()
            count = await scoped.scalar(select(func.count(Book.id)))
            await scoped.remove()
            return first is second, first, count

        results = await asyncio.gather(in_task(), in_task())
        return results

    (same_a, session_a, count_a), (same_b, session_b, count_b) = with_library(async_url, body)
    assert same_a and same_b and session_a is not session_b and count_a == count_b == 6


def test_async_engine_from_config(async_url):
    engine = async_engine_from_config({"sqlalchemy.url": async_url, "sqlalchemy.pool_size": "3"})

    async def main():
        try:
            async with engine.connect() as conn:
                return await conn.scalar(text("SELECT 7"))
        finally:
            await engine.dispose()

    assert asyncio.run(main()) == 7
    assert engine.sync_engine.pool.size() == 3


def test_the_sync_engine_refuses_io_outside_an_awaited_call(async_url):
    engine = create_async_engine(async_url)
    with pytest.raises(exc.MissingGreenlet, match="greenlet_spawn"):
        engine.sync_engine.connect()


def test_invalidate_drops_the_connection_and_the_session_goes_on(async_url):
    async def body(engine, sessions):
        async with sessions() as session:
            await session.execute(select(1))
            assert session.in_transaction() and not session.in_nested_transaction()
            await session.invalidate()
            opened_before = engine.sync_engine.pool.checkedout()
            count = await session.scalar(select(func.count(Book.id)))
            raw = await (await session.connection()).get_raw_connection()
            # like SQLAlchemy's adapted driver connection, it does I/O only inside an awaited call:
            # outside one it is refused before anything is sent, and the connection stays usable
            with pytest.raises(exc.MissingGreenlet):
                raw.cursor().execute("SELECT 4")
            five = await session.run_sync(lambda _: raw.cursor().execute("SELECT 5").fetchone())
            return opened_before, count, five

    assert with_library(async_url, body) == (0, 6, (5,))


def test_one_session_shared_by_two_tasks_is_refused(async_url):
    async def body(engine, sessions):
        async with sessions() as session:
            slow = text("SELECT pg_sleep(0.2)") if engine.dialect.name == "postgresql" else select(Book)
            results = await asyncio.gather(
                session.execute(slow), session.execute(select(Author)), return_exceptions=True
            )
            return [type(r).__name__ for r in results]

    kinds = with_library(async_url, body)
    # PostgreSQL's wait lets the second task start while the first runs; SQLite's
    # short statement finishes before it yields, so both may succeed there
    # (a text() statement's result is a CursorResult, an ORM select's a Result)
    if async_url.startswith("postgresql"):
        assert kinds == ["CursorResult", "InvalidRequestError"]
    else:
        assert set(kinds) <= {"Result", "InvalidRequestError"} and kinds[0] == "Result"
