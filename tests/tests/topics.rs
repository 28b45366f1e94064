//! Topics as code against a broker: on an empty cluster `plan` lists every topic of the
//! catalogue and its dead-letter topic, `apply` creates them, and a second `plan` is empty.

use huleedu_contracts::ProcessingEvent;
use rdkafka::ClientConfig;
use tidings::topics::{self, Defaults, TopicChange};
use tidings_tests::{Broker, TestKafka};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_lists_every_topic_apply_creates_them_and_a_second_plan_is_empty() {
    let kafka = TestKafka::start();
    if kafka.broker() == Broker::Mock {
        println!(
            "SKIPPED topics plan/apply on mock: librdkafka's mock cluster does not answer CreateTopics (the request times out); runs on tansu (TIDINGS_TEST_BROKER=tansu) and on a real cluster"
        );
        return;
    }
    let mut config = ClientConfig::new();
    config.set("bootstrap.servers", kafka.bootstrap_servers());
    let desired = topics::specs::<ProcessingEvent>(&Defaults {
        partitions: 3,
        replication_factor: 1,
        dead_letters: true,
    });
    assert_eq!(desired.len(), 2 * ProcessingEvent::ALL.len());

    let first = topics::plan(&desired, &topics::observe(&config, &desired).await.unwrap());
    let created: Vec<&str> = first
        .changes
        .iter()
        .map(|change| match change {
            TopicChange::Create(spec) => spec.name.as_str(),
            other => panic!("an empty cluster needs only creations: {other:?}"),
        })
        .collect();
    assert_eq!(created.len(), desired.len(), "{}", first.to_text());

    let made = topics::apply(&config, &first).await.unwrap();
    assert_eq!(made, desired.len());
    let observed = topics::observe(&config, &desired).await.unwrap();
    assert_eq!(observed.len(), desired.len());
    assert!(
        observed
            .iter()
            .all(|t| t.partitions == if t.name.ends_with(".dlq") { 1 } else { 3 })
    );
    let second = topics::plan(&desired, &observed);
    assert!(second.is_empty(), "{}", second.to_text());
    assert_eq!(second.unchanged, desired.len());
    println!(
        "{}: {} topics created; second plan empty",
        kafka.broker().name(),
        made
    );
}
