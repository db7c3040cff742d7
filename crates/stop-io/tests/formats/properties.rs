//! Property tests: random tables round-trip through TSV and VOTable; truncated TSV files
//! resume to a prefix of their rows; mutated or truncated input of every format never panics.

use proptest::prelude::*;
use stop_io::{
    Column, DataType, Schema, Table, TableFormat, TableWriter, TsvWriter, Value, create_table_writer, read_spectrum,
    read_table, read_tsv_table,
};

/// Characters XML 1.0 can carry (all of Unicode but most C0 controls and U+FFFE/U+FFFF).
fn xml_char() -> impl Strategy<Value = char> {
    any::<char>().prop_filter("XML 1.0 character", |&c| {
        (c >= ' ' || matches!(c, '\t' | '\n' | '\r')) && c != '\u{fffe}' && c != '\u{ffff}'
    })
}

fn string_value() -> impl Strategy<Value = String> {
    prop::collection::vec(xml_char(), 0..10).prop_map(String::from_iter)
}

fn float_value() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(-0.0),
        -1e3..1e3f64,
    ]
}

fn value_of(datatype: DataType) -> BoxedStrategy<Value> {
    match datatype {
        DataType::F64 => float_value().prop_map(Value::F64).boxed(),
        DataType::I64 => any::<i64>().prop_map(Value::I64).boxed(),
        DataType::Str => string_value().prop_map(Value::Str).boxed(),
    }
}

fn datatype() -> impl Strategy<Value = DataType> {
    prop_oneof![Just(DataType::F64), Just(DataType::I64), Just(DataType::Str)]
}

/// A schema of 1–4 columns and 0–12 rows of matching values.
fn table() -> impl Strategy<Value = Table> {
    let columns = prop::collection::vec(
        (datatype(), "[a-z][a-z0-9_]{0,6}", prop::option::of("[A-Za-z/.*-]{1,6}")),
        1..5,
    );
    columns.prop_flat_map(|columns| {
        let schema_columns: Vec<Column> = columns
            .iter()
            .enumerate()
            .map(|(i, (datatype, name, unit))| Column {
                name: format!("{name}_{i}"),
                datatype: *datatype,
                unit: unit.clone(),
                ucd: None,
                description: None,
                width_bytes: None,
            })
            .collect();
        let schema = Schema::new(schema_columns).expect("generated names are valid and unique");
        let row: Vec<BoxedStrategy<Value>> = columns.iter().map(|(datatype, _, _)| value_of(*datatype)).collect();
        prop::collection::vec(row, 0..12).prop_map(move |rows| Table {
            schema: schema.clone(),
            rows,
        })
    })
}

/// Equality with NaN equal to NaN.
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::F64(x), Value::F64(y)) => x == y || (x.is_nan() && y.is_nan()),
        _ => a == b,
    }
}

fn same_rows(a: &[Vec<Value>], b: &[Vec<Value>]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(ra, rb)| ra.len() == rb.len() && ra.iter().zip(rb).all(|(x, y)| same_value(x, y)))
}

fn write_table(path: &std::path::Path, format: TableFormat, table: &Table) {
    let mut writer = create_table_writer(path, format, &table.schema).expect("writer");
    for row in &table.rows {
        writer.write_row(row).expect("row");
    }
    writer.finish().expect("finish");
}

/// A valid file of each kind, as seeds for the mutation tests.
fn seed_files(dir: &std::path::Path) -> Vec<Vec<u8>> {
    let schema = Schema::new(vec![
        Column::f64("freq_hz").unit("Hz"),
        Column::f64("tmb").unit("K"),
        Column::string("note", 6),
    ])
    .and_then(|s| s.with_param("rest_freq_hz", Value::F64(1e11), Some("Hz")))
    .expect("schema");
    let table = Table {
        schema,
        rows: (0..6)
            .map(|i| {
                vec![
                    Value::F64(1e11 + 1e6 * f64::from(i)),
                    Value::F64(f64::from(i)),
                    Value::from("ok"),
                ]
            })
            .collect(),
    };
    let mut seeds = Vec::new();
    for (name, format) in [
        ("s.tsv", TableFormat::Tsv),
        ("s.fits", TableFormat::Fits),
        ("s.vot", TableFormat::VoTable),
    ] {
        let path = dir.join(name);
        write_table(&path, format, &table);
        seeds.push(std::fs::read(&path).expect("seed"));
    }
    seeds.push(b"# obs\nfreq (GHz),Tmb\n100.0,1\n100.1,2\n".to_vec());
    seeds
}

#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    Replace(usize, u8),
    Insert(usize, u8),
    Delete(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Replace(i, b)),
        (
            any::<usize>(),
            prop::sample::select(b"\t\n,<>&'\"=/#0123456789.eE-+ DTKA".to_vec())
        )
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
        any::<usize>().prop_map(Mutation::Delete),
    ]
}

fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    if bytes.is_empty() {
        return;
    }
    match *mutation {
        Mutation::Truncate(i) => bytes.truncate(i % bytes.len()),
        Mutation::Replace(i, b) => {
            let n = bytes.len();
            bytes[i % n] = b;
        }
        Mutation::Insert(i, b) => {
            let n = bytes.len();
            bytes.insert(i % n, b);
        }
        Mutation::Delete(i) => {
            let n = bytes.len();
            bytes.remove(i % n);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_tables_round_trip_through_tsv_and_votable(table in table()) {
        let dir = tempfile::tempdir().expect("dir");
        for (name, format) in [("t.tsv", TableFormat::Tsv), ("t.vot", TableFormat::VoTable)] {
            let path = dir.path().join(name);
            write_table(&path, format, &table);
            let back = read_table(&path).expect("reads back");
            prop_assert!(same_rows(&back.rows, &table.rows), "{}: {:?} != {:?}", name, back.rows, table.rows);
            let names = |t: &Table| t.schema.columns().iter().map(|c| (c.name.clone(), c.datatype, c.unit.clone())).collect::<Vec<_>>();
            prop_assert_eq!(names(&back), names(&table));
        }
    }

    #[test]
    fn truncated_tsv_resumes_to_a_prefix_of_its_rows(table in table(), cut in any::<prop::sample::Index>()) {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("t.tsv");
        write_table(&path, TableFormat::Tsv, &table);
        let bytes = std::fs::read(&path).expect("read");
        let header_len = TsvWriter::create(dir.path().join("h.tsv"), &table.schema)
            .and_then(|mut w| { w.finish()?; Ok(std::fs::metadata(dir.path().join("h.tsv")).map(|m| m.len()).unwrap_or(0)) })
            .expect("header") as usize;
        let keep = header_len + cut.index(bytes.len() - header_len + 1);
        std::fs::write(&path, &bytes[..keep]).expect("truncate");
        let mut writer = TsvWriter::resume(&path, &table.schema).expect("resumes after the header");
        let k = writer.rows_written() as usize;
        writer.finish().expect("finish");
        prop_assert!(k <= table.rows.len());
        let back = read_tsv_table(&path).expect("reads");
        prop_assert!(same_rows(&back.rows, &table.rows[..k]));
    }

    #[test]
    fn mutated_files_never_panic(seed in 0usize..4, mutations in prop::collection::vec(mutation(), 1..6)) {
        let dir = tempfile::tempdir().expect("dir");
        let mut bytes = seed_files(dir.path()).swap_remove(seed);
        for m in &mutations {
            apply(&mut bytes, m);
        }
        let path = dir.path().join("mutated.dat");
        std::fs::write(&path, &bytes).expect("write");
        for result in [read_table(&path).map(|_| ()), read_spectrum(&path).map(|_| ())] {
            if let Err(err) = result {
                prop_assert!(err.to_string().contains("mutated.dat"), "error does not name the file: {}", err);
            }
        }
        let schema = Schema::new(vec![Column::f64("freq_hz").unit("Hz"), Column::f64("tmb").unit("K"), Column::string("note", 6)])
            .expect("schema");
        let _ = TsvWriter::resume(&path, &schema).map(|mut w| w.finish());
    }
}
