"""examples/fastapi_app.py (async sessions) and the seeds' sync `get_db`
pattern, each served by a real uvicorn process and driven over HTTP, on
SQLite and PostgreSQL (issue 14)."""

import os
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]

SYNC_APP = textwrap.dedent(
    """
    from fastapi import Depends, FastAPI, HTTPException
    from pydantic import BaseModel, ConfigDict
    import os
    from cormorant import String, create_engine, select
    from cormorant.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

    class Base(DeclarativeBase):
        pass

    class Item(Base):
        __tablename__ = "items"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(String(50))

    class ItemOut(BaseModel):
        model_config = ConfigDict(from_attributes=True)
        id: int
        name: str

    engine = create_engine(os.environ["DATABASE_URL"], pool_size=5, max_overflow=10)
    Base.metadata.create_all(engine)
    SessionLocal = sessionmaker(autocommit=False, autoflush=False, bind=engine)
    app = FastAPI()

    def get_db():
        db = SessionLocal()
        try:
            yield db
        finally:
            db.close()

    @app.post("/items", response_model=ItemOut, status_code=201)
    def create(name: str, db: Session = Depends(get_db)):
        item = Item(name=name)
        db.add(item)
        db.commit()
        db.refresh(item)
        return item

    @app.get("/items/{item_id}", response_model=ItemOut)
    def read(item_id: int, db: Session = Depends(get_db)):
        item = db.get(Item, item_id)
        if item is None:
            raise HTTPException(status_code=404)
        return item
    """
)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """A uvicorn process serving `app` ("module:attribute") from `cwd`."""

    def __init__(self, app, cwd, database_url):
        self.port = free_port()
        env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(cwd)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", app, "--port", str(self.port), "--log-level", "warning"],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=10)
        self._wait_until_up()

    def _wait_until_up(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"uvicorn exited: {self.process.stdout.read().decode()}")
            try:
                self.client.get("/openapi.json")
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError("uvicorn did not start within 30 s")

    def close(self):
        self.client.close()
        self.process.terminate()
        self.process.wait(10)


@pytest.fixture
def served(request):
    servers = []

    def serve(app, cwd, database_url):
        server = Served(app, cwd, database_url)
        servers.append(server)
        return server.client

    yield serve
    for server in servers:
        server.close()


def test_the_async_example_under_uvicorn(served, async_url):
    client = served("examples.fastapi_app:app", ROOT, async_url)
    ann = client.post("/users", json={"email": "ann@example.com", "username": "ann"})
    assert ann.status_code == 201, ann.text
    uid = ann.json()["id"]
    assert client.post("/users", json={"email": "ann@example.com", "username": "x"}).status_code == 409
    for title in ("first", "second"):
        assert client.post(f"/users/{uid}/posts", json={"title": title}).status_code == 201
    full = client.get(f"/users/{uid}").json()
    assert sorted(p["title"] for p in full["posts"]) == ["first", "second"]
    assert client.patch(f"/users/{uid}", json={"username": "anna"}).json()["username"] == "anna"
    assert client.get("/stats").json() == {"users": 1, "posts": 2}
    assert client.delete(f"/users/{uid}").status_code == 204
    assert client.get(f"/users/{uid}").status_code == 404
    assert client.get("/stats").json() == {"users": 0, "posts": 0}


def test_the_sync_get_db_pattern_under_uvicorn(served, url, tmp_path):
    (tmp_path / "sync_app.py").write_text(SYNC_APP)
    client = served("sync_app:app", tmp_path, url)
    created = client.post("/items", params={"name": "widget"})
    assert created.status_code == 201, created.text
    item = created.json()
    assert client.get(f"/items/{item['id']}").json() == item
    assert client.get("/items/999").status_code == 404
