//! Scalar and vector fields: the forms a model-file field can take.

mod points;
mod profile;

pub use points::PointCloud;
pub use profile::{Interpolation, Outside, RadialProfile};

use crate::expr::Expression;
use crate::physical::Position;

/// One scalar field of a model.
#[derive(Debug, Clone)]
pub enum ScalarField {
    /// The same value everywhere.
    Constant(f64),
    /// An analytic expression of the coordinates.
    Expression(Expression),
    /// A tabulated profile of r, times a scale factor (unit conversion).
    Profile {
        /// The profile.
        profile: RadialProfile,
        /// Multiplies the tabulated value.
        scale: f64,
    },
    /// Values at scattered points (nearest neighbour), times a scale factor.
    Points {
        /// The points and values.
        cloud: PointCloud,
        /// Multiplies the value.
        scale: f64,
    },
}

impl ScalarField {
    /// The value at a position.
    ///
    /// ```
    /// use stop_model::{Position, ScalarField};
    /// assert_eq!(ScalarField::Constant(20.0).at(&Position::new(1.0, 2.0, 3.0)), 20.0);
    /// ```
    #[must_use]
    pub fn at(&self, position: &Position) -> f64 {
        self.at_with(position, &[])
    }

    /// The value at a position, given the model's derived quantities there.
    #[must_use]
    pub fn at_with(&self, position: &Position, derived: &[f64]) -> f64 {
        match self {
            ScalarField::Constant(v) => *v,
            ScalarField::Expression(e) => e.eval_with(position, derived),
            ScalarField::Profile { profile, scale } => profile.at(position.r_m) * scale,
            ScalarField::Points { cloud, scale } => cloud.at(position) * scale,
        }
    }
}

/// The velocity field of a model.
#[derive(Debug, Clone)]
pub enum VectorField {
    /// Three scalar fields: v_x, v_y, v_z (m/s).
    Components(Box<[ScalarField; 3]>),
    /// A radial speed v_r(…) (m/s, negative = infall) along the unit vector (x, y, z)/r; zero at
    /// the centre.
    Radial(ScalarField),
}

impl VectorField {
    /// The velocity at a position, m/s.
    ///
    /// ```
    /// use stop_model::{Position, ScalarField, VectorField};
    /// let infall = VectorField::Radial(ScalarField::Constant(-100.0));
    /// assert_eq!(infall.at(&Position::new(0.0, 3.0, 4.0)), [0.0, -60.0, -80.0]);
    /// ```
    #[must_use]
    pub fn at(&self, position: &Position) -> [f64; 3] {
        self.at_with(position, &[])
    }

    /// The velocity at a position, given the model's derived quantities there, m/s.
    #[must_use]
    pub fn at_with(&self, position: &Position, derived: &[f64]) -> [f64; 3] {
        match self {
            VectorField::Components(c) => c.each_ref().map(|f| f.at_with(position, derived)),
            VectorField::Radial(speed) => {
                if position.r_m > 0.0 {
                    let s = speed.at_with(position, derived) / position.r_m;
                    [s * position.x_m, s * position.y_m, s * position.z_m]
                } else {
                    [0.0; 3]
                }
            }
        }
    }
}
