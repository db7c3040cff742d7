//! Ray geometry: impact parameters with their area weights (Gauss–Legendre points in
//! s = √(b² − p²) on each interval between edges, area element 2πs ds; see the module
//! documentation of `sphere1d`), and the steps along each ray.

use rayon::prelude::*;

/// Largest change of the projected velocity along one step, in units of the shell's b.
const MAX_VELOCITY_CHANGE_B: f64 = 1.0 / 8.0;

/// A piece of a ray with constant shell properties and projected velocity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Step {
    /// The shell crossed; `None` in an empty central hole.
    pub shell: Option<usize>,
    /// Length, m.
    pub length_m: f64,
    /// Gas velocity along the ray at the step's middle, m/s.
    pub velocity_m_s: f64,
}

/// One straight ray through the whole model, from the outer edge.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Ray {
    /// Area the ray stands for in the integral over impact parameters, m².
    pub area_m2: f64,
    /// Steps in the direction of propagation.
    pub steps: Vec<Step>,
}

/// The rays for shells on `edges_m` with Doppler widths `doppler_b_m_s` (one per shell) and
/// the radial velocity `velocity_m_s(r)`: `per_interval` Gauss–Legendre points per interval.
pub(super) fn build(edges_m: &[f64], doppler_b_m_s: &[f64], velocity_m_s: &(dyn Fn(f64) -> f64 + Sync), per_interval: usize) -> Vec<Ray> {
    let (nodes, weights) = gauss_legendre(per_interval);
    let inner = (edges_m[0] > 0.0).then_some((0.0, edges_m[0]));
    let impacts: Vec<(f64, f64)> = inner
        .into_iter()
        .chain(edges_m.windows(2).map(|w| (w[0], w[1])))
        .flat_map(|(a, b)| {
            let s_max = (b * b - a * a).sqrt();
            nodes.iter().zip(&weights).map(move |(&x, &w)| {
                let s = 0.5 * s_max * (1.0 + x);
                ((b * b - s * s).sqrt(), 2.0 * std::f64::consts::PI * s * 0.5 * s_max * w)
            })
        })
        .collect();
    impacts.par_iter().map(|&(p, area_m2)| Ray { area_m2, steps: steps(p, edges_m, doppler_b_m_s, velocity_m_s) }).collect()
}

/// The steps of the ray at impact parameter `p` (m): cut at every edge it crosses and at its
/// closest approach, each piece subdivided so that the projected velocity changes by at most
/// [`MAX_VELOCITY_CHANGE_B`] b per step.
fn steps(p: f64, edges_m: &[f64], doppler_b_m_s: &[f64], velocity_m_s: &(dyn Fn(f64) -> f64 + Sync)) -> Vec<Step> {
    let n_shells = edges_m.len() - 1;
    let crossing: Vec<f64> = edges_m.iter().filter(|&&r| r > p).map(|&r| (r * r - p * p).sqrt()).collect();
    let z: Vec<f64> = crossing.iter().rev().map(|&z| -z).chain([0.0]).chain(crossing.iter().copied()).collect();
    let projected = |z: f64| {
        let r = p.hypot(z);
        if r > 0.0 { velocity_m_s(r) * z / r } else { 0.0 }
    };
    let mut steps = Vec::new();
    for pair in z.windows(2) {
        let (z0, z1) = (pair[0], pair[1]);
        if z1 <= z0 {
            continue;
        }
        let z_mid = 0.5 * (z0 + z1);
        let r_mid = p.hypot(z_mid);
        if r_mid < edges_m[0] {
            steps.push(Step { shell: None, length_m: z1 - z0, velocity_m_s: 0.0 });
            continue;
        }
        let k = edges_m.partition_point(|&e| e <= r_mid).clamp(1, n_shells) - 1;
        let v_mid = projected(z_mid);
        let change = (v_mid - projected(z0)).abs() + (projected(z1) - v_mid).abs();
        let n_sub = (change / (MAX_VELOCITY_CHANGE_B * doppler_b_m_s[k])).floor() as usize + 1;
        let dz = (z1 - z0) / n_sub as f64;
        steps.extend((0..n_sub).map(|s| Step { shell: Some(k), length_m: dz, velocity_m_s: projected(z0 + (s as f64 + 0.5) * dz) }));
    }
    steps
}

/// Gauss–Legendre nodes and weights on [−1, 1] (Newton on the Legendre recurrence).
fn gauss_legendre(n: usize) -> (Vec<f64>, Vec<f64>) {
    let (mut nodes, mut weights) = (vec![0.0; n], vec![0.0; n]);
    for i in 0..n {
        let mut x = (std::f64::consts::PI * (i as f64 + 0.75) / (n as f64 + 0.5)).cos();
        for _ in 0..100 {
            let (mut p0, mut p1) = (1.0, x);
            for k in 2..=n {
                let k = k as f64;
                (p0, p1) = (p1, ((2.0 * k - 1.0) * x * p1 - (k - 1.0) * p0) / k);
            }
            let derivative = n as f64 * (x * p1 - p0) / (x * x - 1.0);
            let dx = p1 / derivative;
            x -= dx;
            if dx.abs() < 1e-15 {
                weights[i] = 2.0 / ((1.0 - x * x) * derivative * derivative);
                break;
            }
        }
        nodes[i] = x;
    }
    (nodes, weights)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauss_legendre_integrates_polynomials_exactly() {
        for n in 1..=12 {
            let (x, w) = gauss_legendre(n);
            for degree in 0..2 * n {
                let sum: f64 = x.iter().zip(&w).map(|(x, w)| w * x.powi(degree as i32)).sum();
                let exact = if degree % 2 == 1 { 0.0 } else { 2.0 / (degree as f64 + 1.0) };
                assert!((sum - exact).abs() < 1e-13, "n {n}, degree {degree}: {sum} vs {exact}");
            }
        }
    }

    #[test]
    fn rays_give_each_shell_its_volume_and_keep_the_velocity_steps_small() {
        // a hole of radius 1 and two shells; infall of 1000 m/s at r = 4 (arbitrary length
        // unit), b = 100 m/s
        let edges = [1.0, 2.0, 4.0];
        let velocity = |r: f64| -250.0 * r;
        // the chords are smooth in s: the volumes converge fast (2 points: 1e-4, 8: rounding)
        for (n, tolerance) in [(2, 2e-4), (3, 2e-6), (8, 1e-13)] {
            let rays = build(&edges, &[100.0, 100.0], &velocity, n);
            assert_eq!(rays.len(), 3 * n);
            let area: f64 = rays.iter().map(|r| r.area_m2).sum();
            assert!((area / (std::f64::consts::PI * 16.0) - 1.0).abs() < 1e-14);
            for (k, w) in edges.windows(2).enumerate() {
                let in_shell = |r: &Ray| r.steps.iter().filter(|s| s.shell == Some(k)).map(|s| s.length_m).sum::<f64>();
                let volume: f64 = rays.iter().map(|r| r.area_m2 * in_shell(r)).sum();
                let exact = 4.0 / 3.0 * std::f64::consts::PI * (w[1].powi(3) - w[0].powi(3));
                assert!((volume / exact - 1.0).abs() < tolerance, "{n} points, shell {k}: {volume} vs {exact}");
            }
        }
        let rays = build(&edges, &[100.0, 100.0], &velocity, 3);
        for ray in &rays {
            // the chord 2 √(R² − p²) gives p; the hole's chord must match it
            let length: f64 = ray.steps.iter().map(|s| s.length_m).sum();
            let hole: f64 = ray.steps.iter().filter(|s| s.shell.is_none()).map(|s| s.length_m).sum();
            let p2 = 16.0 - 0.25 * length * length;
            assert!((hole - 2.0 * (1.0 - p2).max(0.0).sqrt()).abs() < 1e-6);
            // v_proj = −250 z: at most b/8 = 12.5 m/s between neighbouring steps of a shell
            for w in ray.steps.windows(2).filter(|w| w[0].shell.is_some() && w[0].shell == w[1].shell) {
                assert!((w[1].velocity_m_s - w[0].velocity_m_s).abs() <= 12.5 + 1e-9);
            }
        }
    }
}
