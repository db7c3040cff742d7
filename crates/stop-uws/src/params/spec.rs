//! The machine-readable description of a job type's parameters, served as JSON at
//! `/jobtypes/{type}` so clients (the web client of issue 10) can build forms from it.

use serde::{Deserialize, Serialize};

/// Everything a client needs to know to submit a job of one type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobDescriptor {
    /// The job type = the job list at `/uws/{name}`.
    pub name: String,
    /// One line for humans.
    pub title: String,
    /// What the job computes and what results it writes.
    pub description: String,
    /// The parameters, in form order.
    pub parameters: Vec<ParamSpec>,
    /// Constraints between parameters.
    pub relations: Vec<Relation>,
}

/// One parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParamSpec {
    /// Name, as in the CLI's TOML/JSON input (matched case-insensitively on input).
    pub name: String,
    /// What it means.
    pub description: String,
    /// Value type and its constraints.
    #[serde(flatten)]
    pub kind: ParamKind,
    /// Physical unit of the value (`K`, `cm-3`, `km/s`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Must be given (no default).
    pub required: bool,
    /// Value used when the parameter is absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
    /// A list of values rather than one (given comma-separated, or by repeating the field).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub array: Option<ArraySpec>,
}

/// Bounds on the length of an array parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArraySpec {
    /// Fewest elements.
    pub min_len: usize,
    /// Most elements.
    pub max_len: usize,
}

/// The value type of a parameter, with its range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum ParamKind {
    /// A finite floating-point number in `[min, max]` (either bound optional; `min_exclusive`
    /// makes the lower bound strict, for quantities that must be positive).
    Float {
        /// Lower bound.
        #[serde(skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        /// Whether the lower bound itself is excluded.
        #[serde(default)]
        min_exclusive: bool,
        /// Upper bound.
        #[serde(skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
    },
    /// An integer in `[min, max]`.
    Integer {
        /// Lower bound.
        #[serde(skip_serializing_if = "Option::is_none")]
        min: Option<i64>,
        /// Upper bound.
        #[serde(skip_serializing_if = "Option::is_none")]
        max: Option<i64>,
    },
    /// Free text, or one of `choices` when given (compared case-insensitively).
    String {
        /// Allowed values.
        #[serde(skip_serializing_if = "Option::is_none")]
        choices: Option<Vec<String>>,
        /// Longest accepted value in bytes.
        max_len: usize,
    },
    /// `true`/`false` (also `1`/`0`, `yes`/`no`).
    Boolean,
    /// An uploaded file (multipart part), stored in the job's `uploads/` directory.
    File {
        /// Media types the job understands (informational).
        media_types: Vec<String>,
    },
}

/// A constraint between parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "relation", rename_all = "snake_case")]
pub enum Relation {
    /// Exactly one of these must be given (for example a shipped molecule name or a file).
    ExactlyOneOf {
        /// The alternatives.
        params: Vec<String>,
    },
    /// `lower` must be strictly smaller than `upper` when both are present.
    LessThan {
        /// Smaller parameter.
        lower: String,
        /// Larger parameter.
        upper: String,
    },
    /// When `param` is given, every one of `params` must be given too.
    Requires {
        /// The parameter that needs the others.
        param: String,
        /// What it needs.
        params: Vec<String>,
    },
    /// When `param` is given, none of `params` may be given.
    Excludes {
        /// The parameter that excludes the others.
        param: String,
        /// What it excludes.
        params: Vec<String>,
    },
    /// The allowed values of `param` come from the content of `source` (for example the
    /// collision partners from the molecule file); checked by the job itself, shown by clients.
    ChoicesFrom {
        /// Dependent parameter.
        param: String,
        /// Parameter whose value determines the choices.
        source: String,
        /// What the choices are.
        note: String,
    },
}

impl JobDescriptor {
    /// The parameter named `name` (case-insensitively).
    #[must_use]
    pub fn param(&self, name: &str) -> Option<&ParamSpec> {
        self.parameters.iter().find(|p| p.name.eq_ignore_ascii_case(name))
    }
}
