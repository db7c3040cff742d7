//! Settings of the ray tracer, with defaults and their sources.

use crate::error::RaytraceError;
use crate::rays::RayLayout;

/// How the image is made from the grid (the image geometry itself is
/// [`stop_model::file::ImageParams`]).
#[derive(Debug, Clone, PartialEq)]
pub struct RaytraceParams {
    /// Where the rays go (default: 2 × 2 per pixel).
    pub layout: RayLayout,
    /// A piece of a cell step is halved while the projected velocity at its middle deviates
    /// from the chord by more than this many Doppler widths b. 0.05 b bounds the profile error
    /// of the linear treatment to ~(0.05)²/2 ≈ 0.1 % of the peak.
    pub velocity_tolerance: f64,
    /// Most halvings of a cell step (each costs one velocity evaluation per piece).
    pub max_velocity_splits: u32,
}

impl Default for RaytraceParams {
    fn default() -> Self {
        Self { layout: RayLayout::SubPixel { per_side: 2 }, velocity_tolerance: 0.05, max_velocity_splits: 6 }
    }
}

impl RaytraceParams {
    /// Checks the ranges.
    ///
    /// # Errors
    /// [`RaytraceError::BadParameter`] for zero rays or a non-positive tolerance.
    pub fn validate(&self) -> Result<(), RaytraceError> {
        let bad = |what, value: String, expected| Err(RaytraceError::BadParameter { what, value, expected });
        match self.layout {
            RayLayout::SubPixel { per_side: 0 } => return bad("rays per pixel side", "0".into(), "at least 1"),
            RayLayout::GridPoints { max_per_pixel: 0 } => return bad("rays per pixel", "0".into(), "at least 1"),
            _ => {}
        }
        if !(self.velocity_tolerance.is_finite() && self.velocity_tolerance > 0.0) {
            return bad("velocity_tolerance", self.velocity_tolerance.to_string(), "a positive number");
        }
        Ok(())
    }
}
