"""What a probe reads, locally and over HTTP Range, and how fast an upload goes: rows of the table.

A probe should read the header a container cannot do without and little more, wherever the file is;
the upload should go about as fast as one raw PUT of the same file to the same server.
"""

from __future__ import annotations

from bench.corpus import Item, header_size
from bench.harness import Row


def bytes_read(items: list[Item]) -> list[Row]:
    """Bytes the local probe reads against the header's size."""
    from validator import check_file

    rows = []
    for item in items:
        facts = check_file(item.path).facts
        got = facts.bytes_read if facts else None
        header = header_size(item)
        rows.append(
            Row(
                f"bytes read vs header: {item.name}",
                got,
                header,
                "B",
                "<= header + 256 KiB",
                got is not None and got <= header + 256 * 1024,
                f"file {item.path.stat().st_size} B",
            )
        )
    return rows


def server_figures(singles: list[Item], rounds: int) -> list[Row]:
    """Remote probe (bytes and requests) and upload throughput, against the sandbox in its own process."""
    from bench.remote import measure

    upload_item = next(i for i in singles if i.kind == "mp4-faststart")
    found = measure(singles, upload_item, rounds)
    rows = []
    for r in found.remote:
        ratio_ok = r.remote_bytes <= 1.2 * r.local_bytes
        requests_ok = r.requests <= 10 or r.kind == "mp4-fragmented"
        rows.append(
            Row(
                f"remote probe bytes vs local: {r.name}",
                r.remote_bytes,
                r.local_bytes,
                "B",
                "<= 1.2x; <= 10 requests unless fragmented",
                ratio_ok and requests_ok,
                f"{r.requests} requests",
            )
        )
    up = found.upload
    ours, raw = up.size / up.ours_s / 1e6, up.size / up.raw_s / 1e6
    rows.append(
        Row(
            f"upload throughput vs one raw PUT: {up.name}",
            ours,
            raw,
            "MB/s",
            ">= 0.8x",
            ours >= 0.8 * raw,
            f"{up.size} bytes; medians of {up.rounds} alternating uploads",
        )
    )
    return rows
