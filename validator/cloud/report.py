"""Pure renderers for the cloud commands: ``update``'s result, one job, a page of jobs; text or JSON;
and ``jobs --audit``'s text and JSON (its JUnit, GitHub and SARIF are ``check``'s own formatters).

JSON carries ``schema_version`` like ``check``'s report. Nothing here can see a secret: results hold
IDs, URLs and the service's messages, never credentials.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from validator.cloud.events import MediaOutcome, Outcome, Request, UpdateResult
from validator.cloud.jobs import JobPage, JobView
from validator.formats.json_ import file_entry, finding_entry

if TYPE_CHECKING:
    from validator.cloud.audit import Audit
    from validator.formats.text import Detail

SCHEMA_VERSION = 1


def _tool() -> dict[str, str]:
    from validator import __version__

    return {"name": "avatar-preflight", "version": __version__}


def _media(m: MediaOutcome) -> dict[str, Any]:
    return {
        "role": m.role,
        "given": m.given,
        "kind": m.kind.value,
        "media_id": m.media_id,
        "input_url": m.input_url,
        "upload": asdict(m.upload) if m.upload else None,
        "remote": asdict(m.remote) if m.remote else None,
    }


def update_document(result: UpdateResult) -> dict[str, Any]:
    """``update``'s JSON document."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": _tool(),
        "command": "update",
        "outcome": result.outcome.value,
        "job_id": result.job_id,
        "dry_run": result.outcome is Outcome.DRY_RUN,
        "transparent": result.transparent,
        "problems": [finding_entry(f) for f in result.problems],
        "video": file_entry(result.video, False) if result.video else None,
        "media": [_media(m) for m in result.media],
        "requests": [
            {"service": r.service, "action": r.action, "params": dict(r.params)} for r in result.requests
        ],
        "job": asdict(result.job) if result.job else None,
    }


def update_json(result: UpdateResult) -> str:
    return json.dumps(update_document(result), indent=2, ensure_ascii=False) + "\n"


def update_text(result: UpdateResult) -> str:
    """What a person reads at the end of ``update``."""
    lines: list[str] = []
    if result.outcome is Outcome.REFUSED:
        lines.append(f"refused: {len(result.problems)} problem(s); nothing was changed")
        for f in result.problems:
            lines.append(f"  [{f.rule}] {f.message}")
            if f.fix:
                lines.append(f"      fix: {f.fix}")
        return "\n".join(lines) + "\n"
    if result.outcome is Outcome.CANCELLED:
        lines.append("cancelled: nothing was sent")
        lines.append("requests that were not sent:" if result.requests else "no request was needed")
        lines.extend(f"  {request_line(r)}" for r in result.requests)
        return "\n".join(lines) + "\n"
    if result.outcome is Outcome.DRY_RUN:
        lines.append(f"dry run: nothing was sent; Transparent would be {_flag(result.transparent)}")
        lines.append("requests that would be sent, in order:" if result.requests else "no request needed")
        lines.extend(f"  {request_line(r)}" for r in result.requests)
        return "\n".join(lines) + "\n"
    job = result.job
    status = job.status if job else "unknown"
    lines.append(f"job {result.job_id}: {status} (Transparent={_flag(result.transparent)})")
    if job and job.message:
        lines.append(f"  service message: {job.message}")
    for m in result.media:
        lines.append(f"  {m.role}: media {m.media_id or '-'} from {m.input_url or m.given}{_media_note(m)}")
    for r in result.requests:
        lines.append(f"  sent {request_line(r)}")
    return "\n".join(lines) + "\n"


def interrupted_text(step: str | None, job_id: str) -> str:
    """One line after Ctrl-C or SIGTERM: what the step that was cut short left, and how to go on."""
    job = job_id if job_id != "new" else "JOB_ID"
    if step == "upload":
        return (
            "interrupted during the upload; the job was not changed. Run the same command again to "
            "resume: the parts already in OSS are not sent again."
        )
    if step == "register":
        return (
            "interrupted while registering the upload; the job was not changed. Run the same command "
            "again: the file is not uploaded twice and registration is idempotent."
        )
    if step == "update":
        return (
            f"interrupted while updating the job; check it with 'avatar-preflight status {job}', then "
            "run the same command again (only the fields that still differ are sent)."
        )
    if step in ("submit", "wait"):
        return (
            f"interrupted while {'submitting' if step == 'submit' else 'waiting'}; training goes on "
            f"without this command: follow it with 'avatar-preflight status {job}'."
        )
    return "interrupted before anything was sent; run the same command again."


def _media_note(m: MediaOutcome) -> str:
    if m.upload is not None:
        if m.upload.skipped:
            return " (already uploaded: same content)"
        resumed = f", resumed from {m.upload.resumed_bytes}" if m.upload.resumed_bytes else ""
        return f" (uploaded {m.upload.size} bytes{resumed})"
    if m.remote is not None:
        return f" (checked remotely: {m.remote.requests} requests, {m.remote.bytes_read} bytes)"
    return ""


def request_line(r: Request) -> str:
    """``SERVICE Action Key=value ...``: one request on one line."""
    params = " ".join(f"{k}={_value(v)}" for k, v in r.params.items())
    return f"{r.service} {r.action} {params}".rstrip()


def _value(v: object) -> str:
    text = str(v)
    return json.dumps(text, ensure_ascii=False) if (" " in text or not text) else text


def _flag(value: bool | None) -> str:
    return "unknown" if value is None else str(value).lower()


def job_document(job: JobView) -> dict[str, Any]:
    return {"schema_version": SCHEMA_VERSION, "tool": _tool(), "command": "status", "job": asdict(job)}


def job_text(job: JobView) -> str:
    """``status``: one field per line, unknown fields left out."""
    rows = [(k, v) for k, v in asdict(job).items() if v is not None]
    width = max(len(k) for k, _ in rows)
    return "".join(f"{k.ljust(width)}  {_plain(v)}\n" for k, v in rows)


def jobs_document(page: JobPage) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": _tool(),
        "command": "jobs",
        "total": page.total,
        "jobs": [asdict(j) for j in page.jobs],
    }


def jobs_text(page: JobPage) -> str:
    """``jobs``: a table, newest first."""
    header = ("JOB ID", "STATUS", "NAME", "CREATED", "MESSAGE")
    rows = [
        (j.job_id, j.status, j.avatar_name or "", j.create_time or "", (j.message or "")[:60])
        for j in page.jobs
    ]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    out = [
        "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
    out.append(f"{len(page.jobs)} of {page.total} job(s)")
    return "\n".join(out) + "\n"


def as_json(document: Mapping[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _plain(v: object) -> str:
    return str(v).lower() if isinstance(v, bool) else str(v)


def audit_document(audit: Audit, strict: bool = False) -> dict[str, Any]:
    """``jobs --audit``'s JSON: ``check``'s document (one entry in ``files`` per job, its ``path``
    ``job:JOB_ID``) with ``command`` and, in each entry, the ``job`` as GetAvatarTrainingJob gave it
    and the ``remote`` read of its video (``null`` when it was not probed)."""
    from validator.formats.json_ import document

    doc = document(audit.batch(strict))
    doc["command"] = "jobs --audit"
    doc["statuses"] = _by_status(audit)
    for entry, job in zip(doc["files"], audit.jobs, strict=True):
        entry["job"] = asdict(job.job)
        entry["remote"] = asdict(job.read) if job.read else None
    return doc


def audit_json(audit: Audit, strict: bool = False) -> str:
    from validator.formats.escape import json_text

    return json_text(json.dumps(audit_document(audit, strict), indent=2, ensure_ascii=False)) + "\n"


def audit_text(
    audit: Audit, strict: bool = False, *, detail: Detail | None = None, colour: bool = False
) -> str:
    """``check``'s text report, one block per job, and a line counting the jobs by state."""
    from validator.formats.text import Detail, render

    shown = detail or Detail.NORMAL
    text = render(audit.batch(strict), detail=shown, colour=colour, noun="job")
    if shown is Detail.QUIET:
        return text
    counts = ", ".join(f"{status} {n}" for status, n in _by_status(audit).items())
    return text + f"jobs by status: {counts or 'none listed'}\n"


def _by_status(audit: Audit) -> dict[str, int]:
    counts: dict[str, int] = {}
    for job in audit.jobs:
        counts[job.job.status] = counts.get(job.job.status, 0) + 1
    return counts
