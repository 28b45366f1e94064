"""Independent checks of a catalogue's generated output from Python (`tidings cross-check`).

- every JSON Schema is valid against the 2020-12 meta-schema (python-jsonschema);
- every example envelope validates against the envelope schema, and its payload against the
  event's schema, with formats checked;
- the generated pydantic package imports, accepts every example, dumps it back to the same JSON
  (keys the example leaves out stay out), and rejects invalid variants;
- every cross-field rule an example reaches, broken, is refused by python-jsonschema and pydantic;
- every example payload, written to Avro bytes by Rust (apache-avro), decodes with fastavro to the
  same value as the JSON example, after normalising uuids, timestamps, dates, enum symbols and JSON text.

Works on any catalogue's output: the package name comes from its pyproject.toml.

Usage: python check_python.py GENERATED_DIR AVRO_DIR OUTBOX_VECTORS_JSON
"""

from __future__ import annotations

import copy
import importlib
import io
import json
import sys
import tomllib
import uuid
from datetime import date, datetime, timezone
from pathlib import Path

import fastavro
import jsonschema
import pydantic

failures: list[str] = []

# The generated package's import name, read from its pyproject.toml by main().
PACKAGE = ""

# HuleEdu's example used for its own invalid variants; other catalogues get the generic ones.
HULEEDU_RESULT = "huleedu.assessment.result.published.v1"


def package():
    return importlib.import_module(PACKAGE)


def catalogue_enum(contracts):
    return type(next(iter(contracts.KEYS)))


def fail(message: str) -> None:
    failures.append(message)


def load(path: Path):
    return json.loads(path.read_text())


def check_schemas(generated: Path) -> dict[str, jsonschema.protocols.Validator]:
    validators = {}
    for path in sorted((generated / "schemas" / "json").glob("*.json")):
        schema = load(path)
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as err:
            fail(f"{path.name}: not a valid 2020-12 schema: {err.message}")
            continue
        validators[path.stem] = jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )
    return validators


def examples(generated: Path):
    for path in sorted((generated / "examples").glob("*.json")):
        yield path, load(path)


def check_examples_with_jsonschema(generated: Path, validators) -> int:
    count = 0
    envelope = validators["envelope"]
    for path, example in examples(generated):
        topic = example["topic"]
        for label, validator, instance in [
            ("envelope", envelope, example["envelope"]),
            ("payload", validators[topic], example["envelope"]["data"]),
        ]:
            errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(instance)]
            if errors:
                fail(f"{path.name} {label}: {errors}")
        # Negative check: a payload without its first required field is rejected.
        schema = validators[topic].schema
        required = schema.get("required", [])
        if required:
            broken = dict(example["envelope"]["data"])
            broken.pop(required[0], None)
            if validators[topic].is_valid(broken):
                fail(f"{path.name}: payload without required `{required[0]}` accepted by jsonschema")
        count += 1
    return count


def check_pydantic(generated: Path, filled: dict) -> int:
    contracts = package()

    count = 0
    fills = 0
    for path, example in examples(generated):
        topic = example["topic"]
        model = contracts.payload_model(topic)
        try:
            contracts.EventEnvelope.model_validate(example["envelope"])
            parsed = model.model_validate(example["envelope"]["data"])
        except pydantic.ValidationError as err:
            fail(f"{path.name}: pydantic rejects the example: {err}")
            continue
        again = model.model_validate(parsed.model_dump(mode="json", by_alias=True))
        if again != parsed:
            fail(f"{path.name}: pydantic round trip changed the payload")
        # Dumped back (keys the JSON did not hold left out), the model writes the JSON it read,
        # with the derived defaults filled exactly as the Rust runtime fills them.
        dumped = parsed.model_dump(mode="json", by_alias=True, exclude_unset=True)
        expected = filled.get(path.name, example["envelope"]["data"])
        if dumped != expected:
            fail(f"{path.name}: pydantic dumps {dumped!r}, expected {expected!r}")
        elif path.name in filled:
            fills += 1
        # Negative check: a payload without its first required field is rejected.
        required = load(generated / "schemas" / "json" / f"{topic}.json").get("required", [])
        if required:
            broken = dict(example["envelope"]["data"])
            broken.pop(required[0], None)
            try:
                model.model_validate(broken)
                fail(f"{path.name}: pydantic accepted the payload without required `{required[0]}`")
            except pydantic.ValidationError:
                pass
        member = catalogue_enum(contracts)[example["member"]]
        if contracts.topic_name(member) != topic:
            fail(f"topic map: {example['member']}")
        count += 1
    if fills != len(filled):
        fail(f"pydantic filled {fills} of the {len(filled)} payloads with derived defaults as the Rust runtime does")
    elif fills:
        print(f"pydantic: {fills} payloads with derived defaults filled as the Rust runtime fills them")

    topic = HULEEDU_RESULT
    if (generated / "examples" / f"{topic}.json").exists():
        data = load(generated / "examples" / f"{topic}.json")["envelope"]["data"]
        model = contracts.payload_model(topic)
        for field, bad in [("normalized_score", 1.5), ("letter_grade", "Z"), ("rank", 0)]:
            broken = copy.deepcopy(data)
            broken["essay_results"][0][field] = bad
            try:
                model.model_validate(broken)
                fail(f"pydantic accepted essay_results[0].{field} = {bad!r}")
            except pydantic.ValidationError:
                pass
    return count


RULE_KEYWORD = "x-tidings-rule"


def deref(root: dict, schema):
    """Follows local `$ref`s and picks the object branch of a nullable anyOf."""
    for _ in range(16):
        if not isinstance(schema, dict):
            return schema
        if "$ref" in schema:
            target = root
            for part in schema["$ref"].lstrip("#/").split("/"):
                target = target[part]
            schema = target
            continue
        branches = [b for b in schema.get("anyOf", []) if b.get("type") != "null"]
        if len(branches) == 1 and "properties" not in schema:
            schema = branches[0]
            continue
        return schema
    return schema


def rule_breakers(root: dict, schema, value, path=()):
    """For each object in `value` whose schema has a cross-field rule, a way to break the rule:
    `(path, rule, fields to leave out, fields to keep)`."""
    schema = deref(root, schema)
    if isinstance(value, dict) and isinstance(schema, dict):
        for entry in schema.get("allOf", []):
            rule = entry.get(RULE_KEYWORD)
            if not rule:
                continue
            fields = rule["fields"]
            given = [f for f in fields if value.get(f) not in (None, "")]
            if rule["kind"] in ("exactly_one_of", "at_least_one_of"):
                yield path, rule, fields
            elif rule["kind"] == "required_with" and fields[0] in given:
                yield path, rule, fields[1:2]
        for name, inner in schema.get("properties", {}).items():
            if name in value:
                yield from rule_breakers(root, inner, value[name], path + (name,))
    elif isinstance(value, list) and isinstance(schema, dict) and value:
        yield from rule_breakers(root, schema.get("items", {}), value[0], path + (0,))


def check_rules(generated: Path, validators) -> int:
    """Every cross-field rule an example reaches, broken (its fields left out): python-jsonschema
    and the pydantic model both refuse the payload."""
    contracts = package()
    count = 0
    for path, example in examples(generated):
        topic = example["topic"]
        schema = validators[topic].schema
        data = example["envelope"]["data"]
        for at, rule, leave_out in rule_breakers(schema, schema, data):
            broken = copy.deepcopy(data)
            target = broken
            for step in at:
                target = target[step]
            for field in leave_out:
                target.pop(field, None)
            where = "/".join(map(str, at)) or "(root)"
            if validators[topic].is_valid(broken):
                fail(f"{path.name}: jsonschema accepts {where} breaking {rule['kind']} {rule['fields']}")
            try:
                contracts.payload_model(topic).model_validate(broken)
                fail(f"{path.name}: pydantic accepts {where} breaking {rule['kind']} {rule['fields']}")
            except pydantic.ValidationError as err:
                if rule["kind"] not in str(err):
                    fail(f"{path.name}: pydantic refuses {where} for another reason than {rule['kind']}: {err}")
            count += 1
    return count


def number_fields(schema: dict) -> list[str]:
    """Top-level payload properties whose schema admits a JSON number."""
    names = []
    for name, prop in schema.get("properties", {}).items():
        options = prop.get("anyOf", prop.get("oneOf", [prop]))
        if any("number" in ([o["type"]] if isinstance(o.get("type"), str) else o.get("type", [])) for o in options):
            names.append(name)
    return names


def check_non_finite(generated: Path) -> int:
    """NaN and infinities are refused: JSON cannot carry them, and pydantic would otherwise
    dump them as null (an optional field silently emptied)."""
    contracts = package()

    count = 0
    for path, example in examples(generated):
        topic = example["topic"]
        schema = load(generated / "schemas" / "json" / f"{topic}.json")
        model = contracts.payload_model(topic)
        for name in number_fields(schema):
            for bad in (float("nan"), float("inf"), float("-inf")):
                broken = copy.deepcopy(example["envelope"]["data"])
                broken[name] = bad
                try:
                    model.model_validate(broken)
                    fail(f"{path.name}: pydantic accepted {name} = {bad!r}")
                except pydantic.ValidationError:
                    count += 1
    return count


def canonical_time(value) -> int:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    else:
        return int(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    delta = moment - datetime(1970, 1, 1, tzinfo=timezone.utc)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


class Normaliser:
    """Brings a JSON value and a fastavro value to one form, guided by the Avro schema."""

    def __init__(self, schema):
        self.named = {}
        self.index(schema, None)

    def index(self, schema, namespace):
        if isinstance(schema, list):
            for branch in schema:
                self.index(branch, namespace)
        elif isinstance(schema, dict):
            kind = schema.get("type")
            if kind in ("record", "enum", "fixed"):
                ns = schema.get("namespace", namespace)
                name = schema["name"]
                full = name if "." in name or not ns else f"{ns}.{name}"
                self.named[full] = schema
                self.named[name] = schema
                for field in schema.get("fields", []):
                    self.index(field["type"], ns)
            elif kind == "array":
                self.index(schema["items"], namespace)
            elif kind == "map":
                self.index(schema["values"], namespace)

    def fits(self, schema, value) -> bool:
        schema = self.named.get(schema, schema) if isinstance(schema, str) else schema
        kind = schema if isinstance(schema, str) else schema.get("type")
        logical = None if isinstance(schema, str) else schema.get("logicalType")
        if kind == "null":
            return value is None
        if value is None:
            return False
        if logical in ("timestamp-micros", "timestamp-millis"):
            return isinstance(value, (str, datetime, int))
        if logical == "date":
            return isinstance(value, (str, date))
        if kind == "record":
            # The variants of a tagged enum are records told apart by their keys and tags.
            if not isinstance(value, dict):
                return False
            fields = {f["name"]: f for f in schema["fields"]}
            if any(key not in fields for key in value):
                return False
            return all(
                self.fits_branch(f["type"], value[name] if name in value else f.get("default"))
                for name, f in fields.items()
            )
        if kind == "map":
            return isinstance(value, dict)
        if kind == "array":
            return isinstance(value, list)
        if kind == "enum":
            return value in schema["symbols"] or value in schema.get("json_values", [])
        if kind == "boolean":
            return isinstance(value, bool)
        if kind in ("int", "long"):
            return isinstance(value, int) and not isinstance(value, bool)
        if kind in ("float", "double"):
            return isinstance(value, (int, float)) and not isinstance(value, bool)
        if kind == "string":
            return isinstance(value, (str, uuid.UUID)) or logical == "json"
        return True

    def fits_branch(self, schema, value) -> bool:
        if isinstance(schema, list):
            return any(self.fits(branch, value) for branch in schema)
        return self.fits(schema, value)

    def norm(self, schema, value):
        if isinstance(schema, str) and schema in self.named:
            schema = self.named[schema]
        if isinstance(schema, list):
            if value is None:
                return None
            for branch in schema:
                if branch != "null" and self.fits(branch, value):
                    return self.norm(branch, value)
            return ("unmatched", repr(value))
        kind = schema if isinstance(schema, str) else schema.get("type")
        logical = None if isinstance(schema, str) else schema.get("logicalType")
        if logical in ("timestamp-micros", "timestamp-millis"):
            return canonical_time(value)
        if logical == "uuid":
            return str(value)
        if logical == "date":
            return value.isoformat() if isinstance(value, date) else value
        if logical == "json":
            return json.dumps(json.loads(value) if isinstance(value, str) else value, sort_keys=True)
        if kind == "record":
            return {f["name"]: self.norm(f["type"], value.get(f["name"], f.get("default"))) for f in schema["fields"]}
        if kind == "array":
            return [self.norm(schema["items"], v) for v in value]
        if kind == "map":
            return {k: self.norm(schema["values"], v) for k, v in value.items()}
        if kind == "enum":
            if value in schema["symbols"]:
                return value
            return schema["symbols"][schema["json_values"].index(value)]
        if kind in ("float", "double"):
            return float(value)
        return value


def check_avro(generated: Path, avro_dir: Path) -> int:
    count = 0
    for path, example in examples(generated):
        topic = example["topic"]
        schema_json = load(generated / "schemas" / "avro" / f"{topic}.avsc")
        schema_json.pop("$comment", None)
        parsed = fastavro.parse_schema(schema_json)
        datum = (avro_dir / f"{path.stem}.avro").read_bytes()
        decoded = fastavro.schemaless_reader(io.BytesIO(datum), parsed)
        normaliser = Normaliser(schema_json)
        left = normaliser.norm(schema_json, example["envelope"]["data"])
        right = normaliser.norm(schema_json, decoded)
        if left != right:
            fail(f"{topic}: fastavro decoded {right!r}, the JSON example is {left!r}")
        count += 1
    return count


def check_outbox_writer(generated: Path, vectors_path: Path, filled: dict) -> tuple[int, int]:
    """The generated outbox writer against the shared test vectors (runtime/vectors/outbox.json,
    checked against the Rust writer too) and against the partition key the Rust contract computes
    for every example."""
    contracts = package()
    outbox = importlib.import_module(f"{PACKAGE}.outbox")
    members = catalogue_enum(contracts)

    vectors = load(vectors_path)
    checked = 0
    for case in vectors["keys"]:
        if outbox.key_shard(case["key"]) != case["shard"]:
            fail(f"key_shard({case['key']!r}) = {outbox.key_shard(case['key'])}, vectors say {case['shard']}")
        checked += 1
    for case in vectors["envelopes"]:
        env = contracts.EventEnvelope.model_validate(case["envelope"])
        if outbox.standard_headers(env) != case["headers"]:
            fail(f"vector {case['name']}: headers {outbox.standard_headers(env)} != {case['headers']}")
        if outbox.serialize(env).decode("utf-8") != case["payload"]:
            fail(f"vector {case['name']}: payload bytes differ from the Rust writer's")
        if outbox.key_shard(case["partition_key"]) != case["key_shard"]:
            fail(f"vector {case['name']}: key shard")
        checked += 1

    # Partition keys: the Rust contract's, for every example. Keys computed by a Rust function
    # need the service's Python counterpart; without one the writer refuses the event.
    def fnv64(text: str) -> int:
        h = 0xCBF29CE484222325
        for byte in text.encode("utf-8"):
            h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
        return h

    functions = {
        "LLM_USAGE_ANALYTICS": lambda d: f"{d['period_start']}/{d['period_end']}",
        "IDENTITY_LOGIN_FAILED": lambda d: f"email-{fnv64(d['email'].strip().lower()):016x}",
    }
    keys = 0
    for path, example in examples(generated):
        member = members[example["member"]]
        env = contracts.EventEnvelope.model_validate(example["envelope"])
        if contracts.KEYS[member].endswith("(&event)"):
            try:
                outbox.prepare(env)
                fail(f"{path.name}: a key computed by a Rust function was guessed")
            except outbox.KeyUnavailable:
                pass
            if example["member"] not in functions:
                fail(f"{path.name}: no Python key function in this check")
                continue
            outbox.key_functions[member] = functions[example["member"]]
        try:
            row = outbox.prepare(env)
        except outbox.OutboxError as err:
            fail(f"{path.name}: the writer refuses the example: {err}")
            continue
        if row.partition_key != example["partition_key"]:
            fail(f"{path.name}: partition key {row.partition_key!r}, the Rust contract says {example['partition_key']!r}")
        if row.key_shard != outbox.key_shard(example["partition_key"]) or row.topic != example["topic"]:
            fail(f"{path.name}: shard or topic")
        # A Python producer's model fills the derived defaults, as the Rust runtime fills them.
        if json.loads(row.payload)["data"] != filled.get(path.name, example["envelope"]["data"]):
            fail(f"{path.name}: the stored payload's data differs from the example")
        keys += 1
    outbox.key_functions.clear()

    # Refused before any SQL: invalid payload, unknown event type, NaN, nesting, size, NUL.
    # HuleEdu's assessment result where there is one; else the first example with a required
    # field (and a number field for NaN, when the catalogue has one).
    refusals = []
    if (generated / "examples" / f"{HULEEDU_RESULT}.json").exists():
        good = load(generated / "examples" / f"{HULEEDU_RESULT}.json")["envelope"]
        broken = copy.deepcopy(good)
        broken["data"]["essay_results"][0]["rank"] = 0
        nan = copy.deepcopy(good)
        nan["data"]["essay_results"][0]["normalized_score"] = float("nan")
        refusals.append(("NaN", nan, outbox.InvalidEvent))
    else:
        good = None
        for _, example in examples(generated):
            schema = load(generated / "schemas" / "json" / f"{example['topic']}.json")
            if good is None and schema.get("required"):
                good = example["envelope"]
                broken = copy.deepcopy(good)
                broken["data"].pop(schema["required"][0])
            numbers = number_fields(schema)
            if numbers and not any(name == "NaN" for name, _, _ in refusals):
                nan = copy.deepcopy(example["envelope"])
                nan["data"][numbers[0]] = float("nan")
                refusals.append(("NaN", nan, outbox.InvalidEvent))
        if good is None:
            fail("no example with a required field to break")
            return checked, keys
    refusals.append(("invalid", broken, outbox.InvalidEvent))
    unknown = copy.deepcopy(good)
    unknown["event_type"] = "no.such.event.v1"
    refusals.append(("unknown event_type", unknown, outbox.UnknownEvent))
    deep = copy.deepcopy(good)
    nested: dict = {}
    deep["metadata"] = {"deep": nested}
    for _ in range(120):
        nested["x"] = {}
        nested = nested["x"]
    refusals.append(("nesting", deep, outbox.EventRefused))
    large = copy.deepcopy(good)
    large["metadata"] = {"padding": "x" * outbox.MAX_RECORD_BYTES}
    refusals.append(("size", large, outbox.PayloadTooLarge))
    nul = copy.deepcopy(good)
    nul["source_service"] = "svc\0"
    refusals.append(("NUL", nul, outbox.NulCharacter))
    for name, envelope, expected in refusals:
        try:
            outbox.prepare(envelope)
            fail(f"outbox writer accepted the {name} case")
        except expected as err:
            if "@" in str(err):
                fail(f"{name}: the error repeats a payload value: {err}")
        except Exception as err:  # noqa: BLE001
            fail(f"{name}: expected {expected.__name__}, got {type(err).__name__}: {err}")
    return checked, keys


def main() -> int:
    global PACKAGE
    generated, avro_dir, vectors = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    filled = load(Path(sys.argv[4])) if len(sys.argv) > 4 else {}
    pyproject = tomllib.loads((generated / "python" / "pyproject.toml").read_text())
    PACKAGE = pyproject["tool"]["setuptools"]["packages"][0]
    print(f"package: {PACKAGE}")
    validators = check_schemas(generated)
    print(f"python-jsonschema: {len(validators)} schemas valid against the 2020-12 meta-schema")
    print(f"python-jsonschema: {check_examples_with_jsonschema(generated, validators)} examples valid (envelope and payload)")
    print(f"pydantic: {check_pydantic(generated, filled)} examples accepted and dumped back to the same JSON; invalid variants rejected")
    print(f"rules: {check_rules(generated, validators)} broken cross-field rules refused by python-jsonschema and pydantic")
    non_finite = check_non_finite(generated)
    print(f"pydantic: {non_finite} NaN/infinity values refused in number fields")
    checked, keys = check_outbox_writer(generated, vectors, filled)
    print(f"outbox writer: {checked} shared vectors match the Rust writer; {keys} example partition keys match the Rust contract's; bad events refused")
    print(f"fastavro: {check_avro(generated, avro_dir)} Avro datums decode to their JSON example")
    for message in failures:
        print(f"FAIL {message}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
