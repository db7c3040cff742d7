//! The one error type of `stop-lte`.

use thiserror::Error;

/// Errors of `stop-lte`. Parameter errors name the component (0-based, in list order)
/// and the field.
#[derive(Debug, Error)]
pub enum LteError {
    /// A catalog or partition-function problem (file, line and field inside).
    #[error(transparent)]
    Catalog(#[from] stop_catalog::CatalogError),
    /// A LAMDA molecule could not be resolved or read.
    #[error(transparent)]
    Molecule(#[from] stop_molecule::MoleculeError),
    /// A component refers to a species the input does not define.
    #[error("component {component}: unknown species `{name}` (defined: {defined})")]
    UnknownSpecies {
        /// Component index (0-based).
        component: usize,
        /// Name used.
        name: String,
        /// Names defined in the input, comma-separated.
        defined: String,
    },
    /// A species definition that is not exactly one of `lamda` or `catalog` (+ `partfunc`).
    #[error("species `{name}`: {problem}")]
    SpeciesDefinition {
        /// Species name.
        name: String,
        /// What is wrong (which keys are missing or conflicting).
        problem: &'static str,
    },
    /// A model parameter outside its physical range.
    #[error("component {component}: {field} = `{value}` {expected}")]
    InvalidParameter {
        /// Component index (0-based, list order).
        component: usize,
        /// Parameter name (`tex_k`, `column_cm2`, `fwhm_km_s`, …).
        field: &'static str,
        /// The value given.
        value: f64,
        /// What is allowed.
        expected: &'static str,
    },
    /// A global parameter outside its range (`tbg_k`, `beam_arcsec`, axis bounds…).
    #[error("{field} = `{value}` {expected}")]
    InvalidSetting {
        /// Parameter name.
        field: &'static str,
        /// The value given.
        value: f64,
        /// What is allowed.
        expected: &'static str,
    },
    /// No line of the model falls in the requested frequency range.
    #[error("no line of {species} between {fmin_ghz} and {fmax_ghz} GHz")]
    NoLinesInRange {
        /// Species names of the model.
        species: String,
        /// Lower bound, GHz.
        fmin_ghz: f64,
        /// Upper bound, GHz.
        fmax_ghz: f64,
    },
    /// A partition function that is not finite and positive at the asked temperature.
    #[error("partition function of {species} is `{q}` at {t_k} K")]
    BadPartitionFunction {
        /// Species name.
        species: String,
        /// Temperature, K.
        t_k: f64,
        /// The value obtained.
        q: f64,
    },
    /// A model without any component or species.
    #[error("the model has no component with a species")]
    EmptyModel,
    /// Rotation diagram: a point with an unusable value.
    #[error("rotation diagram point {index}: {field} = `{value}` {expected}")]
    BadPoint {
        /// 0-based point index.
        index: usize,
        /// Column name.
        field: &'static str,
        /// The value found.
        value: f64,
        /// What is allowed.
        expected: &'static str,
    },
    /// Rotation diagram: fewer than two points, or all at the same E_u.
    #[error("rotation diagram needs at least two points with different E_u, found {n_points} point(s) spanning {eup_span_k} K")]
    DegenerateDiagram {
        /// Number of points.
        n_points: usize,
        /// max E_u − min E_u, K.
        eup_span_k: f64,
    },
    /// Rotation diagram: the fitted slope is not negative, so T_rot would not be positive.
    #[error("rotation diagram slope {slope_per_k} K^-1 is not negative: no positive rotation temperature")]
    NonPhysicalSlope {
        /// Fitted slope of ln(N_u/g_u) against E_u, K⁻¹.
        slope_per_k: f64,
    },
    /// Rotation diagram: the optical-depth correction iteration did not settle.
    #[error("optical-depth correction not converged after {iterations} iterations (last relative change of the corrections {rel_change})")]
    NotConverged {
        /// Iterations done.
        iterations: usize,
        /// Last relative change of the opacity corrections.
        rel_change: f64,
    },
}
