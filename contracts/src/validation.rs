use crate::prelude::*;

/// Legacy student association model - kept for backward compatibility.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StudentAssociation {
    /// Essay identifier
    pub essay_id: String,
    /// Parsed student first name
    pub student_first_name: String,
    /// Parsed student last name
    pub student_last_name: String,
    /// Parsed student email
    pub student_email: Option<String>,
    /// Parsing confidence 0.0-1.0
    pub confidence_score: f64,
    /// Teacher confirmation status
    pub is_confirmed: bool,
}

/// Individual essay-student association confirmation for NLP Phase 1 integration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StudentAssociationConfirmation {
    /// Essay identifier
    pub essay_id: String,
    /// Student ID if matched, None if no match
    #[serde(deserialize_with = "crate::nullable::required")]
    #[schemars(extend("x-tidings-required" = true))]
    pub student_id: Option<String>,
    /// Match confidence score 0.0-1.0
    pub confidence_score: f64,
    /// How the association was validated
    pub validation_method: AssociationValidationMethod,
    /// User ID if human validated, None for timeout/auto
    #[serde(deserialize_with = "crate::nullable::required")]
    #[schemars(extend("x-tidings-required" = true))]
    pub validated_by: Option<String>,
    /// When the association was validated
    #[serde(default = "Timestamp::now")]
    pub validated_at: Timestamp,
}

/// Confirmed student-essay associations after human validation.
///
/// Publisher: Class Management Service
/// Consumer: Essay Lifecycle Service (ELS)
/// Topic: student.associations.confirmed
/// Handler: ELS - StudentAssociationHandler.handle_student_associations_confirmed()
///
/// Flow (REGULAR batches only):
/// 1. Class Management receives BatchAuthorMatchesSuggestedV1 from NLP
/// 2. Teacher validates associations via UI (or 24hr timeout triggers)
/// 3. Class Management publishes this event with all confirmations
/// 4. ELS updates essay records with student associations
/// 5. ELS publishes BatchEssaysReady to BOS
/// 6. BOS transitions batch to READY_FOR_PIPELINE_EXECUTION
///
/// This completes Phase 1 student matching, allowing REGULAR batches to proceed
/// to Phase 2 pipeline processing with proper student attribution.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "student.associations.confirmed",
    topic = "huleedu.class.student.associations.confirmed.v1",
    version = 1,
    key = batch_id,
)]
pub struct StudentAssociationsConfirmedV1 {
    /// Event type identifier
    #[serde(default = "default_event_name_student_associations_confirmed_v1")]
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
    /// Class identifier where associations were validated
    pub class_id: String,
    /// Course code for the batch (e.g., SV1, ENG5) - needed for downstream processing
    pub course_code: CourseCode,
    /// All essay-student association confirmations
    pub associations: Vec<StudentAssociationConfirmation>,
    /// Whether validation timeout triggered auto-confirmation
    #[serde(default)]
    pub timeout_triggered: bool,
    /// Count of associations by validation_method
    pub validation_summary: IndexMap<String, i64>,
}

/// Event published when validation timeout triggers automatic processing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "validation.timeout.processed",
    topic = "huleedu.class.validation.timeout.processed.v1",
    version = 1,
    key = batch_id,
)]
pub struct ValidationTimeoutProcessedV1 {
    /// Event type identifier
    #[serde(default = "default_event_name_validation_timeout_processed_v1")]
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
    /// Teacher/user ID
    pub user_id: String,
    /// Configured timeout period in hours
    pub timeout_hours: i64,
    /// High-confidence associations auto-confirmed
    pub auto_confirmed_associations: Vec<StudentAssociation>,
    /// Essay IDs treated as GUEST (low confidence or no match)
    pub guest_essays: Vec<String>,
    /// Whether a guest class was created
    pub guest_class_created: bool,
    /// Created guest class ID
    pub guest_class_id: Option<String>,
    #[serde(default = "Timestamp::now")]
    pub processing_timestamp: Timestamp,
}

fn default_event_name_student_associations_confirmed_v1() -> ProcessingEvent {
    ProcessingEvent::StudentAssociationsConfirmed
}

fn default_event_name_validation_timeout_processed_v1() -> ProcessingEvent {
    ProcessingEvent::ValidationTimeoutProcessed
}
