//! Rendering a cube: pixel geometry, rays per pixel, channels, CMB subtraction; rayon over
//! pixels (each pixel's rays are fixed by its position, so the cube does not depend on the
//! thread count).

use crate::beam::GaussianBeam;
use crate::error::RaytraceError;
use crate::grid::TraceGrid;
use crate::params::RaytraceParams;
use crate::rays::{RayLayout, grid_point_plan, sub_pixel_plan};
use crate::trace::{Band, BandRay, Ray, Scratch, trace_ray};
use rayon::prelude::*;
use stop_model::file::ImageParams;
use stop_physics::constants::{ARCSEC_RAD, C_M_S, H_ERG_S};

/// Planck constant, J s (CODATA 2018, from `stop_physics::constants::H_ERG_S`).
const H_J_S: f64 = H_ERG_S * 1e-7;

/// A ray-traced cube, CMB-subtracted, in SI specific intensity.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageCube {
    /// Output file stem (from the image settings).
    pub file_stem: String,
    /// Pixels per side.
    pub n_pixels: usize,
    /// Channels.
    pub n_channels: usize,
    /// Pixel size, rad.
    pub pixel_rad: f64,
    /// Channel width, m/s.
    pub channel_width_m_s: f64,
    /// Rest frequency of the image's transition, Hz.
    pub rest_freq_hz: f64,
    /// Source distance, m.
    pub distance_m: f64,
    /// `I + (e^{−τ} − 1) B_ν(T_cmb)`, W m⁻² Hz⁻¹ sr⁻¹, `[(c · n + j) · n + i]` (pixel `i`
    /// along observer x, `j` along y, channel `c`).
    pub intensity_si: Vec<f64>,
    /// Optical depth, same layout.
    pub tau: Vec<f64>,
    /// The dust continuum alone (CMB-subtracted), W m⁻² Hz⁻¹ sr⁻¹, `[j · n + i]`.
    pub continuum_si: Vec<f64>,
    /// The beam the cube was convolved with ([`crate::beam::convolve`]), if any.
    pub beam: Option<GaussianBeam>,
}

impl ImageCube {
    /// Channel velocity of channel `c` (0-based), m/s: `(c − (n − 1)/2) Δv`, as LIME's axis
    /// (`lime-algorithm.md` §4.3); the source velocity is already in the emission.
    #[must_use]
    pub fn channel_velocity_m_s(&self, channel: usize) -> f64 {
        (channel as f64 - 0.5 * (self.n_channels as f64 - 1.0)) * self.channel_width_m_s
    }

    /// Pixel solid angle, sr.
    #[must_use]
    pub fn pixel_sr(&self) -> f64 {
        self.pixel_rad * self.pixel_rad
    }

    /// The line alone: the continuum of each pixel subtracted from every channel.
    #[must_use]
    pub fn continuum_subtracted(&self) -> ImageCube {
        let plane = self.n_pixels * self.n_pixels;
        let mut out = self.clone();
        for (k, v) in out.intensity_si.iter_mut().enumerate() {
            *v -= self.continuum_si[k % plane];
        }
        out.continuum_si.fill(0.0);
        out
    }
}

/// The rays of an image: observer (x, y) → model-frame start, direction and length.
struct Camera {
    rotation: [[f64; 3]; 3],
    pixel_m: f64,
    radius_m: f64,
}

impl Camera {
    /// Sky position (observer x, y) of a model-frame point: the first two components of
    /// `Rᵀ x` (`lime-algorithm.md` §4.2).
    fn project(&self, p: [f64; 3]) -> [f64; 2] {
        let m = &self.rotation;
        [0, 1].map(|col| m[0][col] * p[0] + m[1][col] * p[1] + m[2][col] * p[2])
    }

    fn ray(&self, x_m: f64, y_m: f64) -> Option<Ray> {
        let rho2 = x_m * x_m + y_m * y_m;
        let r2 = self.radius_m * self.radius_m;
        if rho2 >= r2 {
            return None;
        }
        let half = (r2 - rho2).sqrt();
        let obs = [x_m, y_m, -half];
        let m = &self.rotation;
        let to_model = |v: [f64; 3]| std::array::from_fn(|row| m[row][0] * v[0] + m[row][1] * v[1] + m[row][2] * v[2]);
        Some(Ray { start_m: to_model(obs), dir: to_model([0.0, 0.0, 1.0]), length_m: 2.0 * half, obs_m: [x_m, y_m] })
    }
}

/// Ray-traces one image of a solved grid.
///
/// # Errors
/// [`RaytraceError::NoSuchTransition`] for a transition the molecule lacks;
/// [`RaytraceError::BadParameter`] for invalid `params`; [`RaytraceError::RayStuck`] for a
/// broken mesh.
pub fn render(grid: &TraceGrid<'_>, image: &ImageParams, params: &RaytraceParams) -> Result<ImageCube, RaytraceError> {
    let mut cubes = render_all(grid, std::slice::from_ref(image), params)?;
    Ok(cubes.swap_remove(0))
}

/// The band (lines and channels) of an image.
fn band_of(grid: &TraceGrid<'_>, image: &ImageParams) -> Result<Band, RaytraceError> {
    let n_lines = grid.n_lines();
    if image.transition >= n_lines {
        return Err(RaytraceError::NoSuchTransition { image: image.file_stem.clone(), transition: image.transition, n_lines });
    }
    let rest_freq_hz = grid.rest_freq_hz[image.transition];
    let n_chan = image.n_channels;
    let half_band_m_s = 0.5 * n_chan as f64 * image.channel_width_m_s;
    // every line inside the band, shifted by its velocity offset (`lime-algorithm.md` §4.3)
    let lines = (0..n_lines)
        .map(|l| (l, C_M_S * (1.0 - grid.rest_freq_hz[l] / rest_freq_hz)))
        .filter(|&(l, v)| l == image.transition || v.abs() <= half_band_m_s)
        .collect();
    let channel_v_m_s = (0..n_chan)
        .map(|c| (c as f64 - 0.5 * (n_chan as f64 - 1.0)) * image.channel_width_m_s - image.source_velocity_m_s)
        .collect();
    Ok(Band { image_line: image.transition, lines, channel_v_m_s, channel_width_m_s: image.channel_width_m_s })
}

/// Whether two images see the sky through the same rays: same pixels, pixel size, distance
/// and orientation.
fn same_rays(a: &ImageParams, b: &ImageParams) -> bool {
    a.n_pixels == b.n_pixels && a.pixel_arcsec == b.pixel_arcsec && a.distance_m == b.distance_m && a.rotation_matrix() == b.rotation_matrix()
}

/// Ray-traces several images of a solved grid, in order. Images that share their rays
/// (same pixels, pixel size, distance and orientation, e.g. two lines of one source) are
/// traced together: each ray's walk through the cells and the velocities along it are
/// computed once for all of them. Each cube equals [`render`]'s.
///
/// # Errors
/// As [`render`].
pub fn render_all(grid: &TraceGrid<'_>, images: &[ImageParams], params: &RaytraceParams) -> Result<Vec<ImageCube>, RaytraceError> {
    params.validate()?;
    let mut cubes: Vec<Option<ImageCube>> = vec![None; images.len()];
    for first in 0..images.len() {
        if cubes[first].is_some() {
            continue;
        }
        let group: Vec<usize> = (first..images.len()).filter(|&i| cubes[i].is_none() && same_rays(&images[first], &images[i])).collect();
        let members: Vec<&ImageParams> = group.iter().map(|&i| &images[i]).collect();
        for (i, cube) in group.iter().zip(render_group(grid, &members, params)?) {
            cubes[*i] = Some(cube);
        }
    }
    Ok(cubes.into_iter().flatten().collect())
}

/// Ray-traces images that share their rays (see [`render_all`]).
fn render_group(grid: &TraceGrid<'_>, images: &[&ImageParams], params: &RaytraceParams) -> Result<Vec<ImageCube>, RaytraceError> {
    let bands: Vec<Band> = images.iter().map(|image| band_of(grid, image)).collect::<Result<_, _>>()?;
    let image = images[0];
    let n = image.n_pixels;
    let pixel_rad = image.pixel_arcsec * ARCSEC_RAD;
    let camera = Camera { rotation: image.rotation_matrix(), pixel_m: image.distance_m * pixel_rad, radius_m: grid.radius_m };
    let backgrounds: Vec<f64> = images.iter().map(|im| grid.setup.lines[im.transition].background).collect();
    let plan = match params.layout {
        RayLayout::SubPixel { per_side } => sub_pixel_plan(n, camera.pixel_m, per_side),
        RayLayout::GridPoints { max_per_pixel } => {
            let setup = grid.setup;
            let projected: Vec<[f64; 2]> = (0..setup.n_points())
                .filter(|&i| !setup.mesh.is_sink[i])
                .map(|i| camera.project(setup.mesh.positions_m[i]))
                .collect();
            grid_point_plan(n, camera.pixel_m, max_per_pixel, &projected, camera.radius_m)?
        }
    };
    let traced: Vec<Vec<BandRay>> = plan
        .rays_m
        .par_iter()
        .map_init(Scratch::default, |scratch, &[x_m, y_m]| {
            let mut out: Vec<BandRay> = bands.iter().map(|b| BandRay { intensity: vec![0.0; b.channel_v_m_s.len() + 1], tau: vec![0.0; b.channel_v_m_s.len() + 1] }).collect();
            if let Some(ray) = camera.ray(x_m, y_m) {
                trace_ray(grid, &bands, params, &ray, scratch, &mut out)?;
                for (band_ray, background) in out.iter_mut().zip(&backgrounds) {
                    for (i, t) in band_ray.intensity.iter_mut().zip(&band_ray.tau) {
                        // CMB subtraction: I + (e^{−τ} − 1) B_ν(T_cmb) (lime-algorithm.md §4.3)
                        *i += (-t).exp_m1() * background;
                    }
                }
            }
            Ok(out)
        })
        .collect::<Result<_, RaytraceError>>()?;
    Ok(images.iter().enumerate().map(|(i_band, image)| assemble(image, grid.rest_freq_hz[image.transition], pixel_rad, &plan.pixel_weights, &traced, i_band)).collect())
}

/// The cube of band `i_band`: each pixel the weighted sum of its rays, in SI.
fn assemble(image: &ImageParams, rest_freq_hz: f64, pixel_rad: f64, pixel_weights: &[Vec<(u32, f64)>], traced: &[Vec<BandRay>], i_band: usize) -> ImageCube {
    let (n, n_chan) = (image.n_pixels, image.n_channels);
    // occupation units → SI: × 2hν³/c²
    let to_si = 2.0 * H_J_S * rest_freq_hz.powi(3) / (C_M_S * C_M_S);
    let plane = n * n;
    let mut cube = ImageCube {
        file_stem: image.file_stem.clone(),
        n_pixels: n,
        n_channels: n_chan,
        pixel_rad,
        channel_width_m_s: image.channel_width_m_s,
        rest_freq_hz,
        distance_m: image.distance_m,
        intensity_si: vec![0.0; plane * n_chan],
        tau: vec![0.0; plane * n_chan],
        continuum_si: vec![0.0; plane],
        beam: None,
    };
    let (mut sum_i, mut sum_tau) = (vec![0.0; n_chan + 1], vec![0.0; n_chan + 1]);
    for (p, weights) in pixel_weights.iter().enumerate() {
        sum_i.fill(0.0);
        sum_tau.fill(0.0);
        for &(k, w) in weights {
            let ray = &traced[k as usize][i_band];
            for c in 0..=n_chan {
                sum_i[c] += w * ray.intensity[c];
                sum_tau[c] += w * ray.tau[c];
            }
        }
        for c in 0..n_chan {
            cube.intensity_si[c * plane + p] = sum_i[c] * to_si;
            cube.tau[c * plane + p] = sum_tau[c];
        }
        cube.continuum_si[p] = sum_i[n_chan] * to_si;
    }
    cube
}
