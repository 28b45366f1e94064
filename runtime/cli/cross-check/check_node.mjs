// Independent checks of a catalogue's generated output from Node (`tidings cross-check`):
// - ajv (JSON Schema 2020-12, formats asserted) validates every example envelope and payload
//   against the schemas the TypeScript package exports, and rejects invalid variants;
// - @asyncapi/parser parses asyncapi.yaml with no errors and no warnings.
// The TypeScript package itself is type-checked with `tsc --strict` before this runs.
//
// Works on any catalogue's output.
//
// Usage: node check_node.mjs GENERATED_DIR COMPILED_PACKAGE_DIR OUTBOX_VECTORS_JSON

import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { Parser } from "@asyncapi/parser";

const [generated, compiled, vectorsPath] = process.argv.slice(2).map((p) => resolve(p));
const contracts = await import(pathToFileURL(join(compiled, "index.js")).href);
const failures = [];

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
// Width formats schemars writes on numbers are annotations, not assertions.
for (const format of ["double", "float", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64"]) {
  ajv.addFormat(format, true);
}
ajv.addKeyword("x-tidings-untyped");
ajv.addKeyword("x-tidings-rule");

const envelope = ajv.compile(contracts.envelopeSchema);
const payloads = new Map(
  Object.entries(contracts.payloadSchemas).map(([topic, schema]) => [topic, ajv.compile(schema)]),
);
if (payloads.size !== Object.keys(contracts.TOPICS).length) {
  failures.push(`${payloads.size} payload schemas for ${Object.keys(contracts.TOPICS).length} events`);
}

let valid = 0;
for (const file of readdirSync(join(generated, "examples")).sort()) {
  const example = JSON.parse(readFileSync(join(generated, "examples", file), "utf8"));
  const validate = payloads.get(example.topic);
  if (!validate) {
    failures.push(`${file}: no exported schema for ${example.topic}`);
    continue;
  }
  if (!envelope(example.envelope)) failures.push(`${file}: envelope ${ajv.errorsText(envelope.errors)}`);
  if (!validate(example.envelope.data)) failures.push(`${file}: payload ${ajv.errorsText(validate.errors)}`);
  if (contracts.TOPICS[contracts.BY_TOPIC[example.topic]] !== example.topic) failures.push(`${file}: topic map`);
  // Negative check: a payload without its first required field is rejected.
  const required = contracts.payloadSchemas[example.topic].required ?? [];
  if (required.length) {
    const broken = structuredClone(example.envelope.data);
    delete broken[required[0]];
    if (validate(broken)) failures.push(`${file}: ajv accepted the payload without required \`${required[0]}\``);
  }
  valid += 1;
}
console.log(`ajv: ${valid} examples valid against the exported schemas (envelope and payload)`);

// Partition keys: the Rust contract's, for every example; key shards: the shared vectors.
let keys = 0;
const fnv64 = (text) => {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 0x100000001b3n);
  }
  return hash.toString(16).padStart(16, "0");
};
const functions = {
  "llm_provider.usage.analytics": (d) => `${d.period_start}/${d.period_end}`,
  "identity.login.failed": (d) => `email-${fnv64(d.email.trim().toLowerCase())}`,
};
for (const file of readdirSync(join(generated, "examples")).sort()) {
  const example = JSON.parse(readFileSync(join(generated, "examples", file), "utf8"));
  const event = contracts.BY_TOPIC[example.topic];
  if (contracts.KEYS[event].endsWith("(&event)")) {
    try {
      contracts.partitionKey(event, example.envelope.data);
      failures.push(`${file}: a key computed by a Rust function was guessed`);
    } catch (err) {
      if (!(err instanceof contracts.KeyUnavailableError)) failures.push(`${file}: ${err}`);
    }
    if (!functions[event]) {
      failures.push(`${file}: no TypeScript key function in this check`);
      continue;
    }
    contracts.KEY_FUNCTIONS[event] = functions[event];
  }
  const key = contracts.partitionKey(event, example.envelope.data);
  if (key !== example.partition_key) failures.push(`${file}: partition key ${key}, the Rust contract says ${example.partition_key}`);
  keys += 1;
}
const vectors = JSON.parse(readFileSync(vectorsPath, "utf8"));
for (const { key, shard } of vectors.keys) {
  if (contracts.keyShard(key) !== shard) failures.push(`keyShard(${JSON.stringify(key)}) = ${contracts.keyShard(key)}, vectors say ${shard}`);
}
console.log(`partitionKey: ${keys} example keys match the Rust contract's; keyShard: ${vectors.keys.length} vectors match`);

// HuleEdu's assessment result, where the catalogue has it: invalid values deep in the payload.
const topic = "huleedu.assessment.result.published.v1";
if (payloads.has(topic)) {
  const base = JSON.parse(readFileSync(join(generated, "examples", `${topic}.json`), "utf8")).envelope.data;
  for (const [field, bad] of [["normalized_score", 1.5], ["letter_grade", "Z"], ["rank", 0]]) {
    const broken = structuredClone(base);
    broken.essay_results[0][field] = bad;
    if (payloads.get(topic)(broken)) failures.push(`ajv accepted essay_results[0].${field} = ${JSON.stringify(bad)}`);
  }
}
console.log("ajv: invalid variants rejected");

const parser = new Parser();
const path = join(generated, "asyncapi.yaml");
const { document, diagnostics } = await parser.parse(readFileSync(path, "utf8"), { source: path });
// Severity: 0 error, 1 warning, 2 information, 3 hint.
const problems = diagnostics.filter((d) => d.severity <= 1);
for (const d of problems) {
  failures.push(`asyncapi.yaml ${d.severity === 0 ? "error" : "warning"} ${d.code} at ${d.path.join("/")}: ${d.message}`);
}
if (!document) failures.push("asyncapi.yaml did not parse");
else console.log(`@asyncapi/parser: ${document.channels().length} channels, ${document.messages().length} messages, ${problems.length} errors or warnings`);

for (const failure of failures.slice(0, 50)) console.error(`FAIL ${failure}`);
if (failures.length > 50) console.error(`… and ${failures.length - 50} more`);
process.exit(failures.length ? 1 : 0);
