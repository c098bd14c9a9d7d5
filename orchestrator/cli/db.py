"""``ketenregie db upgrade``: create or migrate the database schema."""

from __future__ import annotations

import typer
from alembic.runtime.migration import MigrationContext

from orchestrator.cli import output
from orchestrator.cli.guard import guarded
from orchestrator.cli.options import JsonOption
from orchestrator.cli.state import state_of
from orchestrator.store import create_db_engine, upgrade

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)


@db_app.command("upgrade")
@guarded
def upgrade_command(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Bring the schema to the newest revision and print it."""
    state = state_of(ctx, as_json=as_json)
    settings = state.settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_db_engine(settings.database_url)
    try:
        upgrade(settings.database_url, engine=engine)
        with engine.connect() as connection:
            revision = MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
    if as_json:
        output.emit_json({"revision": revision, "backend": engine.dialect.name})
    else:
        output.emit(f"database at revision {revision} ({engine.dialect.name})")
