//! Interoperability: astropy (the reference FITS/WCS/VOTable implementation) reads a cube, a
//! 1-D spectrum, a FITS binary table and a VOTable written by this crate, and finds the world
//! coordinates, units and rows computed here. Needs Python with astropy: `.ci/setup` installs it.

use std::path::Path;
use std::process::Command;

use stop_io::{
    Beam, Column, ImageMeta, Schema, SpectralAxis, Spectrum, TableFormat, Value, WcsAxis, create_table_writer,
    write_fits_image, write_spectrum_fits_image,
};

/// Inverse SIN projection (Calabretta & Greisen 2002, A&A 395, 1077, eqs. 2, 54, 55 and 2):
/// 1-based pixel → (RA, Dec) in degrees, native pole at φ_p = 180° (LONPOLE default).
fn sin_pixel_to_world(ra: &WcsAxis, dec: &WcsAxis, px: f64, py: f64) -> (f64, f64) {
    let x_deg = ra.cdelt * (px - ra.crpix);
    let y_deg = dec.cdelt * (py - dec.crpix);
    let r_deg = x_deg.hypot(y_deg);
    let phi = x_deg.atan2(-y_deg);
    let theta = (r_deg.to_radians()).acos();
    let (alpha_p, delta_p, phi_p) = (ra.crval.to_radians(), dec.crval.to_radians(), std::f64::consts::PI);
    let dphi = phi - phi_p;
    let delta = (theta.sin() * delta_p.sin() + theta.cos() * delta_p.cos() * dphi.cos()).asin();
    let alpha = alpha_p
        + (-theta.cos() * dphi.sin()).atan2(theta.sin() * delta_p.cos() - theta.cos() * delta_p.sin() * dphi.cos());
    (alpha.to_degrees().rem_euclid(360.0), delta.to_degrees())
}

/// A value longer than one card (written with `CONTINUE` cards), with a quote in it.
fn long_string() -> String {
    format!("models/{}/O'Brien sphere.toml", "grid-".repeat(30))
}

fn py_str(path: &Path) -> String {
    format!("{:?}", path.to_str().expect("temp paths are UTF-8"))
}

#[test]
fn astropy_reads_cube_spectrum_and_tables() {
    let import = Command::new("python3").args(["-c", "import astropy, numpy"]).output();
    let importable = import.as_ref().is_ok_and(|out| out.status.success());
    assert!(
        importable,
        "python3 with astropy is required for this interoperability test and is not importable \
         ({import:?}); run `.ci/setup` (it pip-installs astropy) and re-run the tests"
    );
    let dir = tempfile::tempdir().expect("temp dir");

    // A 5 x 4 x 3 cube.
    let shape = [5usize, 4, 3];
    let meta = ImageMeta {
        wcs: vec![
            WcsAxis::ra_sin_deg(83.822_08, -2.0 / 3600.0, 3.0),
            WcsAxis::dec_sin_deg(-5.391_11, 2.0 / 3600.0, 2.5),
            WcsAxis::vrad_m_s(1000.0, 250.0, 1.0),
        ],
        bunit: Some("K".into()),
        rest_freq_hz: Some(115.271_201_8e9),
        specsys: Some("LSRK".into()),
        radesys: Some("ICRS".into()),
        beam: Some(Beam {
            bmaj_deg: 3.0 / 3600.0,
            bmin_deg: 2.0 / 3600.0,
            bpa_deg: 30.0,
        }),
        object: Some("test cloud".into()),
        history: vec!["written by the stop-io astropy test".into()],
        extra: vec![stop_io::Card::new("MODELFIL", stop_io::HeaderValue::Str(long_string()))],
        ..ImageMeta::default()
    };
    let data: Vec<f32> = (0..shape.iter().product::<usize>())
        .map(|i| 0.25 * i as f32 - 3.0)
        .collect();
    let cube_path = dir.path().join("cube.fits");
    write_fits_image(&cube_path, &shape, &data, &meta).expect("cube written");
    let mut pixels = Vec::new();
    for (x, y, z) in [(0usize, 0usize, 0usize), (4, 3, 2), (2, 1, 1), (0, 3, 2), (3, 0, 1)] {
        let (ra, dec) = sin_pixel_to_world(&meta.wcs[0], &meta.wcs[1], x as f64 + 1.0, y as f64 + 1.0);
        let v_m_s = meta.wcs[2].linear_world(z as f64 + 1.0);
        let value = data[x + shape[0] * (y + shape[1] * z)];
        pixels.push(format!("({x}, {y}, {z}, {ra:?}, {dec:?}, {v_m_s:?}, {value:?})"));
    }

    // A 1-D spectrum on a FREQ axis.
    let freq_hz: Vec<f64> = (0..16).map(|i| 230.538e9 - 0.25e6 * f64::from(i)).collect();
    let values: Vec<f64> = (0..16).map(|i| (-(f64::from(i) - 7.5).powi(2) / 8.0).exp()).collect();
    let spectrum = Spectrum {
        axis: SpectralAxis::Frequency {
            freq_hz: freq_hz.clone(),
        },
        values: values.clone(),
        value_name: "tmb".into(),
        value_unit: "K".into(),
    };
    let spectrum_path = dir.path().join("spectrum.fits");
    write_spectrum_fits_image(&spectrum_path, &spectrum, &ImageMeta::default()).expect("spectrum written");

    // The same small table as FITS and VOTable.
    let schema = Schema::new(vec![
        Column::f64("freq_hz").unit("Hz").ucd("em.freq"),
        Column::i64("level"),
        Column::string("name", 8).description("transition label"),
    ])
    .and_then(|s| s.with_param("rest_freq_hz", Value::F64(115.271_201_8e9), Some("Hz")))
    .expect("schema");
    let rows = [
        (115.271_201_8e9, 1i64, "1-0"),
        (230.538e9, 2, "2-1"),
        (345.795_989_9e9, 3, "3-2"),
    ];
    let fits_path = dir.path().join("table.fits");
    let vot_path = dir.path().join("table.vot");
    for (path, format) in [(&fits_path, TableFormat::Fits), (&vot_path, TableFormat::VoTable)] {
        let mut writer = create_table_writer(path, format, &schema).expect("writer");
        for (f, j, s) in rows {
            writer
                .write_row(&[Value::F64(f), Value::I64(j), Value::from(s)])
                .expect("row");
        }
        writer.finish().expect("finish");
    }

    let list = |xs: &[f64]| xs.iter().map(|x| format!("{x:?}")).collect::<Vec<_>>().join(", ");
    let expected = format!(
        "{{'cube': {{'path': {cube}, 'shape': [5, 4, 3], 'bunit': 'K', 'bmaj_deg': {bmaj:?}, \
         'specsys': 'LSRK', 'rest_freq_hz': 115271201800.0, 'modelfil': {modelfil:?}, 'pixels': [{pixels}]}}, \
         'spectrum': {{'path': {spec}, 'freq_hz': [{freqs}], 'values': [{values}], 'bunit': 'K'}}, \
         'table': {{'fits': {fits}, 'votable': {vot}, 'names': ['freq_hz', 'level', 'name'], \
         'rest_freq_hz': 115271201800.0, 'rows': [{rows}]}}}}",
        cube = py_str(&cube_path),
        bmaj = 3.0 / 3600.0,
        modelfil = long_string(),
        pixels = pixels.join(", "),
        spec = py_str(&spectrum_path),
        freqs = list(&freq_hz),
        values = list(&values),
        fits = py_str(&fits_path),
        vot = py_str(&vot_path),
        rows = rows
            .iter()
            .map(|(f, j, s)| format!("({f:?}, {j}, '{s}')"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/astropy_check.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(&expected)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "astropy disagrees with stop-io:\nstdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
