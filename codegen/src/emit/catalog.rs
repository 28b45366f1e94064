//! `catalog.json`, the machine-readable registry, and `CATALOG.md`, the member → topic → key table.

use serde_json::{Value, json};

use crate::emit::{header, json_file};
use crate::model::CatalogModel;
use crate::sync::GeneratedFile;

pub fn emit(model: &CatalogModel) -> Vec<GeneratedFile> {
    vec![catalog_json(model), catalog_markdown(model)]
}

fn catalog_json(model: &CatalogModel) -> GeneratedFile {
    let events: Vec<Value> = model
        .events
        .iter()
        .map(|e| {
            json!({
                "member": e.member,
                "name": e.name,
                "topic": e.topic,
                "version": e.version,
                "payload": e.type_name,
                "key": e.key,
                "compatibility": e.compatibility,
                "topic_config": {
                    "cleanup_policy": e.topic_config.cleanup_policy,
                    "retention_ms": e.topic_config.retention_ms,
                },
                "rich_counterpart": e.rich_counterpart,
                "json_schema": super::json_schema::path(&e.topic),
                "avro_schema": super::avro::path(&e.topic),
                "source": e.source,
            })
        })
        .collect();
    json_file(
        model,
        "catalog.json".into(),
        &model.catalogue,
        &json!({ "catalogue": model.catalogue, "events": events }),
    )
}

fn catalog_markdown(model: &CatalogModel) -> GeneratedFile {
    let mut out = format!(
        "<!-- {} -->\n\n# {}\n\n",
        header(model, &model.catalogue),
        model.catalogue
    );
    out.push_str(&format!("{} events.\n\n", model.events.len()));
    out.push_str("| member | topic | key | payload | compatibility |\n|---|---|---|---|---|\n");
    for e in &model.events {
        out.push_str(&format!(
            "| `{}` | `{}` | `{}` | `{}` | {} |\n",
            e.member, e.topic, e.key, e.type_name, e.compatibility
        ));
    }
    GeneratedFile {
        path: "CATALOG.md".into(),
        contents: out,
    }
}
