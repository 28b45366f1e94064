//! `cargo xtask demo`: one realistic HuleEdu flow through outbox → relay → Kafka → idempotent
//! consumer, on a throwaway Postgres and an in-process Kafka unless told otherwise.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use huleedu_contracts::{
    ArtifactRef, AssessmentMetadata, AssessmentResultV1, BatchStatus, CJAssessmentCompletedV1,
    ClassCreatedV1, ConfidenceLabel, CourseCode, EmailSentV1, EntityStatus, EssayResultV1,
    EssayStatus, ProcessingEvent, ProcessingEventPayload, ProcessingStage, ProcessingStatus,
    ProcessingSummary, SpellcheckMetricsV1, SpellcheckPhaseCompletedV1, SpellcheckResultV1,
    SystemProcessingMetadata,
};
use sqlx::PgConnection;
use sqlx::postgres::PgPoolOptions;
use tidings::consumer::{EventConsumer, Handler, HandlerError, Inbox, Received};
use tidings::outbox::{Enqueued, Outbox};
use tidings::relay::{Environment, Relay, RelayStats};
use tidings::{EventEnvelope, Timestamp};
use tokio::sync::Notify;
use uuid::Uuid;

use crate::{TestKafka, TestPostgres};

/// Where the demo runs.
#[derive(Debug, Clone, Default)]
pub struct DemoOptions {
    /// An existing Postgres instead of a throwaway one.
    pub database_url: Option<String>,
    /// An existing Kafka instead of the in-process mock cluster (topics must exist).
    pub bootstrap_servers: Option<String>,
}

/// One consumed event, as the summary shows it.
#[derive(Debug, Clone)]
pub struct Observation {
    /// Catalogue member.
    pub member: &'static str,
    /// Topic.
    pub topic: String,
    /// Record key.
    pub key: String,
    /// Partition.
    pub partition: i32,
    /// Standard header names on the record.
    pub headers: Vec<&'static str>,
    /// From the producer's commit to the consumer's handler.
    pub latency: Duration,
}

/// What the demo did.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    /// Events written to the outbox.
    pub enqueued: usize,
    /// The relay's counts.
    pub relay: RelayStats,
    /// Every consumed event, in consumption order.
    pub consumed: Vec<Observation>,
    /// Redelivered events the inbox absorbed.
    pub duplicates: u64,
    /// Wall time.
    pub elapsed: Duration,
}

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// A step failed.
    #[error("{step}: {message}")]
    Step {
        /// The step.
        step: &'static str,
        /// Why.
        message: String,
    },
}

fn step<E: std::fmt::Display>(step: &'static str) -> impl FnOnce(E) -> DemoError {
    move |err| DemoError::Step {
        step,
        message: err.to_string(),
    }
}

/// Everything the flow publishes, in the order it commits.
fn flow(batch_id: &str, correlation: Uuid) -> Vec<Enqueue> {
    let job_id = "cj-job-4711".to_owned();
    let class_id = Uuid::new_v4().to_string();
    let essays: Vec<String> = (0..4).map(|_| Uuid::new_v4().to_string()).collect();
    let metadata = |entity_id: &str, entity_type: &str, event: &str| SystemProcessingMetadata {
        entity_id: entity_id.to_owned(),
        entity_type: entity_type.to_owned(),
        parent_id: Some(batch_id.to_owned()),
        timestamp: Timestamp::now(),
        processing_stage: Some(ProcessingStage::Completed),
        started_at: None,
        completed_at: Some(Timestamp::now()),
        event: Some(event.to_owned()),
        error_info: Default::default(),
    };
    let mut units: Vec<Enqueue> = vec![Box::new(move |outbox, conn| {
        Box::pin(async move {
            let class = ClassCreatedV1 {
                event: "class.created".into(),
                class_id,
                class_designation: "9A English".into(),
                course_codes: vec![CourseCode::Eng5],
                user_id: "teacher-17".into(),
                correlation_id: correlation,
                timestamp: Timestamp::now(),
            };
            Ok(vec![
                outbox
                    .enqueue(
                        conn,
                        &EventEnvelope::builder("class_management_service", class)
                            .correlation_id(correlation)
                            .build(),
                    )
                    .await?,
            ])
        })
    })];
    for (i, essay) in essays.iter().enumerate().take(3) {
        let thin = SpellcheckPhaseCompletedV1 {
            entity_id: essay.clone(),
            batch_id: batch_id.to_owned(),
            correlation_id: correlation.to_string(),
            status: ProcessingStatus::Completed,
            corrected_text_storage_id: Some(format!("corrected-{i}")),
            error_code: None,
            processing_duration_ms: 800 + 40 * i as i64,
            timestamp: Timestamp::now(),
        };
        let rich = SpellcheckResultV1 {
            event_name: ProcessingEvent::EssaySpellcheckCompleted,
            entity_id: Some(essay.clone()),
            entity_type: Some("essay".into()),
            parent_id: Some(batch_id.to_owned()),
            timestamp: Timestamp::now(),
            status: EntityStatus::Essay(EssayStatus::SpellcheckedSuccess),
            system_metadata: metadata(essay, "essay", "essay.spellcheck.completed"),
            batch_id: batch_id.to_owned(),
            correlation_id: correlation.to_string(),
            user_id: None,
            corrections_made: 7 + i as i64,
            correction_metrics: SpellcheckMetricsV1 {
                total_corrections: 7 + i as i64,
                l2_dictionary_corrections: 3,
                spellchecker_corrections: 4 + i as i64,
                word_count: 400 + 10 * i as i64,
                correction_density: 1.8,
            },
            original_text_storage_id: format!("original-{i}"),
            corrected_text_storage_id: Some(format!("corrected-{i}")),
            processing_duration_ms: 800 + 40 * i as i64,
            processor_version: "pyspellchecker_1.0_L2_swedish".into(),
        };
        units.push(Box::new(move |outbox, conn| {
            Box::pin(async move {
                let thin = EventEnvelope::builder("spellchecker_service", thin)
                    .correlation_id(correlation)
                    .build();
                let rich = EventEnvelope::builder("spellchecker_service", rich)
                    .correlation_id(correlation)
                    .build();
                let (a, b) = outbox.enqueue_dual(conn, &thin, &rich).await?;
                Ok(vec![a, b])
            })
        }));
    }
    let grades = [
        ("B", 0.8, 1.42, ConfidenceLabel::High),
        ("C", 0.6, 0.52, ConfidenceLabel::Mid),
        ("C+", 0.65, 0.61, ConfidenceLabel::Mid),
        ("D", 0.4, -0.3, ConfidenceLabel::Low),
    ];
    let essay_results: Vec<EssayResultV1> = essays
        .iter()
        .zip(grades)
        .enumerate()
        .map(|(rank, (essay, (grade, score, bt, label)))| EssayResultV1 {
            essay_id: essay.clone(),
            normalized_score: score,
            letter_grade: grade.into(),
            confidence_score: 0.7,
            confidence_label: label,
            bt_score: bt,
            rank: rank as i64 + 1,
            is_anchor: false,
            feedback_uri: ArtifactRef::content(&format!("feedback{rank}")).ok(),
            metrics_uri: None,
            display_name: None,
        })
        .collect();
    let result = AssessmentResultV1 {
        event_name: ProcessingEvent::AssessmentResultPublished,
        entity_id: Some(batch_id.to_owned()),
        entity_type: Some("batch".into()),
        parent_id: None,
        timestamp: Timestamp::now(),
        batch_id: batch_id.to_owned(),
        cj_assessment_job_id: job_id.clone(),
        assignment_id: Some("eng5-argumentative-2025-01".into()),
        assessment_method: "cj_assessment".into(),
        model_used: "claude-3-5-haiku".into(),
        model_provider: "anthropic".into(),
        model_version: None,
        essay_results,
        assessment_metadata: AssessmentMetadata {
            comparison_count: Some(24),
            calibration_method: Some("anchor".into()),
            ..Default::default()
        },
        assessed_at: Timestamp::now(),
    };
    let completed = CJAssessmentCompletedV1 {
        event_name: ProcessingEvent::CjAssessmentCompleted,
        entity_id: Some(batch_id.to_owned()),
        entity_type: Some("batch".into()),
        parent_id: None,
        timestamp: Timestamp::now(),
        status: EntityStatus::Batch(BatchStatus::CompletedSuccessfully),
        system_metadata: metadata(batch_id, "batch", "cj_assessment.completed"),
        cj_assessment_job_id: job_id,
        processing_summary: ProcessingSummary {
            total_essays: Some(4),
            successful: Some(4),
            failed: Some(0),
            ..Default::default()
        },
    };
    units.push(Box::new(move |outbox, conn| {
        Box::pin(async move {
            let thin = EventEnvelope::builder("cj_assessment_service", completed)
                .correlation_id(correlation)
                .build();
            let rich = EventEnvelope::builder("cj_assessment_service", result)
                .correlation_id(correlation)
                .build();
            let (a, b) = outbox.enqueue_dual(conn, &thin, &rich).await?;
            Ok(vec![a, b])
        })
    }));
    units.push(Box::new(move |outbox, conn| {
        Box::pin(async move {
            let sent = EmailSentV1 {
                message_id: Uuid::new_v4().to_string(),
                provider: "resend".into(),
                sent_at: Timestamp::now(),
                correlation_id: correlation.to_string(),
            };
            Ok(vec![
                outbox
                    .enqueue(
                        conn,
                        &EventEnvelope::builder("email_service", sent)
                            .correlation_id(correlation)
                            .build(),
                    )
                    .await?,
            ])
        })
    }));
    units
}

/// One business transaction: writes its events into the outbox.
type Enqueue = Box<
    dyn for<'a> FnOnce(
            &'a Outbox,
            &'a mut PgConnection,
        ) -> std::pin::Pin<
            Box<
                dyn std::future::Future<
                        Output = Result<Vec<Enqueued>, tidings::outbox::OutboxError>,
                    > + Send
                    + 'a,
            >,
        > + Send,
>;

/// The members the flow publishes.
pub const MEMBERS: [ProcessingEvent; 6] = [
    ProcessingEvent::ClassCreated,
    ProcessingEvent::SpellcheckPhaseCompleted,
    ProcessingEvent::SpellcheckResults,
    ProcessingEvent::CjAssessmentCompleted,
    ProcessingEvent::AssessmentResultPublished,
    ProcessingEvent::EmailSent,
];

struct Observe {
    committed: Arc<Mutex<HashMap<Uuid, Instant>>>,
    seen: Arc<Mutex<Vec<Observation>>>,
    expected: usize,
    done: Arc<Notify>,
}

impl Handler<ProcessingEventPayload> for Observe {
    async fn handle(
        &self,
        event: &Received<ProcessingEventPayload>,
        tx: &mut PgConnection,
    ) -> Result<(), HandlerError> {
        sqlx::query("INSERT INTO demo_projection (event_id, topic) VALUES ($1, $2)")
            .bind(event.envelope.event_id)
            .bind(&event.topic)
            .execute(&mut *tx)
            .await?;
        let committed = self
            .committed
            .lock()
            .map_err(|_| "poisoned")?
            .get(&event.envelope.event_id)
            .copied();
        let observation = Observation {
            member: event.envelope.data.member().member(),
            topic: event.topic.clone(),
            key: event.key.clone().unwrap_or_default(),
            partition: event.partition,
            headers: event
                .headers
                .as_ref()
                .map(|h| h.to_pairs().into_iter().map(|(name, _)| name).collect())
                .unwrap_or_default(),
            latency: committed.map(|at| at.elapsed()).unwrap_or_default(),
        };
        let mut seen = self.seen.lock().map_err(|_| "poisoned")?;
        seen.push(observation);
        if seen.len() >= self.expected {
            self.done.notify_one();
        }
        Ok(())
    }
}

fn progress(message: &str, started: Instant) {
    eprintln!("[{:>5.1}s] {message}", started.elapsed().as_secs_f64());
}

/// Creates the demo's topics and their dead-letter topics on a real cluster (brokers such as
/// tansu do not create topics on demand), or says which are missing and how to create them.
async fn apply_topics(servers: &str) -> Result<(), DemoError> {
    use tidings::topics::{self, Defaults};
    let mut config = rdkafka::ClientConfig::new();
    config.set("bootstrap.servers", servers);
    let desired: Vec<_> = topics::specs::<ProcessingEvent>(&Defaults {
        partitions: 3,
        replication_factor: 1,
        dead_letters: true,
    })
    .into_iter()
    .filter(|spec| {
        MEMBERS
            .iter()
            .any(|m| spec.name == m.topic() || spec.name == format!("{}.dlq", m.topic()))
    })
    .collect();
    let missing = |plan: &topics::TopicPlan| -> Vec<String> {
        plan.changes
            .iter()
            .filter_map(|c| match c {
                topics::TopicChange::Create(spec) => Some(spec.name.clone()),
                _ => None,
            })
            .collect()
    };
    let observed = topics::observe(&config, &desired)
        .await
        .map_err(step("reading the cluster's topics"))?;
    let plan = topics::plan(&desired, &observed);
    if let Err(err) = topics::apply(&config, &plan).await {
        return Err(DemoError::Step {
            step: "creating the topics",
            message: format!(
                "{err}; missing: {}; create them with `cargo xtask topics apply --bootstrap-servers {servers}`",
                missing(&plan).join(", ")
            ),
        });
    }
    Ok(())
}

/// Runs the flow and returns what happened.
pub async fn run(options: DemoOptions) -> Result<DemoSummary, DemoError> {
    let started = Instant::now();
    progress("starting Postgres", started);
    let url = match &options.database_url {
        Some(url) => url.clone(),
        None => TestPostgres::database().await.url,
    };
    let pool = PgPoolOptions::new()
        .max_connections(10)
        .connect(&url)
        .await
        .map_err(step("connecting to Postgres"))?;
    progress("starting Kafka", started);
    let mock;
    let bootstrap = match &options.bootstrap_servers {
        Some(servers) => {
            progress("applying the demo's topics", started);
            apply_topics(servers).await?;
            servers.clone()
        }
        None => {
            mock = TestKafka::start();
            for member in MEMBERS {
                mock.create_topic(member.topic(), 3).await;
            }
            mock.bootstrap_servers().to_owned()
        }
    };
    progress("migrating the outbox and inbox tables", started);
    let outbox = Outbox::builder()
        .table("demo_outbox")
        .build()
        .map_err(step("outbox"))?;
    outbox
        .migrate(&pool)
        .await
        .map_err(step("outbox migration"))?;
    let inbox = Inbox::new("public", "demo_inbox").map_err(step("inbox"))?;
    inbox
        .migrate(&pool)
        .await
        .map_err(step("inbox migration"))?;
    sqlx::query("CREATE TABLE IF NOT EXISTS demo_projection (event_id UUID PRIMARY KEY, topic TEXT NOT NULL)")
        .execute(&pool)
        .await
        .map_err(step("projection table"))?;

    progress("starting the relay and the consumer", started);
    let relay = Relay::builder(outbox.clone(), pool.clone(), &bootstrap)
        .preset(Environment::Testing)
        .build()
        .map_err(step("relay"))?
        .spawn();
    let consumer = EventConsumer::<ProcessingEventPayload>::builder(
        &bootstrap,
        format!("demo-{}", Uuid::new_v4()),
        pool.clone(),
    )
    .events(&MEMBERS)
    .inbox(inbox)
    .build()
    .map_err(step("consumer"))?;

    let batch_id = Uuid::new_v4().to_string();
    let correlation = Uuid::new_v4();
    let units = flow(&batch_id, correlation);
    let committed = Arc::new(Mutex::new(HashMap::new()));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let done = Arc::new(Notify::new());
    let expected = 10;
    let observe = Observe {
        committed: committed.clone(),
        seen: seen.clone(),
        expected,
        done: done.clone(),
    };

    let consumer = &consumer;
    let producing = {
        let (pool, outbox, committed) = (pool.clone(), outbox.clone(), committed.clone());
        async move {
            progress(
                "waiting for the consumer group to assign partitions",
                started,
            );
            let deadline = Instant::now() + Duration::from_secs(30);
            while !consumer.is_assigned() && Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            let mut enqueued = 0;
            for write in units {
                let mut tx = pool.begin().await.map_err(step("begin"))?;
                let written = write(&outbox, &mut tx).await.map_err(step("enqueue"))?;
                tx.commit().await.map_err(step("commit"))?;
                let now = Instant::now();
                if let Ok(mut map) = committed.lock() {
                    for row in &written {
                        map.insert(row.event_id, now);
                    }
                }
                enqueued += written.len();
                progress(
                    &format!("committed {} event(s) in one transaction", written.len()),
                    started,
                );
                tokio::time::sleep(Duration::from_millis(150)).await;
            }
            Ok::<usize, DemoError>(enqueued)
        }
    };
    let consuming = consumer.run(&observe, async move {
        let _ = tokio::time::timeout(Duration::from_secs(45), done.notified()).await;
    });
    let (enqueued, stats) = tokio::join!(producing, consuming);
    let enqueued = enqueued?;
    let stats = stats.map_err(step("consumer"))?;
    let relay = relay.shutdown().await.map_err(step("relay shutdown"))?;
    let consumed = seen.lock().map(|seen| seen.clone()).unwrap_or_default();
    if consumed.len() < enqueued {
        return Err(DemoError::Step {
            step: "consuming",
            message: format!(
                "only {} of {enqueued} events arrived within 45 s",
                consumed.len()
            ),
        });
    }
    progress("done", started);
    Ok(DemoSummary {
        enqueued,
        relay,
        consumed,
        duplicates: stats.duplicates,
        elapsed: started.elapsed(),
    })
}

/// The summary as text.
pub fn render(summary: &DemoSummary, generated_dir: &str) -> String {
    let mut out = String::new();
    out.push_str("\nevent                               topic                                         key                                   part  latency\n");
    for o in &summary.consumed {
        out.push_str(&format!(
            "{:<35} {:<45} {:<37} {:>4}  {:>6.1} ms\n",
            o.member,
            o.topic,
            o.key,
            o.partition,
            o.latency.as_secs_f64() * 1000.0
        ));
    }
    if let Some(first) = summary.consumed.first() {
        out.push_str(&format!(
            "\nheaders on every record: {}\n",
            first.headers.join(", ")
        ));
    }
    let mut latencies: Vec<Duration> = summary.consumed.iter().map(|o| o.latency).collect();
    latencies.sort();
    let median = latencies
        .get(latencies.len() / 2)
        .copied()
        .unwrap_or_default();
    let max = latencies.last().copied().unwrap_or_default();
    out.push_str(&format!(
        "\n{} events enqueued, {} published by the relay, {} consumed exactly once ({} duplicates absorbed)\n\
         commit -> consumer latency: median {:.1} ms, max {:.1} ms; total {:.1} s\n\
         schemas of these events: {generated_dir}/schemas/json/<topic>.json and {generated_dir}/schemas/avro/<topic>.avsc\n",
        summary.enqueued,
        summary.relay.published,
        summary.consumed.len(),
        summary.duplicates,
        median.as_secs_f64() * 1000.0,
        max.as_secs_f64() * 1000.0,
        summary.elapsed.as_secs_f64(),
    ));
    out
}
