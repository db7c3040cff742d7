//! Errors of model loading: every one names the file and the TOML key path (and, for
//! expressions, the column inside the expression; for data tables, the line).

use std::fmt;

/// Where in a model expression a problem is: a 1-based character column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    /// 1-based character column in the expression text (one past the end for "ends early").
    pub column: usize,
    /// What is wrong.
    pub kind: ExprErrorKind,
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.kind)
    }
}

impl std::error::Error for ExprError {}

/// What is wrong in an expression.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExprErrorKind {
    /// A character that starts no token.
    #[error("unexpected character `{0}`")]
    UnexpectedChar(char),
    /// A number literal that does not parse.
    #[error("malformed number `{0}`")]
    BadNumber(String),
    /// A name that is neither a coordinate, a parameter nor a built-in constant.
    #[error("unknown name `{name}` (coordinates: x, y, z, r, rcyl; parameters: {known})")]
    UnknownName {
        /// The name found.
        name: String,
        /// The parameter and constant names in scope, comma separated.
        known: String,
    },
    /// A function name that is not supported.
    #[error("unknown function `{name}` (supported: {known})")]
    UnknownFunction {
        /// The name found.
        name: String,
        /// The supported functions, comma separated.
        known: &'static str,
    },
    /// A function called with the wrong number of arguments.
    #[error("function `{name}` takes {expected} argument(s), found {found}")]
    WrongArity {
        /// Function name.
        name: String,
        /// Arguments it takes.
        expected: usize,
        /// Arguments given.
        found: usize,
    },
    /// A token where another was needed.
    #[error("unexpected `{found}`, expected {expected}")]
    UnexpectedToken {
        /// The token found.
        found: String,
        /// What would have been valid.
        expected: &'static str,
    },
    /// The expression ends while an operand or `)` is still needed.
    #[error("expression ends early, expected {expected}")]
    UnexpectedEnd {
        /// What was still needed.
        expected: &'static str,
    },
    /// More tokens than an expression may have.
    #[error("longer than {max} tokens")]
    TooLong {
        /// The limit.
        max: usize,
    },
    /// Parentheses, operators or function calls nested too deeply.
    #[error("nested deeper than {max} levels")]
    TooDeep {
        /// The limit.
        max: usize,
    },
    /// A constant expression (a parameter) refers to a coordinate.
    #[error("`{0}` is a coordinate; parameters must be constants")]
    CoordinateInConstant(String),
    /// A constant expression evaluates to NaN or infinity.
    #[error("constant value is not finite (`{0}`)")]
    NotFinite(String),
}

/// A problem in a model file or in a data table it reads.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// A file could not be read.
    #[error("reading `{path}`: {source}")]
    Io {
        /// Path that failed.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML.
    #[error("{file}:{line}:{column}: invalid TOML: {message}")]
    Toml {
        /// Model file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The TOML parser's message.
        message: String,
    },
    /// A required key is absent.
    #[error("{file}: missing key `{key}`")]
    MissingKey {
        /// Model file.
        file: String,
        /// Full TOML key path.
        key: String,
    },
    /// A key that the format does not know (a typo is the usual cause).
    #[error("{file}: unknown key `{key}` (allowed here: {allowed})")]
    UnknownKey {
        /// Model file.
        file: String,
        /// Full TOML key path.
        key: String,
        /// The keys allowed in that table, comma separated.
        allowed: String,
    },
    /// A key has a value of the wrong TOML type.
    #[error("{file}: key `{key}`: expected {expected}, found `{found}`")]
    WrongType {
        /// Model file.
        file: String,
        /// Full TOML key path.
        key: String,
        /// The type expected, in words.
        expected: &'static str,
        /// The value found, as TOML text.
        found: String,
    },
    /// A value of the right type outside its allowed range or set.
    #[error("{file}: key `{key}` = `{value}`: expected {expected}")]
    BadValue {
        /// Model file.
        file: String,
        /// Full TOML key path.
        key: String,
        /// The value found.
        value: String,
        /// What is allowed, in words.
        expected: String,
    },
    /// An expression does not compile.
    #[error("{file}: key `{key}`: expression `{text}`: {error}")]
    Expression {
        /// Model file.
        file: String,
        /// Full TOML key path.
        key: String,
        /// The expression text.
        text: String,
        /// Where and what.
        error: Box<ExprError>,
    },
    /// A data table (radial profile, point set) has a bad line.
    #[error("{path}:{line}: {problem}")]
    Table {
        /// Table file (or the TOML key of an inline table).
        path: String,
        /// 1-based line (0 when the problem is the table as a whole).
        line: usize,
        /// What is wrong.
        problem: TableProblem,
    },
}

/// What is wrong in a data table.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TableProblem {
    /// A row has the wrong number of columns.
    #[error("{found} columns, expected {expected}")]
    ColumnCount {
        /// Columns declared.
        expected: usize,
        /// Columns found on the line.
        found: usize,
    },
    /// A cell is not a finite number.
    #[error("column `{column}`: `{value}` is not a finite number")]
    NotANumber {
        /// Column name.
        column: String,
        /// Text found.
        value: String,
    },
    /// The table has fewer rows than needed.
    #[error("{found} data rows, need at least {needed}")]
    TooFewRows {
        /// Rows found.
        found: usize,
        /// Rows needed.
        needed: usize,
    },
    /// Two rows have the same radius (after sorting).
    #[error("radius `{radius_m}` m appears twice")]
    DuplicateRadius {
        /// The repeated radius, m.
        radius_m: f64,
    },
    /// A value must be positive for the chosen interpolation or coordinate.
    #[error("column `{column}`: `{value}` must be > 0 for {reason}")]
    NotPositive {
        /// Column name.
        column: String,
        /// The value.
        value: f64,
        /// Why it must be positive.
        reason: &'static str,
    },
}
