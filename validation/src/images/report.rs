//! The printed comparison and its pass/fail checks.

use super::compare::{CubeFigures, RING_EDGES_AU, figures, pixel_residuals, ring_residuals, worst_channel_flux_difference};
use super::lime_inputs::read_reference_cube;
use super::reference_path;
use std::fmt::Write as _;
use crate::modela::Cells;
use std::path::{Path, PathBuf};
use stop_model::file::ImageUnit;
use stop_physics::constants::AU_CM;
use stop_raytrace::units::values;
use stop_raytrace::{ImageCube, RaytraceParams};

/// Same grid, integrated flux: "integrated flux within ~0.5 %" (README, practical tolerances
/// for a new solver on the same grid).
pub const SAME_GRID_INTEGRATED_FLUX: f64 = 0.005;
/// Same grid, per-pixel: "image pixels within ~2 % (p90)" (README, same place).
pub const SAME_GRID_PIXEL_P90: f64 = 0.02;
/// STOP's and LIME's Jy/K ratios: LIME's Boltzmann constant (CODATA 2014) differs from
/// CODATA 2018 by 3.5e-7 and its cubes are float32 (6e-8); 1e-5 leaves room for both.
pub const JY_PER_K_RATIO: f64 = 1e-5;

/// Where the populations came from.
#[derive(Debug, Clone)]
pub enum PopulationSource {
    /// LIME's own grid and populations (seed1 `grid_5.fits.gz`).
    LimeGrid,
    /// A STOP population file solved on LIME's seed1 grid with the given cells.
    StopOnLimeGrid(PathBuf, Cells),
    /// A STOP population file of the default cells solved on LIME's seed1 grid, its points
    /// beyond [`HYBRID_OUTER_AU`] replaced by LIME's: what remains must be LIME's image.
    HybridOnLimeGrid(PathBuf),
    /// A STOP population file on STOP's own grid.
    StopOwnGrid(PathBuf, Cells),
}

/// Beyond this radius (au) LIME's Voronoi cells span hundreds of au and the default cells
/// differ from LIME's by construction (`modela::cells`).
pub const HYBRID_OUTER_AU: f64 = 300.0;

/// The report: text, passed and failed checks.
#[derive(Debug, Clone)]
pub struct ImagesReport {
    model_a: PathBuf,
    /// The printed text.
    pub text: String,
    /// Checks passed.
    pub passed: usize,
    /// Checks failed.
    pub failed: usize,
}

fn pct(x: f64) -> String {
    format!("{:.2} %", 100.0 * x)
}

impl ImagesReport {
    /// An empty report for the model A directory.
    #[must_use]
    pub fn new(model_a: &Path, params: &RaytraceParams) -> Self {
        let velocity = params.lime_velocity_samples.map_or_else(|| "adaptive linear pieces".to_owned(), |n| format!("LIME's {n} samples per cell"));
        let text = format!("LIME model A image cubes ({}), STOP rays: {:?}, velocities along rays: {velocity}\n", model_a.display(), params.layout);
        Self { model_a: model_a.to_path_buf(), text, passed: 0, failed: 0 }
    }

    pub(crate) fn check(&mut self, ok: bool, what: &str) {
        let _ = writeln!(self.text, "  [{}] {what}", if ok { "PASS" } else { "FAIL" });
        if ok {
            self.passed += 1;
        } else {
            self.failed += 1;
        }
    }

    /// Says in the report that STOP's populations on one grid (`which`) were not compared
    /// because the file (`flag`) was not given: a failed check, never a silent skip.
    pub fn note_missing_populations(&mut self, which: &str, flag: &str) {
        let _ = writeln!(self.text, "\nSTOP's populations {which}: no population file given ({flag}); not compared");
        self.check(false, &format!("STOP's populations {which} compared"));
    }

    fn lime(&self, run: &str, stem: &str, suffix: &str) -> anyhow::Result<Vec<f64>> {
        Ok(read_reference_cube(&reference_path(&self.model_a, run, stem, suffix))?.values)
    }

    /// Compares one traced cube with LIME's and appends the figures and checks.
    ///
    /// # Errors
    /// Missing or unreadable reference cubes.
    pub fn compare(&mut self, cube: &ImageCube, seconds: f64, source: PopulationSource) -> anyhow::Result<()> {
        let stem = cube.file_stem.as_str();
        let same_runs = ["fixedgrid_seed4", "fixedgrid_seed5"];
        let (same_grid, label, others) = match &source {
            PopulationSource::LimeGrid => (true, "LIME seed1 grid + populations".to_owned(), same_runs),
            PopulationSource::StopOnLimeGrid(p, cells) => (true, format!("STOP populations ({} cells) on LIME's seed1 grid {}", cells.name(), p.display()), same_runs),
            PopulationSource::HybridOnLimeGrid(p) => (
                true,
                format!("STOP populations (linear cells) inside {HYBRID_OUTER_AU} au + LIME seed1's beyond, on LIME's seed1 grid {}", p.display()),
                same_runs,
            ),
            PopulationSource::StopOwnGrid(p, cells) => (false, format!("STOP populations ({} cells) on STOP's own grid {}", cells.name(), p.display()), ["seed2", "seed3"]),
        };
        let _ = writeln!(self.text, "\n== {stem}: {label}; all images traced in {seconds:.3} s ==");
        let n = cube.n_pixels;
        let dv = cube.channel_width_m_s;
        let ours_k = values(cube, ImageUnit::Kelvin);
        let ours_jy = values(cube, ImageUnit::JanskyPerPixel);
        let lime_k = self.lime("seed1", stem, "Kelvin")?;
        let lime_jy = self.lime("seed1", stem, "Jansky-per-px")?;
        let other_k = [self.lime(others[0], stem, "Kelvin")?, self.lime(others[1], stem, "Kelvin")?];
        let (f_ours_k, f_lime_k) = (figures(&ours_k, n, dv), figures(&lime_k, n, dv));
        let (f_ours_jy, f_lime_jy) = (figures(&ours_jy, n, dv), figures(&lime_jy, n, dv));
        let f_other: Vec<CubeFigures> = other_k.iter().map(|v| figures(v, n, dv)).collect();
        let _ = writeln!(self.text, "{:<34} {:>12} {:>12} {:>16} {:>16}", "", "STOP", "LIME seed1", others[0], others[1]);
        let _ = writeln!(
            self.text,
            "{:<34} {:>12.3} {:>12.3} {:>16.3} {:>16.3}",
            "peak (K)", f_ours_k.peak, f_lime_k.peak, f_other[0].peak, f_other[1].peak
        );
        // the other runs exist in K only: their flux is scaled by seed1's Jy/K ratio
        let jy_per_k_lime = f_lime_jy.integrated / f_lime_k.integrated;
        let _ = writeln!(
            self.text,
            "{:<34} {:>12.1} {:>12.1} {:>16.1} {:>16.1}",
            "integrated flux (Jy m/s)",
            f_ours_jy.integrated,
            f_lime_jy.integrated,
            f_other[0].integrated * jy_per_k_lime,
            f_other[1].integrated * jy_per_k_lime
        );
        let rel = |a: f64| a / f_lime_k.integrated - 1.0;
        let _ = writeln!(
            self.text,
            "{:<34} {:>12} {:>12} {:>16} {:>16}",
            "  relative to LIME seed1",
            pct(f_ours_jy.integrated / f_lime_jy.integrated - 1.0),
            "",
            pct(rel(f_other[0].integrated)),
            pct(rel(f_other[1].integrated))
        );
        let (ours_med, ours_p90, n_pix) = pixel_residuals(&ours_k, &lime_k);
        let others_res: Vec<(f64, f64, usize)> = other_k.iter().map(|v| pixel_residuals(v, &lime_k)).collect();
        let _ = writeln!(
            self.text,
            "{:<34} {:>12} {:>12} {:>16} {:>16}",
            format!("|Δ|/LIME per pixel, median ({n_pix} px)"),
            pct(ours_med),
            "",
            pct(others_res[0].0),
            pct(others_res[1].0)
        );
        let _ = writeln!(
            self.text,
            "{:<34} {:>12} {:>12} {:>16} {:>16}",
            "|Δ|/LIME per pixel, 90th pct",
            pct(ours_p90),
            "",
            pct(others_res[0].1),
            pct(others_res[1].1)
        );
        let _ = writeln!(
            self.text,
            "{:<34} {:>12} {:>12} {:>16} {:>16}",
            "worst channel flux |Δ| / peak ch.",
            pct(worst_channel_flux_difference(&f_ours_k, &f_lime_k)),
            "",
            pct(worst_channel_flux_difference(&f_other[0], &f_lime_k)),
            pct(worst_channel_flux_difference(&f_other[1], &f_lime_k))
        );
        let pixel_au = cube.pixel_rad * cube.distance_m / (AU_CM * 1e-2);
        let rings = [ring_residuals(&ours_k, &lime_k, n, pixel_au), ring_residuals(&other_k[0], &lime_k, n, pixel_au), ring_residuals(&other_k[1], &lime_k, n, pixel_au)];
        let _ = writeln!(self.text, "  per pixel by projected radius: mean (X − LIME)/LIME, median |Δ|/LIME");
        for (k, edges) in RING_EDGES_AU.windows(2).enumerate() {
            let cells: Vec<String> = rings.iter().map(|r| format!("{:>+7.2} % {:>6.2} %", 100.0 * r[k].mean_signed, 100.0 * r[k].median_abs)).collect();
            let _ = writeln!(self.text, "    {:>5.0}-{:<5.0} au ({:>5} px)  STOP {}   {} {}   {} {}", edges[0], edges[1], rings[0][k].n, cells[0], others[0], cells[1], others[1], cells[2]);
        }
        let _ = writeln!(self.text, "  channel  v (m/s)   STOP (Jy)   LIME (Jy)   STOP/LIME");
        let peak_channel = f_lime_jy.channel_sums.iter().copied().fold(0.0, f64::max);
        for (c, (a, r)) in f_ours_jy.channel_sums.iter().zip(&f_lime_jy.channel_sums).enumerate() {
            if *r > 0.02 * peak_channel {
                let _ = writeln!(self.text, "  {c:>7} {:>8.0} {a:>11.4} {r:>11.4} {:>11.4}", cube.channel_velocity_m_s(c), a / r);
            }
        }
        let ratio_ours = f_ours_jy.integrated / f_ours_k.integrated;
        self.check(
            (ratio_ours / jy_per_k_lime - 1.0).abs() < JY_PER_K_RATIO,
            &format!("Jy/pixel per K: STOP {ratio_ours:.6e}, LIME {jy_per_k_lime:.6e} (within {JY_PER_K_RATIO:e})"),
        );
        let flux_diff = (f_ours_jy.integrated / f_lime_jy.integrated - 1.0).abs();
        if let PopulationSource::StopOnLimeGrid(_, Cells::Linear) = source {
            let _ = writeln!(
                self.text,
                "  linear cells: beyond ~{HYBRID_OUTER_AU} au STOP's J=3-4 sit below LIME's constant-cell values by construction\n  \
                 (lime-modela, modela::cells); the next part puts LIME's populations there and must then be LIME's image"
            );
        } else if let PopulationSource::StopOnLimeGrid(_, Cells::Lime) = source {
            let _ = writeln!(
                self.text,
                "  lime cells on straight paths: LIME's J>=4 lie 1-3 % lower at 30-1000 au because LIME's photons walk Delaunay\n  \
                 edges and see the velocity off their line (lime-modela --part diagnose, modela::lime_paths); not judged\n  \
                 against LIME's same-grid noise: the `lime-paths` populations (LIME's paths) are, like with like"
            );
        } else if same_grid {
            let what = match &source {
                PopulationSource::LimeGrid => "the ray tracer (LIME's populations)".to_owned(),
                PopulationSource::HybridOnLimeGrid(_) => {
                    format!("STOP's linear-cell populations inside {HYBRID_OUTER_AU} au and the ray tracer (LIME's populations beyond)")
                }
                _ => "STOP's lime-cell populations on LIME's photon paths and the ray tracer".to_owned(),
            };
            self.check(
                flux_diff <= SAME_GRID_INTEGRATED_FLUX,
                &format!("{stem}, {what}: integrated flux within {} of LIME's (same grid): {}", pct(SAME_GRID_INTEGRATED_FLUX), pct(flux_diff)),
            );
            self.check(ours_p90 <= SAME_GRID_PIXEL_P90, &format!("{stem}, {what}: per-pixel p90 within {} (same grid): {}", pct(SAME_GRID_PIXEL_P90), pct(ours_p90)));
        } else {
            // LIME's own grid-to-grid spread of the integrated flux (seeds 2, 3 vs seed1)
            let spread = f_other.iter().map(|f| rel(f.integrated).abs()).fold(0.0, f64::max);
            self.check(flux_diff <= spread, &format!("{stem}, STOP's own grid and populations: integrated flux within LIME's grid-to-grid spread {}: {}", pct(spread), pct(flux_diff)));
            let _ = writeln!(
                self.text,
                "  per-pixel p90 against LIME seed1 on another grid is mostly the grid's (one draw; images::geometry):\n  \
                 judged below in two parts, the grid's and the populations'"
            );
        }
        Ok(())
    }
}
