"""What the entry point learns about a run while it is parsed, to report a failure the way it asked."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class Invocation:
    """One run of the command line. Not frozen: the commands fill it in once their options are parsed,
    and ``cli.py`` reads it if they end in an error."""

    argv: tuple[str, ...]
    """The arguments after the program name, as given."""
    command: str | None = None
    """The command's name, once known."""
    json: bool = False
    """``--format json`` with the result on stdout: an error is reported there as a JSON document too."""
    job_id: str | None = None
    """The job a cloud command works on, for the advice after a cloud error."""

    def wants_json(self) -> bool:
        """Whether stdout must carry a JSON document. Before the command parsed its options (a usage
        error), judged from the arguments: ``--format json``, ``--format=json``, ``-f json``, ``-fjson``."""
        if self.json:
            return True
        tokens = self.argv[: self.argv.index("--")] if "--" in self.argv else self.argv
        pairs = zip(tokens, (*tokens[1:], ""), strict=True)
        return any(
            t in ("--format=json", "-fjson") or (t in ("--format", "-f") and n == "json") for t, n in pairs
        )
