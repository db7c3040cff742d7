//! The `lte` and `lime` job types through the real server: results identical to what the
//! CLI writes for the same input, and bad input refused before any job exists.

use std::path::Path;
use std::process::Command;

use crate::harness::{Server, element, job_dir, multipart, uws};

fn server() -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &["--workers", "2"]);
    (dir, s)
}

fn stop(args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_stop")).args(args).output().unwrap();
    assert!(out.status.success(), "stop {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn repo(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(path)
}

/// Names of the job's results, from its result list (validated).
fn result_names(s: &Server, job: &str) -> Vec<String> {
    let doc = s.get(&format!("{job}/results")).text();
    uws(&doc);
    doc.split("<uws:result id=\"").skip(1).map(|r| r[..r.find('"').unwrap()].to_owned()).collect()
}

/// Number of jobs in a job list.
fn n_jobs(s: &Server, job_type: &str) -> usize {
    s.get(&format!("/uws/{job_type}")).text().matches("<uws:jobref ").count()
}

/// Posts a bad creation request and checks the 400 names `param` and that no job appeared.
fn refused(s: &Server, job_type: &str, content_type: &str, body: &[u8], param: &str) {
    let before = n_jobs(s, job_type);
    let r = s.req("POST", &format!("/uws/{job_type}"), &[("Content-Type", content_type)], body);
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(r.text().contains(&format!("`{param}`")), "expected `{param}` in {}", r.text());
    assert_eq!(n_jobs(s, job_type), before);
    let dirs = std::fs::read_dir(s.data_dir.join("jobs")).unwrap().count();
    assert_eq!(dirs, before, "a refused job left its directory");
}

fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
    serde_urlencoded::to_string(pairs).unwrap().into_bytes()
}

const URLENCODED: &str = "application/x-www-form-urlencoded";

#[test]
fn lte_job_writes_what_stop_lte_writes() {
    let (_d, s) = server();
    let job = s.create(
        "lte",
        &[("molecule", "co"), ("column_cm2", "1e16"), ("tex_k", "20"), ("fwhm_km_s", "1"), ("fmin_ghz", "115.2"), ("fmax_ghz", "115.34"), ("PHASE", "RUN")],
    );
    let doc = s.wait_final(&job);
    uws(&doc);
    assert_eq!(element(&doc, "uws:phase"), "COMPLETED", "{doc}");
    assert_eq!(result_names(&s, &job), ["lines.tsv", "lines.json", "spectrum.tsv", "spectrum.fits", "spectrum.png"]);
    // CO 1-0 at 20 K, 1e16 cm-2, 1 km/s: tau0 0.4534, T_peak 6.024 K (lte.md §9, first row).
    let lines = s.get(&format!("{job}/results/lines.tsv")).text();
    let row: Vec<&str> = lines.lines().nth(1).unwrap().split('\t').collect();
    assert_eq!((row[0], row[2], row[3]), ("115.2712018", "0.4534", "6.024"), "{lines}");
    // Byte for byte what the CLI writes for the same input.
    let cli = tempfile::tempdir().unwrap();
    let (tsv, png) = (cli.path().join("s.tsv"), cli.path().join("s.png"));
    let base = ["lte", "--species", "co", "--column-cm2", "1e16", "--tex-k", "20", "--fwhm-kms", "1", "--fmin-ghz", "115.2", "--fmax-ghz", "115.34"];
    stop(&[&base[..], &["--out", tsv.to_str().unwrap(), "--plot", png.to_str().unwrap()]].concat());
    let dir = job_dir(&s, &job).join("results");
    assert_eq!(std::fs::read(dir.join("spectrum.tsv")).unwrap(), std::fs::read(&tsv).unwrap());
    assert_eq!(std::fs::read(dir.join("spectrum.png")).unwrap(), std::fs::read(&png).unwrap());
    let out = Command::new(env!("CARGO_BIN_EXE_stop")).args(base).args(["--format", "tsv"]).output().unwrap();
    assert_eq!(lines.as_bytes(), out.stdout.as_slice());
    let png = s.get(&format!("{job}/results/spectrum.png"));
    assert_eq!((png.status, png.header("content-type")), (200, Some("image/png")));
}

#[test]
fn lte_job_takes_a_catalog_upload_and_refuses_bad_input_by_name() {
    let (_d, s) = server();
    let fixtures = repo("crates/stop-catalog/tests/fixtures");
    let cat = std::fs::read(fixtures.join("cdms_028503_co.cat")).unwrap();
    let qpart = std::fs::read(fixtures.join("cdms_028503_co.qpart")).unwrap();
    let fields = [("database", "cdms"), ("q_interpolation", "linear"), ("column_cm2", "1e16"), ("tex_k", "20"), ("fwhm_km_s", "1"), ("fmin_ghz", "100"), ("fmax_ghz", "120"), ("PHASE", "RUN")];
    let (ct, body) = multipart(&fields, &[("catalog_file", "co.cat", &cat), ("partfunc_file", "co.qpart", &qpart)]);
    let r = s.req("POST", "/uws/lte", &[("Content-Type", &ct)], &body);
    assert_eq!(r.status, 303, "{}", r.text());
    let job = r.header("location").unwrap().to_owned();
    let doc = s.wait_final(&job);
    assert_eq!(element(&doc, "uws:phase"), "COMPLETED", "{doc}");
    // The catalog's CO 1-0 (CDMS 115.2712018 GHz) with the same column and Tex as the LAMDA case.
    let lines = s.get(&format!("{job}/results/lines.tsv")).text();
    assert!(lines.lines().nth(1).unwrap().starts_with("115.2712018\t"), "{lines}");

    // Refused before queueing, each naming its parameter.
    refused(&s, "lte", URLENCODED, &form(&[("molecule", "co"), ("tex_k", "20"), ("fwhm_km_s", "1")]), "column_cm2");
    refused(&s, "lte", URLENCODED, &form(&[("molecule", "co"), ("column_cm2", "1e16"), ("tex_k", "-20"), ("fwhm_km_s", "1")]), "tex_k");
    refused(&s, "lte", URLENCODED, &form(&[("column_cm2", "1e16"), ("tex_k", "20"), ("fwhm_km_s", "1")]), "molecule");
    let single = [("molecule", "co"), ("column_cm2", "1e16"), ("tex_k", "20"), ("fwhm_km_s", "1")];
    refused(&s, "lte", URLENCODED, &form(&[&single[..], &[("fmin_ghz", "120"), ("fmax_ghz", "100")]].concat()), "fmin_ghz");
    refused(&s, "lte", URLENCODED, &form(&[&single[..], &[("fmin_ghz", "100")]].concat()), "fmax_ghz");
    refused(&s, "lte", URLENCODED, &form(&[&single[..], &[("vmin_km_s", "-5"), ("vmax_km_s", "5")]].concat()), "rest_ghz");
    let (ct, body) = multipart(&fields[..7], &[("catalog_file", "co.cat", &cat)]);
    refused(&s, "lte", &ct, &body, "partfunc_file");
    // File contents are checked at creation too.
    let (ct, body) = multipart(&single[1..], &[("lamda_file", "bad.dat", b"!MOLECULE\nco\n!WEIGHT\nheavy\n")]);
    refused(&s, "lte", &ct, &body, "lamda_file");
    let model = b"tbg_k = 2.725\n[[species]]\nname = \"x\"\nlamda = \"/etc/passwd\"\n[[components]]\ntex_k = 20.0\nfwhm_km_s = 1.0\ncolumns_cm2 = { x = 1e16 }\n";
    let (ct, body) = multipart(&[], &[("model_file", "m.toml", model)]);
    refused(&s, "lte", &ct, &body, "model_file");
}

#[test]
fn lime_job_solves_an_uploaded_model_as_stop_lime_does() {
    let (_d, s) = server();
    let mut model = std::fs::read_to_string(repo("validation/models/vz2002_1a.toml")).unwrap();
    // A small image of the whole sphere (radius 7.8e16 m at 140 pc: 8 pixels of 1000").
    model.push_str("\n[[image]]\nfile_stem = \"img\"\ntransition = 0\nn_channels = 5\nchannel_width_m_s = 100.0\nn_pixels = 8\npixel_arcsec = 1000.0\ndistance_m = 4.32e18\nunits = [\"K\", \"tau\"]\n");
    let molecule = std::fs::read(repo("../shared/reference/benchmark-vz2002/inputs/two_level_molecule.dat")).unwrap();
    let overrides = [("points", "300"), ("rays_per_point", "20"), ("max_iterations", "2"), ("threads", "2")];
    // As written, the model names a file of the server's disk: refused.
    let (ct, body) = multipart(&overrides, &[("model_file", "1a.toml", model.as_bytes())]);
    refused(&s, "lime", &ct, &body, "model_file");
    refused(&s, "lime", URLENCODED, &form(&overrides), "model_file");
    let (ct, body) = multipart(&[("threads", "0")], &[("model_file", "1a.toml", model.as_bytes()), ("molecule_file", "2lev.dat", &molecule)]);
    refused(&s, "lime", &ct, &body, "threads");
    let broken = model.replace("kind = \"vz2002_problem1\"", "kind = \"no_such_model\"");
    let (ct, body) = multipart(&[], &[("model_file", "1a.toml", broken.as_bytes()), ("molecule_file", "2lev.dat", &molecule)]);
    refused(&s, "lime", &ct, &body, "model_file");

    // With the molecule uploaded, the job runs.
    let (ct, body) = multipart(&[&overrides[..], &[("PHASE", "RUN")]].concat(), &[("model_file", "1a.toml", model.as_bytes()), ("molecule_file", "2lev.dat", &molecule)]);
    let r = s.req("POST", "/uws/lime", &[("Content-Type", &ct)], &body);
    assert_eq!(r.status, 303, "{}", r.text());
    let job = r.header("location").unwrap().to_owned();
    let doc = s.wait_final(&job);
    uws(&doc);
    assert_eq!(element(&doc, "uws:phase"), "COMPLETED", "{doc}");
    assert_eq!(
        result_names(&s, &job),
        ["populations.tsv", "convergence.log", "img_Kelvin.fits", "img_Tau.fits", "img_mom0.fits", "img_mom0.png", "img_mom0.svg", "img_mom1.fits", "img_mom1.png", "img_mom1.svg"]
    );
    let log = s.get(&format!("{job}/results/convergence.log")).text();
    assert_eq!(log.lines().filter(|l| l.starts_with("iter ")).count(), 2, "{log}");

    // The CLI on the same model (1 thread) gives the same populations, number for number.
    let cli = tempfile::tempdir().unwrap();
    let cli_model = cli.path().join("1a.toml");
    std::fs::write(&cli_model, model.replace("../../../shared/reference/benchmark-vz2002/inputs/two_level_molecule.dat", "2lev.dat")).unwrap();
    std::fs::write(cli.path().join("2lev.dat"), &molecule).unwrap();
    let pops = cli.path().join("pops.tsv");
    let args = ["--points", "300", "--rays", "20", "--max-iterations", "2", "--threads", "1", "--quiet", "--moments", "--image-dir", cli.path().to_str().unwrap(), "-o"];
    stop(&[&["lime", cli_model.to_str().unwrap()], &args[..], &[pops.to_str().unwrap()]].concat());
    // The job's cubes and moment maps (FITS and plots) are the CLI's, byte for byte; the line is
    // seen in emission and absorbs.
    for name in ["img_Kelvin.fits", "img_Tau.fits", "img_mom0.fits", "img_mom0.png", "img_mom0.svg", "img_mom1.fits", "img_mom1.png", "img_mom1.svg"] {
        assert_eq!(s.get(&format!("{job}/results/{name}")).body, std::fs::read(cli.path().join(name)).unwrap(), "{name}");
    }
    let (kelvin, tau) = (fits_f32_data(&cli.path().join("img_Kelvin.fits")), fits_f32_data(&cli.path().join("img_Tau.fits")));
    let peak_k = kelvin.iter().copied().fold(f32::MIN, f32::max);
    // Rayleigh-Jeans brightness above the CMB of a 20 K gas: positive and below 20 K.
    assert!(peak_k > 0.0 && peak_k < 20.0, "peak {peak_k} K");
    assert!(tau.iter().all(|t| *t >= 0.0) && tau.iter().any(|t| *t > 0.0));
    // Moment 0 = sum over the 5 channels of T times their 0.1 km/s width, pixel by pixel.
    let mom0 = fits_f32_data(&cli.path().join("img_mom0.fits"));
    assert_eq!(mom0.len(), 64);
    for (pixel, m) in mom0.iter().enumerate() {
        let sum_k: f32 = (0..5).map(|c| kelvin[c * 64 + pixel]).sum();
        assert!((m - 0.1 * sum_k).abs() <= 1e-5 * (0.1 * sum_k).abs().max(1e-6), "pixel {pixel}: {m} vs {}", 0.1 * sum_k);
    }
    let data = |text: &str| text.lines().filter(|l| !l.starts_with('#')).map(str::to_owned).collect::<Vec<_>>();
    let from_job = data(&s.get(&format!("{job}/results/populations.tsv")).text());
    let from_cli = data(&std::fs::read_to_string(&pops).unwrap());
    assert!(from_job.len() > 300, "{} rows", from_job.len());
    assert_eq!(from_job, from_cli);
    // Two-level fractional populations sum to 1 at every interior point.
    for row in from_job.iter().skip(1) {
        let cols: Vec<&str> = row.split('\t').collect();
        if cols[4] == "0" {
            let sum: f64 = cols[5..].iter().map(|v| v.parse::<f64>().unwrap()).sum();
            assert!((sum - 1.0).abs() < 1e-9, "{row}");
        }
    }
}

/// The data of a single-HDU float32 FITS file (BITPIX = -32), big-endian as FITS stores it.
fn fits_f32_data(path: &std::path::Path) -> Vec<f32> {
    let bytes = std::fs::read(path).unwrap();
    let header_end = (bytes.chunks(80).position(|card| card.starts_with(b"END ")).unwrap() + 1) * 80;
    let data_start = header_end.div_ceil(2880) * 2880;
    let card = |key: &str| -> usize {
        let card = bytes[..header_end].chunks(80).find(|c| c.starts_with(key.as_bytes()) && c[8] == b'=').unwrap();
        std::str::from_utf8(&card[10..30]).unwrap().trim().parse().unwrap()
    };
    assert!(std::str::from_utf8(&bytes[..header_end]).unwrap().contains("BITPIX  =                  -32"));
    let n: usize = (1..=card("NAXIS   ")).map(|i| card(&format!("NAXIS{i:<3}"))).product();
    bytes[data_start..data_start + 4 * n].chunks(4).map(|b| f32::from_be_bytes([b[0], b[1], b[2], b[3]])).collect()
}
