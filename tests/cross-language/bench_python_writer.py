"""The generated Python outbox writer against a plain SQLAlchemy INSERT of the same row, each in a
transaction of its own, as a service writes one event per request. Blocks of the two alternate so
that a noisy machine slows both alike. Prints one JSON object (microseconds per event).

Usage: python bench_python_writer.py DATABASE_URL GENERATED_DIR EVENTS
"""

from __future__ import annotations

import asyncio
import copy
import json
import sys
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

import huleedu_contracts as contracts
from huleedu_contracts import outbox

EVENT = contracts.ProcessingEvent.ASSESSMENT_RESULT_PUBLISHED
PLAIN = text(
    "INSERT INTO bench_python_plain (event_id, event_type, topic, partition_key, key_shard, headers, payload) "
    "VALUES (:event_id, :event_type, :topic, :partition_key, :key_shard, CAST(:headers AS jsonb), :payload)"
)


async def main(url: str, generated: Path, events: int) -> dict:
    example = json.loads((generated / "examples" / f"{contracts.TOPICS[EVENT]}.json").read_text())
    payload = contracts.PAYLOADS[EVENT].model_validate(example["envelope"]["data"])

    def envelope(i: int) -> contracts.EventEnvelope:
        data = copy.copy(payload)
        data.cj_assessment_job_id = f"job-{i % 100}"
        return outbox.envelope(EVENT, data, source_service="bench")

    engine = create_async_engine(url.replace("postgres://", "postgresql+asyncpg://", 1), pool_size=2)
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE IF NOT EXISTS bench_python_plain (LIKE tidings_outbox INCLUDING ALL)"))

    async def with_writer(envs):
        async with AsyncSession(engine) as session:
            for env in envs:
                async with session.begin():
                    await outbox.enqueue(session, env)

    async def plain(envs):
        # What a service writes by hand: the envelope serialized by pydantic, the key from the
        # payload, the same headers, one INSERT.
        async with AsyncSession(engine) as session:
            for env in envs:
                async with session.begin():
                    key = env.data["cj_assessment_job_id"]
                    await session.execute(
                        PLAIN,
                        {
                            "event_id": env.event_id,
                            "event_type": env.event_type,
                            "topic": env.event_type,
                            "partition_key": key,
                            "key_shard": outbox.key_shard(key),
                            "headers": json.dumps(outbox.standard_headers(env)),
                            "payload": env.model_dump_json().encode(),
                        },
                    )

    block = 200
    timings = {"writer": 0.0, "plain": 0.0}
    # Warm-up: connections, statement caches, pydantic's validators.
    await with_writer([envelope(i) for i in range(50)])
    await plain([envelope(i) for i in range(50)])
    done = 0
    while done < events:
        n = min(block, events - done)
        for name, run in (("writer", with_writer), ("plain", plain)):
            envs = [envelope(done + i) for i in range(n)]
            started = time.perf_counter()
            await run(envs)
            timings[name] += time.perf_counter() - started
        done += n
    await engine.dispose()
    writer_us = timings["writer"] / events * 1e6
    plain_us = timings["plain"] / events * 1e6
    return {"events": events, "writer_us": writer_us, "plain_us": plain_us, "ratio": writer_us / plain_us}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])))))
