//! Topics as code (feature `kafka`): the topics a catalogue needs, compared with a cluster, and
//! made so.
//!
//! ```ignore
//! let desired = topics::specs::<ProcessingEvent>(&Defaults { partitions: 3, replication_factor: 1, dead_letters: true });
//! let plan = topics::plan(&desired, &topics::observe(&admin_config, &desired).await?);
//! print!("{}", plan.to_text());
//! topics::apply(&admin_config, &plan).await?;
//! ```
//!
//! [`plan`] is pure: desired topics and what the cluster reports in, changes out, in the style of
//! `terraform plan`. It never deletes a topic, and refuses what Kafka cannot do in place
//! (fewer partitions, another replication factor). A config the broker does not report is not
//! counted as a change: some brokers accept topic configs without keeping them.
//!
//! Configs are changed with the AlterConfigs request (rdkafka does not expose
//! IncrementalAlterConfigs), which replaces a topic's whole set of dynamic configs; [`apply`]
//! therefore sends the topic's current dynamic configs together with the changed ones, so nothing
//! else is reset.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use rdkafka::ClientConfig;
use rdkafka::admin::{
    AdminClient, AdminOptions, AlterConfig, ConfigSource, NewPartitions, NewTopic,
    ResourceSpecifier, TopicReplication,
};
use rdkafka::client::DefaultClientContext;
use rdkafka::error::KafkaError;
use rdkafka::types::RDKafkaErrorCode;

use crate::registry::Catalogue;

/// A topic as the catalogue wants it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicSpec {
    /// Topic name.
    pub name: String,
    /// Partition count.
    pub partitions: i32,
    /// Replicas per partition.
    pub replication_factor: i32,
    /// Topic configs to set (`cleanup.policy`, `retention.ms`, …).
    pub configs: BTreeMap<String, String>,
}

/// A topic as the cluster reports it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ObservedTopic {
    /// Topic name.
    pub name: String,
    /// Partition count.
    pub partitions: i32,
    /// Replicas of the first partition.
    pub replication_factor: i32,
    /// Every config the broker reported, with its value.
    pub configs: BTreeMap<String, String>,
    /// The configs set on the topic itself (not inherited defaults): what AlterConfigs must
    /// repeat to keep them.
    pub dynamic_configs: BTreeMap<String, String>,
}

/// Partition count and replication factor for the catalogue's topics (they are deployment
/// choices, not part of a contract), and whether the consumers' dead-letter topics are included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Defaults {
    /// Partitions of every topic.
    pub partitions: i32,
    /// Replication factor of every topic.
    pub replication_factor: i32,
    /// Also `<topic>.dlq` for every topic (the consumer's default dead-letter topics), with one
    /// partition.
    pub dead_letters: bool,
}

/// One change a plan makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopicChange {
    /// The topic does not exist: create it.
    Create(TopicSpec),
    /// Configs differ: `(name, current value if reported, wanted value)`.
    AlterConfigs {
        /// Topic name.
        topic: String,
        /// The changed configs.
        changes: Vec<(String, Option<String>, String)>,
        /// The topic's other dynamic configs, sent along so AlterConfigs keeps them.
        keep: BTreeMap<String, String>,
    },
    /// More partitions wanted: CreatePartitions. Keys move to other partitions for new records.
    IncreasePartitions {
        /// Topic name.
        topic: String,
        /// Current count.
        from: i32,
        /// Wanted count.
        to: i32,
    },
    /// What Kafka cannot do in place; left as it is.
    Refused {
        /// Topic name.
        topic: String,
        /// Why, and what to do instead.
        reason: String,
    },
}

/// What [`apply`] would change.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TopicPlan {
    /// Changes, in topic order.
    pub changes: Vec<TopicChange>,
    /// Topics already as wanted.
    pub unchanged: usize,
}

/// Why topics could not be read or changed.
#[derive(Debug, thiserror::Error)]
pub enum TopicsError {
    /// The admin client could not be created.
    #[error("cannot create the Kafka admin client: {0}; check bootstrap.servers and the settings")]
    Client(#[source] KafkaError),
    /// A request failed as a whole (the cluster unreachable, say).
    #[error("{request} failed: {source}")]
    Request {
        /// CreateTopics, DescribeConfigs, …
        request: &'static str,
        /// The client's error.
        #[source]
        source: KafkaError,
    },
    /// The cluster refused a change to one topic.
    #[error("{request} for topic `{topic}` was refused: {code}")]
    Refused {
        /// CreateTopics, AlterConfigs, CreatePartitions.
        request: &'static str,
        /// Topic name.
        topic: String,
        /// Kafka's error code.
        code: RDKafkaErrorCode,
    },
}

/// The topics of catalogue `C`: one per member (with its declared partitions, replication factor,
/// `cleanup.policy` and `retention.ms`; `defaults` where it declares none), plus `<topic>.dlq`
/// when `defaults.dead_letters`, sorted by name.
pub fn specs<C: Catalogue>(defaults: &Defaults) -> Vec<TopicSpec> {
    let mut specs: BTreeMap<String, TopicSpec> = BTreeMap::new();
    for member in C::ALL {
        let descriptor = member.descriptor();
        let mut configs = BTreeMap::new();
        if let Some(policy) = descriptor.topic_config.cleanup_policy {
            configs.insert("cleanup.policy".to_owned(), policy.as_str().to_owned());
        }
        if let Some(retention) = descriptor.topic_config.retention_ms {
            configs.insert("retention.ms".to_owned(), retention.to_string());
        }
        let declared = |n: Option<u32>, default: i32| n.map_or(default, |n| n as i32);
        let replication_factor = declared(
            descriptor.topic_config.replication_factor,
            defaults.replication_factor,
        );
        specs.insert(
            descriptor.topic.to_owned(),
            TopicSpec {
                name: descriptor.topic.to_owned(),
                partitions: declared(descriptor.topic_config.partitions, defaults.partitions),
                replication_factor,
                configs,
            },
        );
        if defaults.dead_letters {
            let name = format!("{}.dlq", descriptor.topic);
            specs.insert(
                name.clone(),
                TopicSpec {
                    name,
                    partitions: 1,
                    replication_factor,
                    configs: BTreeMap::new(),
                },
            );
        }
    }
    specs.into_values().collect()
}

/// The changes that make the cluster (`observed`) hold the `desired` topics. Pure.
pub fn plan(desired: &[TopicSpec], observed: &[ObservedTopic]) -> TopicPlan {
    let mut plan = TopicPlan::default();
    for want in desired {
        let Some(have) = observed.iter().find(|t| t.name == want.name) else {
            plan.changes.push(TopicChange::Create(want.clone()));
            continue;
        };
        let before = plan.changes.len();
        if have.replication_factor != want.replication_factor && have.replication_factor > 0 {
            plan.changes.push(TopicChange::Refused {
                topic: want.name.clone(),
                reason: format!(
                    "replication factor is {}, wanted {}: Kafka changes it only by reassigning partitions (kafka-reassign-partitions); left as it is",
                    have.replication_factor, want.replication_factor
                ),
            });
        }
        if have.partitions > want.partitions {
            plan.changes.push(TopicChange::Refused {
                topic: want.name.clone(),
                reason: format!(
                    "has {} partitions, wanted {}: Kafka cannot remove partitions; keep {} or create a new topic",
                    have.partitions, want.partitions, have.partitions
                ),
            });
        } else if have.partitions < want.partitions {
            plan.changes.push(TopicChange::IncreasePartitions {
                topic: want.name.clone(),
                from: have.partitions,
                to: want.partitions,
            });
        }
        let changes: Vec<(String, Option<String>, String)> = want
            .configs
            .iter()
            // A config the broker does not report cannot be compared; brokers that accept
            // configs without keeping them would otherwise never converge.
            .filter_map(|(key, value)| match have.configs.get(key) {
                Some(current) if current != value => {
                    Some((key.clone(), Some(current.clone()), value.clone()))
                }
                _ => None,
            })
            .collect();
        if !changes.is_empty() {
            let keep = have
                .dynamic_configs
                .iter()
                .filter(|(key, _)| !want.configs.contains_key(*key))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            plan.changes.push(TopicChange::AlterConfigs {
                topic: want.name.clone(),
                changes,
                keep,
            });
        }
        if plan.changes.len() == before {
            plan.unchanged += 1;
        }
    }
    plan
}

impl TopicPlan {
    /// Whether nothing is left to do (refusals count: they need a person).
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The plan in the style of `terraform plan`: `+` create, `~` change, `!` refused.
    pub fn to_text(&self) -> String {
        let mut text = String::new();
        for change in &self.changes {
            match change {
                TopicChange::Create(spec) => {
                    let _ = writeln!(
                        text,
                        "+ {} (partitions {}, replication factor {})",
                        spec.name, spec.partitions, spec.replication_factor
                    );
                    for (key, value) in &spec.configs {
                        let _ = writeln!(text, "    + {key} = {value}");
                    }
                }
                TopicChange::AlterConfigs { topic, changes, .. } => {
                    let _ = writeln!(text, "~ {topic}");
                    for (key, from, to) in changes {
                        let _ = writeln!(
                            text,
                            "    ~ {key}: {} → {to}",
                            from.as_deref().unwrap_or("(unset)")
                        );
                    }
                }
                TopicChange::IncreasePartitions { topic, from, to } => {
                    let _ = writeln!(text, "~ {topic}\n    ~ partitions: {from} → {to}");
                }
                TopicChange::Refused { topic, reason } => {
                    let _ = writeln!(text, "! {topic}: {reason}");
                }
            }
        }
        let count = |f: fn(&TopicChange) -> bool| self.changes.iter().filter(|c| f(c)).count();
        let _ = writeln!(
            text,
            "Plan: {} to create, {} to change, {} refused, {} unchanged.",
            count(|c| matches!(c, TopicChange::Create(_))),
            count(|c| matches!(
                c,
                TopicChange::AlterConfigs { .. } | TopicChange::IncreasePartitions { .. }
            )),
            count(|c| matches!(c, TopicChange::Refused { .. })),
            self.unchanged
        );
        text
    }

    /// The plan as JSON: `{"changes": [{"action": "create" | "alter_configs" |
    /// "increase_partitions" | "refused", "topic": …, …}], "unchanged": n}`.
    pub fn to_json(&self) -> serde_json::Value {
        let changes: Vec<serde_json::Value> = self
            .changes
            .iter()
            .map(|change| match change {
                TopicChange::Create(spec) => serde_json::json!({
                    "action": "create", "topic": spec.name, "partitions": spec.partitions,
                    "replication_factor": spec.replication_factor, "configs": spec.configs,
                }),
                TopicChange::AlterConfigs { topic, changes, .. } => serde_json::json!({
                    "action": "alter_configs", "topic": topic,
                    "configs": changes.iter().map(|(k, from, to)| serde_json::json!({"name": k, "from": from, "to": to})).collect::<Vec<_>>(),
                }),
                TopicChange::IncreasePartitions { topic, from, to } => serde_json::json!({
                    "action": "increase_partitions", "topic": topic, "from": from, "to": to,
                }),
                TopicChange::Refused { topic, reason } => serde_json::json!({
                    "action": "refused", "topic": topic, "reason": reason,
                }),
            })
            .collect();
        serde_json::json!({ "changes": changes, "unchanged": self.unchanged })
    }
}

const TIMEOUT: Duration = Duration::from_secs(30);

fn admin(config: &ClientConfig) -> Result<AdminClient<DefaultClientContext>, TopicsError> {
    config.create().map_err(TopicsError::Client)
}

/// What the cluster has of the `desired` topics: partitions and replication factor from the
/// metadata, configs from DescribeConfigs (a broker that does not answer it reports none).
pub async fn observe(
    config: &ClientConfig,
    desired: &[TopicSpec],
) -> Result<Vec<ObservedTopic>, TopicsError> {
    let admin = admin(config)?;
    let metadata = admin
        .inner()
        .fetch_metadata(None, TIMEOUT)
        .map_err(|source| TopicsError::Request {
            request: "Metadata",
            source,
        })?;
    let mut observed: Vec<ObservedTopic> = metadata
        .topics()
        .iter()
        .filter(|t| t.error().is_none() && desired.iter().any(|d| d.name == t.name()))
        .map(|t| ObservedTopic {
            name: t.name().to_owned(),
            partitions: t.partitions().len() as i32,
            replication_factor: t
                .partitions()
                .first()
                .map(|p| p.replicas().len() as i32)
                .unwrap_or(0),
            ..ObservedTopic::default()
        })
        .collect();
    if observed.is_empty() {
        return Ok(observed);
    }
    let resources: Vec<ResourceSpecifier<'_>> = observed
        .iter()
        .map(|t| ResourceSpecifier::Topic(t.name.as_str()))
        .collect();
    let described = admin
        .describe_configs(
            &resources,
            &AdminOptions::new().request_timeout(Some(TIMEOUT)),
        )
        .await;
    let Ok(described) = described else {
        // Brokers without DescribeConfigs: configs are unknown, and the plan leaves them alone.
        return Ok(observed);
    };
    for resource in described.into_iter().flatten() {
        let rdkafka::admin::OwnedResourceSpecifier::Topic(name) = &resource.specifier else {
            continue;
        };
        let Some(topic) = observed.iter_mut().find(|t| t.name == *name) else {
            continue;
        };
        for entry in resource.entries {
            if let Some(value) = entry.value {
                if matches!(entry.source, ConfigSource::DynamicTopic) && !entry.is_sensitive {
                    topic
                        .dynamic_configs
                        .insert(entry.name.clone(), value.clone());
                }
                topic.configs.insert(entry.name, value);
            }
        }
    }
    Ok(observed)
}

/// Makes the plan's changes: CreateTopics, AlterConfigs, CreatePartitions. Refusals are left.
/// Returns how many changes were made.
pub async fn apply(config: &ClientConfig, plan: &TopicPlan) -> Result<usize, TopicsError> {
    let admin = admin(config)?;
    let options = AdminOptions::new()
        .request_timeout(Some(TIMEOUT))
        .operation_timeout(Some(TIMEOUT));
    let mut made = 0;
    let creates: Vec<(NewTopic<'_>, &TopicSpec)> = plan
        .changes
        .iter()
        .filter_map(|change| match change {
            TopicChange::Create(spec) => {
                let mut topic = NewTopic::new(
                    &spec.name,
                    spec.partitions,
                    TopicReplication::Fixed(spec.replication_factor),
                );
                for (key, value) in &spec.configs {
                    topic = topic.set(key, value);
                }
                Some((topic, spec))
            }
            _ => None,
        })
        .collect();
    if !creates.is_empty() {
        let topics: Vec<&NewTopic<'_>> = creates.iter().map(|(topic, _)| topic).collect();
        let results = admin
            .create_topics(topics, &options)
            .await
            .map_err(|source| TopicsError::Request {
                request: "CreateTopics",
                source,
            })?;
        for result in results {
            match result {
                Ok(_) => made += 1,
                Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
                Err((topic, code)) => {
                    return Err(TopicsError::Refused {
                        request: "CreateTopics",
                        topic,
                        code,
                    });
                }
            }
        }
    }
    for change in &plan.changes {
        match change {
            TopicChange::AlterConfigs {
                topic,
                changes,
                keep,
            } => {
                let mut entries: std::collections::HashMap<&str, &str> =
                    keep.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                for (key, _, value) in changes {
                    entries.insert(key.as_str(), value.as_str());
                }
                let request = AlterConfig {
                    specifier: ResourceSpecifier::Topic(topic),
                    entries,
                };
                let results =
                    admin
                        .alter_configs([&request], &options)
                        .await
                        .map_err(|source| TopicsError::Request {
                            request: "AlterConfigs",
                            source,
                        })?;
                for result in results {
                    result.map_err(|(_, code)| TopicsError::Refused {
                        request: "AlterConfigs",
                        topic: topic.clone(),
                        code,
                    })?;
                }
                made += 1;
            }
            TopicChange::IncreasePartitions { topic, to, .. } => {
                let partitions = NewPartitions::new(topic, *to as usize);
                let results = admin
                    .create_partitions([&partitions], &options)
                    .await
                    .map_err(|source| TopicsError::Request {
                        request: "CreatePartitions",
                        source,
                    })?;
                for result in results {
                    result.map_err(|(topic, code)| TopicsError::Refused {
                        request: "CreatePartitions",
                        topic,
                        code,
                    })?;
                }
                made += 1;
            }
            TopicChange::Create(_) | TopicChange::Refused { .. } => {}
        }
    }
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &str, partitions: i32, configs: &[(&str, &str)]) -> TopicSpec {
        TopicSpec {
            name: name.into(),
            partitions,
            replication_factor: 1,
            configs: configs
                .iter()
                .map(|(k, v)| ((*k).into(), (*v).into()))
                .collect(),
        }
    }

    fn seen(name: &str, partitions: i32, rf: i32, configs: &[(&str, &str)]) -> ObservedTopic {
        let configs: BTreeMap<String, String> = configs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        ObservedTopic {
            name: name.into(),
            partitions,
            replication_factor: rf,
            dynamic_configs: configs.clone(),
            configs,
        }
    }

    #[test]
    fn an_empty_cluster_gets_every_topic_created() {
        let desired = [
            spec("a.v1", 3, &[("cleanup.policy", "compact")]),
            spec("b.v1", 6, &[]),
        ];
        let plan = plan(&desired, &[]);
        assert_eq!(
            plan.changes,
            vec![
                TopicChange::Create(desired[0].clone()),
                TopicChange::Create(desired[1].clone())
            ]
        );
        let text = plan.to_text();
        assert!(
            text.contains(
                "+ a.v1 (partitions 3, replication factor 1)\n    + cleanup.policy = compact\n"
            ),
            "{text}"
        );
        assert!(
            text.ends_with("Plan: 2 to create, 0 to change, 0 refused, 0 unchanged.\n"),
            "{text}"
        );
    }

    #[test]
    fn a_cluster_as_wanted_needs_nothing() {
        let desired = [spec("a.v1", 3, &[("retention.ms", "1000")])];
        let plan = plan(&desired, &[seen("a.v1", 3, 1, &[("retention.ms", "1000")])]);
        assert!(plan.is_empty());
        assert_eq!(plan.unchanged, 1);
    }

    #[test]
    fn configs_and_partitions_change_in_place_and_other_dynamic_configs_are_kept() {
        let desired = [spec("a.v1", 6, &[("retention.ms", "1000")])];
        let observed = seen(
            "a.v1",
            3,
            1,
            &[("retention.ms", "5"), ("min.insync.replicas", "2")],
        );
        let plan = plan(&desired, &[observed]);
        assert_eq!(
            plan.changes,
            vec![
                TopicChange::IncreasePartitions {
                    topic: "a.v1".into(),
                    from: 3,
                    to: 6
                },
                TopicChange::AlterConfigs {
                    topic: "a.v1".into(),
                    changes: vec![("retention.ms".into(), Some("5".into()), "1000".into())],
                    keep: [("min.insync.replicas".to_owned(), "2".to_owned())].into(),
                },
            ]
        );
        assert_eq!(
            plan.to_json()["changes"][0]["action"],
            "increase_partitions"
        );
    }

    #[test]
    fn fewer_partitions_and_another_replication_factor_are_refused_with_the_reason() {
        let desired = [spec("a.v1", 3, &[])];
        let plan = plan(&desired, &[seen("a.v1", 6, 3, &[])]);
        let reasons: Vec<&str> = plan
            .changes
            .iter()
            .map(|c| match c {
                TopicChange::Refused { reason, .. } => reason.as_str(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert!(reasons[0].starts_with("replication factor is 3, wanted 1"));
        assert!(reasons[1].contains("Kafka cannot remove partitions"));
        assert!(!plan.is_empty());
    }

    #[test]
    fn a_config_the_broker_does_not_report_is_not_a_change() {
        let desired = [spec("a.v1", 3, &[("cleanup.policy", "compact")])];
        let plan = plan(&desired, &[seen("a.v1", 3, 1, &[])]);
        assert!(plan.is_empty(), "{:?}", plan.changes);
    }
}
