use crate::prelude::*;

/// Event published when new class is created.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "class.created",
    topic = "huleedu.class.created.v1",
    version = 1,
    key = class_id,
)]
pub struct ClassCreatedV1 {
    #[serde(default = "default_class_created_v1_event")]
    pub event: String,
    /// New class identifier
    pub class_id: String,
    /// Class designation name
    pub class_designation: String,
    /// Associated course codes
    pub course_codes: Vec<CourseCode>,
    /// Teacher who created the class
    pub user_id: String,
    #[serde(default = "Uuid::new_v4")]
    pub correlation_id: Uuid,
    #[serde(default = "Timestamp::now")]
    pub timestamp: Timestamp,
}

/// Event published when an existing class is updated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "class.updated",
    topic = "huleedu.class.updated.v1",
    version = 1,
    key = class_id,
)]
pub struct ClassUpdatedV1 {
    #[serde(default = "default_class_updated_v1_event")]
    pub event: String,
    /// Updated class identifier
    pub class_id: String,
    /// Updated class designation name
    pub class_designation: Option<String>,
    /// Updated associated course codes
    pub course_codes: Option<Vec<CourseCode>>,
    /// Teacher who owns the class
    pub user_id: String,
    #[serde(default = "Uuid::new_v4")]
    pub correlation_id: Uuid,
    #[serde(default = "Timestamp::now")]
    pub timestamp: Timestamp,
}

/// Event published when student-essay association is created/updated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "essay.student.association.updated",
    topic = "huleedu.class.essay.association.updated.v1",
    version = 1,
    key = essay_id,
)]
pub struct EssayStudentAssociationUpdatedV1 {
    #[serde(default = "default_essay_student_association_updated_v1_event")]
    pub event: String,
    /// Batch identifier
    pub batch_id: String,
    /// Essay identifier
    pub essay_id: String,
    /// Student identifier (None if association removed)
    #[serde(deserialize_with = "crate::nullable::required")]
    #[schemars(extend("x-tidings-required" = true))]
    pub student_id: Option<String>,
    /// Student first name for display
    #[serde(deserialize_with = "crate::nullable::required")]
    #[schemars(extend("x-tidings-required" = true))]
    pub first_name: Option<String>,
    /// Student last name for display
    #[serde(deserialize_with = "crate::nullable::required")]
    #[schemars(extend("x-tidings-required" = true))]
    pub last_name: Option<String>,
    /// Student email for display
    #[serde(deserialize_with = "crate::nullable::required")]
    #[schemars(extend("x-tidings-required" = true))]
    pub student_email: Option<String>,
    /// Association method: 'parsed' or 'manual'
    pub association_method: String,
    /// Confidence score for parsed associations
    #[serde(deserialize_with = "crate::nullable::required")]
    #[schemars(extend("x-tidings-required" = true))]
    pub confidence_score: Option<f64>,
    /// User who created the association
    pub created_by_user_id: String,
    #[serde(default = "Uuid::new_v4")]
    pub correlation_id: Uuid,
    #[serde(default = "Timestamp::now")]
    pub timestamp: Timestamp,
}

/// Event published when new student is created.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "student.created",
    topic = "huleedu.class.student.created.v1",
    version = 1,
    key = student_id,
)]
pub struct StudentCreatedV1 {
    #[serde(default = "default_student_created_v1_event")]
    pub event: String,
    /// New student identifier
    pub student_id: String,
    /// Student first name
    pub first_name: String,
    /// Student last name
    pub last_name: String,
    /// Student email address
    #[serde(deserialize_with = "crate::nullable::required")]
    #[schemars(extend("x-tidings-required" = true))]
    pub student_email: Option<String>,
    /// Associated class identifiers
    pub class_ids: Vec<String>,
    /// User who created the student
    pub created_by_user_id: String,
    #[serde(default = "Uuid::new_v4")]
    pub correlation_id: Uuid,
    #[serde(default = "Timestamp::now")]
    pub timestamp: Timestamp,
}

/// Event published when an existing student is updated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "student.updated",
    topic = "huleedu.class.student.updated.v1",
    version = 1,
    key = student_id,
)]
pub struct StudentUpdatedV1 {
    #[serde(default = "default_student_updated_v1_event")]
    pub event: String,
    /// Updated student identifier
    pub student_id: String,
    /// Updated student first name
    pub first_name: Option<String>,
    /// Updated student last name
    pub last_name: Option<String>,
    /// Updated student email address
    pub student_email: Option<String>,
    /// Class IDs added to student
    pub add_class_ids: Option<Vec<String>>,
    /// Class IDs removed from student
    pub remove_class_ids: Option<Vec<String>>,
    /// User who updated the student
    pub updated_by_user_id: String,
    #[serde(default = "Uuid::new_v4")]
    pub correlation_id: Uuid,
    #[serde(default = "Timestamp::now")]
    pub timestamp: Timestamp,
}

fn default_class_created_v1_event() -> String {
    "class.created".to_owned()
}

fn default_class_updated_v1_event() -> String {
    "class.updated".to_owned()
}

fn default_essay_student_association_updated_v1_event() -> String {
    "essay.student.association.updated".to_owned()
}

fn default_student_created_v1_event() -> String {
    "student.created".to_owned()
}

fn default_student_updated_v1_event() -> String {
    "student.updated".to_owned()
}
