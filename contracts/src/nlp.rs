use crate::prelude::*;

/// Batch-level student match suggestions from NLP Service.
///
/// Publisher: NLP Service
/// Consumer: Class Management Service
/// Topic: batch.author.matches.suggested
/// Handler: Class Management - MatchSuggestionHandler.handle_batch_match_suggestions()
///
/// Flow (REGULAR batches only):
/// 1. NLP receives BatchStudentMatchingRequestedV1 from ELS
/// 2. NLP extracts student names from all essays in parallel
/// 3. NLP matches extracted names against class roster
/// 4. NLP publishes this event with all match suggestions
/// 5. Class Management stores suggestions for human validation
/// 6. Class Management notifies teacher via WebSocket
/// 7. After validation/timeout, Class Management publishes StudentAssociationsConfirmedV1
///
/// Note: This is a Phase 1 event - part of the pre-readiness student matching flow.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "batch.author.matches.suggested",
    topic = "huleedu.batch.author.matches.suggested.v1",
    version = 1,
    key = batch_id,
)]
pub struct BatchAuthorMatchesSuggestedV1 {
    #[serde(default = "default_event_name_batch_author_matches_suggested_v1")]
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
    /// Class ID for which matching was performed
    pub class_id: String,
    /// Course code for the batch
    pub course_code: CourseCode,
    /// Match results for all essays in batch
    pub match_results: Vec<EssayMatchResult>,
    /// Summary statistics e.g., {'total_essays': 10, 'matched': 8, 'no_match': 1, 'errors': 1}
    pub processing_summary: IndexMap<String, i64>,
    /// Additional processing metadata
    #[serde(default)]
    pub processing_metadata: MatchingProcessingMetadata,
}

/// Thin completion event for ELS state management (Phase 2).
///
/// Publisher: NLP Service
/// Consumer: Essay Lifecycle Service (ELS)
/// Topic: huleedu.batch.nlp.analysis.completed.v1
///
/// This is the thin event for state machine updates, following the CJ Assessment pattern.
/// Rich business data goes to RAS via EssayNlpCompletedV1 events.
///
/// Flow:
/// 1. NLP Service processes batch of essays
/// 2. Publishes EssayNlpCompletedV1 to RAS for each essay (rich data)
/// 3. Publishes this event to ELS when batch completes (thin, state only)
/// 4. ELS updates essay state machine to mark phase complete
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "batch.nlp.analysis.completed",
    topic = "huleedu.batch.nlp.analysis.completed.v1",
    version = 1,
    key = batch_id,
    cleanup_policy = "delete",
    retention_ms = 86400000,
    rich = EssayNlpCompletedV1,
)]
pub struct BatchNlpAnalysisCompletedV1 {
    #[serde(default = "default_event_name_batch_nlp_analysis_completed_v1")]
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
    /// New status of the entity after this state machine transition. Use EssayStatus for essay entities, BatchStatus for batch entities.
    pub status: EntityStatus,
    /// Operational context of THIS event's creation (service, correlation_id, error_info). Includes tracing and error tracking data.
    pub system_metadata: SystemProcessingMetadata,
    /// Batch identifier
    pub batch_id: String,
    /// Summary of batch processing results
    #[serde(default)]
    pub processing_summary: ProcessingSummary,
}

/// (Deprecated) Request from ELS to NLP Service for batch text analysis without instructions.
///
/// This event is published by ELS after receiving BATCH_NLP_INITIATE_COMMAND
/// from BOS. It follows the same pattern as ESSAY_SPELLCHECK_REQUESTED,
/// maintaining architectural consistency across services.
///
/// The 'event_name' should be ProcessingEvent.BATCH_NLP_PROCESSING_REQUESTED.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "batch.nlp.processing.requested",
    topic = "huleedu.batch.nlp.processing.requested.v1",
    version = 1,
    key = batch_id,
)]
pub struct BatchNlpProcessingRequestedV1 {
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
    /// List of essays to analyze with their text storage references
    pub essays_to_process: Vec<EssayProcessingInputRefV1>,
    /// Language code for processing (e.g., 'en', 'sv')
    pub language: String,
    /// Batch identifier for tracking
    pub batch_id: String,
}

/// Request from ELS to NLP Service for batch text analysis with optional prompt reference.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "batch.nlp.processing.requested.v2",
    topic = "huleedu.batch.nlp.processing.requested.v2",
    version = 2,
    key = batch_id,
)]
pub struct BatchNlpProcessingRequestedV2 {
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
    /// List of essays to analyze with their text storage references
    pub essays_to_process: Vec<EssayProcessingInputRefV1>,
    /// Language code for processing (e.g., 'en', 'sv')
    pub language: String,
    /// Batch identifier for tracking
    pub batch_id: String,
    /// Content Service reference for the student-facing prompt text
    pub student_prompt_ref: Option<StorageReferenceMetadata>,
}

/// Match result for a single essay.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EssayMatchResult {
    /// Essay identifier
    pub essay_id: String,
    /// Storage ID of essay content
    pub text_storage_id: String,
    /// Original filename
    pub filename: String,
    /// Suggested student matches, ordered by confidence
    #[serde(default)]
    pub suggestions: Vec<StudentMatchSuggestion>,
    /// Reason if no matches found or processing failed
    pub no_match_reason: Option<String>,
    /// Metadata about extraction strategies used
    #[serde(default)]
    pub extraction_metadata: ExtractionMetadata,
}

/// NLP analysis completion event for a single essay.
///
/// Publisher: NLP Service
/// Consumer: Result Aggregator Service
/// Topic: huleedu.essay.nlp.completed.v1
///
/// Flow (Phase 2 - Text Analysis):
/// 1. Batch Orchestrator sends BATCH_NLP_INITIATE_COMMAND
/// 2. NLP Service fetches essay content from Content Service
/// 3. NLP Service performs spaCy text analysis
/// 4. NLP Service calls Language Tool Service for grammar checking
/// 5. NLP Service publishes this event for each essay
/// 6. Result Aggregator collects and stores NLP results
///
/// Note: This is a Phase 2 event - part of the post-readiness text analysis flow.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "essay.nlp.completed",
    topic = "huleedu.essay.nlp.completed.v1",
    version = 1,
    key = parent_id, key_fallback = essay_id,
)]
pub struct EssayNlpCompletedV1 {
    #[serde(default = "default_event_name_essay_nlp_completed_v1")]
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
    /// Essay identifier
    pub essay_id: String,
    /// Storage ID of essay content
    pub text_storage_id: String,
    /// Basic text metrics from spaCy analysis
    pub nlp_metrics: NlpMetrics,
    /// Grammar analysis from Language Tool Service
    pub grammar_analysis: GrammarAnalysis,
    /// Additional metadata about the NLP processing
    #[serde(default)]
    pub processing_metadata: NlpProcessingMetadata,
}

/// Grammar analysis results from Language Tool Service.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GrammarAnalysis {
    /// Total number of grammar/spelling errors
    pub error_count: i64,
    /// List of detected errors
    #[serde(default)]
    pub errors: Vec<GrammarError>,
    /// Language used for analysis
    pub language: String,
    /// Time taken for grammar check in milliseconds
    #[serde(default)]
    pub processing_time_ms: i64,
    /// Count of errors per category for analytics
    pub grammar_category_counts: Option<IndexMap<String, i64>>,
    /// Count of errors per rule for analytics
    pub grammar_rule_counts: Option<IndexMap<String, i64>>,
}

/// Individual grammar error from Language Tool Service.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GrammarError {
    /// Language Tool rule identifier
    pub rule_id: String,
    /// Error description
    pub message: String,
    /// Brief error description
    pub short_message: String,
    /// Character position where error starts
    pub offset: i64,
    /// Length of the problematic text
    pub length: i64,
    /// Suggested corrections
    #[serde(default)]
    pub replacements: Vec<String>,
    /// Error category (grammar, spelling, style, etc.)
    pub category: String,
    /// Error severity (error, warning, info)
    #[serde(default = "default_grammar_error_severity")]
    pub severity: String,
    /// Language Tool category identifier (e.g., 'GRAMMAR', 'PUNCTUATION')
    pub category_id: String,
    /// Human-readable category name (e.g., 'Grammar', 'Punctuation')
    pub category_name: String,
    /// Surrounding text snippet for error context
    pub context: String,
    /// Character offset of error within the context snippet
    pub context_offset: i64,
}

/// Comprehensive NLP metrics for essay analysis.
///
/// Implements the full suite of linguistic metrics required for essay assessment:
/// - Lexical sophistication (Zipf frequency)
/// - Lexical diversity (MTLD/HDD)
/// - Syntactic complexity (dependency distance)
/// - Cohesion (sentence similarity)
/// - Phraseology (PMI/NPMI)
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NlpMetrics {
    /// Total number of words in the text
    pub word_count: i64,
    /// Total number of sentences
    pub sentence_count: i64,
    /// Average sentence length in words
    pub avg_sentence_length: f64,
    /// ISO 639-1 language code (en, sv, etc.)
    pub language_detected: String,
    /// Time taken for NLP processing in milliseconds
    #[serde(default)]
    pub processing_time_ms: i64,
    /// Mean Zipf frequency of tokens (higher = more common words)
    #[serde(default)]
    pub mean_zipf_frequency: f64,
    /// Percentage of tokens with Zipf frequency < 3 (rare/sophisticated words)
    #[serde(default)]
    pub percent_tokens_zipf_below_3: f64,
    /// Measure of Textual Lexical Diversity (higher = more diverse vocabulary)
    #[serde(default)]
    pub mtld_score: f64,
    /// Hypergeometric Distribution D (vocabulary diversity measure)
    #[serde(default)]
    pub hdd_score: f64,
    /// Average dependency distance in syntax tree (higher = more complex)
    #[serde(default)]
    pub mean_dependency_distance: f64,
    /// Phrasal complexity indices (if TAASSC available)
    #[serde(default)]
    pub phrasal_indices: IndexMap<String, f64>,
    /// Clausal complexity indices (if TAASSC available)
    #[serde(default)]
    pub clausal_indices: IndexMap<String, f64>,
    /// Adjacent sentence similarity (0-1, higher = more cohesive)
    #[serde(default)]
    pub first_order_coherence: f64,
    /// Two-sentence gap similarity (0-1, higher = more cohesive)
    #[serde(default)]
    pub second_order_coherence: f64,
    /// Average Pointwise Mutual Information of bigrams
    #[serde(default)]
    pub avg_bigram_pmi: f64,
    /// Average Pointwise Mutual Information of trigrams
    #[serde(default)]
    pub avg_trigram_pmi: f64,
    /// Average Normalized PMI of bigrams (-1 to 1)
    #[serde(default)]
    pub avg_bigram_npmi: f64,
    /// Average Normalized PMI of trigrams (-1 to 1)
    #[serde(default)]
    pub avg_trigram_npmi: f64,
}

/// Individual student match suggestion.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StudentMatchSuggestion {
    /// Student ID from class roster
    pub student_id: String,
    /// Student full name
    pub student_name: String,
    /// Student email if available
    pub student_email: Option<String>,
    /// Match confidence score
    #[schemars(range(min = 0.0, max = 1.0))]
    pub confidence_score: f64,
    /// Reasons for the match
    pub match_reasons: Vec<String>,
    /// Metadata about the extraction process
    #[serde(default)]
    pub extraction_metadata: ExtractionMetadata,
}

fn default_event_name_batch_author_matches_suggested_v1() -> ProcessingEvent {
    ProcessingEvent::BatchAuthorMatchesSuggested
}

fn default_event_name_batch_nlp_analysis_completed_v1() -> ProcessingEvent {
    ProcessingEvent::BatchNlpAnalysisCompleted
}

fn default_event_name_essay_nlp_completed_v1() -> ProcessingEvent {
    ProcessingEvent::EssayNlpCompleted
}

fn default_grammar_error_severity() -> String {
    "info".to_owned()
}

/// Statistics of a student-matching run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MatchingProcessingMetadata {
    /// Students in the class roster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roster_size: Option<i64>,
    /// Duration of the matching run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing_time_ms: Option<i64>,
}

/// How a student name was extracted from an essay.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ExtractionMetadata {
    /// Strategies tried, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategies_tried: Option<Vec<String>>,
    /// The name found; `null` when every strategy failed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::nullable"
    )]
    #[schemars(with = "Option<String>")]
    pub extracted_name: Option<Option<String>>,
    /// The strategy that matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<String>,
    /// Line of the essay the name was found on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<i64>,
}

/// Context of an essay's NLP analysis.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NlpProcessingMetadata {
    /// spaCy model used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spacy_model: Option<String>,
    /// The assignment instructions the essay answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub essay_instructions: Option<String>,
    /// Content-service id of the student prompt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub student_prompt_storage_id: Option<String>,
}
