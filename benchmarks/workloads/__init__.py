"""The workloads, in the order the runner takes them. Each module has NAME, UNIT,
DEFAULT_SIZE, QUICK_SIZE, TABLES, setup(ctx) and cases(ctx)."""

from . import bulk_inserts, bulk_updates, large_resultsets, relationships, short_selects, single_inserts

WORKLOADS = {
    module.NAME: module
    for module in (large_resultsets, short_selects, bulk_inserts, single_inserts, bulk_updates, relationships)
}

# Workloads named by the suite that cannot run yet, and why; the runner says so
# instead of reporting numbers.
LEFT_OUT = {
    "async": "cormorant has no async API yet (create_async_engine, AsyncSession), so there is "
    "nothing to compare with SQLAlchemy's async engine; these rows wait for it",
}
