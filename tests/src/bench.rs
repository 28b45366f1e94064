//! `cargo xtask bench`: the runtime against its raw limits, measured side by side in one run on
//! the embedded Postgres and the mock Kafka cluster.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use huleedu_contracts::AssessmentResultV1;
use rdkafka::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::Message;
use rdkafka::producer::{FutureProducer, FutureRecord};
use serde::Serialize;
use sqlx::PgPool;
use tidings::outbox::{Outbox, key_shard};
use tidings::relay::{Environment, Relay};
use tidings::{Event, EventEnvelope};
use uuid::Uuid;

use huleedu_contracts::ProcessingEventPayload;
use tidings_codegen::check::{Baseline, CheckInput};
use tidings_codegen::compat::Policy;
use tidings_codegen::source::SourceIndex;
use tidings_codegen::{CatalogModel, History};

use crate::{TestKafka, TestPostgres};

/// Stored headers, as the relay reads them.
type Headers = sqlx::types::Json<Vec<(String, String)>>;

/// One benchmark figure.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// What was measured.
    pub name: String,
    /// The figure.
    pub value: f64,
    /// Its unit.
    pub unit: &'static str,
    /// The target, as text, when there is one.
    pub target: Option<String>,
    /// Whether the target is met.
    pub met: Option<bool>,
}

/// Every figure of a run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The rows, in the order they were measured.
    pub rows: Vec<Row>,
    /// Rows in the relay phase.
    pub relay_rows: usize,
}

/// How big the run is.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    /// Pending rows for the relay phase (default 100,000).
    pub relay_rows: usize,
    /// Events through the outbox in the churn phase (default 1,000,000).
    pub churn_events: usize,
    /// Run only these phases (`validation`, `enqueue`, `relay`, `relay-binary`, `latency`,
    /// `python`, `churn`, `check-schemas`); empty runs all.
    pub only: Vec<String>,
    /// The `tidings` binary for the `relay-binary` phase (a release build); the phase is skipped
    /// without it.
    pub relay_binary: Option<std::path::PathBuf>,
}

/// What went wrong.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BenchError(String);

fn fail<E: std::fmt::Display>(context: &'static str) -> impl FnOnce(E) -> BenchError {
    move |err| BenchError(format!("{context}: {err}"))
}

fn progress(message: &str) {
    eprintln!("bench: {message}");
}

fn row(name: &str, value: f64, unit: &'static str) -> Row {
    Row {
        name: name.into(),
        value,
        unit,
        target: None,
        met: None,
    }
}

fn with_target(mut row: Row, target: &str, met: bool) -> Row {
    row.target = Some(target.into());
    row.met = Some(met);
    row
}

fn sample_result() -> AssessmentResultV1 {
    let essays: Vec<serde_json::Value> = (0..5)
        .map(|rank| {
            serde_json::json!({
                "essay_id": Uuid::new_v4().to_string(), "normalized_score": 0.5, "letter_grade": "B",
                "confidence_score": 0.7, "confidence_label": "MID", "bt_score": 0.3, "rank": rank + 1,
                "is_anchor": false, "feedback_uri": null, "metrics_uri": null, "display_name": null
            })
        })
        .collect();
    serde_json::from_value(serde_json::json!({
        "batch_id": Uuid::new_v4().to_string(), "cj_assessment_job_id": "job-1", "assignment_id": "eng5-argumentative",
        "assessment_method": "cj_assessment", "model_used": "claude-3-5-haiku", "model_provider": "anthropic",
        "essay_results": essays
    }))
    .unwrap_or_else(|err| panic!("the sample is a valid AssessmentResultV1: {err}"))
}

fn envelope(key: &str) -> EventEnvelope<AssessmentResultV1> {
    let mut result = sample_result();
    result.cj_assessment_job_id = key.to_owned();
    EventEnvelope::new("bench", result)
}

/// Runs every phase.
pub async fn run(options: BenchOptions) -> Result<Report, BenchError> {
    let mut rows = Vec::new();
    let wanted = |phase: &str| options.only.is_empty() || options.only.iter().any(|p| p == phase);
    if wanted("validation") {
        rows.extend(validation_vs_serialization());
    }
    if [
        "enqueue",
        "relay",
        "relay-binary",
        "latency",
        "python",
        "churn",
    ]
    .iter()
    .any(|phase| wanted(phase))
    {
        progress("starting Postgres and Kafka");
        let db = TestPostgres::database().await;
        let kafka = TestKafka::start();
        kafka.create_topic(AssessmentResultV1::TOPIC, 6).await;
        kafka.create_topic("bench.raw.v1", 6).await;
        kafka.create_topic("bench.latency.v1", 6).await;
        if wanted("enqueue") {
            rows.extend(enqueue_cost(&db.pool).await?);
        }
        if wanted("relay") {
            rows.extend(relay_throughput(&db.pool, &kafka, options.relay_rows).await?);
        }
        if wanted("relay-binary") {
            match &options.relay_binary {
                Some(binary) => rows.extend(
                    relay_binary_vs_library(&db, &kafka, binary, options.relay_rows).await?,
                ),
                None => progress("relay-binary: skipped, no --relay-binary given"),
            }
        }
        if wanted("latency") {
            rows.extend(latency(&db.pool, &kafka).await?);
        }
        if wanted("python") {
            rows.extend(python_writer(&db).await?);
        }
        if wanted("churn") {
            rows.extend(churn(&db.pool, &kafka, options.churn_events).await?);
        }
    }
    if wanted("check-schemas") {
        rows.extend(check_schemas_scaling()?);
    }
    Ok(Report {
        rows,
        relay_rows: options.relay_rows,
    })
}

/// `n` events made from the catalogue's, each on its own topic.
fn synthetic(model: &CatalogModel, n: usize) -> CatalogModel {
    let events = (0..n)
        .map(|i| {
            let mut event = model.events[i % model.events.len()].clone();
            event.member = format!("{}_{i}", event.member);
            event.topic = format!("synthetic.e{i}.{}", event.topic);
            event
        })
        .collect();
    CatalogModel {
        catalogue: model.catalogue.clone(),
        catalogue_enum: model.catalogue_enum.clone(),
        events,
        project: model.project.clone(),
    }
}

/// One check-schemas pass in process: generate the output, then check it against a baseline.
fn check_once(
    model: &CatalogModel,
    baseline: &Baseline,
    sources: &SourceIndex,
) -> Result<usize, BenchError> {
    let files = tidings_codegen::generate(model, &History::default()).map_err(fail("generate"))?;
    std::hint::black_box(files.len());
    let findings = tidings_codegen::check::check_schemas(&CheckInput {
        model,
        baseline,
        drift: &[],
        sources,
        policy: Policy::Strict,
        accepted: &[],
    })
    .map_err(fail("check-schemas"))?;
    Ok(findings.len())
}

fn check_schemas_scaling() -> Result<Vec<Row>, BenchError> {
    progress("check-schemas on the catalogue and on 100 / 1,000 synthetic events");
    let contracts = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../contracts/src");
    let texts = tidings_codegen::sync::read_tree(&contracts).map_err(fail("contract sources"))?;
    // One sample = what the command does after reading files: parse the contract sources,
    // generate the output, compare with the baseline.
    let time = |model: &CatalogModel| -> Result<Duration, BenchError> {
        let baseline = Baseline {
            files: tidings_codegen::generate(model, &History::default())
                .map_err(fail("generate"))?
                .into_iter()
                .map(|f| (f.path.to_string_lossy().into_owned(), f.contents))
                .collect(),
        };
        let mut samples = Vec::new();
        for _ in 0..5 {
            let start = Instant::now();
            let sources = SourceIndex::parse(texts.iter().map(|(p, c)| (p.as_str(), c.as_str())))
                .map_err(fail("contract sources"))?;
            check_once(model, &baseline, &sources)?;
            samples.push(start.elapsed());
        }
        samples.sort();
        Ok(samples[samples.len() / 2])
    };
    let start = Instant::now();
    let catalogue =
        CatalogModel::of::<ProcessingEventPayload>("HuleEdu").map_err(fail("catalogue model"))?;
    let build = start.elapsed();
    let full = time(&catalogue)? + build;
    let hundred = time(&synthetic(&catalogue, 100))?;
    let thousand = time(&synthetic(&catalogue, 1000))?;
    let ratio = thousand.as_secs_f64() / hundred.as_secs_f64();
    Ok(vec![
        with_target(
            row(
                "check-schemas, full catalogue (73 events)",
                full.as_secs_f64() * 1e3,
                "ms",
            ),
            "< 1,000 ms",
            full < Duration::from_secs(1),
        ),
        row(
            "check-schemas, 100 synthetic events",
            hundred.as_secs_f64() * 1e3,
            "ms",
        ),
        row(
            "check-schemas, 1,000 synthetic events",
            thousand.as_secs_f64() * 1e3,
            "ms",
        ),
        with_target(
            row("check-schemas 1,000 / 100", ratio, "×"),
            "≤ 10×",
            ratio <= 10.0,
        ),
    ])
}

/// Median time of `f` over `rounds` rounds of `iterations` calls.
fn time_per_call(rounds: usize, iterations: usize, mut f: impl FnMut()) -> Duration {
    for _ in 0..iterations {
        f();
    }
    let mut samples: Vec<Duration> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..iterations {
                f();
            }
            start.elapsed() / iterations as u32
        })
        .collect();
    samples.sort();
    samples[samples.len() / 2]
}

fn validation_vs_serialization() -> Vec<Row> {
    progress("validation vs serialization");
    let event = sample_result();
    let bytes = serde_json::to_vec(&event).unwrap_or_default();
    let serialize = time_per_call(15, 2000, || {
        std::hint::black_box(
            serde_json::to_vec(std::hint::black_box(&event))
                .map(|v| v.len())
                .unwrap_or(0),
        );
    });
    // What the outbox does: serialize once and check the bytes on the way.
    let validated = time_per_call(15, 2000, || {
        std::hint::black_box(
            tidings::validate::to_vec_validated(std::hint::black_box(&event))
                .map(|v| v.len())
                .unwrap_or(0),
        );
    });
    let from_bytes = time_per_call(15, 2000, || {
        std::hint::black_box(
            tidings::validate::validate_json::<AssessmentResultV1>(std::hint::black_box(&bytes))
                .is_ok(),
        );
    });
    let validation = validated.saturating_sub(serialize);
    let ratio = validation.as_secs_f64() / serialize.as_secs_f64();
    vec![
        row(
            "serialize AssessmentResultV1 (5 essays)",
            serialize.as_secs_f64() * 1e6,
            "µs",
        ),
        row(
            "serialize and validate it (as enqueue does)",
            validated.as_secs_f64() * 1e6,
            "µs",
        ),
        row(
            "validation's share (the difference)",
            validation.as_secs_f64() * 1e6,
            "µs",
        ),
        with_target(
            row("validation / serialization", ratio, "×"),
            "≤ 2×",
            ratio <= 2.0,
        ),
        row(
            "  (breakdown) validate already serialized bytes (read + check)",
            from_bytes.as_secs_f64() * 1e6,
            "µs",
        ),
    ]
}

/// A small event for the churn phase: a million of them stay light in the mock cluster.
#[derive(Debug, Clone, Serialize, serde::Deserialize, schemars::JsonSchema, tidings::Event)]
#[event(name = "bench.churn", topic = "bench.churn.v1", version = 1, key = key)]
struct Churned {
    key: String,
    seq: u64,
}

/// An outbox used as the queue it is, for `total` events: writers keep about 50,000 rows pending,
/// the relay publishes, the retention cleanup deletes published rows after 2 s. The relay's rate
/// in each tenth of the run shows whether dead tuples slow it down as the run goes on.
async fn churn(pool: &PgPool, kafka: &TestKafka, total: usize) -> Result<Vec<Row>, BenchError> {
    progress(&format!(
        "churn: {total} events through the outbox with retention on"
    ));
    kafka.create_topic(Churned::TOPIC, 6).await;
    // As docs/OUTBOX.md recommends for the outbox's server: the autovacuum launcher looks at
    // each database every 10 s instead of every minute, so the table's thresholds take effect.
    for statement in [
        "ALTER SYSTEM SET autovacuum_naptime = '10s'",
        "SELECT pg_reload_conf()",
    ] {
        sqlx::raw_sql(statement)
            .execute(pool)
            .await
            .map_err(fail("autovacuum_naptime"))?;
    }
    let outbox = Outbox::builder()
        .table("bench_churn")
        .validate(false)
        .build()
        .map_err(fail("outbox"))?;
    outbox.migrate(pool).await.map_err(fail("migrate"))?;
    let relay = Relay::builder(outbox.clone(), pool.clone(), kafka.bootstrap_servers())
        .preset(Environment::Testing)
        .configure(|c| {
            c.retention = Duration::from_secs(2);
            c.cleanup_interval = Duration::from_secs(1);
        })
        .build()
        .map_err(fail("relay"))?
        .spawn();
    let started = Instant::now();
    let tenth = (total / 10).max(1);
    let mut boundaries = vec![started];
    let mut enqueued = 0usize;
    let deadline = started + Duration::from_secs(3600);
    while boundaries.len() <= 10 {
        let published = usize::try_from(relay.stats().published).unwrap_or(usize::MAX);
        while published >= boundaries.len() * tenth && boundaries.len() <= 10 {
            boundaries.push(Instant::now());
        }
        if enqueued < total && enqueued < published + 50_000 {
            let batch: Vec<_> = (enqueued..(enqueued + 1_000).min(total))
                .map(|seq| {
                    EventEnvelope::new(
                        "bench",
                        Churned {
                            key: format!("k-{}", seq % 1_000),
                            seq: seq as u64,
                        },
                    )
                })
                .collect();
            let mut tx = pool.begin().await.map_err(fail("begin"))?;
            outbox
                .enqueue_batch(&mut tx, &batch)
                .await
                .map_err(fail("enqueue"))?;
            tx.commit().await.map_err(fail("commit"))?;
            enqueued += batch.len();
        } else {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        if Instant::now() > deadline {
            return Err(BenchError(format!(
                "churn did not finish: {:?} after {enqueued} enqueued",
                relay.stats()
            )));
        }
    }
    relay.shutdown().await.map_err(fail("relay"))?;
    let rate = |i: usize| tenth as f64 / (boundaries[i + 1] - boundaries[i]).as_secs_f64();
    let (first, last) = (rate(0), rate(9));
    let slowest = (0..10).map(rate).fold(f64::INFINITY, f64::min);
    let (dead_tuples, autovacuums): (i64, i64) = sqlx::query_as(
        "SELECT n_dead_tup, autovacuum_count FROM pg_stat_user_tables WHERE relname = 'bench_churn'",
    )
    .fetch_one(pool)
    .await
    .map_err(fail("stats"))?;
    // With the cleanup keeping up, the table holds about one retention's worth of published rows.
    let (rows_left, table_bytes): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM bench_churn), pg_total_relation_size('bench_churn')",
    )
    .fetch_one(pool)
    .await
    .map_err(fail("table size"))?;
    let ratio = last / first;
    let tenths: Vec<String> = (0..10).map(|i| format!("{:.0}", rate(i))).collect();
    progress(&format!("churn: events/s per tenth: {}", tenths.join(", ")));
    Ok(vec![
        row(
            &format!("churn: relay rate, first tenth of {total} events"),
            first,
            "events/s",
        ),
        row("churn: relay rate, last tenth", last, "events/s"),
        row("churn: slowest tenth", slowest, "events/s"),
        with_target(
            row("churn: last tenth / first tenth", ratio, "×"),
            "≥ 0.8×",
            ratio >= 0.8,
        ),
        row(
            "churn: dead tuples at the end (autovacuum runs)",
            dead_tuples as f64,
            "tuples",
        ),
        row(
            "churn: rows in the table at the end",
            rows_left as f64,
            "rows",
        ),
        row(
            "churn: table size at the end, with indexes",
            table_bytes as f64 / 1_048_576.0,
            "MiB",
        ),
        row(
            "churn: autovacuum runs on the table",
            autovacuums as f64,
            "runs",
        ),
    ])
}

/// The generated Python writer (`outbox.enqueue`, SQLAlchemy async) against a plain SQLAlchemy
/// INSERT of the same row, one event per transaction, in a Python process of its own.
async fn python_writer(db: &crate::TestDatabase) -> Result<Vec<Row>, BenchError> {
    progress("Python writer vs plain SQLAlchemy INSERT (installing the packages the first time)");
    const EVENTS: usize = 4_000;
    let python = crate::python::environment(
        "python-bench",
        &[
            "sqlalchemy[asyncio]==2.1.9",
            "asyncpg==0.32.0",
            "pydantic>=2.6,<3",
            "email-validator>=2",
        ],
        true,
    )
    .map_err(BenchError)?;
    Outbox::builder()
        .build()
        .map_err(fail("outbox"))?
        .migrate(&db.pool)
        .await
        .map_err(fail("migrate"))?;
    let root = crate::python::workspace_root();
    let output = std::process::Command::new(python)
        .arg(root.join("tests/cross-language/bench_python_writer.py"))
        .arg(&db.url)
        .arg(root.join("generated"))
        .arg(EVENTS.to_string())
        .output()
        .map_err(fail("python"))?;
    if !output.status.success() {
        return Err(BenchError(format!(
            "bench_python_writer.py failed: {}",
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    let figures: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(fail("python output"))?;
    let figure = |name: &str| figures[name].as_f64().unwrap_or(f64::NAN);
    let ratio = figure("ratio");
    Ok(vec![
        row(
            &format!("Python outbox.enqueue, one event per transaction ({EVENTS} events)"),
            figure("writer_us"),
            "µs/event",
        ),
        row(
            "plain SQLAlchemy INSERT of the same row, one per transaction",
            figure("plain_us"),
            "µs/event",
        ),
        with_target(
            row("Python enqueue / plain INSERT", ratio, "×"),
            "≤ 1.5×",
            ratio <= 1.5,
        ),
    ])
}

async fn enqueue_cost(pool: &PgPool) -> Result<Vec<Row>, BenchError> {
    progress("enqueue cost vs plain INSERT");
    let outbox = Outbox::builder()
        .table("bench_enqueue")
        .build()
        .map_err(fail("outbox"))?;
    outbox.migrate(pool).await.map_err(fail("migrate"))?;
    sqlx::query("CREATE TABLE bench_plain (LIKE bench_enqueue INCLUDING ALL)")
        .execute(pool)
        .await
        .map_err(fail("plain table"))?;
    const SINGLE: usize = 2_000;
    const BATCHES: usize = 40;
    let envelopes: Vec<_> = (0..SINGLE)
        .map(|i| envelope(&format!("job-{}", i % 100)))
        .collect();
    // The plain INSERT writes the very same row: serialized the same way, with the same headers.
    let plain_rows: Vec<_> = envelopes
        .iter()
        .map(|e| {
            let headers =
                serde_json::to_value(tidings::StandardHeaders::from_envelope(e).to_pairs())
                    .unwrap_or_default();
            (
                e.event_id,
                e.event_type.clone(),
                e.data.cj_assessment_job_id.clone(),
                headers,
                serde_json::to_vec(e).unwrap_or_default(),
            )
        })
        .collect();
    let insert = "INSERT INTO bench_plain (event_id, event_type, topic, partition_key, key_shard, headers, payload) VALUES ($1, $2, $2, $3, $4, $5, $6)";

    let mut enqueue_times = Vec::new();
    let mut plain_times = Vec::new();
    // Interleave rounds so both see the same machine.
    for round in 0..4 {
        let slice = round * (SINGLE / 4)..(round + 1) * (SINGLE / 4);
        let mut tx = pool.begin().await.map_err(fail("begin"))?;
        let start = Instant::now();
        for e in &envelopes[slice.clone()] {
            outbox.enqueue(&mut tx, e).await.map_err(fail("enqueue"))?;
        }
        enqueue_times.push(start.elapsed() / (SINGLE / 4) as u32);
        tx.commit().await.map_err(fail("commit"))?;

        let mut tx = pool.begin().await.map_err(fail("begin"))?;
        let start = Instant::now();
        for (id, event_type, key, headers, payload) in &plain_rows[slice] {
            sqlx::query(insert)
                .bind(id)
                .bind(event_type)
                .bind(key)
                .bind(key_shard(key))
                .bind(headers)
                .bind(payload)
                .execute(&mut *tx)
                .await
                .map_err(fail("insert"))?;
        }
        plain_times.push(start.elapsed() / (SINGLE / 4) as u32);
        tx.commit().await.map_err(fail("commit"))?;
    }
    enqueue_times.sort();
    plain_times.sort();
    let (enqueue, plain) = (enqueue_times[1], plain_times[1]);

    // Batches of 100 against a multi-row INSERT of the same 100 rows.
    sqlx::query("TRUNCATE bench_enqueue, bench_plain")
        .execute(pool)
        .await
        .map_err(fail("truncate"))?;
    let mut batch_times = Vec::new();
    let mut multi_times = Vec::new();
    let mut idempotent_times = Vec::new();
    let mut unvalidated_times = Vec::new();
    // The same outbox table without validation, to show validation's share of the batch.
    let unvalidated = Outbox::builder()
        .table("bench_enqueue")
        .validate(false)
        .build()
        .map_err(fail("outbox"))?;
    for b in 0..BATCHES {
        let batch: Vec<_> = (0..100)
            .map(|i| envelope(&format!("job-{}", (b * 100 + i) % 100)))
            .collect();
        let mut tx = pool.begin().await.map_err(fail("begin"))?;
        let start = Instant::now();
        outbox
            .enqueue_batch(&mut tx, &batch)
            .await
            .map_err(fail("enqueue batch"))?;
        batch_times.push(start.elapsed());
        tx.commit().await.map_err(fail("commit"))?;

        let fresh_batch: Vec<_> = (0..100)
            .map(|i| envelope(&format!("job-{}", (b * 100 + i) % 100)))
            .collect();
        let mut tx = pool.begin().await.map_err(fail("begin"))?;
        let start = Instant::now();
        unvalidated
            .enqueue_batch(&mut tx, &fresh_batch)
            .await
            .map_err(fail("enqueue batch without validation"))?;
        unvalidated_times.push(start.elapsed());
        tx.commit().await.map_err(fail("commit"))?;

        let (mut ids, mut types, mut keys, mut shards, mut headers, mut payloads) =
            (vec![], vec![], vec![], vec![], vec![], vec![]);
        for e in &batch {
            ids.push(Uuid::new_v4());
            types.push(e.event_type.clone());
            keys.push(e.data.cj_assessment_job_id.clone());
            shards.push(key_shard(&e.data.cj_assessment_job_id));
            headers.push(
                serde_json::to_value(tidings::StandardHeaders::from_envelope(e).to_pairs())
                    .unwrap_or_default(),
            );
            payloads.push(serde_json::to_vec(e).unwrap_or_default());
        }
        let mut tx = pool.begin().await.map_err(fail("begin"))?;
        let start = Instant::now();
        sqlx::query(
            "INSERT INTO bench_plain (event_id, event_type, topic, partition_key, key_shard, headers, payload) \
             SELECT a, b, b, c, d, e, f FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::int2[], $5::jsonb[], $6::bytea[]) AS t(a, b, c, d, e, f)",
        )
        .bind(&ids)
        .bind(&types)
        .bind(&keys)
        .bind(&shards)
        .bind(&headers)
        .bind(&payloads)
        .execute(&mut *tx)
        .await
        .map_err(fail("multi-row insert"))?;
        multi_times.push(start.elapsed());
        tx.commit().await.map_err(fail("commit"))?;

        // The same rows again, with the clauses idempotent enqueue needs: how much of the gap is
        // SQL rather than tidings' own work.
        let fresh: Vec<Uuid> = ids.iter().map(|_| Uuid::new_v4()).collect();
        let mut tx = pool.begin().await.map_err(fail("begin"))?;
        let start = Instant::now();
        let returned: Vec<(i64, Uuid)> = sqlx::query_as(
            "INSERT INTO bench_plain (event_id, event_type, topic, partition_key, key_shard, headers, payload) \
             SELECT a, b, b, c, d, e, f FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::int2[], $5::jsonb[], $6::bytea[]) AS t(a, b, c, d, e, f) \
             ON CONFLICT (event_id) DO NOTHING RETURNING id, event_id",
        )
        .bind(&fresh)
        .bind(&types)
        .bind(&keys)
        .bind(&shards)
        .bind(&headers)
        .bind(&payloads)
        .fetch_all(&mut *tx)
        .await
        .map_err(fail("idempotent multi-row insert"))?;
        idempotent_times.push(start.elapsed());
        std::hint::black_box(returned.len());
        tx.commit().await.map_err(fail("commit"))?;
    }
    batch_times.sort();
    multi_times.sort();
    idempotent_times.sort();
    unvalidated_times.sort();
    let (batch, multi) = (batch_times[BATCHES / 2], multi_times[BATCHES / 2]);
    let idempotent = idempotent_times[BATCHES / 2];
    let unvalidated = unvalidated_times[BATCHES / 2];
    let single_ratio = enqueue.as_secs_f64() / plain.as_secs_f64();
    let batch_ratio = batch.as_secs_f64() / multi.as_secs_f64();
    Ok(vec![
        row(
            "enqueue one event (serialize, validate, insert)",
            enqueue.as_secs_f64() * 1e6,
            "µs",
        ),
        row(
            "plain parameterised INSERT of the same row",
            plain.as_secs_f64() * 1e6,
            "µs",
        ),
        with_target(
            row("enqueue / INSERT", single_ratio, "×"),
            "≤ 1.5×",
            single_ratio <= 1.5,
        ),
        row("enqueue_batch of 100", batch.as_secs_f64() * 1e3, "ms"),
        row(
            "multi-row INSERT of the same 100 rows",
            multi.as_secs_f64() * 1e3,
            "ms",
        ),
        with_target(
            row("enqueue_batch / multi-row INSERT", batch_ratio, "×"),
            "≤ 1.2×",
            batch_ratio <= 1.2,
        ),
        row(
            "  (breakdown) the same INSERT with ON CONFLICT DO NOTHING RETURNING",
            idempotent.as_secs_f64() * 1e3,
            "ms",
        ),
        row(
            "  (breakdown) enqueue_batch of 100 with validation off",
            unvalidated.as_secs_f64() * 1e3,
            "ms",
        ),
    ])
}

async fn relay_throughput(
    pool: &PgPool,
    kafka: &TestKafka,
    count: usize,
) -> Result<Vec<Row>, BenchError> {
    progress(&format!("filling the outbox with {count} rows"));
    let outbox = Outbox::builder()
        .table("bench_relay")
        .validate(false)
        .build()
        .map_err(fail("outbox"))?;
    outbox.migrate(pool).await.map_err(fail("migrate"))?;
    for chunk in 0..count.div_ceil(1000) {
        let n = 1000.min(count - chunk * 1000);
        let batch: Vec<_> = (0..n)
            .map(|i| envelope(&format!("job-{}", (chunk * 1000 + i) % 1000)))
            .collect();
        let mut tx = pool.begin().await.map_err(fail("begin"))?;
        outbox
            .enqueue_batch(&mut tx, &batch)
            .await
            .map_err(fail("enqueue"))?;
        tx.commit().await.map_err(fail("commit"))?;
    }
    sqlx::query("CREATE TABLE bench_sql (LIKE bench_relay INCLUDING ALL)")
        .execute(pool)
        .await
        .map_err(fail("copy"))?;
    sqlx::query("INSERT INTO bench_sql OVERRIDING SYSTEM VALUE SELECT * FROM bench_relay")
        .execute(pool)
        .await
        .map_err(fail("copy"))?;
    sqlx::raw_sql("ANALYZE bench_relay; ANALYZE bench_sql")
        .execute(pool)
        .await
        .map_err(fail("analyze"))?;
    let records: Vec<(String, Headers, Vec<u8>)> =
        sqlx::query_as("SELECT partition_key, headers, payload FROM bench_relay ORDER BY id")
            .fetch_all(pool)
            .await
            .map_err(fail("read rows"))?;

    progress(
        "raw limit 1: an idempotent producer sending the same records (key, headers, value) from memory",
    );
    let producer: FutureProducer =
        tidings::kafka::producer_config(kafka.bootstrap_servers(), 60_000)
            .create()
            .map_err(fail("producer"))?;
    let prepared: Vec<_> = records
        .iter()
        .map(|(key, headers, payload)| {
            (
                key,
                tidings::kafka::to_kafka_headers(
                    headers.0.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                ),
                payload,
            )
        })
        .collect();
    let start = Instant::now();
    let mut deliveries = Vec::with_capacity(records.len());
    for (key, headers, payload) in prepared {
        let mut record = FutureRecord::to("bench.raw.v1")
            .key(key.as_bytes())
            .payload(payload)
            .headers(headers);
        loop {
            match producer.send_result(record) {
                Ok(delivery) => {
                    deliveries.push(delivery);
                    break;
                }
                Err((_, returned)) => {
                    record = returned;
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
            }
        }
    }
    for delivery in deliveries {
        delivery
            .await
            .map_err(fail("delivery"))?
            .map_err(|(e, _)| BenchError(format!("delivery: {e}")))?;
    }
    let raw_producer = count as f64 / start.elapsed().as_secs_f64();

    progress("raw limit 2: claim-and-mark in SQL, no Kafka");
    let shards: Vec<i16> = (0..64).collect();
    let start = Instant::now();
    loop {
        let mut tx = pool.begin().await.map_err(fail("begin"))?;
        // The relay's claim reads the whole row; so does this one.
        let claimed: Vec<(i64, String, String, Headers, Vec<u8>, i32)> = sqlx::query_as(
            "SELECT o.id, o.topic, o.partition_key, o.headers, o.payload, o.attempts FROM bench_sql o WHERE o.state = 'pending' AND o.key_shard = ANY($1) AND o.next_attempt_at <= now() \
             AND NOT EXISTS (SELECT 1 FROM bench_sql e WHERE e.partition_key = o.partition_key AND e.state = 'pending' AND e.attempts > 0 AND e.id < o.id AND e.next_attempt_at > now()) \
             ORDER BY o.id LIMIT 500 FOR UPDATE OF o SKIP LOCKED",
        )
        .bind(&shards)
        .fetch_all(&mut *tx)
        .await
        .map_err(fail("claim"))?;
        if claimed.is_empty() {
            break;
        }
        let ids: Vec<i64> = claimed.iter().map(|row| row.0).collect();
        sqlx::query("UPDATE bench_sql SET state = 'published', published_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ANY($1)")
            .bind(&ids)
            .execute(&mut *tx)
            .await
            .map_err(fail("mark"))?;
        tx.commit().await.map_err(fail("commit"))?;
    }
    let raw_sql = count as f64 / start.elapsed().as_secs_f64();

    progress("the relay: pending rows to acknowledged records");
    let relay = Relay::builder(outbox.clone(), pool.clone(), kafka.bootstrap_servers())
        .preset(Environment::Testing)
        .build()
        .map_err(fail("relay"))?;
    let start = Instant::now();
    let handle = relay.spawn();
    let deadline = start + Duration::from_secs(600);
    // Completion is read from the relay's own counters: polling the table would load the
    // database the relay is measured against.
    loop {
        let stats = handle.stats();
        if stats.published + stats.dead >= count as u64 {
            break;
        }
        if Instant::now() > deadline {
            return Err(BenchError(format!(
                "the relay did not finish: {} of {count} rows published",
                stats.published
            )));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let relay_rate = count as f64 / start.elapsed().as_secs_f64();
    handle.shutdown().await.map_err(fail("relay shutdown"))?;
    let slower = raw_producer.min(raw_sql);
    let fraction = relay_rate / slower;
    Ok(vec![
        row(
            "raw idempotent producer, same records from memory",
            raw_producer,
            "events/s",
        ),
        row(
            "raw SQL claim-and-mark, same rows and columns, no Kafka",
            raw_sql,
            "events/s",
        ),
        with_target(
            row(
                "relay, pending rows to acked records",
                relay_rate,
                "events/s",
            ),
            "≥ 20,000/s",
            relay_rate >= 20_000.0,
        ),
        with_target(
            row("relay / slower raw limit", fraction, "×"),
            "≥ 0.6×",
            fraction >= 0.6,
        ),
    ])
}

/// `tidings relay run` (the binary, a process of its own) against the library relay it wraps, on
/// the same rows in two tables of one database, one after the other. Each is timed from its start
/// (the binary's includes the process start and its connections) until no row is pending, which
/// both read with the same cheap query on the pending-id index every 20 ms.
async fn relay_binary_vs_library(
    db: &crate::TestDatabase,
    kafka: &TestKafka,
    binary: &std::path::Path,
    count: usize,
) -> Result<Vec<Row>, BenchError> {
    let pool = &db.pool;
    progress(&format!(
        "relay binary vs library: filling two outboxes with {count} rows each"
    ));
    let mut outboxes = Vec::new();
    for table in ["bench_relay_library", "bench_relay_binary"] {
        let outbox = Outbox::builder()
            .table(table)
            .validate(false)
            .build()
            .map_err(fail("outbox"))?;
        outbox.migrate(pool).await.map_err(fail("migrate"))?;
        outboxes.push(outbox);
    }
    for chunk in 0..count.div_ceil(1000) {
        let n = 1000.min(count - chunk * 1000);
        let batch: Vec<_> = (0..n)
            .map(|i| envelope(&format!("job-{}", (chunk * 1000 + i) % 1000)))
            .collect();
        let mut tx = pool.begin().await.map_err(fail("begin"))?;
        outboxes[0]
            .enqueue_batch(&mut tx, &batch)
            .await
            .map_err(fail("enqueue"))?;
        tx.commit().await.map_err(fail("commit"))?;
    }
    sqlx::raw_sql(
        "INSERT INTO bench_relay_binary (event_id, event_type, topic, partition_key, key_shard, headers, payload) \
         SELECT event_id, event_type, topic, partition_key, key_shard, headers, payload FROM bench_relay_library ORDER BY id; \
         ANALYZE bench_relay_library; ANALYZE bench_relay_binary",
    )
    .execute(pool)
    .await
    .map_err(fail("copy"))?;
    let drained = |table: &'static str| async move {
        let deadline = Instant::now() + Duration::from_secs(600);
        loop {
            let (pending,): (bool,) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT EXISTS (SELECT 1 FROM {table} WHERE state = 'pending')"
            )))
            .fetch_one(pool)
            .await
            .map_err(fail("poll"))?;
            if !pending {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(BenchError(format!(
                    "{table}: rows still pending after 600 s"
                )));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };

    progress("relay binary vs library: the library relay");
    let start = Instant::now();
    let handle = Relay::builder(outboxes[0].clone(), pool.clone(), kafka.bootstrap_servers())
        .preset(Environment::Testing)
        .build()
        .map_err(fail("relay"))?
        .spawn();
    drained("bench_relay_library").await?;
    let library = count as f64 / start.elapsed().as_secs_f64();
    handle.shutdown().await.map_err(fail("relay shutdown"))?;

    progress("relay binary vs library: `tidings relay run` as a process");
    let port = crate::free_port().map_err(BenchError)?;
    let start = Instant::now();
    let mut child = std::process::Command::new(binary)
        .args([
            "relay",
            "run",
            "--environment",
            "testing",
            "--log-format",
            "text",
        ])
        .args(["--table", "public.bench_relay_binary"])
        .arg("--database-url")
        .arg(&db.url)
        .arg("--bootstrap-servers")
        .arg(kafka.bootstrap_servers())
        .arg("--listen")
        .arg(format!("127.0.0.1:{port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(fail("tidings relay run"))?;
    let finished = drained("bench_relay_binary").await;
    let binary_rate = count as f64 / start.elapsed().as_secs_f64();
    let _ = child.kill();
    let _ = child.wait();
    finished?;
    let ratio = binary_rate / library;
    Ok(vec![
        row(
            &format!("library relay, {count} pending rows to acked records"),
            library,
            "events/s",
        ),
        row(
            "`tidings relay run` (a process), the same rows",
            binary_rate,
            "events/s",
        ),
        with_target(
            row("relay binary / library relay", ratio, "×"),
            "≈ 1× (within noise)",
            ratio >= 0.85,
        ),
    ])
}

async fn latency(pool: &PgPool, kafka: &TestKafka) -> Result<Vec<Row>, BenchError> {
    #[derive(
        Debug, Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema, tidings::Event,
    )]
    #[event(name = "bench.latency", topic = "bench.latency.v1", version = 1, key = key)]
    struct Ping {
        key: String,
    }
    let mut out = Vec::new();
    for (path, dispatch) in [
        ("relay path (NOTIFY)", false),
        ("immediate path (dispatcher)", true),
    ] {
        progress(&format!(
            "commit -> consumer latency at 1,000 events/s, {path}"
        ));
        let table = if dispatch {
            "bench_latency_dispatch"
        } else {
            "bench_latency_notify"
        };
        let outbox = Outbox::builder()
            .table(table)
            .build()
            .map_err(fail("outbox"))?;
        outbox.migrate(pool).await.map_err(fail("migrate"))?;
        let handle = Relay::builder(outbox.clone(), pool.clone(), kafka.bootstrap_servers())
            .preset(Environment::Testing)
            .configure(|c| c.idle_ceiling = Duration::from_secs(5))
            .build()
            .map_err(fail("relay"))?
            .spawn();
        let dispatcher = handle.dispatcher();
        let consumer: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", kafka.bootstrap_servers())
            .set("group.id", format!("bench-{}", Uuid::new_v4()))
            .set("auto.offset.reset", "latest")
            .set("fetch.wait.max.ms", "1")
            .create()
            .map_err(fail("consumer"))?;
        consumer
            .subscribe(&["bench.latency.v1"])
            .map_err(fail("subscribe"))?;
        let committed: Arc<Mutex<HashMap<Uuid, Instant>>> = Arc::default();
        let latencies: Arc<Mutex<Vec<Duration>>> = Arc::default();
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let reader = {
            let (committed, latencies, stop) = (committed.clone(), latencies.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    if let Some(Ok(message)) = consumer.poll(Duration::from_millis(1)) {
                        let received = Instant::now();
                        let Some(id) = message
                            .payload()
                            .and_then(|p| {
                                serde_json::from_slice::<EventEnvelope<serde_json::Value>>(p).ok()
                            })
                            .map(|e| e.event_id)
                        else {
                            continue;
                        };
                        if let Some(at) =
                            committed.lock().ok().and_then(|map| map.get(&id).copied())
                            && let Ok(mut l) = latencies.lock()
                        {
                            l.push(received - at);
                        }
                    }
                }
            })
        };
        // Wait until the consumer has its partitions: send probes until one arrives.
        tokio::time::sleep(Duration::from_secs(4)).await;
        let rate = Duration::from_millis(1);
        let start = Instant::now();
        for i in 0..5_000u32 {
            let target = start + rate * i;
            if let Some(wait) = target.checked_duration_since(Instant::now()) {
                tokio::time::sleep(wait).await;
            }
            let envelope = EventEnvelope::new(
                "bench",
                Ping {
                    key: format!("k-{}", i % 200),
                },
            );
            let mut tx = pool.begin().await.map_err(fail("begin"))?;
            let written = outbox
                .enqueue(&mut tx, &envelope)
                .await
                .map_err(fail("enqueue"))?;
            tx.commit().await.map_err(fail("commit"))?;
            if let Ok(mut map) = committed.lock() {
                map.insert(envelope.event_id, Instant::now());
            }
            if dispatch {
                dispatcher.dispatch(&[written]);
            }
        }
        let achieved = 5_000.0 / start.elapsed().as_secs_f64();
        tokio::time::sleep(Duration::from_secs(2)).await;
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        reader
            .join()
            .map_err(|_| BenchError("the latency reader panicked".into()))?;
        handle.shutdown().await.map_err(fail("relay shutdown"))?;
        let mut latencies = latencies.lock().map(|l| l.clone()).unwrap_or_default();
        latencies.sort();
        if latencies.len() < 4_500 {
            return Err(BenchError(format!(
                "only {} of 5,000 latency samples arrived",
                latencies.len()
            )));
        }
        let percentile =
            |p: f64| latencies[((latencies.len() as f64 - 1.0) * p) as usize].as_secs_f64() * 1e3;
        out.push(row(&format!("{path}: achieved rate"), achieved, "events/s"));
        out.push(row(
            &format!("{path}: p50 commit -> consumer"),
            percentile(0.5),
            "ms",
        ));
        let p99 = percentile(0.99);
        out.push(with_target(
            row(&format!("{path}: p99 commit -> consumer"), p99, "ms"),
            "≤ 25 ms",
            p99 <= 25.0,
        ));
    }
    Ok(out)
}

/// The report as a table.
pub fn render(report: &Report) -> String {
    let mut out = format!(
        "{:<62} {:>14} {:<9} {:<22} {}\n",
        "measurement", "value", "unit", "target", "met"
    );
    for r in &report.rows {
        let value = if r.value.is_nan() {
            "n/a".to_owned()
        } else if r.value >= 1000.0 {
            format!("{:.0}", r.value)
        } else {
            format!("{:.3}", r.value)
        };
        let met = match r.met {
            Some(true) => "yes",
            Some(false) => "NO",
            None => "",
        };
        out.push_str(&format!(
            "{:<62} {:>14} {:<9} {:<22} {met}\n",
            r.name,
            value,
            r.unit,
            r.target.clone().unwrap_or_default()
        ));
    }
    out
}
