"""A Python service writing events through the generated package's outbox writer, as HuleEdu's
services would: SQLAlchemy async sessions and plain asyncpg, commits and rollbacks, batches, and
events the writer must refuse. Prints one JSON object: the events committed (in order), and those
that must never be published.

Usage: python write_outbox.py DATABASE_URL GENERATED_DIR
"""

from __future__ import annotations

import asyncio
import copy
import json
import sys
import uuid
from pathlib import Path

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

import huleedu_contracts as contracts
from huleedu_contracts import outbox

TOPICS = {
    contracts.ProcessingEvent.ASSESSMENT_RESULT_PUBLISHED: "cj_assessment_job_id",
    contracts.ProcessingEvent.SPELLCHECK_PHASE_COMPLETED: "batch_id",
}


def envelopes(generated: Path, count: int, label: str) -> list[contracts.EventEnvelope]:
    made = []
    for i in range(count):
        event = list(TOPICS)[i % len(TOPICS)]
        example = json.loads((generated / "examples" / f"{contracts.TOPICS[event]}.json").read_text())
        data = copy.deepcopy(example["envelope"]["data"])
        data[TOPICS[event]] = f"{label}-key-{i % 4}-ä"
        made.append(
            outbox.envelope(
                event,
                contracts.PAYLOADS[event].model_validate(data),
                source_service="python-writer",
                metadata={"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
            )
        )
    return made


def record(env: contracts.EventEnvelope, written: outbox.Enqueued) -> dict:
    event = contracts.BY_TOPIC[env.event_type]
    return {
        "event_id": str(env.event_id),
        "topic": env.event_type,
        "key": outbox.partition_key(event, env.data),
        "id": written.id,
    }


async def main(url: str, generated: Path) -> dict:
    committed: list[dict] = []
    never: list[str] = []
    engine = create_async_engine(url.replace("postgres://", "postgresql+asyncpg://", 1))

    # 1. SQLAlchemy: a business write and its events in one transaction, committed.
    async with AsyncSession(engine) as session:
        async with session.begin():
            await session.execute(text("CREATE TABLE IF NOT EXISTS orders (id int PRIMARY KEY)"))
            await session.execute(text("INSERT INTO orders VALUES (1)"))
            for env in envelopes(generated, 12, "session"):
                committed.append(record(env, await outbox.enqueue(session, env)))

    # 2. SQLAlchemy: rolled back; none of these may be published.
    async with AsyncSession(engine) as session:
        transaction = await session.begin()
        for env in envelopes(generated, 5, "rolled-back"):
            await outbox.enqueue(session, env)
            never.append(str(env.event_id))
        await transaction.rollback()

    # 3. SQLAlchemy connection: a batch; a refused event inside a transaction leaves it usable.
    async with engine.connect() as connection:
        async with connection.begin():
            batch = envelopes(generated, 8, "connection")
            for env, written in zip(batch, await outbox.enqueue_batch(connection, batch)):
                committed.append(record(env, written))
            invalid = envelopes(generated, 1, "invalid")[0]
            invalid.data["essay_results"] = [{"essay_id": "e", "rank": 0}]
            invalid = invalid.model_copy(update={"event_type": contracts.TOPICS[contracts.ProcessingEvent.ASSESSMENT_RESULT_PUBLISHED]})
            try:
                await outbox.enqueue(connection, invalid)
                raise SystemExit("an invalid event was written")
            except outbox.InvalidEvent:
                never.append(str(invalid.event_id))
            after = envelopes(generated, 1, "after-refusal")[0]
            committed.append(record(after, await outbox.enqueue(connection, after)))
    await engine.dispose()

    # 4. asyncpg: a batch, a duplicate event id (not written twice), an oversize event refused.
    conn = await asyncpg.connect(url)
    try:
        async with conn.transaction():
            batch = envelopes(generated, 10, "asyncpg")
            for env, written in zip(batch, await outbox.enqueue_batch(conn, batch)):
                committed.append(record(env, written))
            again = await outbox.enqueue(conn, batch[0])
            if again.inserted:
                raise SystemExit("a duplicate event id was inserted twice")
            large = envelopes(generated, 1, "large")[0]
            large = large.model_copy(update={"metadata": {"padding": "x" * outbox.MAX_RECORD_BYTES}})
            try:
                await outbox.enqueue(conn, large)
                raise SystemExit("an oversize event was written")
            except outbox.PayloadTooLarge:
                never.append(str(large.event_id))
        # A whole asyncpg transaction rolled back.
        transaction = conn.transaction()
        await transaction.start()
        for env in envelopes(generated, 3, "asyncpg-rolled-back"):
            await outbox.enqueue(conn, env)
            never.append(str(env.event_id))
        await transaction.rollback()
    finally:
        await conn.close()

    if any(c["id"] is None for c in committed):
        raise SystemExit("a committed event has no row id")
    ids = [c["id"] for c in committed]
    if ids != sorted(ids):
        raise SystemExit("row ids are not in enqueue order")
    return {"committed": committed, "never": never}


if __name__ == "__main__":
    result = asyncio.run(main(sys.argv[1], Path(sys.argv[2])))
    print(json.dumps(result))
