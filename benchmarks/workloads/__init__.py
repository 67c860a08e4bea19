"""The workloads, in the order the runner takes them. Each module has NAME, UNIT,
DEFAULT_SIZE, QUICK_SIZE, TABLES, setup(ctx) and cases(ctx); optionally
notes(stacks), what the runner prints before it starts (a stack left out, say)."""

from . import (
    async_,
    bulk_inserts,
    bulk_updates,
    inheritance,
    large_resultsets,
    relationships,
    short_selects,
    single_inserts,
)

WORKLOADS = {
    module.NAME: module
    for module in (
        large_resultsets,
        short_selects,
        bulk_inserts,
        single_inserts,
        bulk_updates,
        relationships,
        inheritance,
        async_,
    )
}
