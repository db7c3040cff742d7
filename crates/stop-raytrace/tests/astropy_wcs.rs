//! astropy (the reference WCS implementation, installed by `.ci/setup`) reads a ray-traced,
//! beam-convolved STOP cube and finds, for three chosen pixels, the world coordinates this
//! test computes independently from the image parameters; it also reads the moment-0 map.

mod common;

use common::{grid, molecule, setup_and_pops};
use std::process::Command;
use stop_model::file::{ImageParams, ImageUnit, Rotation};
use stop_physics::constants::C_M_S;
use stop_raytrace::beam::{GaussianBeam, convolve};
use stop_raytrace::fits::{SkyPlacement, SpectralAxisKind, write_cube};
use stop_raytrace::moments::{moments, spectrum_at, write_map, write_spectrum};
use stop_raytrace::{RaytraceParams, TraceGrid, render};

const RA0_DEG: f64 = 83.822_08;
const DEC0_DEG: f64 = -5.391_11;

/// Sky position of an offset (east, north) in arcsec from (RA0, Dec0) under the orthographic
/// (SIN) projection (Calabretta & Greisen 2002, A&A 395, 1077, §5.1.5): the direction
/// cosines (ξ, η, sqrt(1 − ξ² − η²)) about the tangent point, rotated to the equator.
fn sin_world(east_arcsec: f64, north_arcsec: f64) -> (f64, f64) {
    let (xi, eta) = ((east_arcsec / 3600.0).to_radians(), (north_arcsec / 3600.0).to_radians());
    let zeta = (1.0 - xi * xi - eta * eta).sqrt();
    let (sd, cd) = DEC0_DEG.to_radians().sin_cos();
    let dec = (eta * cd + zeta * sd).asin();
    let dra = xi.atan2(zeta * cd - eta * sd);
    ((RA0_DEG + dra.to_degrees()).rem_euclid(360.0), dec.to_degrees())
}

#[test]
fn astropy_finds_the_world_coordinates_of_three_pixels() {
    let import = Command::new("python3").args(["-c", "import astropy, numpy"]).output();
    assert!(
        import.as_ref().is_ok_and(|o| o.status.success()),
        "python3 with astropy is required for this interoperability test ({import:?}); run `.ci/setup`"
    );
    let mol = molecule();
    let grid = grid();
    let (setup, pops) = setup_and_pops(&grid, &mol);
    let trace = TraceGrid::new(&setup, &mol, &pops).expect("trace grid");
    let image = ImageParams {
        file_stem: "sphere".into(),
        transition: 1,
        n_channels: 6,
        channel_width_m_s: 80.0,
        n_pixels: 10,
        pixel_arcsec: 0.7,
        distance_m: 3.0e17,
        source_velocity_m_s: 0.0,
        rotation: Rotation::Angles([0.6, 0.3, 1.1]),
        units: vec![ImageUnit::Kelvin],
    };
    let cube = render(&trace, &image, &RaytraceParams::default()).expect("rendered");
    let beam = GaussianBeam { bmaj_arcsec: 1.5, bmin_arcsec: 1.0, bpa_deg: 40.0 };
    let cube = convolve(&cube, beam).expect("convolved");
    let dir = tempfile::tempdir().expect("temp dir");
    let (velo_path, freq_path) = (dir.path().join("velo.fits"), dir.path().join("freq.fits"));
    let sky = |spectral| SkyPlacement { ra_deg: RA0_DEG, dec_deg: DEC0_DEG, spectral };
    write_cube(&velo_path, &cube, ImageUnit::Kelvin, &sky(SpectralAxisKind::VeloLsr)).expect("written");
    write_cube(&freq_path, &cube, ImageUnit::JanskyPerPixel, &sky(SpectralAxisKind::Freq)).expect("written");
    // the moment-0 map and a spectrum with its plots
    let m = moments(&cube, ImageUnit::Kelvin, 0.0, 0.01);
    let mom0_path = dir.path().join("mom0.fits");
    write_map(&mom0_path, &cube, &m.moment0, "K km/s", &sky(SpectralAxisKind::VeloLsr)).expect("map written");
    let centre = spectrum_at(&cube, ImageUnit::Kelvin, 0.0, 0.0).expect("centre in the image");
    let spec = dir.path().join("centre");
    for ext in ["png", "svg"] {
        write_spectrum(&spec.with_extension("fits"), Some(&spec.with_extension(ext)), &cube, ImageUnit::Kelvin, &centre, "centre").expect("spectrum written");
    }
    let png = std::fs::read(spec.with_extension("png")).expect("png");
    assert_eq!(&png[..4], b"\x89PNG");
    assert!(std::fs::read_to_string(spec.with_extension("svg")).expect("svg").contains("<svg"));

    // (i, j, channel), 0-based; pixel i centre at x = (i + 0.5 − n/2) Δ west of the centre
    // (RA grows to the east, leftwards), j at y = (j + 0.5 − n/2) Δ north; channel c at
    // v = (c − (n_c − 1)/2) Δv, ν = ν0 (1 − v/c)
    let pixels = [(0usize, 0usize, 0usize), (9, 4, 2), (3, 7, 5)];
    let rest_hz = mol.lines[1].freq_ghz * 1e9;
    let script = format!(
        "import json, warnings\n\
         from astropy.io import fits\nfrom astropy.wcs import WCS\n\
         warnings.simplefilter('ignore')\n\
         out = {{}}\n\
         for name, path in (('velo', {velo:?}), ('freq', {freq:?})):\n\
         \x20   hdul = fits.open(path)\n\
         \x20   hdul.verify('exception')\n\
         \x20   h = hdul[0].header\n\
         \x20   w = WCS(h)\n\
         \x20   pix = {pix:?}\n\
         \x20   world = [list(map(float, w.wcs_pix2world([[i, j, c, 0]], 0)[0])) for (i, j, c) in pix]\n\
         \x20   out[name] = dict(world=world, ctype=list(w.wcs.ctype), cunit=[str(u) for u in w.wcs.cunit], bunit=h['BUNIT'], bmaj=h['BMAJ'], bmin=h['BMIN'], bpa=h['BPA'], restfrq=h['RESTFRQ'], specsys=h['SPECSYS'], shape=list(hdul[0].data.shape))\n\
         m = fits.open({mom0:?}); m.verify('exception'); wm = WCS(m[0].header)\n\
         out['mom0'] = dict(world=list(map(float, wm.wcs_pix2world([[0, 0]], 0)[0])), bunit=m[0].header['BUNIT'], shape=list(m[0].data.shape), sum=float(m[0].data.sum()))\n\
         print(json.dumps(out))\n",
        velo = velo_path.to_str().expect("utf-8 path"),
        freq = freq_path.to_str().expect("utf-8 path"),
        mom0 = mom0_path.to_str().expect("utf-8 path"),
        pix = pixels.map(|(i, j, c)| [i, j, c]),
    );
    let out = Command::new("python3").args(["-c", &script]).output().expect("python3 runs");
    assert!(out.status.success(), "astropy failed: {}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON from the script");
    let (n, dpix) = (image.n_pixels as f64, image.pixel_arcsec);
    for (k, &(i, j, c)) in pixels.iter().enumerate() {
        let west = (i as f64 + 0.5 - n / 2.0) * dpix;
        let north = (j as f64 + 0.5 - n / 2.0) * dpix;
        let (ra, dec) = sin_world(-west, north);
        let v_m_s = (c as f64 - 0.5 * (image.n_channels as f64 - 1.0)) * image.channel_width_m_s;
        for (name, spectral) in [("velo", v_m_s), ("freq", rest_hz * (1.0 - v_m_s / C_M_S))] {
            let world: Vec<f64> = json[name]["world"][k].as_array().expect("world row").iter().filter_map(serde_json::Value::as_f64).collect();
            assert!((world[0] - ra).abs() * 3600.0 < 1e-6, "{name} pixel {k}: RA {} vs {ra}", world[0]);
            assert!((world[1] - dec).abs() * 3600.0 < 1e-6, "{name} pixel {k}: Dec {} vs {dec}", world[1]);
            assert!((world[2] / spectral - 1.0).abs() < 1e-9 || (world[2] - spectral).abs() < 1e-6, "{name} pixel {k}: {} vs {spectral}", world[2]);
        }
    }
    let mom0 = &json["mom0"];
    assert_eq!(mom0["shape"], serde_json::json!([10, 10]));
    assert_eq!(mom0["bunit"], "K km/s");
    assert_eq!(mom0["world"][0], json["velo"]["world"][0][0]);
    assert_eq!(mom0["world"][1], json["velo"]["world"][0][1]);
    let m0_sum: f64 = m.moment0.iter().sum();
    assert!((mom0["sum"].as_f64().unwrap_or(0.0) / m0_sum - 1.0).abs() < 1e-6);
    let velo = &json["velo"];
    assert_eq!(velo["ctype"][2], "VRAD", "astropy translates VELO-LSR with VELREF 257 to radio velocity");
    assert_eq!(velo["bunit"], "K");
    assert_eq!(json["freq"]["ctype"][2], "FREQ");
    assert_eq!(json["freq"]["bunit"], "Jy/beam");
    assert_eq!(velo["specsys"], "LSRK");
    assert_eq!(velo["shape"], serde_json::json!([1, 6, 10, 10]));
    assert!((velo["bmaj"].as_f64().unwrap_or(0.0) * 3600.0 - 1.5).abs() < 1e-9);
    assert!((velo["bpa"].as_f64().unwrap_or(0.0) - 40.0).abs() < 1e-9);
    assert!((velo["restfrq"].as_f64().unwrap_or(0.0) / rest_hz - 1.0).abs() < 1e-15);
}
