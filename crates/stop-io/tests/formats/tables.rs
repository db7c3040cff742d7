//! Streaming tables: round trips in the three formats, resume of an interrupted TSV, and the
//! errors a caller can make.

use std::io::Write;

use stop_io::{
    Column, DataType, FitsTableWriter, IoError, Schema, TableFormat, TableWriter, TsvReader, TsvWriter, Value,
    VoTableWriter, convert_tsv, create_table_writer, read_table, read_tsv_table,
};

fn schema() -> Schema {
    Schema::new(vec![
        Column::f64("freq_hz")
            .unit("Hz")
            .ucd("em.freq")
            .description("line frequency"),
        Column::i64("j_up"),
        Column::string("label", 12).description("a <label> & \"more\""),
    ])
    .and_then(|s| s.with_table_name("lines"))
    .and_then(|s| s.with_param("rest_freq_hz", Value::F64(115.271_201_8e9), Some("Hz")))
    .and_then(|s| s.with_param("NITER", Value::I64(42), None))
    .and_then(|s| s.with_param("GEOMETRY", Value::from("sphere"), None))
    .expect("valid schema")
}

fn rows() -> Vec<Vec<Value>> {
    vec![
        vec![Value::F64(115.271_201_8e9), Value::I64(1), Value::from("CO 1-0")],
        vec![Value::F64(-0.0), Value::I64(i64::MIN), Value::from("")],
        vec![Value::F64(1e-300), Value::I64(i64::MAX), Value::from("a&b<c>")],
        vec![Value::F64(f64::INFINITY), Value::I64(0), Value::from("#hash")],
        vec![Value::F64(f64::NEG_INFINITY), Value::I64(-7), Value::from("x")],
    ]
}

fn write_all(path: &std::path::Path, format: TableFormat) {
    let mut writer = create_table_writer(path, format, &schema()).expect("writer");
    for row in rows() {
        writer.write_row(&row).expect("row");
    }
    writer.finish().expect("finish");
    assert_eq!(writer.rows_written(), 5);
}

#[test]
fn every_format_round_trips_columns_params_and_rows() {
    let dir = tempfile::tempdir().expect("dir");
    for (name, format) in [
        ("t.tsv", TableFormat::Tsv),
        ("t.fits", TableFormat::Fits),
        ("t.vot", TableFormat::VoTable),
    ] {
        let path = dir.path().join(name);
        write_all(&path, format);
        let table = read_table(&path).expect("reads back");
        assert_eq!(table.rows, rows(), "{name}");
        let columns = table.schema.columns();
        let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["freq_hz", "j_up", "label"], "{name}");
        let types: Vec<DataType> = columns.iter().map(|c| c.datatype).collect();
        assert_eq!(types, [DataType::F64, DataType::I64, DataType::Str], "{name}");
        assert_eq!(columns[0].unit.as_deref(), Some("Hz"), "{name}");
        assert_eq!(table.schema.table_name(), Some("lines"), "{name}");
        for (param, value) in [
            ("rest_freq_hz", Value::F64(115.271_201_8e9)),
            ("NITER", Value::I64(42)),
            ("GEOMETRY", Value::from("sphere")),
        ] {
            assert_eq!(
                table.schema.param(param).map(|p| &p.value),
                Some(&value),
                "{name} {param}"
            );
        }
        assert_eq!(
            table.schema.param("rest_freq_hz").and_then(|p| p.unit.as_deref()),
            Some("Hz"),
            "{name}"
        );
        if format != TableFormat::Tsv {
            assert_eq!(columns[0].ucd.as_deref(), Some("em.freq"), "{name}");
            assert_eq!(
                columns[2].description.as_deref(),
                Some("a <label> & \"more\""),
                "{name}"
            );
        }
    }
}

#[test]
fn nan_survives_every_format() {
    let dir = tempfile::tempdir().expect("dir");
    let schema = Schema::new(vec![Column::f64("x")]).expect("schema");
    for (name, format) in [
        ("n.tsv", TableFormat::Tsv),
        ("n.fits", TableFormat::Fits),
        ("n.vot", TableFormat::VoTable),
    ] {
        let path = dir.path().join(name);
        let mut writer = create_table_writer(&path, format, &schema).expect("writer");
        writer.write_row(&[Value::F64(f64::NAN)]).expect("row");
        writer.finish().expect("finish");
        let column = read_table(&path).expect("reads").column_f64("x").expect("column");
        assert!(column.len() == 1 && column[0].is_nan(), "{name}: {column:?}");
    }
}

#[test]
fn fits_table_of_many_rows_spans_blocks_and_patches_naxis2() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("big.fits");
    let schema = Schema::new(vec![Column::f64("x"), Column::i64("i")]).expect("schema");
    let mut writer = FitsTableWriter::create(&path, &schema).expect("writer");
    for i in 0..1000i64 {
        writer
            .write_row(&[Value::F64(i as f64 * 0.5), Value::I64(i)])
            .expect("row");
    }
    writer.finish().expect("finish");
    let len = std::fs::metadata(&path).expect("meta").len();
    assert_eq!(len % 2880, 0, "FITS files are whole blocks");
    let table = read_table(&path).expect("reads");
    assert_eq!(table.rows.len(), 1000);
    assert_eq!(table.rows[999], vec![Value::F64(499.5), Value::I64(999)]);
}

#[test]
fn resume_counts_rows_cuts_a_torn_line_and_appends() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("grid.tsv");
    let mut writer = TsvWriter::create(&path, &schema()).expect("writer");
    for row in &rows()[..3] {
        writer.write_row(row).expect("row");
    }
    writer.finish().expect("finish");
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .and_then(|mut f| f.write_all(b"1.5\t3\tto"))
        .expect("torn write");
    let mut resumed = TsvWriter::resume(&path, &schema()).expect("resumes");
    assert_eq!(resumed.rows_written(), 3);
    for row in &rows()[3..] {
        resumed.write_row(row).expect("row");
    }
    resumed.finish().expect("finish");
    assert_eq!(resumed.rows_written(), 5);
    assert_eq!(read_tsv_table(&path).expect("reads").rows, rows());
}

#[test]
fn resume_of_a_complete_file_appends_after_the_last_row() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("grid.tsv");
    write_all(&path, TableFormat::Tsv);
    let resumed = TsvWriter::resume(&path, &schema()).expect("resumes");
    assert_eq!(resumed.rows_written(), 5);
}

#[test]
fn resume_refuses_another_schema_naming_the_line() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("grid.tsv");
    write_all(&path, TableFormat::Tsv);
    let other = Schema::new(vec![
        Column::f64("freq_hz").unit("Hz"),
        Column::i64("j_up"),
        Column::string("label", 12),
    ])
    .and_then(|s| s.with_table_name("lines"))
    .expect("schema");
    match TsvWriter::resume(&path, &other) {
        Err(IoError::HeaderMismatch { line: 2, found, .. }) => assert!(found.starts_with("# param\trest_freq_hz")),
        other => panic!("expected a header mismatch on line 2, got {other:?}"),
    }
}

#[test]
fn resume_refuses_a_row_with_missing_fields() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("grid.tsv");
    write_all(&path, TableFormat::Tsv);
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .and_then(|mut f| f.write_all(b"1.0\t2\n"))
        .expect("bad row");
    match TsvWriter::resume(&path, &schema()) {
        Err(IoError::FieldCount {
            line: 13,
            expected: 3,
            found: 2,
            ..
        }) => {}
        other => panic!("expected a field-count error on line 13, got {other:?}"),
    }
}

#[test]
fn writers_check_rows_against_the_schema() {
    let dir = tempfile::tempdir().expect("dir");
    let schema = Schema::new(vec![Column::f64("x"), Column::string("s", 3)]).expect("schema");
    let mut writers: Vec<Box<dyn TableWriter>> = vec![
        Box::new(TsvWriter::create(dir.path().join("a.tsv"), &schema).expect("tsv")),
        Box::new(FitsTableWriter::create(dir.path().join("a.fits"), &schema).expect("fits")),
        Box::new(VoTableWriter::create(dir.path().join("a.vot"), &schema).expect("vot")),
    ];
    for writer in &mut writers {
        assert!(matches!(
            writer.write_row(&[Value::F64(1.0)]),
            Err(IoError::RowLength {
                expected: 2,
                found: 1,
                ..
            })
        ));
        assert!(matches!(
            writer.write_row(&[Value::I64(1), Value::from("a")]),
            Err(IoError::TypeMismatch {
                expected: DataType::F64,
                found: DataType::I64,
                ..
            })
        ));
        writer
            .write_row(&[Value::F64(1.0), Value::from("abc")])
            .expect("valid row");
        writer.finish().expect("finish");
        writer.finish().expect("finish twice is harmless");
        assert!(matches!(
            writer.write_row(&[Value::F64(1.0), Value::from("a")]),
            Err(IoError::WriterFinished { .. })
        ));
    }
}

#[test]
fn format_limits_are_errors_not_corruption() {
    let dir = tempfile::tempdir().expect("dir");
    let schema = Schema::new(vec![Column::string("s", 3)]).expect("schema");
    let mut fits = FitsTableWriter::create(dir.path().join("s.fits"), &schema).expect("fits");
    assert!(matches!(
        fits.write_row(&[Value::from("abcd")]),
        Err(IoError::BadString { .. })
    ));
    assert!(matches!(
        fits.write_row(&[Value::from("é")]),
        Err(IoError::BadString { .. })
    ));
    let mut vot = VoTableWriter::create(dir.path().join("s.vot"), &schema).expect("vot");
    assert!(matches!(
        vot.write_row(&[Value::from("a\u{1}")]),
        Err(IoError::BadString { .. })
    ));
    let no_width = Schema::new(vec![Column {
        width_bytes: None,
        ..Column::string("s", 1)
    }])
    .expect("schema");
    assert!(matches!(
        FitsTableWriter::create(dir.path().join("w.fits"), &no_width),
        Err(IoError::MissingStringWidth { .. })
    ));
}

#[test]
fn plain_tsv_without_type_lines_gets_guessed_types() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("plain.tsv");
    std::fs::write(&path, "# made by hand\nj\tx\tname\n1\t2.5\tCO\n2\t3\tHCN\n").expect("write");
    let table = read_tsv_table(&path).expect("reads");
    let types: Vec<DataType> = table.schema.columns().iter().map(|c| c.datatype).collect();
    assert_eq!(types, [DataType::I64, DataType::F64, DataType::Str]);
    assert_eq!(table.rows[1], vec![Value::I64(2), Value::F64(3.0), Value::from("HCN")]);
}

#[test]
fn tsv_errors_name_file_line_and_column() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("bad.tsv");
    std::fs::write(&path, "# type\tf64\ti64\nx\tn\n1.0\t2\n1.0\ttwo\n").expect("write");
    let message = read_tsv_table(&path).expect_err("bad cell").to_string();
    assert!(
        message.ends_with("bad.tsv:4: column `n`: `two` is not a i64"),
        "{message}"
    );
}

#[test]
fn tsv_reader_streams_rows_and_refuses_a_torn_last_line() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("grid.tsv");
    write_all(&path, TableFormat::Tsv);
    let streamed = TsvReader::open(&path)
        .expect("open")
        .collect::<Result<Vec<_>, _>>()
        .expect("rows");
    assert_eq!(streamed, rows());
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .and_then(|mut f| f.write_all(b"2.0\t1\tto"))
        .expect("torn write");
    let results: Vec<_> = TsvReader::open(&path).expect("open").collect();
    assert_eq!(results.len(), 6);
    assert!(matches!(results[5], Err(IoError::Missing { .. })), "{:?}", results[5]);
}

#[test]
fn convert_tsv_keeps_rows_params_and_name() {
    let dir = tempfile::tempdir().expect("dir");
    let tsv = dir.path().join("grid.tsv");
    write_all(&tsv, TableFormat::Tsv);
    for (name, format) in [("grid.fits", TableFormat::Fits), ("grid.vot", TableFormat::VoTable)] {
        let out = dir.path().join(name);
        assert_eq!(convert_tsv(&tsv, &out, format).expect("converted"), 5, "{name}");
        let table = read_table(&out).expect("reads");
        assert_eq!(table.rows, rows(), "{name}");
        assert_eq!(table.schema.table_name(), Some("lines"), "{name}");
        assert_eq!(
            table.schema.param("NITER").map(|p| &p.value),
            Some(&Value::I64(42)),
            "{name}"
        );
    }
}

#[test]
fn read_table_takes_csv_with_text_columns() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("points.csv");
    std::fs::write(
        &path,
        "# rotation diagram\nfreq_ghz,w_k_km_s,label\n115.27,1.5,CO 1-0\n230.54,2.5,CO 2-1\n",
    )
    .expect("write");
    let table = read_table(&path).expect("reads");
    assert_eq!(table.column_f64("w_k_km_s"), Some(vec![1.5, 2.5]));
    assert_eq!(table.rows[1][2], Value::from("CO 2-1"));
}

#[test]
fn long_descriptions_are_cut_for_fits_only() {
    let dir = tempfile::tempdir().expect("dir");
    let description = "optical depth at line centre — the sum over every velocity component of the model";
    let schema = Schema::new(vec![Column::f64("tau").description(description)]).expect("schema");
    let mut fits = FitsTableWriter::create(dir.path().join("d.fits"), &schema).expect("long description accepted");
    fits.finish().expect("finish");
    let back = read_table(dir.path().join("d.fits")).expect("reads");
    let cut = back.schema.columns()[0].description.clone().expect("description");
    assert_eq!(cut.len(), 60);
    assert!(cut.starts_with("optical depth at line centre ? the sum"), "{cut}");
}
