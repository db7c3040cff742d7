//! Cost of one field evaluation (all fields at one position) for LIME model A written five
//! ways: expressions in the model file (velocity as three Cartesian components, as three
//! components sharing a `[derived]` speed, or as one radial speed as in
//! `validation/models/lime_modelA.toml`), the `power_law_envelope` built-in, and hand-written
//! Rust.
//! Prints nanoseconds per evaluation; run with `cargo bench -p stop-model --bench field_eval`.

#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;
use stop_model::{Bounds, ModelFile, PhysicalModel, PointFields, Position};
use stop_molecule::PartnerKind;

use stop_physics::constants::AU_M;
const N_EVALS: usize = 2_000_000;
const N_RUNS: usize = 5;

/// Model A as LIME's C code computes it (constants from model.toml).
struct NativeModelA {
    t_r_m: [f64; 10],
    t_k: [f64; 10],
}

impl PhysicalModel for NativeModelA {
    fn partners(&self) -> &[PartnerKind] {
        &[PartnerKind::H2]
    }
    fn fields(&self, p: &Position) -> PointFields {
        let mut f = PointFields::ZERO;
        let n = 1.5e12 * (p.r_m.max(1.047_185_094_9e11) / 4.487_936_121e13).powf(-1.5);
        f.density_m3[0] = n;
        let i = self.t_r_m.partition_point(|r| *r <= p.r_m);
        f.tkin_k = if i == 0 {
            self.t_k[0]
        } else if i == 10 {
            self.t_k[9]
        } else {
            let t = (p.r_m - self.t_r_m[i - 1]) / (self.t_r_m[i] - self.t_r_m[i - 1]);
            self.t_k[i - 1] * (1.0 - t) + self.t_k[i] * t
        };
        f.tdust_k = f.tkin_k;
        f.molecule_density_m3 = 1e-9 * n;
        let r_v = p.r_m.max(1.495_978_707e10);
        let s = -(2.0 * 6.674_28e-11 * 1.989e30 / r_v).sqrt() / r_v;
        f.velocity_m_s = [s * p.x_m, s * p.y_m, s * p.z_m];
        f.doppler_b_m_s = 200.0;
        f
    }
    fn bounds(&self) -> Bounds {
        Bounds { inner_radius_m: 0.0, outer_radius_m: 2000.0 * AU_M }
    }
}

/// Positions log-uniform in r between 0.5 and 2000 au, spread over directions (a fixed
/// sequence, no RNG crate needed).
fn positions() -> Vec<Position> {
    (0..4096)
        .map(|i| {
            let u = (i as f64 + 0.5) / 4096.0;
            let r = 0.5 * AU_M * 4000.0_f64.powf(u);
            let cos_theta = 2.0 * ((i * 2_654_435_761_usize) % 4096) as f64 / 4096.0 - 1.0;
            let phi = i as f64 * 2.399_963;
            let s = (1.0 - cos_theta * cos_theta).sqrt();
            Position::new(r * s * phi.cos(), r * s * phi.sin(), r * cos_theta)
        })
        .collect()
}

fn time(name: &str, model: &dyn PhysicalModel, points: &[Position]) {
    let mut best = f64::INFINITY;
    let mut check = 0.0;
    for _ in 0..N_RUNS {
        let start = Instant::now();
        for i in 0..N_EVALS {
            let f = model.fields(black_box(&points[i % points.len()]));
            check += f.density_m3[0] * 1e-12 + f.velocity_m_s[0] + f.tkin_k;
        }
        best = best.min(start.elapsed().as_secs_f64() * 1e9 / N_EVALS as f64);
    }
    println!("{name:52} {best:7.1} ns per evaluation of all fields   (checksum {check:.6e})");
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../validation/models");
    let file = match ModelFile::load(dir.join("lime_modelA.toml")) {
        Ok(f) => f,
        Err(e) => {
            println!("cannot load model A: {e}");
            return;
        }
    };
    let text = std::fs::read_to_string(dir.join("lime_modelA.toml")).unwrap_or_default();
    let builtin_text = text
        .lines()
        .filter(|l| !l.starts_with("density_m3") && !l.starts_with("velocity_m_s"))
        .collect::<Vec<_>>()
        .join("\n")
        .replacen(
            "[fields]",
            "[builtin]\nkind = \"power_law_envelope\"\nn0_m3 = \"n0\"\nr0_m = \"r0\"\nexponent = -1.5\nr_floor_m = \"r_floor\"\ninfall_mass_kg = \"msun_kg\"\nvelocity_floor_m = \"v_floor\"\n\n[fields]",
            1,
        );
    let builtin = match ModelFile::from_toml_str(&builtin_text, "modelA-builtin", &dir) {
        Ok(f) => f,
        Err(e) => {
            println!("cannot build the built-in variant: {e}");
            return;
        }
    };
    let cartesian_text = text
        .lines()
        .map(|l| {
            if l.starts_with("velocity_m_s") {
                let c = |axis: &str| format!("\"-sqrt(2 * grav_si * msun_kg / max(r, v_floor)) * {axis} / max(r, v_floor)\"");
                format!("velocity_m_s = [{}, {}, {}]", c("x"), c("y"), c("z"))
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let cartesian = match ModelFile::from_toml_str(&cartesian_text, "modelA-cartesian", &dir) {
        Ok(f) => f,
        Err(e) => {
            println!("cannot build the Cartesian variant: {e}");
            return;
        }
    };
    let derived_text = cartesian_text
        .replacen("[fields]", "[derived]\nspeed = \"-sqrt(2 * grav_si * msun_kg / max(r, v_floor)) / max(r, v_floor)\"\n\n[fields]", 1)
        .lines()
        .map(|l| if l.starts_with("velocity_m_s") { "velocity_m_s = [\"speed * x\", \"speed * y\", \"speed * z\"]" } else { l })
        .collect::<Vec<_>>()
        .join("\n");
    let derived = match ModelFile::from_toml_str(&derived_text, "modelA-derived", &dir) {
        Ok(f) => f,
        Err(e) => {
            println!("cannot build the derived variant: {e}");
            return;
        }
    };
    let native = NativeModelA {
        t_r_m: [2.0e13, 5.0e13, 8.0e13, 1.1e14, 1.4e14, 1.7e14, 2.0e14, 2.3e14, 2.6e14, 2.9e14],
        t_k: [44.777, 31.037, 25.718, 22.642, 20.560, 19.023, 17.826, 16.857, 16.050, 15.364],
    };
    let points = positions();
    println!("model A, {N_EVALS} evaluations per run, best of {N_RUNS} runs, one thread");
    time("model file: 4 expressions (v_x, v_y, v_z) + T table", &cartesian.model, &points);
    time("model file: derived speed, speed * x, … + T table", &derived.model, &points);
    time("model file: 2 expressions (radial v) + T table", &file.model, &points);
    time("model file: power_law_envelope + T table", &builtin.model, &points);
    time("hand-written Rust (LIME's model.c)", &native, &points);
}
