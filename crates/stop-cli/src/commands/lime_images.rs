//! The image part of `stop lime`: ray-trace the `[[image]]` cubes of a model file from
//! solved populations and write one FITS file per image and unit (`<stem>_<Unit>.fits`,
//! LIME's names), optionally convolved with a Gaussian beam.

use anyhow::{Context as _, bail};
use std::path::{Path, PathBuf};
use std::time::Instant;
use stop_lime::solve::setup::SolverSetup;
use stop_model::ModelFile;
use stop_molecule::Molecule;
use stop_raytrace::beam::{GaussianBeam, convolve};
use stop_raytrace::fits::{SkyPlacement, SpectralAxisKind, write_cube};
use stop_raytrace::moments::{moment_maps, plot_moment_map, spectrum_at, write_map, write_spectrum};
use stop_raytrace::rays::LIME_MAX_RAYS_PER_PIXEL;
use stop_raytrace::units::file_suffix;
use stop_raytrace::{RayLayout, RaytraceParams, TraceGrid, render_all};

/// Image options of `stop lime`.
#[derive(Debug, Clone, clap::Args)]
pub struct ImageArgs {
    /// Only ray-trace the images, from saved populations (`--populations`).
    #[arg(long, requires = "populations")]
    pub images_only: bool,
    /// Population file to image (written by `stop lime` for this model file).
    #[arg(long)]
    pub populations: Option<PathBuf>,
    /// Directory for the image cubes (default: the current directory).
    #[arg(long)]
    pub image_dir: Option<PathBuf>,
    /// Rays per pixel side on a regular sub-pixel pattern (default 2).
    #[arg(long, conflicts_with = "grid_point_rays")]
    pub pixel_rays: Option<usize>,
    /// LIME's rays: one through each projected grid point, sparse pixels interpolated.
    #[arg(long)]
    pub grid_point_rays: bool,
    /// Convolve with a Gaussian beam `BMAJ,BMIN,PA` (arcsec, arcsec, degrees east of north).
    #[arg(long, value_parser = parse_beam)]
    pub beam: Option<GaussianBeam>,
    /// Write a frequency axis (`FREQ`, Hz) instead of `VELO-LSR` (m/s).
    #[arg(long)]
    pub freq_axis: bool,
    /// Also write moment-0 and moment-1 maps (`<stem>_mom0.fits`, `<stem>_mom1.fits`, and as
    /// plots `.png` and `.svg`) of the first unit of each image, channels above 0 only.
    #[arg(long)]
    pub moments: bool,
    /// Also write the spectrum at a sky offset `EAST,NORTH` (arcsec) from the centre as
    /// `<stem>_spectrum<k>.fits`, `.png` and `.svg` (repeatable).
    #[arg(long, value_parser = parse_offset)]
    pub spectrum: Vec<(f64, f64)>,
}


fn parse_offset(text: &str) -> Result<(f64, f64), String> {
    let parts: Vec<f64> = text.split(',').map(|p| p.trim().parse::<f64>()).collect::<Result<_, _>>().map_err(|e| format!("`{text}`: {e}"))?;
    match parts[..] {
        [east, north] => Ok((east, north)),
        _ => Err(format!("`{text}`: expected EAST,NORTH in arcsec")),
    }
}

fn parse_beam(text: &str) -> Result<GaussianBeam, String> {
    let parts: Vec<f64> = text.split(',').map(|p| p.trim().parse::<f64>()).collect::<Result<_, _>>().map_err(|e| format!("`{text}`: {e}"))?;
    match parts[..] {
        [bmaj_arcsec, bmin_arcsec, bpa_deg] => Ok(GaussianBeam { bmaj_arcsec, bmin_arcsec, bpa_deg }),
        _ => Err(format!("`{text}`: expected BMAJ,BMIN,PA")),
    }
}

impl ImageArgs {
    fn params(&self) -> RaytraceParams {
        let layout = match (self.grid_point_rays, self.pixel_rays) {
            (true, _) => RayLayout::GridPoints { max_per_pixel: LIME_MAX_RAYS_PER_PIXEL },
            (false, Some(per_side)) => RayLayout::SubPixel { per_side },
            (false, None) => RaytraceParams::default().layout,
        };
        RaytraceParams { layout, ..RaytraceParams::default() }
    }
}

/// Ray-traces and writes every image of the model file; returns the files written.
///
/// # Errors
/// A failed ray trace or convolution, an unwritable file.
#[allow(clippy::print_stderr)]
pub fn write_images(file: &ModelFile, setup: &SolverSetup<'_>, molecule: &Molecule, pops: &[f64], args: &ImageArgs) -> anyhow::Result<Vec<PathBuf>> {
    let dir = args.image_dir.clone().unwrap_or_else(|| PathBuf::from("."));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let grid = TraceGrid::new(setup, molecule, pops)?;
    let params = args.params();
    let sky = SkyPlacement { spectral: if args.freq_axis { SpectralAxisKind::Freq } else { SpectralAxisKind::VeloLsr }, ..SkyPlacement::default() };
    let mut written = Vec::new();
    let clock = Instant::now();
    let cubes = render_all(&grid, &file.images, &params).context("ray-tracing the images")?;
    eprintln!("ray tracing: {} image(s), {:.2} s", cubes.len(), clock.elapsed().as_secs_f64());
    for (image, mut cube) in file.images.iter().zip(cubes) {
        let clock = Instant::now();
        if let Some(beam) = args.beam {
            cube = convolve(&cube, beam)?;
        }
        for &unit in &image.units {
            let path = dir.join(format!("{}_{}.fits", image.file_stem, file_suffix(unit)));
            write_cube(&path, &cube, unit, &sky).with_context(|| format!("writing {}", path.display()))?;
            written.push(path);
        }
        if let Some(&unit) = image.units.first() {
            if args.moments {
                for (suffix, map, bunit) in moment_maps(&cube, unit) {
                    let path = dir.join(format!("{}_{suffix}.fits", image.file_stem));
                    write_map(&path, &cube, &map, &bunit, &sky).with_context(|| format!("writing {}", path.display()))?;
                    written.push(path);
                    for ext in ["png", "svg"] {
                        let plot = dir.join(format!("{}_{suffix}.{ext}", image.file_stem));
                        plot_moment_map(&plot, &cube, suffix, &map, &bunit)?;
                        written.push(plot);
                    }
                }
            }
            for (k, &(east, north)) in args.spectrum.iter().enumerate() {
                let Some(values) = spectrum_at(&cube, unit, east, north) else {
                    bail!("--spectrum {east},{north}: outside the image `{}`", image.file_stem);
                };
                let stem = dir.join(format!("{}_spectrum{k}", image.file_stem));
                let title = format!("{} at ({east}\", {north}\")", image.file_stem);
                write_spectrum(&stem.with_extension("fits"), Some(&stem.with_extension("png")), &cube, unit, &values, &title)?;
                write_spectrum(&stem.with_extension("fits"), Some(&stem.with_extension("svg")), &cube, unit, &values, &title)?;
                written.extend(["fits", "png", "svg"].map(|e| stem.with_extension(e)));
            }
        }
        eprintln!("image {}: {}x{} pixels, {} channels, written in {:.2} s", image.file_stem, image.n_pixels, image.n_pixels, image.n_channels, clock.elapsed().as_secs_f64());
    }
    Ok(written)
}

/// Checks that a population file belongs to the grid it is used with.
///
/// # Errors
/// A population file for another molecule.
pub fn check_levels(path: &Path, n_levels_file: usize, n_levels_molecule: usize) -> anyhow::Result<()> {
    if n_levels_file != n_levels_molecule {
        bail!("{}: {n_levels_file} levels per point, the molecule has {n_levels_molecule}", path.display());
    }
    Ok(())
}
