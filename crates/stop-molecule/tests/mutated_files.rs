//! Property test: mutated real LAMDA files never panic the parser, and every error names
//! the file and a line that exists (or the line after the last one, for an early end).

use proptest::prelude::*;
use stop_molecule::lamda::parse_lamda;

const FILES: &[&str] = &["co.dat", "hco+.dat", "hcn.dat", "oh2co-h2.dat", "cs@lique.dat"];

fn text_of(file: &str) -> String {
    let path = format!("{}/../../data/lamda/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    Truncate(usize),
    ReplaceToken { line: usize, token: usize, with: String },
    InsertLine(usize, String),
}

fn replacement() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("NaN".to_owned()),
        Just("inf".to_owned()),
        Just("-1".to_owned()),
        Just("0".to_owned()),
        Just("1e400".to_owned()),
        Just("99999".to_owned()),
        Just("18446744073709551616".to_owned()),
        Just("\"".to_owned()),
        Just(String::new()),
        "[a-z!#]{1,4}",
        "-?[0-9]{1,3}(\\.[0-9]{0,3})?(e-?[0-9]{1,3})?",
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 0usize..30, replacement()).prop_map(|(line, token, with)| Mutation::ReplaceToken { line, token, with }),
        (any::<usize>(), "[ -~]{0,40}").prop_map(|(at, text)| Mutation::InsertLine(at, text)),
    ]
}

fn apply(text: &str, m: &Mutation) -> String {
    if text.is_empty() {
        // an earlier truncation left nothing: only an inserted line can change that
        return match m {
            Mutation::InsertLine(_, t) => t.clone(),
            _ => String::new(),
        };
    }
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let n = lines.len();
    match m {
        Mutation::DeleteLine(i) => {
            lines.remove(i % n);
        }
        Mutation::DuplicateLine(i) => {
            let l = lines[i % n].clone();
            lines.insert(i % n, l);
        }
        Mutation::SwapLines(a, b) => lines.swap(a % n, b % n),
        Mutation::Truncate(at) => {
            let cut = at % text.len();
            let mut cut_at = cut;
            while !text.is_char_boundary(cut_at) {
                cut_at -= 1;
            }
            return text[..cut_at].to_owned();
        }
        Mutation::ReplaceToken { line, token, with } => {
            let i = line % n;
            let mut tokens: Vec<String> = lines[i].split_whitespace().map(str::to_owned).collect();
            if !tokens.is_empty() {
                let t = token % tokens.len();
                tokens[t].clone_from(with);
                lines[i] = tokens.join(" ");
            }
        }
        Mutation::InsertLine(at, t) => lines.insert(at % (n + 1), t.clone()),
    }
    lines.join("\n")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn mutated_files_give_located_errors_or_valid_molecules(
        i_file in 0..FILES.len(),
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        let file = FILES[i_file];
        let mut text = text_of(file);
        for m in &mutations {
            text = apply(&text, m);
        }
        let n_lines = text.lines().count();
        match parse_lamda(file, &text) {
            Ok(molecule) => {
                // whatever parsed must be physically valid data
                prop_assert!(molecule.levels.iter().all(|l| l.weight > 0.0 && l.energy_cm1.is_finite()));
                prop_assert!(molecule.lines.iter().all(|l| l.a_ul_s > 0.0 && l.up < molecule.n_levels() && l.lo < molecule.n_levels()));
                prop_assert!(molecule.partners.iter().all(|p| p.rates_cm3_s.iter().all(|k| k.is_finite() && *k >= 0.0)));
            }
            Err(err) => {
                prop_assert_eq!(err.location.source.as_str(), file);
                prop_assert!(err.location.line >= 1 && err.location.line <= n_lines + 1, "line {} of {}", err.location.line, n_lines);
                prop_assert!(!err.to_string().is_empty());
            }
        }
    }
}

#[test]
fn mutations_after_a_truncation_to_nothing_still_apply() {
    // Truncate(0) empties the file; the next mutations must not divide by its zero lines
    let empty = apply(&text_of(FILES[0]), &Mutation::Truncate(0));
    assert!(empty.is_empty());
    assert!(apply(&empty, &Mutation::DeleteLine(3)).is_empty());
    assert_eq!(apply(&empty, &Mutation::InsertLine(5, "!MOLECULE".to_owned())), "!MOLECULE");
    assert!(parse_lamda(FILES[0], &empty).is_err());
}
