"""Extensions, as SQLAlchemy's sqlalchemy.ext: asyncio."""
