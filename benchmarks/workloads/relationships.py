"""relationships: 500 parents with 10 children each, loaded with selectinload and
with joinedload (each load in a fresh Session), touching every child. The raw
driver runs the same SQL (the parents, then their children WHERE parent_id IN
(...), 500 keys at a time; or one LEFT OUTER JOIN) and groups plain objects."""

from ..stacks import CHILD, PARENT, RAW, Database, fill, run_script
from ..workload import Case, Context, per_stack

NAME = "relationships"
UNIT = "parents"
DEFAULT_SIZE = 500
QUICK_SIZE = 20
TABLES = [CHILD, PARENT]
CHILDREN = 10
SELECTIN_CHUNK = 500  # parent keys per IN (...), as SQLAlchemy's selectinload batches them
SELECTIN_FLOOR = "raw 2 SELECTs + objects"
JOINED_FLOOR = "raw LEFT JOIN + objects"


def ddl(db: Database) -> list[str]:
    return [
        f"DROP TABLE IF EXISTS {CHILD}",
        f"DROP TABLE IF EXISTS {PARENT}",
        f"CREATE TABLE {PARENT} (id INTEGER PRIMARY KEY, name VARCHAR(255))",
        f"CREATE TABLE {CHILD} (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES {PARENT} (id), "
        "name VARCHAR(255), value INTEGER NOT NULL)",
        f"CREATE INDEX {CHILD}_parent_id ON {CHILD} (parent_id)",
    ]


def setup(ctx: Context) -> None:
    conn = ctx.raw()
    run_script(conn, ddl(ctx.db))
    fill(ctx.db, conn, PARENT, ("id", "name"), ((i, f"parent name {i}") for i in range(1, ctx.size + 1)))
    children = ctx.size * CHILDREN
    rows = ((i, (i - 1) // CHILDREN + 1, f"child name {i}", i % 1000) for i in range(1, children + 1))
    fill(ctx.db, conn, CHILD, ("id", "parent_id", "name", "value"), rows)


def checksum(parents: list) -> int:
    """Touches every child; the sum of child ids, counting only children filed under their own parent."""
    return sum(child.id for parent in parents for child in parent.children if child.parent_id == parent.id)


def expected_checksum(ctx: Context) -> int:
    children = ctx.size * CHILDREN
    return children * (children + 1) // 2


class PlainParent:
    __slots__ = ("id", "name", "children")

    def __init__(self, id: int, name: str) -> None:
        self.id, self.name, self.children = id, name, []


class PlainChild:
    __slots__ = ("id", "parent_id", "name", "value")

    def __init__(self, id: int, parent_id: int, name: str, value: int) -> None:
        self.id, self.parent_id, self.name, self.value = id, parent_id, name, value


def cases(ctx: Context) -> list[Case]:
    return [*raw_cases(ctx), *per_stack(ctx, stack_cases)]


def raw_cases(ctx: Context) -> list[Case]:
    conn = ctx.raw()
    mark = ctx.db.mark
    parents_sql = f"SELECT id, name FROM {PARENT}"
    children_sql = f"SELECT id, parent_id, name, value FROM {CHILD} WHERE parent_id IN ({{}})"
    joined_sql = (
        f"SELECT p.id, p.name, c.id, c.parent_id, c.name, c.value FROM {PARENT} AS p "
        f"LEFT OUTER JOIN {CHILD} AS c ON p.id = c.parent_id"
    )

    def selectin() -> int:
        parents = [PlainParent(*row) for row in conn.execute(parents_sql).fetchall()]
        by_id = {parent.id: parent for parent in parents}
        keys = list(by_id)
        for start in range(0, len(keys), SELECTIN_CHUNK):
            chunk = keys[start : start + SELECTIN_CHUNK]
            for row in conn.execute(children_sql.format(", ".join([mark] * len(chunk))), chunk).fetchall():
                by_id[row[1]].children.append(PlainChild(*row))
        conn.rollback()
        return checksum(parents)

    def joined() -> int:
        by_id: dict[int, PlainParent] = {}
        for parent_id, parent_name, *child in conn.execute(joined_sql).fetchall():
            parent = by_id.get(parent_id)
            if parent is None:
                parent = by_id[parent_id] = PlainParent(parent_id, parent_name)
            if child[0] is not None:
                parent.children.append(PlainChild(*child))
        conn.rollback()
        return checksum(list(by_id.values()))

    expected = expected_checksum(ctx)
    return [Case(SELECTIN_FLOOR, RAW, selectin, expected), Case(JOINED_FLOOR, RAW, joined, expected)]


def stack_cases(ctx: Context, stack) -> list[Case]:
    sa, orm = stack.sa, stack.orm
    Parent = stack.models.Parent
    engine = ctx.engine(stack)

    def selectin() -> int:
        with orm.Session(engine) as session:
            statement = sa.select(Parent).options(orm.selectinload(Parent.children))
            return checksum(session.scalars(statement).all())

    def joined() -> int:
        with orm.Session(engine) as session:
            statement = sa.select(Parent).options(orm.joinedload(Parent.children))
            return checksum(session.scalars(statement).unique().all())

    expected = expected_checksum(ctx)
    return [
        Case("ORM selectinload", stack.name, selectin, expected, floor=SELECTIN_FLOOR),
        Case("ORM joinedload", stack.name, joined, expected, floor=JOINED_FLOOR),
    ]
