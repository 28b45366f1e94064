//! The HuleEdu event catalogue as tidings contracts.
//!
//! Every event is a payload type with `#[derive(Event)]`, and [`ProcessingEvent`] lists them all:
//! adding an event is its type plus one line in the catalogue below. The payloads are wire-compatible
//! with HuleEdu's Python (pydantic) models: same field names and order, same optionality and
//! defaults, same enum values.

// Library code reports bad input as errors; it does not panic on it.
#![warn(clippy::unwrap_used, clippy::expect_used)]

pub mod artifact;
pub mod cj_assessment;
pub mod metadata;
pub mod spellcheck;
pub mod status;

pub use artifact::ArtifactRef;
pub use cj_assessment::{
    AssessmentMetadata, AssessmentResultV1, CJAssessmentCompletedV1, CjProcessingSummary,
    ConfidenceLabel, EssayResultV1,
};
pub use metadata::{ErrorInfo, SystemProcessingMetadata};
pub use spellcheck::{SpellcheckMetricsV1, SpellcheckPhaseCompletedV1, SpellcheckResultV1};
pub use status::{BatchStatus, EntityStatus, EssayStatus, ProcessingStage, ProcessingStatus};

tidings::catalogue! {
    /// Every event of the HuleEdu platform. `as_str()` is the dotted name (the Python enum value),
    /// `member()` the Python member name, `topic()` the Kafka topic.
    pub enum ProcessingEvent {
        CjAssessmentCompleted => CJAssessmentCompletedV1,
        SpellcheckPhaseCompleted => SpellcheckPhaseCompletedV1,
        SpellcheckResults => SpellcheckResultV1,
        AssessmentResultPublished => AssessmentResultV1,
    }
}
