"""Reads every record of some topics from the beginning with a plain Python Kafka client, as
Python services run them (no compression extras installed), and prints them as JSON lines.

Usage: python read_records.py CLIENT BOOTSTRAP_SERVERS COUNT TIMEOUT_SECONDS TOPIC...
CLIENT is `aiokafka` or `kafka-python`. Each line: topic, partition, offset, key (text or null),
headers ([name, value] text pairs), value (text). Exits 1 when fewer than COUNT records arrived.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time


def line(topic, partition, offset, key, headers, value) -> str:
    return json.dumps(
        {
            "topic": topic,
            "partition": partition,
            "offset": offset,
            "key": None if key is None else key.decode("utf-8"),
            "headers": [[name, raw.decode("utf-8")] for name, raw in (headers or [])],
            "value": value.decode("utf-8"),
        }
    )


async def with_aiokafka(servers: str, count: int, timeout: float, topics: list[str]) -> list[str]:
    from aiokafka import AIOKafkaConsumer

    # Without a group, every partition of the topics is assigned to this consumer.
    consumer = AIOKafkaConsumer(
        *topics,
        bootstrap_servers=servers,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        lines: list[str] = []
        deadline = time.monotonic() + timeout
        while len(lines) < count and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=200)
            for records in batches.values():
                for r in records:
                    lines.append(line(r.topic, r.partition, r.offset, r.key, r.headers, r.value))
        return lines
    finally:
        await consumer.stop()


def with_kafka_python(servers: str, count: int, timeout: float, topics: list[str]) -> list[str]:
    from kafka import KafkaConsumer

    consumer = KafkaConsumer(
        *topics,
        bootstrap_servers=servers,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",

    )
    try:
        lines: list[str] = []
        deadline = time.monotonic() + timeout
        while len(lines) < count and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=200).values():
                for r in records:
                    lines.append(line(r.topic, r.partition, r.offset, r.key, r.headers, r.value))
        return lines
    finally:
        consumer.close()


def main() -> int:
    client, servers, count, timeout, *topics = sys.argv[1:]
    count, timeout = int(count), float(timeout)
    if client == "aiokafka":
        lines = asyncio.run(with_aiokafka(servers, count, timeout, topics))
    elif client == "kafka-python":
        lines = with_kafka_python(servers, count, timeout, topics)
    else:
        print(f"unknown client {client}", file=sys.stderr)
        return 2
    for text in lines:
        print(text)
    if len(lines) < count:
        print(f"{client}: only {len(lines)} of {count} records within {timeout} s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
