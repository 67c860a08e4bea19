"""inheritance: a single-table hierarchy (Vehicle, Car, Truck) of rows whose
`kind` column names their class, loaded through the base class so that each
row's class is chosen by its discriminator: with every subclass's columns in
the one SELECT (with_polymorphic "*"), touching each object's own columns.
The raw driver fetches the same SELECT and builds plain objects by kind."""

from ..stacks import RAW, VEHICLE, Database, fill, run_script
from ..workload import Case, Context, per_stack

NAME = "inheritance"
UNIT = "rows"
DEFAULT_SIZE = 200_000
QUICK_SIZE = 300
TABLES = [VEHICLE]
KINDS = ("vehicle", "car", "truck")


def ddl(db: Database) -> list[str]:
    return [
        f"DROP TABLE IF EXISTS {VEHICLE}",
        f"CREATE TABLE {VEHICLE} (id INTEGER PRIMARY KEY, name VARCHAR(255) NOT NULL, "
        "kind VARCHAR(20) NOT NULL, seats INTEGER, payload INTEGER)",
    ]


def setup(ctx: Context) -> None:
    conn = ctx.raw()
    run_script(conn, ddl(ctx.db))
    rows = (
        (i, f"vehicle {i}", KINDS[i % 3], 4 if i % 3 == 1 else None, i if i % 3 == 2 else None)
        for i in range(1, ctx.size + 1)
    )
    fill(ctx.db, conn, VEHICLE, ("id", "name", "kind", "seats", "payload"), rows)


class PlainVehicle:
    __slots__ = ("id", "name", "kind")

    def __init__(self, id: int, name: str, kind: str) -> None:
        self.id, self.name, self.kind = id, name, kind

    def touch(self) -> None:
        _ = self.id, self.name


class PlainCar(PlainVehicle):
    __slots__ = ("seats",)

    def touch(self) -> None:
        _ = self.id, self.name, self.seats


class PlainTruck(PlainVehicle):
    __slots__ = ("payload",)

    def touch(self) -> None:
        _ = self.id, self.name, self.payload


def cases(ctx: Context) -> list[Case]:
    return [raw_case(ctx), *per_stack(ctx, stack_cases)]


def raw_case(ctx: Context) -> Case:
    conn = ctx.raw()
    sql = f"SELECT id, name, kind, seats, payload FROM {VEHICLE}"

    def build(row: tuple) -> PlainVehicle:
        kind = row[2]
        if kind == "car":
            car = PlainCar(row[0], row[1], kind)
            car.seats = row[3]
            return car
        if kind == "truck":
            truck = PlainTruck(row[0], row[1], kind)
            truck.payload = row[4]
            return truck
        return PlainVehicle(row[0], row[1], kind)

    def fetch_objects() -> int:
        objects = [build(row) for row in conn.execute(sql).fetchall()]
        for obj in objects:
            obj.touch()
        conn.rollback()
        return len(objects)

    return Case("raw fetchall() + objects by kind", RAW, fetch_objects, ctx.size)


def stack_cases(ctx: Context, stack) -> list[Case]:
    sa, orm = stack.sa, stack.orm
    models = stack.models
    Vehicle, Car, Truck = models.Vehicle, models.Car, models.Truck
    engine = ctx.engine(stack)
    everything = orm.with_polymorphic(Vehicle, [Car, Truck])

    def touch(obj) -> None:
        _ = obj.id, obj.name
        if type(obj) is Car:
            _ = obj.seats
        elif type(obj) is Truck:
            _ = obj.payload

    def polymorphic_objects() -> int:
        with orm.Session(engine) as session:
            objects = session.scalars(sa.select(everything)).all()
            for obj in objects:
                touch(obj)
            return len(objects)

    return [Case("ORM objects, polymorphic by discriminator", stack.name, polymorphic_objects, ctx.size)]
