//! Observed-spectrum readers: the layouts users upload, and the errors they get.

use stop_io::{
    Card, Column, FitsTableWriter, HeaderValue, ImageMeta, IoError, Schema, SpectralAxis, Spectrum,
    SpectrumReadOptions, TableFormat, TableWriter, Value, WcsAxis, read_spectrum, read_spectrum_with, write_fits_image,
    write_spectrum_fits_image, write_spectrum_table,
};

/// Axis values rebuilt from a linear WCS (`crval + cdelt (p - crpix)`, then a unit factor)
/// carry a few roundings: 1e-12 relative.
const WCS_REL_TOL: f64 = 1e-12;

fn assert_close(got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() <= WCS_REL_TOL * w.abs().max(1.0), "{g} != {w}");
    }
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write");
    path
}

#[test]
fn class_style_fits_with_degenerate_axes_and_offset_frequencies() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("class.fits");
    let rest_hz = 115.271_201_8e9;
    let meta = ImageMeta {
        wcs: vec![
            WcsAxis::freq_hz(0.0, 1.0e5, 4.5),
            WcsAxis::linear("RA---GLS", "deg", 83.8, 0.0, 0.0),
            WcsAxis::linear("DEC--GLS", "deg", -5.4, 0.0, 0.0),
        ],
        bunit: Some("K".into()),
        extra: vec![Card::new("RESTFREQ", HeaderValue::Float(rest_hz))],
        ..ImageMeta::default()
    };
    let values: Vec<f32> = (0..8).map(|i| i as f32 * 0.5).collect();
    write_fits_image(&path, &[8, 1, 1], &values, &meta).expect("written");
    let spectrum = read_spectrum(&path).expect("reads");
    let SpectralAxis::Frequency { freq_hz } = &spectrum.axis else {
        panic!("frequency axis expected")
    };
    let want: Vec<f64> = (1..=8).map(|p| rest_hz + 1.0e5 * (f64::from(p) - 4.5)).collect();
    assert_close(freq_hz, &want);
    assert_eq!(
        spectrum.values,
        values.iter().map(|&v| f64::from(v)).collect::<Vec<_>>()
    );
    assert_eq!(spectrum.value_unit, "K");
}

#[test]
fn fits_velocity_axis_in_km_s_keeps_the_rest_frequency() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("v.fits");
    let meta = ImageMeta {
        wcs: vec![WcsAxis::linear("VELO-LSR", "km/s", -2.0, 0.5, 1.0)],
        rest_freq_hz: Some(345.795_989_9e9),
        ..ImageMeta::default()
    };
    write_fits_image(&path, &[9], &[0.0f64; 9], &meta).expect("written");
    let spectrum = read_spectrum(&path).expect("reads");
    let SpectralAxis::Velocity {
        velocity_km_s,
        rest_freq_hz,
    } = &spectrum.axis
    else {
        panic!("velocity axis")
    };
    assert_close(
        velocity_km_s,
        &(0..9).map(|i| -2.0 + 0.5 * f64::from(i)).collect::<Vec<_>>(),
    );
    assert_eq!(*rest_freq_hz, Some(345.795_989_9e9));
}

#[test]
fn fits_binary_table_with_upper_case_names() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("table.fits");
    let schema = Schema::new(vec![
        Column::f64("CHANNEL"),
        Column::f64("VELOCITY").unit("m/s"),
        Column::f64("FLUX").unit("Jy"),
    ])
    .and_then(|s| s.with_param("RESTFRQ", Value::F64(230.538e9), None))
    .expect("schema");
    let mut writer = FitsTableWriter::create(&path, &schema).expect("writer");
    for i in 0..4 {
        let x = f64::from(i);
        writer
            .write_row(&[Value::F64(x), Value::F64(1000.0 * x), Value::F64(x * x)])
            .expect("row");
    }
    writer.finish().expect("finish");
    let spectrum = read_spectrum(&path).expect("reads");
    assert_eq!(
        spectrum.axis,
        SpectralAxis::Velocity {
            velocity_km_s: vec![0.0, 1.0, 2.0, 3.0],
            rest_freq_hz: Some(230.538e9)
        }
    );
    assert_eq!(spectrum.values, vec![0.0, 1.0, 4.0, 9.0]);
    assert_eq!(
        (spectrum.value_name.as_str(), spectrum.value_unit.as_str()),
        ("FLUX", "Jy")
    );
}

#[test]
fn foreign_votable_with_prefixes_entities_and_a_rest_frequency_param() {
    let dir = tempfile::tempdir().expect("dir");
    let text = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- exported by some archive -->
<vot:VOTABLE version="1.3" xmlns:vot="http://www.ivoa.net/xml/VOTable/v1.3">
 <vot:RESOURCE>
  <vot:INFO name="note" value="a &amp; b"/>
  <vot:TABLE name="spec&#233;">
   <vot:PARAM name="RestFreq" datatype="double" unit="MHz" value="230538.0"/>
   <vot:FIELD name="Freq" datatype="double" unit="MHz"><vot:DESCRIPTION>sky frequency</vot:DESCRIPTION></vot:FIELD>
   <vot:FIELD name="rms" datatype="float" unit="K"/>
   <vot:FIELD name="Intensity" datatype="float" unit="K"/>
   <vot:DATA><vot:TABLEDATA>
    <vot:TR><vot:TD>230537.5</vot:TD><vot:TD>0.1</vot:TD><vot:TD>1.25</vot:TD></vot:TR>
    <vot:TR><vot:TD> 230538.0 </vot:TD><vot:TD>0.1</vot:TD><vot:TD/></vot:TR>
   </vot:TABLEDATA></vot:DATA>
  </vot:TABLE>
 </vot:RESOURCE>
</vot:VOTABLE>"#;
    let path = write(&dir, "upload.xml", text);
    let spectrum = read_spectrum(&path).expect("reads");
    assert_eq!(
        spectrum.axis,
        SpectralAxis::Frequency {
            freq_hz: vec![230_537.5e6, 230_538.0e6]
        }
    );
    assert_eq!(spectrum.values[0], 1.25);
    assert!(spectrum.values[1].is_nan(), "an empty cell is a blank channel");
    assert_eq!(spectrum.value_name, "Intensity");
}

#[test]
fn delimited_text_variants() {
    let dir = tempfile::tempdir().expect("dir");
    let cases = [
        ("a.csv", "freq_ghz,tmb_k\n100.0,1\n100.5,2\n"),
        (
            "b.txt",
            "# comment\n# another\nfreq(GHz)   Tmb(K)\n100.0  1\n\n100.5  2\n",
        ),
        ("c.csv", "\"Frequency (GHz)\";\"T\"\r\n100.0;1\r\n100.5;2\r\n"),
        ("d.tsv", "Freq(GHz)\tIntensity\n100.0\t1\n100.5\t2\n"),
    ];
    for (name, text) in cases {
        let spectrum = read_spectrum(write(&dir, name, text)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            spectrum.axis,
            SpectralAxis::Frequency {
                freq_hz: vec![100.0e9, 100.5e9]
            },
            "{name}"
        );
        assert_eq!(spectrum.values, vec![1.0, 2.0], "{name}");
    }
}

#[test]
fn text_without_units_needs_an_axis_unit_option() {
    let dir = tempfile::tempdir().expect("dir");
    let path = write(&dir, "v.dat", "velocity tmb\n-1 0.5\n0 1.5\n");
    assert!(matches!(read_spectrum(&path), Err(IoError::AmbiguousAxis { ref column, .. }) if column == "velocity"));
    let options = SpectrumReadOptions {
        axis_unit: Some("km/s".into()),
    };
    let spectrum = read_spectrum_with(&path, &options).expect("reads with a unit");
    assert_eq!(
        spectrum.axis,
        SpectralAxis::Velocity {
            velocity_km_s: vec![-1.0, 0.0],
            rest_freq_hz: None
        }
    );
}

#[test]
fn text_errors_name_file_line_and_column() {
    let dir = tempfile::tempdir().expect("dir");
    let path = write(&dir, "bad.csv", "freq_hz,flux\n1e11,1\n1.1e11,oops\n");
    let message = read_spectrum(&path).expect_err("bad cell").to_string();
    assert!(
        message.ends_with("bad.csv:3: column `flux`: `oops` is not a f64"),
        "{message}"
    );
    let path = write(&dir, "short.csv", "freq_hz,flux\n1e11,1\n1.1e11\n");
    assert!(matches!(
        read_spectrum(&path),
        Err(IoError::FieldCount {
            line: 3,
            expected: 2,
            found: 1,
            ..
        })
    ));
    let path = write(&dir, "one.csv", "freq_hz\n1e11\n");
    assert!(matches!(
        read_spectrum(&path),
        Err(IoError::ColumnNotFound {
            wanted: "intensity",
            ..
        })
    ));
    let path = write(&dir, "unit.csv", "x,y\n1,2\n");
    let options = SpectrumReadOptions {
        axis_unit: Some("parsec".into()),
    };
    assert!(matches!(
        read_spectrum_with(&path, &options),
        Err(IoError::UnknownUnit { .. })
    ));
}

#[test]
fn written_spectra_read_back_in_every_format() {
    let dir = tempfile::tempdir().expect("dir");
    let spectrum = Spectrum {
        axis: SpectralAxis::Frequency {
            freq_hz: (0..32).map(|i| 86.0e9 + 61_035.156_25 * f64::from(i)).collect(),
        },
        values: (0..32).map(|i| f64::from(i).cos()).collect(),
        value_name: "intensity_k".into(),
        value_unit: "K".into(),
    };
    for (name, format) in [
        ("s.tsv", TableFormat::Tsv),
        ("s.fits", TableFormat::Fits),
        ("s.vot", TableFormat::VoTable),
    ] {
        let path = dir.path().join(name);
        write_spectrum_table(&path, format, &spectrum).expect("written");
        assert_eq!(read_spectrum(&path).expect("reads"), spectrum, "{name}");
    }
    let path = dir.path().join("image.fits");
    write_spectrum_fits_image(&path, &spectrum, &ImageMeta::default()).expect("written");
    let back = read_spectrum(&path).expect("reads");
    assert_close(back.axis.values(), spectrum.axis.values());
    assert_eq!(back.values, spectrum.values);
    assert_eq!(
        (back.value_name.as_str(), back.value_unit.as_str()),
        ("intensity_k", "K")
    );
}

#[test]
fn non_uniform_axis_cannot_become_a_fits_image() {
    let dir = tempfile::tempdir().expect("dir");
    let spectrum = Spectrum {
        axis: SpectralAxis::Velocity {
            velocity_km_s: vec![0.0, 1.0, 2.5, 3.0],
            rest_freq_hz: None,
        },
        values: vec![0.0; 4],
        value_name: String::new(),
        value_unit: String::new(),
    };
    let err = write_spectrum_fits_image(dir.path().join("x.fits"), &spectrum, &ImageMeta::default());
    assert!(
        matches!(err, Err(IoError::NonUniformAxis { channel: 2, .. })),
        "{err:?}"
    );
    let short = Spectrum {
        values: vec![0.0; 3],
        ..spectrum
    };
    let err = write_spectrum_table(dir.path().join("x.tsv"), TableFormat::Tsv, &short);
    assert!(matches!(
        err,
        Err(IoError::SpectrumLength {
            axis_len: 4,
            values_len: 3,
            ..
        })
    ));
}

#[test]
fn latin1_header_and_gzip_are_read() {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("dir");
    let text = b"# Temp\xe9rature\nfreq_mhz,T (\xb0K)\n1000.0,1\n1000.5,2\n";
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(text).expect("compress");
    let path = dir.path().join("latin1.csv.gz");
    std::fs::write(&path, encoder.finish().expect("finish")).expect("write");
    let spectrum = read_spectrum(&path).expect("reads");
    assert_eq!(
        spectrum.axis,
        SpectralAxis::Frequency {
            freq_hz: vec![1.0e9, 1.0005e9]
        }
    );
    assert_eq!(spectrum.values, vec![1.0, 2.0]);
}
