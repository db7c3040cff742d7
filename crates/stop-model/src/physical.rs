//! The [`PhysicalModel`] trait: what the 3-D solver and the ray tracer ask of a model.

use stop_molecule::PartnerKind;

/// Number of LAMDA collision partners (ids 1–7); [`PointFields::density_m3`] is indexed by
/// [`PartnerKind::index`].
pub const N_PARTNERS: usize = 7;

/// Exponent of LIME's default grid-point density, `(Σ_i n_i)^0.2` (`DENSITY_POWER` in
/// LIME 1.9.5; Brinch & Hogerheijde 2010, A&A 523, A25, §3.1).
pub const DENSITY_POWER: f64 = 0.2;

/// A position in the model frame, metres, with the derived radii computed once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Position {
    /// x, m.
    pub x_m: f64,
    /// y, m.
    pub y_m: f64,
    /// z, m (the rotation axis of disks and envelopes).
    pub z_m: f64,
    /// Distance from the centre, m.
    pub r_m: f64,
    /// Distance from the z axis, m.
    pub rcyl_m: f64,
}

impl Position {
    /// A position from Cartesian coordinates in metres.
    ///
    /// ```
    /// let p = stop_model::Position::new(3.0, 4.0, 12.0);
    /// assert_eq!((p.r_m, p.rcyl_m), (13.0, 5.0));
    /// ```
    #[must_use]
    pub fn new(x_m: f64, y_m: f64, z_m: f64) -> Self {
        let rcyl_m = x_m.hypot(y_m);
        Self { x_m, y_m, z_m, r_m: rcyl_m.hypot(z_m), rcyl_m }
    }
}

/// How the solver turns [`PointFields::doppler_b_m_s`] into the line width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineWidth {
    /// `b` is the microturbulent part; the solver adds the thermal part,
    /// `b_total = sqrt(b² + 2kT/m_mol)` (LIME's convention).
    TurbulentPlusThermal,
    /// `b` is the total Doppler parameter; no thermal term (van Zadelhoff et al. 2002,
    /// problem 1: "0.15 km/s").
    Total,
}

/// The physical state at one position. Plain data (`Copy`), so evaluating it allocates nothing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PointFields {
    /// Number density of each collision partner, m⁻³, indexed by [`PartnerKind::index`].
    pub density_m3: [f64; N_PARTNERS],
    /// Gas kinetic temperature, K.
    pub tkin_k: f64,
    /// Dust temperature, K.
    pub tdust_k: f64,
    /// Number density of the radiating molecule, m⁻³.
    pub molecule_density_m3: f64,
    /// Bulk velocity, m/s.
    pub velocity_m_s: [f64; 3],
    /// Doppler parameter b (1/e half width), m/s; see [`LineWidth`].
    pub doppler_b_m_s: f64,
}

impl PointFields {
    /// Everything zero (the state outside a model).
    pub const ZERO: Self = Self {
        density_m3: [0.0; N_PARTNERS],
        tkin_k: 0.0,
        tdust_k: 0.0,
        molecule_density_m3: 0.0,
        velocity_m_s: [0.0; 3],
        doppler_b_m_s: 0.0,
    };

    /// Density of one partner, m⁻³.
    #[must_use]
    pub fn density_of(&self, partner: PartnerKind) -> f64 {
        self.density_m3[partner.index()]
    }

    /// Sum of all partner densities, m⁻³.
    #[must_use]
    pub fn total_density_m3(&self) -> f64 {
        self.density_m3.iter().sum()
    }
}

/// What a photon path needs of the model at a position ([`PhysicalModel::path_fields`]): the
/// bulk velocity and the molecule and total gas densities.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PathFields {
    /// Bulk velocity, m/s.
    pub velocity_m_s: [f64; 3],
    /// Number density of the radiating molecule, m⁻³.
    pub molecule_density_m3: f64,
    /// Sum of all partner densities, m⁻³ ([`PointFields::total_density_m3`]).
    pub total_density_m3: f64,
}

impl From<PointFields> for PathFields {
    fn from(f: PointFields) -> Self {
        Self { velocity_m_s: f.velocity_m_s, molecule_density_m3: f.molecule_density_m3, total_density_m3: f.total_density_m3() }
    }
}

/// The region a model fills: a spherical shell (the whole sphere when the inner radius is 0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    /// Inner radius, m; nothing is sampled closer to the centre.
    pub inner_radius_m: f64,
    /// Outer radius, m: the sphere on which boundary (sink) points lie.
    pub outer_radius_m: f64,
}

/// A physical model: fields as functions of position.
///
/// Implement it in Rust for models no file can express. It is called millions of times from
/// rayon threads, hence `Send + Sync` and `&self`; implementations should not allocate.
///
/// ```
/// use stop_model::{Bounds, PhysicalModel, PointFields, Position};
/// use stop_molecule::PartnerKind;
///
/// /// A uniform, static sphere of H2 at 10 K.
/// struct Uniform;
///
/// impl PhysicalModel for Uniform {
///     fn partners(&self) -> &[PartnerKind] {
///         &[PartnerKind::H2]
///     }
///     fn fields(&self, _p: &Position) -> PointFields {
///         let mut f = PointFields::ZERO;
///         f.density_m3[PartnerKind::H2.index()] = 1e10;
///         f.tkin_k = 10.0;
///         f.tdust_k = 10.0;
///         f.molecule_density_m3 = 1e10 * 1e-9;
///         f.doppler_b_m_s = 100.0;
///         f
///     }
///     fn bounds(&self) -> Bounds {
///         Bounds { inner_radius_m: 0.0, outer_radius_m: 1e15 }
///     }
/// }
///
/// let p = Position::new(1e14, 0.0, 0.0);
/// assert_eq!(Uniform.grid_density(&p), 1e10_f64.powf(0.2));
/// ```
pub trait PhysicalModel: Send + Sync {
    /// The collision partners the model supplies (the others have zero density).
    fn partners(&self) -> &[PartnerKind];

    /// All fields at a position.
    fn fields(&self, position: &Position) -> PointFields;

    /// The region the model fills.
    fn bounds(&self) -> Bounds;

    /// How [`PointFields::doppler_b_m_s`] is to be read.
    fn line_width(&self) -> LineWidth {
        LineWidth::TurbulentPlusThermal
    }

    /// Relative probability density of placing a grid point here (any positive scale; the
    /// sampler normalises it). LIME's default, `(Σ_i n_i)^0.2` ([`DENSITY_POWER`]).
    fn grid_density(&self, position: &Position) -> f64 {
        self.fields(position).total_density_m3().powf(DENSITY_POWER)
    }

    /// The bulk velocity alone, m/s: what the solver's LIME-compatible cells ask along a
    /// path. The default evaluates all fields; a model may evaluate only the velocity.
    fn velocity_m_s(&self, position: &Position) -> [f64; 3] {
        self.fields(position).velocity_m_s
    }

    /// The velocity and the molecule and gas densities alone: what the solver's fitted cells
    /// ask at the stations of a path. The default evaluates all fields; a model may skip the
    /// temperatures and the line width, but must return the same values as
    /// [`PhysicalModel::fields`].
    fn path_fields(&self, position: &Position) -> PathFields {
        self.fields(position).into()
    }
}

/// The normalising maximum LIME divides the grid-point density by (`lime-algorithm.md` §2.1):
/// the value at the centre if it is positive and finite, otherwise the value at
/// (r_min, r_min, r_min). `None` when both fail; LIME then takes the largest of 100 random
/// positions, which the sampler does with its own seeded stream.
///
/// ```
/// use stop_model::{ModelFile, grid_density_norm};
/// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../validation/models/vz2002_1a.toml");
/// let model = ModelFile::load(path)?.model;
/// // Empty centre: the density at r = √3 · 1e13 m, 2e13/3 m⁻³, to the power 0.2.
/// let norm = grid_density_norm(&model, 1.0e13);
/// assert!(norm.is_some_and(|f| (f / (2.0e13_f64 / 3.0).powf(0.2) - 1.0).abs() < 1e-12));
/// # Ok::<(), stop_model::ModelError>(())
/// ```
pub fn grid_density_norm<M: PhysicalModel + ?Sized>(model: &M, min_scale_m: f64) -> Option<f64> {
    [Position::new(0.0, 0.0, 0.0), Position::new(min_scale_m, min_scale_m, min_scale_m)]
        .iter()
        .map(|p| model.grid_density(p))
        .find(|f| f.is_finite() && *f > 0.0)
}

macro_rules! forward_physical_model {
    ($($wrapper:ty),*) => {$(
        /// Forwards to the wrapped model.
        impl<M: PhysicalModel + ?Sized> PhysicalModel for $wrapper {
            fn partners(&self) -> &[PartnerKind] {
                (**self).partners()
            }
            fn fields(&self, position: &Position) -> PointFields {
                (**self).fields(position)
            }
            fn bounds(&self) -> Bounds {
                (**self).bounds()
            }
            fn line_width(&self) -> LineWidth {
                (**self).line_width()
            }
            fn grid_density(&self, position: &Position) -> f64 {
                (**self).grid_density(position)
            }
            fn velocity_m_s(&self, position: &Position) -> [f64; 3] {
                (**self).velocity_m_s(position)
            }
            fn path_fields(&self, position: &Position) -> PathFields {
                (**self).path_fields(position)
            }
        }
    )*};
}

forward_physical_model!(&M, Box<M>, std::sync::Arc<M>);
