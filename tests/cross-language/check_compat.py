"""Independent soundness check of tidings' compatibility engine.

Reads the corpus `cargo test -p tidings-codegen --test compat_corpus` writes (with
TIDINGS_COMPAT_CORPUS set): pairs of schemas, each with the engine's verdict and the witnesses of
its breaking findings. Then, with Python's own tools:

(a) every JSON Schema witness must be accepted by the writer's schema and rejected by the
    reader's (python-jsonschema, formats asserted, numeric formats read as ranges); every Avro
    witness must be a datum of the writer's schema (fastavro reads its JSON encoding and writes
    it) that fastavro cannot read with the reader's schema;
(b) for every compatible JSON Schema verdict, instances drawn from the writer's schema with
    hypothesis-jsonschema that the writer accepts must be accepted by the reader.

Prints the counts and exits 1 on any contradiction.

usage: check_compat.py CORPUS.json [--seconds N]
"""

import io
import json
import signal
import sys
import time
import warnings

import fastavro
import jsonschema
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import HypothesisException
from hypothesis_jsonschema import from_schema

warnings.filterwarnings("ignore")

NUMERIC_FORMATS = {
    "int8": (-(2**7), 2**7 - 1, True),
    "int16": (-(2**15), 2**15 - 1, True),
    "int32": (-(2**31), 2**31 - 1, True),
    "int": (-(2**31), 2**31 - 1, True),
    "int64": (-(2**63), 2**63 - 1, True),
    "uint8": (0, 2**8 - 1, True),
    "uint16": (0, 2**16 - 1, True),
    "uint32": (0, 2**32 - 1, True),
    "uint64": (0, 2**64 - 1, True),
    "uint": (0, 2**64 - 1, True),
    "float": (-3.4028234663852886e38, 3.4028234663852886e38, False),
    "double": (-1.7976931348623157e308, 1.7976931348623157e308, False),
}

MODERN = ("prefixItems", "dependentRequired", "dependentSchemas", "unevaluatedProperties", "2020-12")


def format_checker():
    # Every format the library knows (uuid, date-time, email, …), whatever the draft: the engine
    # asserts them too.
    known = jsonschema.Draft202012Validator.FORMAT_CHECKER
    checker = jsonschema.FormatChecker(formats=list(known.checkers))
    for name, (low, high, whole) in NUMERIC_FORMATS.items():

        def check(instance, low=low, high=high, whole=whole):
            if isinstance(instance, bool) or not isinstance(instance, (int, float)):
                return True
            if whole and isinstance(instance, float) and not instance.is_integer():
                return False
            return low <= instance <= high

        checker.checks(name)(check)
    return checker


def validator(schema):
    """A validator of the schema's draft: 2020-12 keywords pick 2020-12, else draft 7."""
    text = json.dumps(schema)
    cls = (
        jsonschema.Draft202012Validator
        if any(keyword in text for keyword in MODERN)
        else jsonschema.Draft7Validator
    )
    return cls(schema, format_checker=FORMATS)


FORMATS = format_checker()


def inline_refs(schema):
    """The schema with its local `$ref`s inlined (hypothesis-jsonschema does not follow `$defs`
    under a `urn:` `$id`); `None` for a recursive schema."""

    def target(pointer):
        node = schema
        for part in pointer.lstrip("#").strip("/").split("/"):
            if part:
                node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def walk(node, stack):
        if isinstance(node, list):
            return [walk(item, stack) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            reference = node["$ref"]
            if reference in stack:
                raise RecursionError(reference)
            resolved = walk(target(reference), stack | {reference})
            rest = {k: walk(v, stack) for k, v in node.items() if k != "$ref"}
            return {"allOf": [resolved, rest]} if rest else resolved
        return {
            key: walk(value, stack)
            for key, value in node.items()
            if key not in ("$defs", "definitions", "$id", "$comment", "$schema")
        }

    try:
        return walk(schema, frozenset())
    except (RecursionError, KeyError, TypeError):
        return None


def avro_datum_fails(writer, reader, witness):
    """(valid for the writer, readable by the reader, error) for an Avro witness."""
    try:
        parsed_writer = fastavro.parse_schema(writer, _write_hint=False)
        records = list(fastavro.json_reader(io.StringIO(json.dumps(witness)), parsed_writer))
        buffer = io.BytesIO()
        fastavro.schemaless_writer(buffer, parsed_writer, records[0])
    except Exception as error:  # noqa: BLE001 - any failure means the witness is not a datum
        return False, None, f"{type(error).__name__}: {error}"
    buffer.seek(0)
    try:
        parsed_reader = fastavro.parse_schema(reader, _write_hint=False)
        fastavro.schemaless_reader(buffer, parsed_writer, parsed_reader)
    except Exception as error:  # noqa: BLE001 - a resolution failure is what we expect
        return True, False, f"{type(error).__name__}: {error}"
    return True, True, None


class SlowDraw(Exception):
    """hypothesis-jsonschema took longer than a draw may take."""


def on_alarm(_signal, _frame):
    raise SlowDraw()


def quiet_unraisable(unraisable):
    # The alarm's exception, raised inside a callback that cannot propagate it, is expected.
    if not isinstance(unraisable.exc_value, SlowDraw):
        sys.__unraisablehook__(unraisable)


sys.unraisablehook = quiet_unraisable


def draw(schema, count, seconds=3):
    """Up to `count` instances of `schema` from hypothesis-jsonschema, in at most `seconds`."""
    signal.signal(signal.SIGALRM, on_alarm)
    # The alarm repeats: an exception raised where Python ignores it (a weakref callback) is
    # raised again a moment later.
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.2)
    try:
        return draw_unbounded(schema, count)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def draw_unbounded(schema, count):
    drawn = []

    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(from_schema(schema))
    def collect(instance):
        drawn.append(instance)

    collect()
    return drawn


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    corpus = json.load(open(sys.argv[1], encoding="utf-8"))["pairs"]
    budget = float(sys.argv[sys.argv.index("--seconds") + 1]) if "--seconds" in sys.argv else 150.0
    started = time.monotonic()
    contradictions = []
    counts = {
        "pairs": len(corpus),
        "json witnesses confirmed": 0,
        "avro witnesses confirmed": 0,
        "avro witnesses fastavro reads": 0,
        "findings without a witness": 0,
        "compatible json pairs": 0,
        "compatible json pairs drawn from": 0,
        "compatible json pairs hypothesis-jsonschema cannot draw from": 0,
        "compatible json pairs too slow to draw from (3 s each)": 0,
        "compatible json pairs left for time": 0,
        "instances drawn and accepted by the writer": 0,
        "compatible mutation pairs drawn from": 0,
    }
    fastavro_reads = []

    for pair in corpus:
        label = f"{pair['source']} — {pair['description']} [{pair['direction']}]"
        for finding in pair["findings"]:
            if finding["compatible"]:
                continue
            witness = (finding.get("witness") or {})
            if "value" not in witness:
                counts["findings without a witness"] += 1
                continue
            value = witness["value"]
            if pair["format"] == "json-schema":
                old, new = validator(pair["writer"]), validator(pair["reader"])
                if old.is_valid(value) and not new.is_valid(value):
                    counts["json witnesses confirmed"] += 1
                else:
                    contradictions.append(
                        f"{label}: {finding['rule']} witness {json.dumps(value)[:300]}: "
                        f"writer accepts {old.is_valid(value)}, reader accepts {new.is_valid(value)}"
                    )
            else:
                valid, readable, error = avro_datum_fails(pair["writer"], pair["reader"], value)
                if not valid:
                    contradictions.append(
                        f"{label}: {finding['rule']} witness {json.dumps(value)} is not a datum of the writer: {error}"
                    )
                elif readable:
                    counts["avro witnesses fastavro reads"] += 1
                    fastavro_reads.append(f"{label}: {finding['rule']} witness {json.dumps(value)}")
                else:
                    counts["avro witnesses confirmed"] += 1

    compatible = [
        p
        for p in corpus
        if p["format"] == "json-schema" and p["compatible"] and not p.get("assumes_defaults")
    ]
    # Case rows first, then the mutations whose writer is the catalogue's own schema (a few
    # dozen writers shared by hundreds of pairs), then the mutated writers, as time allows.
    compatible.sort(key=lambda p: (p["source"].startswith("mutation"), p["direction"] == "forward"))
    counts["compatible json pairs"] = len(compatible)
    counts["seconds for witnesses"] = round(time.monotonic() - started, 1)
    per_pair = 5
    drawn_for = {}
    slowest = []
    for index, pair in enumerate(compatible):
        if time.monotonic() - started > budget:
            counts["compatible json pairs left for time"] = len(compatible) - index
            break
        label = f"{pair['source']} — {pair['description']} [{pair['direction']}]"
        old, new = validator(pair["writer"]), validator(pair["reader"])
        key = json.dumps(pair["writer"], sort_keys=True)
        if key not in drawn_for:
            inlined = inline_refs(pair["writer"])
            began = time.monotonic()
            try:
                drawn_for[key] = draw(inlined, per_pair) if inlined is not None else None
            except SlowDraw:
                drawn_for[key] = "slow"
            except (HypothesisException, RecursionError, Exception):  # noqa: BLE001
                drawn_for[key] = None
            slowest.append((round(time.monotonic() - began, 1), label))
        instances = drawn_for[key]
        if instances == "slow":
            counts["compatible json pairs too slow to draw from (3 s each)"] += 1
            continue
        if instances is None:
            counts["compatible json pairs hypothesis-jsonschema cannot draw from"] += 1
            continue
        counts["compatible json pairs drawn from"] += 1
        if pair["source"].startswith("mutation"):
            counts["compatible mutation pairs drawn from"] += 1
        for instance in instances:
            if not old.is_valid(instance):
                continue
            counts["instances drawn and accepted by the writer"] += 1
            if not new.is_valid(instance):
                contradictions.append(
                    f"{label}: verdict compatible, but {json.dumps(instance)[:300]} is accepted by the writer and rejected by the reader"
                )
                break

    counts["seconds"] = round(time.monotonic() - started, 1)
    counts["distinct writer schemas drawn from"] = len(drawn_for)
    for seconds, label in sorted(slowest, reverse=True)[:3]:
        print(f"check_compat: slowest draw: {seconds} s: {label}")
    for key, value in counts.items():
        print(f"check_compat: {key}: {value}")
    for line in fastavro_reads:
        print(f"check_compat: fastavro reads (more lenient than the specification here): {line}")
    for line in contradictions:
        print(f"check_compat: CONTRADICTION: {line}")
    return 1 if contradictions else 0


if __name__ == "__main__":
    sys.exit(main())
