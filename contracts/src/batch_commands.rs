use crate::prelude::*;

/// Command data for AI feedback with personalization context from Class Management Service.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "batch.ai_feedback.initiate.command",
    topic = "huleedu.batch.ai_feedback.initiate.command.v1",
    version = 1,
    key = entity_id, key_fallback = "unassigned-batch",
)]
pub struct BatchServiceAIFeedbackInitiateCommandDataV1 {
    /// Specific event name from ProcessingEvent enum. Pydantic coerces from string during deserialization.
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
    pub essays_to_process: Vec<EssayProcessingInputRefV1>,
    pub language: String,
    pub course_code: CourseCode,
    pub student_prompt_ref: Option<StorageReferenceMetadata>,
    pub class_type: String,
    /// User ID of batch owner (teacher). Names are resolved by AI Feedback via Identity; not transmitted on Kafka.
    pub owner_user_id: String,
}

/// Command data for CJ assessment with educational context from Class Management Service.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "batch.cj_assessment.initiate.command",
    topic = "huleedu.batch.cj_assessment.initiate.command.v1",
    version = 1,
    key = entity_id, key_fallback = "unassigned-batch",
)]
pub struct BatchServiceCJAssessmentInitiateCommandDataV1 {
    /// Specific event name from ProcessingEvent enum. Pydantic coerces from string during deserialization.
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
    pub essays_to_process: Vec<EssayProcessingInputRefV1>,
    pub language: String,
    pub course_code: CourseCode,
    pub student_prompt_ref: Option<StorageReferenceMetadata>,
    pub class_type: String,
    /// Optional assignment identifier for CJ-grade calibration
    #[schemars(length(max = 100))]
    pub assignment_id: Option<String>,
}

/// (Deprecated) Command data for BOS to initiate NLP phase without instructions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "batch.nlp.initiate.command",
    topic = "huleedu.batch.nlp.initiate.command.v1",
    version = 1,
    key = entity_id, key_fallback = "unassigned-batch",
)]
pub struct BatchServiceNLPInitiateCommandDataV1 {
    /// Specific event name from ProcessingEvent enum. Pydantic coerces from string during deserialization.
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
    pub essays_to_process: Vec<EssayProcessingInputRefV1>,
    pub language: String,
}

/// Command data for Batch Orchestrator Service to initiate NLP phase for a batch (v2).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "batch.nlp.initiate.command.v2",
    topic = "huleedu.batch.nlp.initiate.command.v2",
    version = 2,
    key = entity_id, key_fallback = "unassigned-batch",
)]
pub struct BatchServiceNLPInitiateCommandDataV2 {
    /// Specific event name from ProcessingEvent enum. Pydantic coerces from string during deserialization.
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
    pub essays_to_process: Vec<EssayProcessingInputRefV1>,
    pub language: String,
    pub student_prompt_ref: Option<StorageReferenceMetadata>,
}

/// Command to initiate Phase 2 spellcheck processing (first pipeline step).
///
/// Publisher: Batch Orchestrator Service (BOS)
/// Consumer: Essay Lifecycle Service (ELS)
/// Topic: batch.service.spellcheck.initiate.command
/// Handler: ELS - SpellcheckCommandHandler (dispatches to Spellcheck Service)
///
/// Flow (both GUEST and REGULAR batches):
/// 1. Client requests pipeline execution via API
/// 2. BOS verifies batch is in READY_FOR_PIPELINE_EXECUTION state
/// 3. BOS publishes this command to start Phase 2 processing
/// 4. ELS forwards request to Spellcheck Service
/// 5. Pipeline processing begins
///
/// Note: This is the first Phase 2 command after batch readiness is achieved.
/// GUEST batches reach this state directly from BatchContentProvisioningCompletedV1.
/// REGULAR batches reach this state after student associations are confirmed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "batch.spellcheck.initiate.command",
    topic = "huleedu.els.spellcheck.initiate.command.v1",
    version = 1,
    key = entity_id, key_fallback = "unassigned-batch",
)]
pub struct BatchServiceSpellcheckInitiateCommandDataV1 {
    /// Specific event name from ProcessingEvent enum. Pydantic coerces from string during deserialization.
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
    pub essays_to_process: Vec<EssayProcessingInputRefV1>,
    pub language: String,
}

/// Command to initiate Phase 1 student matching for REGULAR batches.
///
/// Publisher: Batch Orchestrator Service (BOS)
/// Consumer: Essay Lifecycle Service (ELS)
/// Topic: batch.service.student.matching.initiate.command
/// Handler: ELS - StudentMatchingCommandHandler.handle_student_matching_command()
///
/// Flow (REGULAR batches only):
/// 1. BOS receives BatchContentProvisioningCompletedV1 from ELS
/// 2. BOS checks class_id exists (REGULAR batch)
/// 3. BOS publishes this command to ELS
/// 4. ELS marks batch as awaiting_student_associations
/// 5. ELS publishes BatchStudentMatchingRequestedV1 to NLP Service
///
/// Note: GUEST batches never receive this command - they skip student matching entirely.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "batch.student.matching.initiate.command",
    topic = "huleedu.batch.student.matching.initiate.command.v1",
    version = 1,
    key = entity_id, key_fallback = class_id,
)]
pub struct BatchServiceStudentMatchingInitiateCommandDataV1 {
    /// Specific event name from ProcessingEvent enum. Pydantic coerces from string during deserialization.
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
    pub essays_to_process: Vec<EssayProcessingInputRefV1>,
    pub class_id: String,
    pub course_code: CourseCode,
}
