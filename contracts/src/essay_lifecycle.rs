use crate::prelude::*;

/// Batch-level request for Phase 1 student matching.
///
/// Publisher: Essay Lifecycle Service (ELS)
/// Consumer: NLP Service
/// Topic: batch.student.matching.requested
/// Handler: NLP - StudentMatchingHandler.handle_batch_student_matching()
///
/// Flow (REGULAR batches only):
/// 1. ELS receives BatchServiceStudentMatchingInitiateCommandDataV1 from BOS
/// 2. ELS updates batch state to awaiting_student_associations
/// 3. ELS publishes this event to NLP Service
/// 4. NLP processes all essays in parallel for student name extraction
/// 5. NLP publishes BatchAuthorMatchesSuggestedV1 to Class Management
///
/// Note: This is a Phase 1 event - occurs BEFORE batch readiness for REGULAR batches only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "batch.student.matching.requested",
    topic = "huleedu.batch.student.matching.requested.v1",
    version = 1,
    key = batch_id,
)]
pub struct BatchStudentMatchingRequestedV1 {
    #[serde(default = "default_event_name_batch_student_matching_requested_v1")]
    pub event_name: ProcessingEvent,
    /// Business entity ID this event relates to (essay_id, batch_id, user_id). For correlation and tracing across service boundaries.
    pub entity_id: Option<String>,
    /// Type of business entity (essay, batch, user). Clarifies entity_id context when multiple entity types share ID space.
    pub entity_type: Option<String>,
    /// Parent entity ID for hierarchical relationships (batch_id for essay events). Enables workflow correlation across parent-child boundaries.
    pub parent_id: Option<String>,
    /// Event creation timestamp in UTC. Auto-generated at event construction.
    #[serde(default = "Timestamp::now")]
    pub timestamp: Timestamp,
    /// Batch identifier
    pub batch_id: String,
    /// All essays in batch requiring student matching
    pub essays_to_process: Vec<EssayProcessingInputRefV1>,
    /// Class ID for roster lookup
    pub class_id: String,
    /// Course code for the batch
    pub course_code: CourseCode,
}

/// Event published by ELS when content is assigned to an essay slot.
///
/// This event provides the critical mapping between file_upload_id (from File Service)
/// and essay_id (from BOS pre-generated slots), enabling client-side traceability
/// of individual file uploads through the entire processing pipeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "essay.slot.assigned",
    topic = "huleedu.els.essay.slot.assigned.v1",
    version = 1,
    key = essay_id,
)]
pub struct EssaySlotAssignedV1 {
    /// Event type identifier
    #[serde(default = "default_essay_slot_assigned_v1_event")]
    pub event: String,
    /// Batch identifier
    pub batch_id: String,
    /// Assigned essay ID from pre-generated slots
    pub essay_id: String,
    /// Original upload tracking identifier
    pub file_upload_id: String,
    /// Storage ID of assigned content
    pub text_storage_id: String,
    /// Original filename for result display
    pub original_file_name: String,
    /// Request correlation ID
    #[serde(default = "Uuid::new_v4")]
    pub correlation_id: Uuid,
    #[serde(default = "Timestamp::now")]
    pub timestamp: Timestamp,
}

fn default_event_name_batch_student_matching_requested_v1() -> ProcessingEvent {
    ProcessingEvent::BatchStudentMatchingRequested
}

fn default_essay_slot_assigned_v1_event() -> String {
    "essay.slot.assigned".to_owned()
}
