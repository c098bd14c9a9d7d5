"""Option types shared by several commands."""

from __future__ import annotations

from typing import Annotated

import typer

JsonOption = Annotated[
    bool, typer.Option("--json", help="Machine-readable output (one JSON document).")
]
VarOption = Annotated[
    list[str] | None,
    typer.Option("--var", help="name=value (JSON when it parses, else text); repeatable."),
]
VarsJsonOption = Annotated[
    str | None, typer.Option("--vars-json", help="Variables as one JSON object.")
]
AsOption = Annotated[str | None, typer.Option("--as", help="User id of the actor.")]
GroupsOption = Annotated[
    str | None, typer.Option("--groups", help="Comma-separated groups of the actor.")
]
OrganisationOption = Annotated[
    str | None, typer.Option("--organisation", help="Organisation of the actor.")
]
