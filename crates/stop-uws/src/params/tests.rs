use super::*;
use proptest::prelude::*;

fn descriptor() -> JobDescriptor {
    let float = |name: &str, min: f64, max: f64, default: Option<f64>| ParamSpec {
        name: name.into(),
        description: String::new(),
        kind: ParamKind::Float { min: Some(min), min_exclusive: true, max: Some(max) },
        unit: Some("K".into()),
        required: default.is_none(),
        default: default.map(serde_json::Value::from),
        array: None,
    };
    JobDescriptor {
        name: "t".into(),
        title: "test".into(),
        description: String::new(),
        parameters: vec![
            float("tkin_k", 0.0, 1e4, None),
            float("fmin_ghz", 0.0, 1e4, Some(1.0)),
            float("fmax_ghz", 0.0, 1e4, Some(1000.0)),
            ParamSpec {
                name: "molecule".into(),
                description: String::new(),
                kind: ParamKind::String { choices: Some(vec!["co".into(), "cs".into()]), max_len: 16 },
                unit: None,
                required: false,
                default: None,
                array: None,
            },
            ParamSpec {
                name: "lamda_file".into(),
                description: String::new(),
                kind: ParamKind::File { media_types: vec!["text/plain".into()] },
                unit: None,
                required: false,
                default: None,
                array: None,
            },
            ParamSpec {
                name: "density_cm3".into(),
                description: String::new(),
                kind: ParamKind::Float { min: Some(0.0), min_exclusive: true, max: None },
                unit: Some("cm-3".into()),
                required: false,
                default: Some(serde_json::json!([1e4])),
                array: Some(ArraySpec { min_len: 1, max_len: 3 }),
            },
        ],
        relations: vec![
            Relation::ExactlyOneOf { params: vec!["molecule".into(), "lamda_file".into()] },
            Relation::LessThan { lower: "fmin_ghz".into(), upper: "fmax_ghz".into() },
        ],
    }
}

fn fields(pairs: &[(&str, &str)]) -> RawInput {
    RawInput { fields: pairs.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect(), files: vec![] }
}

#[test]
fn good_input_is_typed_with_defaults_and_canonical_names() {
    let v = descriptor().validate(&fields(&[("TKIN_K", "20"), ("molecule", "CO"), ("density_cm3", "1e3, 1e4"), ("density_cm3", "1e5")])).unwrap();
    assert_eq!(v.values["tkin_k"], serde_json::json!(20.0));
    assert_eq!(v.values["molecule"], serde_json::json!("co"));
    assert_eq!(v.values["density_cm3"], serde_json::json!([1e3, 1e4, 1e5]));
    assert_eq!(v.values["fmax_ghz"], serde_json::json!(1000.0));
    assert_eq!(v.parameters[0].name, "tkin_k");
}

#[test]
fn each_error_names_its_parameter() {
    let d = descriptor();
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("molecule", "co")], "tkin_k"),
        (&[("tkin_k", "hot"), ("molecule", "co")], "tkin_k"),
        (&[("tkin_k", "-3"), ("molecule", "co")], "tkin_k"),
        (&[("tkin_k", "NaN"), ("molecule", "co")], "tkin_k"),
        (&[("tkin_k", "10"), ("molecule", "h2o")], "molecule"),
        (&[("tkin_k", "10"), ("molecule", "co"), ("colour", "red")], "colour"),
        (&[("tkin_k", "10"), ("molecule", "co"), ("density_cm3", "1,2,3,4")], "density_cm3"),
        (&[("tkin_k", "10"), ("molecule", "co"), ("fmin_ghz", "500"), ("fmax_ghz", "100")], "fmin_ghz"),
        (&[("tkin_k", "10"), ("lamda_file", "x")], "lamda_file"),
        (&[("tkin_k", "10")], "molecule"),
        (&[("tkin_k", "10"), ("tkin_k", "11"), ("molecule", "co")], "tkin_k"),
    ];
    for (input, param) in cases {
        let err = d.validate(&fields(input)).unwrap_err();
        assert_eq!(err.param(), *param, "{input:?}: {err}");
        assert!(err.to_string().contains(param));
    }
}

#[test]
fn upload_counts_for_exactly_one_of() {
    let mut input = fields(&[("tkin_k", "10")]);
    input.files.push(("lamda_file".into(), "lamda_file.dat".into()));
    let v = descriptor().validate(&input).unwrap();
    assert!(v.parameters.iter().any(|p| p.upload && p.name == "lamda_file"));
}

#[test]
fn requires_and_excludes_count_only_given_parameters() {
    let mut d = descriptor();
    d.relations.push(Relation::Requires { param: "lamda_file".into(), params: vec!["fmin_ghz".into()] });
    d.relations.push(Relation::Excludes { param: "molecule".into(), params: vec!["fmax_ghz".into()] });
    let mut upload = fields(&[("tkin_k", "10")]);
    upload.files.push(("lamda_file".into(), "lamda_file".into()));
    // fmin_ghz has a default, but a default is not "given".
    let err = d.validate(&upload).unwrap_err();
    assert_eq!((err.param(), err.to_string().contains("required with `lamda_file`")), ("fmin_ghz", true), "{err}");
    upload.fields.push(("fmin_ghz".into(), "2".into()));
    assert!(d.validate(&upload).is_ok());
    // The default of fmax_ghz does not conflict with molecule; giving it does.
    assert!(d.validate(&fields(&[("tkin_k", "10"), ("molecule", "co")])).is_ok());
    let err = d.validate(&fields(&[("tkin_k", "10"), ("molecule", "co"), ("fmax_ghz", "20")])).unwrap_err();
    assert_eq!((err.param(), err.to_string().contains("cannot be given with `molecule`")), ("fmax_ghz", true), "{err}");
}

#[test]
fn descriptor_serialises_with_types_and_units() {
    let json = serde_json::to_value(descriptor()).unwrap();
    assert_eq!(json["parameters"][0]["type"], "float");
    assert_eq!(json["parameters"][0]["unit"], "K");
    assert_eq!(json["relations"][0]["relation"], "exactly_one_of");
    let back: JobDescriptor = serde_json::from_value(json).unwrap();
    assert_eq!(back, descriptor());
}

proptest! {
    #[test]
    fn arbitrary_input_never_panics(pairs in proptest::collection::vec(("[a-zA-Z_]{0,12}", "\\PC{0,20}"), 0..8)) {
        let input = RawInput { fields: pairs, files: vec![] };
        let _ = descriptor().validate(&input);
    }
}
