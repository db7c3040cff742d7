//! Radiative transfer along a ray against the closed-form solution for a uniform medium.

mod common;

use common::{B_M_S, N_MOL_M3, RADIUS_M, TCMB_K, TKIN_K, grid, molecule, setup_and_pops};
use stop_model::file::{ImageParams, ImageUnit, Rotation};
use stop_physics::constants::{C_M_S, H_ERG_S, K_ERG_K};
use stop_raytrace::units::values;
use stop_raytrace::{RayLayout, RaytraceParams, TraceGrid, render, render_all};

/// Length of the chord through the centre along `dir` that lies in the Voronoi cells of
/// interior (non-sink) points, by brute force: the nearest point of 200 000 evenly spaced
/// samples.
fn interior_chord_m(positions: &[[f64; 3]], is_sink: &[bool], dir: [f64; 3]) -> f64 {
    let n = 200_000;
    let inside = (0..n)
        .filter(|&k| {
            let s = -RADIUS_M + 2.0 * RADIUS_M * (k as f64 + 0.5) / n as f64;
            let p = [s * dir[0], s * dir[1], s * dir[2]];
            let d2 = |q: &[f64; 3]| (0..3).map(|a| (q[a] - p[a]).powi(2)).sum::<f64>();
            let nearest = (0..positions.len()).min_by(|&a, &b| d2(&positions[a]).total_cmp(&d2(&positions[b]))).unwrap_or(0);
            !is_sink[nearest]
        })
        .count();
    2.0 * RADIUS_M * inside as f64 / n as f64
}

#[test]
fn central_ray_matches_the_uniform_slab_solution() {
    let mol = molecule();
    let grid = grid();
    let (setup, pops) = setup_and_pops(&grid, &mol);
    let trace = TraceGrid::new(&setup, &mol, &pops).expect("trace grid");
    // one pixel, one ray through the centre, seen face-on (LIME's matrix: ray along −z)
    let image = ImageParams {
        file_stem: "centre".into(),
        transition: 0,
        n_channels: 7,
        channel_width_m_s: 60.0,
        n_pixels: 1,
        pixel_arcsec: 0.01,
        distance_m: 1e18,
        source_velocity_m_s: 0.0,
        rotation: Rotation::Angles([0.0; 3]),
        units: vec![ImageUnit::Kelvin],
    };
    let params = RaytraceParams { layout: RayLayout::SubPixel { per_side: 1 }, ..RaytraceParams::default() };
    let cube = render(&trace, &image, &params).expect("rendered");
    let kelvin = values(&cube, ImageUnit::Kelvin);
    let tau = values(&cube, ImageUnit::Tau);

    // closed form: LTE populations of CO J=1 and 0 at 20 K, κ0 = n A λ³ / (8 π^{3/2} b),
    // τ(v) = κ0 (p0 g1/g0 − p1) exp(−(v/b)²) L, T = (hν/k) (S − B_cmb) (1 − e^{−τ}) with S, B
    // photon occupation numbers (RJ Kelvin of a CMB-subtracted intensity, lime-algorithm.md §4.4)
    let line = &mol.lines[0];
    let freq_hz = mol.line_wavenumber_cm1(0) * stop_physics::constants::C_CM_S;
    let boltz = |l: usize| mol.levels[l].weight * (-mol.levels[l].energy_k() / TKIN_K).exp();
    let q = mol.partition_function(TKIN_K);
    let (p0, p1) = (boltz(0) / q, boltz(1) / q);
    let g_ratio = mol.levels[1].weight / mol.levels[0].weight;
    let lambda_m = C_M_S / freq_hz;
    let kappa0 = N_MOL_M3 * line.a_ul_s * lambda_m.powi(3) / (8.0 * std::f64::consts::PI.powf(1.5) * B_M_S);
    let chord_m = interior_chord_m(&grid.positions_m, &grid.is_sink, [0.0, 0.0, 1.0]);
    assert!(chord_m > 1.5 * RADIUS_M && chord_m < 2.0 * RADIUS_M, "{chord_m}");
    let hnu_k = H_ERG_S * freq_hz / K_ERG_K;
    let occupation = |t: f64| 1.0 / (hnu_k / t).exp_m1();
    // the image is converted at the catalogue frequency; the populations at the level energies
    let rest_hz = line.freq_ghz * 1e9;
    let rj_scale = H_ERG_S * rest_hz / K_ERG_K;
    for c in 0..7 {
        let v = (c as f64 - 3.0) * 60.0;
        let tau_v = kappa0 * (p0 * g_ratio - p1) * (-(v / B_M_S).powi(2)).exp() * chord_m;
        let t_v = rj_scale * (occupation(TKIN_K) - occupation(TCMB_K)) * (-(-tau_v).exp_m1());
        // brute-force chord: ±1 sample of 1e-5 of the path
        assert!((tau[c] / tau_v - 1.0).abs() < 2e-5, "channel {c}: τ {} vs {tau_v}", tau[c]);
        assert!((kelvin[c] / t_v - 1.0).abs() < 2e-5, "channel {c}: T {} vs {t_v}", kelvin[c]);
    }
    assert!(tau[3] > 0.5 && tau[3] < 5.0, "line-centre τ {} should be of order 1", tau[3]);
}

#[test]
fn images_traced_together_equal_images_traced_alone() {
    let mol = molecule();
    let grid = grid();
    let (setup, pops) = setup_and_pops(&grid, &mol);
    let trace = TraceGrid::new(&setup, &mol, &pops).expect("trace grid");
    let image = |file_stem: &str, transition: usize, n_channels: usize, n_pixels: usize| ImageParams {
        file_stem: file_stem.into(),
        transition,
        n_channels,
        channel_width_m_s: 60.0,
        n_pixels,
        pixel_arcsec: 0.004,
        distance_m: 1e18,
        source_velocity_m_s: 30.0,
        rotation: Rotation::Angles([0.4, 0.2, 0.1]),
        units: vec![ImageUnit::Kelvin],
    };
    // the first two share their rays (traced together), the third has other pixels
    let images = [image("a", 0, 7, 3), image("b", 1, 5, 3), image("c", 0, 4, 2)];
    let params = RaytraceParams { layout: RayLayout::SubPixel { per_side: 2 }, ..RaytraceParams::default() };
    let together = render_all(&trace, &images, &params).expect("rendered together");
    for (im, cube) in images.iter().zip(&together) {
        assert_eq!(cube, &render(&trace, im, &params).expect("rendered alone"), "image {}", im.file_stem);
        assert!(values(cube, ImageUnit::Kelvin).iter().any(|&t| t > 1.0), "image {} has emission", im.file_stem);
    }
}
