//! A uniform static sphere of H2 with CO in LTE at 20 K, on a small grid.

use stop_lime::grid::build::Grid;
use stop_lime::grid::sampling::SamplingParams;
use stop_lime::grid::smoothing::SmoothingParams;
use stop_lime::solve::iterate::{StartFrom, initial_populations};
use stop_lime::solve::setup::{Mesh, SolverSetup};
use stop_model::{Bounds, LineWidth, PhysicalModel, PointFields, Position};
use stop_molecule::{Molecule, PartnerKind};

/// Radius of the sphere, m.
pub const RADIUS_M: f64 = 1.0e15;
/// Gas temperature, K.
pub const TKIN_K: f64 = 20.0;
/// CMB temperature, K.
pub const TCMB_K: f64 = 2.72548;
/// Total Doppler b, m/s.
pub const B_M_S: f64 = 150.0;
/// CO density, m⁻³ (line-centre τ of J=1-0 across the sphere ≈ 2).
pub const N_MOL_M3: f64 = 2.0e4;

/// Uniform, static, molecules everywhere inside `RADIUS_M`.
pub struct Uniform;

impl PhysicalModel for Uniform {
    fn partners(&self) -> &[PartnerKind] {
        &[PartnerKind::ParaH2]
    }
    fn fields(&self, p: &Position) -> PointFields {
        if p.r_m > RADIUS_M {
            return PointFields::ZERO;
        }
        let mut f = PointFields::ZERO;
        f.density_m3[PartnerKind::ParaH2.index()] = 1.0e10;
        f.tkin_k = TKIN_K;
        f.tdust_k = TKIN_K;
        f.molecule_density_m3 = N_MOL_M3;
        f.doppler_b_m_s = B_M_S;
        f
    }
    fn bounds(&self) -> Bounds {
        Bounds { inner_radius_m: 0.0, outer_radius_m: RADIUS_M }
    }
    fn line_width(&self) -> LineWidth {
        LineWidth::Total
    }
}

/// CO as shipped with STOP.
pub fn molecule() -> Molecule {
    stop_molecule::shipped("co").expect("CO ships with STOP")
}

/// 400 interior and 150 boundary points, uniform density of points.
pub fn grid() -> Grid {
    let sampling = SamplingParams { radius_m: RADIUS_M, min_scale_m: 1e-3 * RADIUS_M, n_interior: 400, n_sink: 150, seed: 3, ..SamplingParams::default() };
    Grid::build(&|_x: f64, _y: f64, _z: f64| 1.0, &sampling, &SmoothingParams::default()).expect("grid")
}

/// The set-up and LTE populations of the sphere on `grid`.
pub fn setup_and_pops<'a>(grid: &'a Grid, molecule: &Molecule) -> (SolverSetup<'a>, Vec<f64>) {
    let mesh = Mesh { positions_m: &grid.positions_m, is_sink: &grid.is_sink, neighbours: &grid.neighbours };
    let setup = SolverSetup::new(mesh, &Uniform, molecule, TCMB_K, None).expect("setup");
    let pops = initial_populations(&setup, molecule, StartFrom::Lte);
    (setup, pops)
}
