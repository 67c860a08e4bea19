"""The seeds' User/Post CRUD service on FastAPI with cormorant's async API.

    pip install fastapi uvicorn
    uvicorn examples.fastapi_app:app                       # SQLite file ./fastapi_app.db
    DATABASE_URL=postgresql+asyncpg://user:pass@host/db uvicorn examples.fastapi_app:app

Each request gets an AsyncSession from an `async def get_db()` dependency;
responses are pydantic models read from ORM objects (`from_attributes`).
"""

from __future__ import annotations

import os
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated, Optional

from cormorant import ForeignKey, String, func, select
from cormorant.exc import IntegrityError
from cormorant.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from cormorant.orm import DeclarativeBase, Mapped, mapped_column, relationship, selectinload
from fastapi import Depends, FastAPI, HTTPException, status
from pydantic import BaseModel, ConfigDict

DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite+aiosqlite:///./fastapi_app.db")


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True, index=True)
    username: Mapped[str] = mapped_column(String(50))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    posts: Mapped[list[Post]] = relationship(back_populates="author", cascade="all, delete-orphan")


class Post(Base):
    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    author: Mapped[User] = relationship(back_populates="posts")


class UserCreate(BaseModel):
    email: str
    username: str


class UserUpdate(BaseModel):
    username: Optional[str] = None
    is_active: Optional[bool] = None


class PostCreate(BaseModel):
    title: str


class PostOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    title: str
    author_id: int


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    email: str
    username: str
    is_active: bool
    created_at: datetime


class UserWithPosts(UserOut):
    posts: list[PostOut]


engine = create_async_engine(DATABASE_URL, pool_size=5, max_overflow=10, pool_pre_ping=True)
SessionLocal = async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncGenerator[None, None]:
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    yield
    await engine.dispose()


app = FastAPI(title="cormorant + FastAPI", lifespan=lifespan)


async def get_db() -> AsyncGenerator[AsyncSession, None]:
    async with SessionLocal() as session:
        yield session


DB = Annotated[AsyncSession, Depends(get_db)]


async def user_or_404(db: AsyncSession, user_id: int) -> User:
    user = await db.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=404, detail=f"no user {user_id}")
    return user


@app.post("/users", response_model=UserOut, status_code=status.HTTP_201_CREATED)
async def create_user(body: UserCreate, db: DB) -> User:
    user = User(email=body.email, username=body.username)
    db.add(user)
    try:
        await db.commit()
    except IntegrityError:
        await db.rollback()
        raise HTTPException(status_code=409, detail="email already registered") from None
    await db.refresh(user)
    return user


@app.get("/users", response_model=list[UserOut])
async def list_users(db: DB, skip: int = 0, limit: int = 100) -> list[User]:
    result = await db.execute(select(User).order_by(User.id).offset(skip).limit(limit))
    return list(result.scalars().all())


@app.get("/users/{user_id}", response_model=UserWithPosts)
async def get_user(user_id: int, db: DB) -> User:
    stmt = select(User).options(selectinload(User.posts)).where(User.id == user_id)
    user = (await db.execute(stmt)).scalar_one_or_none()
    if user is None:
        raise HTTPException(status_code=404, detail=f"no user {user_id}")
    return user


@app.patch("/users/{user_id}", response_model=UserOut)
async def update_user(user_id: int, body: UserUpdate, db: DB) -> User:
    user = await user_or_404(db, user_id)
    for key, value in body.model_dump(exclude_unset=True).items():
        setattr(user, key, value)
    await db.commit()
    await db.refresh(user)
    return user


@app.delete("/users/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_user(user_id: int, db: DB) -> None:
    user = await user_or_404(db, user_id)
    await db.delete(user)
    await db.commit()


@app.post("/users/{user_id}/posts", response_model=PostOut, status_code=status.HTTP_201_CREATED)
async def create_post(user_id: int, body: PostCreate, db: DB) -> Post:
    await user_or_404(db, user_id)
    post = Post(title=body.title, author_id=user_id)
    db.add(post)
    await db.commit()
    return post


@app.get("/stats")
async def stats(db: DB) -> dict[str, int]:
    users = await db.scalar(select(func.count(User.id)))
    posts = await db.scalar(select(func.count(Post.id)))
    return {"users": users or 0, "posts": posts or 0}
