//! The difference types and their verdicts.

use crate::Policy;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verdict {
    Compatible,
    /// Compatible under [`Policy::Lenient`] only.
    Lenient,
    Breaking,
}

macro_rules! differences {
    ($($(#[$doc:meta])* $name:ident => $verdict:ident,)*) => {
        /// A classified difference between a writer's and a reader's JSON Schema. The names are
        /// Confluent's; `FORMAT_*`, `REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL`,
        /// `ITEM_ADDED_TO_OPEN_CONTENT_MODEL`, `ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL`,
        /// `MULTIPLE_OF_EXPANDED` and the `*_ADDED` constraint types are tidings' own, for
        /// cases Confluent's differ does not name.
        #[allow(non_camel_case_types, missing_docs)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Difference {
            $($(#[$doc])* $name,)*
        }

        impl Difference {
            /// Every difference type.
            pub const ALL: &'static [Self] = &[$(Self::$name,)*];

            /// The upper-case code, e.g. `TYPE_CHANGED`.
            pub const fn code(self) -> &'static str {
                match self {
                    $(Self::$name => stringify!($name),)*
                }
            }

            pub(super) const fn verdict(self) -> Verdict {
                match self {
                    $(Self::$name => Verdict::$verdict,)*
                }
            }
        }
    };
}

differences! {
    ID_CHANGED => Compatible,
    DESCRIPTION_CHANGED => Compatible,
    TITLE_CHANGED => Compatible,
    DEFAULT_CHANGED => Compatible,
    SCHEMA_ADDED => Breaking,
    SCHEMA_REMOVED => Compatible,
    TYPE_EXTENDED => Compatible,
    TYPE_NARROWED => Breaking,
    TYPE_CHANGED => Breaking,
    MAX_LENGTH_ADDED => Breaking,
    MAX_LENGTH_REMOVED => Compatible,
    MAX_LENGTH_INCREASED => Compatible,
    MAX_LENGTH_DECREASED => Breaking,
    MIN_LENGTH_ADDED => Breaking,
    MIN_LENGTH_REMOVED => Compatible,
    MIN_LENGTH_INCREASED => Breaking,
    MIN_LENGTH_DECREASED => Compatible,
    PATTERN_ADDED => Breaking,
    PATTERN_REMOVED => Compatible,
    PATTERN_CHANGED => Breaking,
    FORMAT_ADDED => Breaking,
    FORMAT_REMOVED => Compatible,
    FORMAT_CHANGED => Breaking,
    MAXIMUM_ADDED => Breaking,
    MAXIMUM_REMOVED => Compatible,
    MAXIMUM_INCREASED => Compatible,
    MAXIMUM_DECREASED => Breaking,
    MINIMUM_ADDED => Breaking,
    MINIMUM_REMOVED => Compatible,
    MINIMUM_INCREASED => Breaking,
    MINIMUM_DECREASED => Compatible,
    EXCLUSIVE_MAXIMUM_ADDED => Breaking,
    EXCLUSIVE_MAXIMUM_REMOVED => Compatible,
    EXCLUSIVE_MAXIMUM_INCREASED => Compatible,
    EXCLUSIVE_MAXIMUM_DECREASED => Breaking,
    EXCLUSIVE_MINIMUM_ADDED => Breaking,
    EXCLUSIVE_MINIMUM_REMOVED => Compatible,
    EXCLUSIVE_MINIMUM_INCREASED => Breaking,
    EXCLUSIVE_MINIMUM_DECREASED => Compatible,
    MULTIPLE_OF_ADDED => Breaking,
    MULTIPLE_OF_REMOVED => Compatible,
    MULTIPLE_OF_REDUCED => Compatible,
    MULTIPLE_OF_EXPANDED => Breaking,
    MULTIPLE_OF_CHANGED => Breaking,
    REQUIRED_ATTRIBUTE_ADDED => Breaking,
    REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED => Compatible,
    REQUIRED_ATTRIBUTE_REMOVED => Compatible,
    DEPENDENCY_ARRAY_ADDED => Breaking,
    DEPENDENCY_ARRAY_REMOVED => Compatible,
    DEPENDENCY_ARRAY_EXTENDED => Breaking,
    DEPENDENCY_ARRAY_NARROWED => Compatible,
    DEPENDENCY_ARRAY_CHANGED => Breaking,
    DEPENDENCY_SCHEMA_ADDED => Breaking,
    DEPENDENCY_SCHEMA_REMOVED => Compatible,
    MAX_PROPERTIES_ADDED => Breaking,
    MAX_PROPERTIES_REMOVED => Compatible,
    MAX_PROPERTIES_INCREASED => Compatible,
    MAX_PROPERTIES_DECREASED => Breaking,
    MIN_PROPERTIES_ADDED => Breaking,
    MIN_PROPERTIES_REMOVED => Compatible,
    MIN_PROPERTIES_INCREASED => Breaking,
    MIN_PROPERTIES_DECREASED => Compatible,
    ADDITIONAL_PROPERTIES_ADDED => Compatible,
    ADDITIONAL_PROPERTIES_REMOVED => Lenient,
    ADDITIONAL_PROPERTIES_EXTENDED => Compatible,
    ADDITIONAL_PROPERTIES_NARROWED => Lenient,
    OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL => Lenient,
    REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL => Breaking,
    PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL => Compatible,
    REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL => Breaking,
    REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL => Compatible,
    OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL => Compatible,
    PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL => Compatible,
    PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL => Compatible,
    PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL => Breaking,
    PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => Compatible,
    PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => Breaking,
    PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => Compatible,
    PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => Breaking,
    MAX_ITEMS_ADDED => Breaking,
    MAX_ITEMS_REMOVED => Compatible,
    MAX_ITEMS_INCREASED => Compatible,
    MAX_ITEMS_DECREASED => Breaking,
    MIN_ITEMS_ADDED => Breaking,
    MIN_ITEMS_REMOVED => Compatible,
    MIN_ITEMS_INCREASED => Breaking,
    MIN_ITEMS_DECREASED => Compatible,
    UNIQUE_ITEMS_ADDED => Breaking,
    UNIQUE_ITEMS_REMOVED => Compatible,
    ADDITIONAL_ITEMS_ADDED => Compatible,
    ADDITIONAL_ITEMS_REMOVED => Lenient,
    ADDITIONAL_ITEMS_EXTENDED => Compatible,
    ADDITIONAL_ITEMS_NARROWED => Lenient,
    ITEM_ADDED_TO_OPEN_CONTENT_MODEL => Lenient,
    ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL => Compatible,
    ITEM_ADDED_TO_CLOSED_CONTENT_MODEL => Compatible,
    ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL => Compatible,
    ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL => Compatible,
    ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL => Breaking,
    ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => Compatible,
    ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => Breaking,
    ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => Compatible,
    ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => Breaking,
    ENUM_ARRAY_EXTENDED => Compatible,
    ENUM_ARRAY_NARROWED => Breaking,
    ENUM_ARRAY_CHANGED => Breaking,
    COMBINED_TYPE_EXTENDED => Compatible,
    COMBINED_TYPE_CHANGED => Breaking,
    PRODUCT_TYPE_EXTENDED => Breaking,
    PRODUCT_TYPE_NARROWED => Compatible,
    SUM_TYPE_EXTENDED => Compatible,
    SUM_TYPE_NARROWED => Breaking,
    COMBINED_TYPE_SUBSCHEMAS_CHANGED => Breaking,
    NOT_TYPE_EXTENDED => Breaking,
    NOT_TYPE_NARROWED => Compatible,
    /// A numeric `format` whose range holds every value the writer's schema allows
    /// (`int32` → `int64`, or a format added that the bounds already respect).
    NUMBER_FORMAT_WIDENED => Compatible,
    /// A numeric `format` whose range misses values the writer's schema allows (`int64` →
    /// `int32`, `double` → `float`, a number that must now be whole).
    NUMBER_FORMAT_NARROWED => Breaking,
    /// A `patternProperties` entry added to an open object: old data may hold such names with
    /// any value.
    PATTERN_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL => Lenient,
    /// A `patternProperties` entry removed from a closed object: old data that holds such names
    /// is rejected.
    PATTERN_PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL => Breaking,
    /// A `patternProperties` entry removed from an open object (compatible).
    PATTERN_PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL => Compatible,
    /// The writer's schema accepts finitely many values and the reader accepts each of them, in
    /// whatever form (`enum`, `const`, `oneOf` of `const`s, type lists).
    VALUES_KEPT => Compatible,
    /// Every branch of the writer's `anyOf`/`oneOf` is read by some branch of the reader's,
    /// though not one to one (branches merged or split).
    SUM_TYPE_BRANCHES_COVERED => Compatible,
    /// The reader's `oneOf` has branches that can both match a value the writer wrote; `oneOf`
    /// rejects a value that matches two branches.
    ONE_OF_BRANCHES_OVERLAP => Breaking,
    /// `required` names a property the writer's schema neither declares nor requires.
    REQUIRED_UNDECLARED_PROPERTY_ADDED => Breaking,
}

impl Difference {
    /// Whether a reader survives this difference under `policy`.
    pub fn is_compatible(self, policy: Policy) -> bool {
        match self.verdict() {
            Verdict::Compatible => true,
            Verdict::Lenient => policy == Policy::Lenient,
            Verdict::Breaking => false,
        }
    }
}

/// Confluent's JSON Schema differ has no rule for `format`: it passes these changes.
const CONFLUENT_IGNORES_FORMAT: &str =
    "stricter than Confluent Schema Registry, which does not compare `format`";

/// Confluent's JSON Schema differ compares `patternProperties` only to see whether they cover a
/// property added or removed.
pub(super) const CONFLUENT_PATTERNS: &str = "stricter than Confluent Schema Registry, whose differ does not compare the schemas of patternProperties";

impl Difference {
    /// How this difference's verdict departs from Confluent Schema Registry's, when it does.
    pub fn divergence(self) -> Option<&'static str> {
        match self {
            Self::FORMAT_ADDED | Self::FORMAT_CHANGED | Self::NUMBER_FORMAT_NARROWED => {
                Some(CONFLUENT_IGNORES_FORMAT)
            }
            Self::PATTERN_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL
            | Self::PATTERN_PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL => Some(CONFLUENT_PATTERNS),
            Self::VALUES_KEPT => Some(
                "looser than Confluent Schema Registry, which compares these forms keyword by keyword and reports a break",
            ),
            Self::SUM_TYPE_BRANCHES_COVERED => Some(
                "looser than Confluent Schema Registry, which pairs branches one to one and reports a break",
            ),
            Self::ONE_OF_BRANCHES_OVERLAP => Some(
                "stricter than Confluent Schema Registry, which passes a oneOf that gains a branch without checking that branches overlap",
            ),
            Self::REQUIRED_UNDECLARED_PROPERTY_ADDED => Some(
                "stricter than Confluent Schema Registry, which passes a required name that has no property schema",
            ),
            _ => None,
        }
    }
}
