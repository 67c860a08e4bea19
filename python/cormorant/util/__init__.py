"""Internal helpers shared by the engine and the ORM."""
