use crate::prelude::*;

/// Result of the AI editor's revision of one essay.
///
/// Designed in tidings: HuleEdu's enum has the member `ESSAY_EDITOR_REVISION_COMPLETED` but no
/// payload class, producer or topic. The shape follows the other per-essay processing results
/// (`ProcessingUpdate` fields plus the outcome), with the revised text stored in the content
/// service under `ai_editor_revision_text`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "essay.editor_revision.completed",
    topic = "huleedu.essay.editor_revision.completed.v1",
    version = 1,
    key = essay_id
)]
pub struct EditorRevisionCompletedV1 {
    /// Which catalogue event this payload is.
    #[serde(default = "default_event_name_editor_revision_completed_v1")]
    pub event_name: ProcessingEvent,
    /// The essay.
    pub entity_id: Option<String>,
    /// Kind of entity (`essay`).
    pub entity_type: Option<String>,
    /// The essay's batch.
    pub parent_id: Option<String>,
    /// When the event was created.
    #[serde(default = "Timestamp::now")]
    pub timestamp: Timestamp,
    /// `editor_revision_success` or `editor_revision_failed`.
    pub status: EntityStatus,
    /// Operational context of this event's creation.
    pub system_metadata: SystemProcessingMetadata,
    /// The revised essay; the partition key.
    pub essay_id: String,
    /// Where the revised text is stored, on success.
    pub revised_text_ref: Option<StorageReferenceMetadata>,
    /// Number of edits applied.
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub revisions_applied: i64,
}

fn default_event_name_editor_revision_completed_v1() -> ProcessingEvent {
    ProcessingEvent::EssayEditorRevisionCompleted
}
