//! FITS images and cubes: write → read returns the same pixels and the same description.

use stop_io::{
    Beam, Card, FitsImageWriter, HeaderValue, ImageData, ImageMeta, IoError, WcsAxis, read_fits_image, write_fits_image,
};

fn cube_meta() -> ImageMeta {
    ImageMeta {
        wcs: vec![
            WcsAxis::ra_sin_deg(246.7, -0.5 / 3600.0, 17.0),
            WcsAxis::dec_sin_deg(-24.5, 0.5 / 3600.0, 17.0),
            WcsAxis::freq_hz(230.538e9, -122_070.312_5, 1.0),
        ],
        bunit: Some("Jy/beam".into()),
        rest_freq_hz: Some(230.538e9),
        specsys: Some("LSRK".into()),
        radesys: Some("ICRS".into()),
        beam: Some(Beam {
            bmaj_deg: 1.2e-4,
            bmin_deg: 9.5e-5,
            bpa_deg: -37.5,
        }),
        object: Some("IRAS 16293-2422".into()),
        extra: vec![
            Card::new("TELESCOP", HeaderValue::Str("STOP".into())),
            Card {
                keyword: "NPHOTONS".into(),
                value: HeaderValue::Int(1_000_000),
                comment: "per cell".into(),
            },
            Card::new("EQUINOX", HeaderValue::Float(2000.0)),
        ],
        history: vec!["a".repeat(72), "ray traced by stop-lime".into()],
        comments: vec!["synthetic cube".into()],
    }
}

#[test]
fn f32_cube_round_trips_with_full_description() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("cube.fits");
    let shape = [7usize, 6, 5];
    let data: Vec<f32> = (0..210).map(|i| (i as f32).sin() * 1e-3).collect();
    write_fits_image(&path, &shape, &data, &cube_meta()).expect("written");
    let image = read_fits_image(&path).expect("read");
    assert_eq!(image.shape, shape);
    assert_eq!(image.data, ImageData::F32(data));
    assert_eq!(image.meta, cube_meta());
    assert_eq!(std::fs::metadata(&path).expect("meta").len() % 2880, 0);
}

#[test]
fn f64_map_round_trips_bit_for_bit() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("map.fits");
    let data = vec![f64::MIN_POSITIVE, -1.0 / 3.0, f64::NAN, 1e300, -0.0, 42.0];
    let meta = ImageMeta {
        wcs: vec![
            WcsAxis::ra_sin_deg(10.0, -1e-3, 2.0),
            WcsAxis::dec_sin_deg(20.0, 1e-3, 1.5),
        ],
        ..ImageMeta::default()
    };
    write_fits_image(&path, &[3, 2], &data, &meta).expect("written");
    let image = read_fits_image(&path).expect("read");
    let ImageData::F64(back) = image.data else {
        panic!("f64 data expected")
    };
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&back), bits(&data));
    assert_eq!(image.meta, meta);
}

#[test]
fn long_history_lines_are_split_over_cards() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("h.fits");
    let meta = ImageMeta {
        history: vec!["x".repeat(100)],
        ..ImageMeta::default()
    };
    write_fits_image(&path, &[1], &[1.0f32], &meta).expect("written");
    let history = read_fits_image(&path).expect("read").meta.history;
    assert_eq!(history, vec!["x".repeat(72), "x".repeat(28)]);
}

#[test]
fn shape_and_wcs_mismatches_are_errors() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("bad.fits");
    let err = write_fits_image(&path, &[2, 2], &[0.0f32; 3], &ImageMeta::default()).expect_err("shape");
    assert!(matches!(
        err,
        IoError::ShapeMismatch {
            expected: 4,
            found: 3,
            ..
        }
    ));
    let meta = ImageMeta {
        wcs: vec![WcsAxis::freq_hz(1.0, 1.0, 1.0)],
        ..ImageMeta::default()
    };
    let err = write_fits_image(&path, &[2, 2], &[0.0f32; 4], &meta).expect_err("wcs");
    assert!(matches!(err, IoError::FitsBadKeyword { .. }));
    let meta = ImageMeta {
        rest_freq_hz: Some(f64::NAN),
        ..ImageMeta::default()
    };
    let err = write_fits_image(&path, &[1], &[0.0f32], &meta).expect_err("NaN keyword");
    assert!(err.to_string().contains("RESTFRQ"), "{err}");
}

#[test]
fn truncated_file_is_reported_with_sizes() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("cut.fits");
    write_fits_image(&path, &[100, 100], &vec![1.0f32; 10_000], &ImageMeta::default()).expect("written");
    let bytes = std::fs::read(&path).expect("read");
    std::fs::write(&path, &bytes[..5000]).expect("cut");
    match read_fits_image(&path) {
        Err(IoError::FitsTruncated {
            hdu: 0,
            expected_bytes: 42_880,
            found_bytes: 5000,
            ..
        }) => {}
        other => panic!("expected truncation error, got {other:?}"),
    }
}

#[test]
fn gzip_compressed_images_are_read() {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("m.fits");
    write_fits_image(&path, &[2], &[1.5f32, 2.5], &ImageMeta::default()).expect("written");
    let gz_path = dir.path().join("m.fits.gz");
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder
        .write_all(&std::fs::read(&path).expect("read"))
        .expect("compress");
    std::fs::write(&gz_path, encoder.finish().expect("finish")).expect("write");
    assert_eq!(
        read_fits_image(&gz_path).expect("read gz").data,
        ImageData::F32(vec![1.5, 2.5])
    );
}

#[test]
fn streamed_cube_equals_one_shot_cube_and_counts_pixels() {
    let dir = tempfile::tempdir().expect("dir");
    let shape = [4usize, 3, 5];
    let data: Vec<f64> = (0..60).map(|i| f64::from(i) * 0.1).collect();
    let one_shot = dir.path().join("one.fits");
    write_fits_image(&one_shot, &shape, &data, &cube_meta()).expect("written");
    let streamed = dir.path().join("streamed.fits");
    let mut writer = FitsImageWriter::<f64>::create(&streamed, &shape, &cube_meta()).expect("writer");
    for channel in data.chunks(12) {
        writer.write_pixels(channel).expect("channel");
    }
    writer.finish().expect("finish");
    assert_eq!(
        std::fs::read(&one_shot).expect("a"),
        std::fs::read(&streamed).expect("b")
    );

    let mut short =
        FitsImageWriter::<f32>::create(dir.path().join("short.fits"), &[2, 2], &ImageMeta::default()).expect("writer");
    short.write_pixels(&[1.0; 3]).expect("three pixels");
    assert!(matches!(
        short.finish(),
        Err(IoError::ShapeMismatch {
            expected: 4,
            found: 3,
            ..
        })
    ));
    assert!(matches!(
        short.write_pixels(&[1.0; 2]),
        Err(IoError::ShapeMismatch {
            expected: 4,
            found: 5,
            ..
        })
    ));
}

#[test]
fn structural_extra_keywords_are_refused() {
    let dir = tempfile::tempdir().expect("dir");
    for keyword in ["NAXIS1", "BITPIX", "CRVAL1"] {
        let meta = ImageMeta {
            extra: vec![Card::new(keyword, HeaderValue::Int(3))],
            ..ImageMeta::default()
        };
        let err = write_fits_image(dir.path().join("x.fits"), &[1], &[0.0f32], &meta).expect_err(keyword);
        assert!(
            matches!(err, IoError::FitsBadKeyword { keyword: ref k, .. } if k == keyword),
            "{err}"
        );
    }
}

#[test]
fn long_string_keywords_round_trip_through_continue_cards() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("long.fits");
    let long = format!("{} it's long", "abcdefghij".repeat(12));
    let meta = ImageMeta {
        object: Some(long.clone()),
        extra: vec![Card {
            keyword: "model_file".into(),
            value: HeaderValue::Str(long),
            comment: "input".into(),
        }],
        ..ImageMeta::default()
    };
    write_fits_image(&path, &[1], &[0.0f32], &meta).expect("written");
    assert_eq!(read_fits_image(&path).expect("read").meta, meta);
}
