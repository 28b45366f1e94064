"""Moves the rows still pending in a HuleEdu-style `event_outbox` table into a tidings outbox table,
in one transaction, in their original order (docs/MIGRATING.md, step 4).

Usage:
    python move_pending.py --database-url postgres://… --package huleedu_contracts \
        [--old-table public.event_outbox] [--table public.tidings_outbox] [--max-retries 5] [--dry-run]

Needs the generated package (with its `outbox` extra) installed. Each pending row (published_at
IS NULL) becomes a tidings row with the envelope as the producer stored it: its own event_id,
timestamp and event_type (the old relay regenerated the first two on every send), the key the old
relay would have sent (`event_key`, else the contract's key), and the standard headers. Rows the
old relay had given up on (retry_count >= --max-retries) arrive `dead`, with their last error, to
be replayed or dropped deliberately. A row whose envelope no longer passes its contract is left
where it is and reported. Moved rows are marked published in the old table, so the old relay, if
still running, does not send them again. Exit status: 0 when every pending row moved, 1 when some
were left, 2 on a usage or database error.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import re
import sys

import asyncpg

_TABLE = re.compile(r"^(?:([a-z_][a-z0-9_]*)\.)?([a-z_][a-z0-9_]*)$")


def qualified(name: str) -> str:
    match = _TABLE.match(name)
    if match is None:
        raise SystemExit(f"error: `{name}` is not [schema.]table in lower-case letters, digits and _")
    return f"{match.group(1) or 'public'}.{match.group(2)}"


async def move(args: argparse.Namespace) -> int:
    package = importlib.import_module(args.package)
    outbox = package.outbox
    old, new = qualified(args.old_table), qualified(args.table)
    conn = await asyncpg.connect(args.database_url)
    moved, dead, left = 0, 0, []
    try:
        async with conn.transaction():
            rows = await conn.fetch(
                f"SELECT id, event_type, event_data, event_key, aggregate_id, topic, retry_count, last_error "
                f"FROM {old} WHERE published_at IS NULL ORDER BY created_at, id FOR UPDATE"
            )
            prepared = []
            for row in rows:
                stored = row["event_data"]
                document = json.loads(stored) if isinstance(stored, str) else dict(stored)
                document.pop("topic", None)
                document.pop("headers", None)
                event = package.BY_TOPIC.get(row["topic"])
                if event is None:
                    left.append((row["id"], f"topic `{row['topic']}` is not in the catalogue"))
                    continue
                try:
                    ready = outbox.prepare(document, event=event, partition_key=row["event_key"] or None)
                except outbox.OutboxError as err:
                    left.append((row["id"], str(err)))
                    continue
                prepared.append((row, ready))
            if args.dry_run:
                moved = len(prepared)
                dead = sum(1 for row, _ in prepared if row["retry_count"] >= args.max_retries)
                raise _DryRun()
            for row, ready in prepared:
                written = await conn.fetchrow(
                    f"INSERT INTO {new} (event_id, event_type, topic, partition_key, key_shard, headers, payload) "
                    "VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7) ON CONFLICT (event_id) DO NOTHING RETURNING id",
                    ready.event_id,
                    ready.event_type,
                    ready.topic,
                    ready.partition_key,
                    ready.key_shard,
                    json.dumps(ready.headers, ensure_ascii=False),
                    ready.payload,
                )
                if written is not None and row["retry_count"] >= args.max_retries:
                    await conn.execute(
                        f"UPDATE {new} SET state = 'dead', attempts = $2, last_error = $3 WHERE id = $1",
                        written["id"],
                        row["retry_count"],
                        "moved from the old outbox, where it had failed: " + (row["last_error"] or "no error recorded"),
                    )
                    dead += 1
                await conn.execute(
                    f"UPDATE {old} SET published_at = now(), last_error = $2 WHERE id = $1",
                    row["id"],
                    f"moved to {new}",
                )
                moved += 1
    except _DryRun:
        pass
    finally:
        await conn.close()
    verb = "would move" if args.dry_run else "moved"
    print(f"{verb} {moved} pending rows from {old} to {new} ({dead} of them dead: the old relay had given up); {len(left)} left")
    for row_id, reason in left:
        print(f"left {row_id}: {reason}", file=sys.stderr)
    return 1 if left else 0


class _DryRun(Exception):
    """Rolls the transaction back after counting."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--package", required=True, help="the generated package, e.g. huleedu_contracts")
    parser.add_argument("--old-table", default="public.event_outbox")
    parser.add_argument("--table", default="public.tidings_outbox")
    parser.add_argument("--max-retries", type=int, default=5, help="the old relay's max_retries")
    parser.add_argument("--dry-run", action="store_true", help="count, change nothing")
    args = parser.parse_args()
    try:
        return asyncio.run(move(args))
    except (asyncpg.PostgresError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
