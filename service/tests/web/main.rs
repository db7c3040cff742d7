//! End-to-end tests of the web client (issue 10): the real server on 127.0.0.1:0, driven in
//! headless Chromium through chromedriver. Screenshots go to `target/web-client-screenshots/`
//! (the path is printed). Without chromium/chromedriver the tests fail and say to run
//! `.ci/setup`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout, clippy::print_stderr)]

mod fits_results;
mod grid;
mod lime;
mod server;
mod webdriver;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::json;
use server::{Server, WORKER_DIR_ENV};
use webdriver::Browser;

/// Longest wait for any page state; a molecule summary takes well under a second.
const DEADLINE: Duration = Duration::from_secs(60);

/// Not a test: the worker process entry point (see `server.rs`). A no-op in a normal run.
#[test]
fn worker_entry() {
    if let Ok(dir) = std::env::var(WORKER_DIR_ENV) {
        stop_service::run_worker(Path::new(&dir)).unwrap();
    }
}

fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/web-client-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    println!("screenshots in {}", dir.canonicalize().unwrap().display());
    dir
}

fn repo_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(rel).canonicalize().unwrap()
}

/// An "observed" CO spectrum on the model's axis (GHz, K): Gaussian lines of 0.2 GHz at the
/// J=1-0, 2-1, 3-2 frequencies (LAMDA co.dat), sampled every 0.1 GHz, as CSV with a header.
fn observed_csv(dir: &Path) -> PathBuf {
    let lines = [(115.271_201_8, 2.0), (230.538, 4.0), (345.795_989_9, 3.5)];
    let mut text = String::from("# synthetic observation for the web client test\nfreq_ghz,t_mb_k\n");
    for i in 0..2800 {
        let f = 100.0 + 0.1 * f64::from(i);
        let t: f64 = lines.iter().map(|(f0, peak)| peak * (-0.5 * ((f - f0) / 0.085_f64).powi(2)).exp()).sum();
        text.push_str(&format!("{f:.3},{t:.5}\n"));
    }
    let path = dir.join("observed_co.csv");
    std::fs::write(&path, text).unwrap();
    path
}

/// FITS files written by astropy (`fits_fixtures.py`), with the numbers astropy/numpy give.
struct FitsFixtures {
    /// The 1-D array on a frequency axis, and the BINTABLE on a velocity axis.
    spectra: [PathBuf; 2],
    /// Frequency range (GHz) of the velocity table by astropy's radio convention.
    velocity_range_ghz: (f64, f64),
    /// The cube, its moment 0 (K km/s) at two pixels `(x, y, value)` (0-based), and its brightest channel (1-based).
    cube: PathBuf,
    mom0: Vec<(u64, u64, f64)>,
    peak_channel: u64,
}

fn fits_fixtures(dir: &Path) -> FitsFixtures {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/web/fits_fixtures.py");
    let out = std::process::Command::new("python3").arg(&script).arg(dir).output().expect("python3 with astropy is needed: run `.ci/setup`");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && stdout.contains("DONE"), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let fields = |prefix: &str| stdout.lines().filter_map(|l| l.strip_prefix(prefix)).map(|l| l.split(' ').map(str::to_owned).collect::<Vec<_>>()).collect::<Vec<_>>();
    let range = &fields("VELOCITY_GHZ ")[0];
    FitsFixtures {
        spectra: [dir.join("observed_co.fits"), dir.join("observed_co_velocity.fits")],
        velocity_range_ghz: (range[0].parse().unwrap(), range[1].parse().unwrap()),
        cube: dir.join("cube.fits"),
        mom0: fields("MOM0 ").iter().map(|f| (f[0].parse().unwrap(), f[1].parse().unwrap(), f[2].parse().unwrap())).collect(),
        peak_channel: fields("PEAK_CHANNEL ")[0][0].parse().unwrap(),
    }
}

/// Uploads `file` as the observed spectrum, waits for its overlay with `n` residuals, and
/// returns the note the page writes about it.
fn load_observed(browser: &Browser, file: &Path, n: u64) -> String {
    let name = file.file_name().unwrap().to_string_lossy();
    browser.type_text(&browser.find(".plot-controls input[type=file]", DEADLINE), &file.to_string_lossy());
    browser.wait_for(&format!("the overlay of {name}"), &format!("return document.querySelector('.plot .legend').textContent.includes('({name})')"), DEADLINE);
    let residuals = browser.js("return document.querySelectorAll('.plot-svg circle.residual').length", &[]).as_u64().unwrap();
    assert_eq!(residuals, n, "one residual per sample of {name}");
    browser.js("return document.querySelector('.obs-status').textContent", &[]).as_str().unwrap().to_owned()
}

/// The number written right after the first `marker` in `text`.
fn number_after(text: &str, marker: &str) -> f64 {
    let rest = &text[text.find(marker).unwrap_or_else(|| panic!("no `{marker}` in {text}")) + marker.len()..];
    let token: String = rest.chars().take_while(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | 'e' | '+')).collect();
    token.parse().unwrap_or_else(|e| panic!("`{token}` after `{marker}` in {text}: {e}"))
}

/// A file the page saved through one of its export buttons.
struct Exported {
    name: String,
    bytes: Vec<u8>,
    /// Width and height, for images.
    size: (u64, u64),
    /// Pixels of each colour of `PALETTE` (within 24 per channel), for images.
    colours: std::collections::HashMap<String, u64>,
}

/// Colours counted in exported images: the model, the observation, the map's lowest and highest.
const PALETTE: [&str; 4] = ["#1f5fae", "#c2410c", "#30123b", "#f9e721"];

/// Presses the `kind` ("svg" or "png") export button inside `within` and returns the file the
/// page saves (download links are caught, not followed).
fn exported(browser: &Browser, within: &str, kind: &str) -> Exported {
    use base64::Engine as _;
    browser.js("window.__saved = []; HTMLAnchorElement.prototype.click = function () { if (this.download) window.__saved.push({name: this.download, href: this.href}); };", &[]);
    browser.click(&browser.find(&format!("{within} button.export-{kind}"), DEADLINE));
    browser.wait_for("the exported file", "return window.__saved.length", DEADLINE);
    let v = browser.js_async(&format!(
        "const f = window.__saved[0]; const palette = {palette};
         fetch(f.href).then(r => r.blob()).then(async (blob) => {{
           const bytes = new Uint8Array(await blob.arrayBuffer());
           let bin = ''; for (const b of bytes) bin += String.fromCharCode(b);
           const out = {{name: f.name, b64: btoa(bin), w: 0, h: 0, colours: {{}}}};
           if (blob.type === 'image/png') {{
             const img = await createImageBitmap(blob);
             const c = new OffscreenCanvas(img.width, img.height); const ctx = c.getContext('2d'); ctx.drawImage(img, 0, 0);
             const px = ctx.getImageData(0, 0, img.width, img.height).data;
             out.w = img.width; out.h = img.height;
             for (const hex of palette) {{
               const t = [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16)); let n = 0;
               for (let i = 0; i < px.length; i += 4) if (Math.abs(px[i] - t[0]) < 24 && Math.abs(px[i + 1] - t[1]) < 24 && Math.abs(px[i + 2] - t[2]) < 24) n++;
               out.colours[hex] = n;
             }}
           }}
           done(out);
         }}, e => done({{error: String(e)}}));",
        palette = serde_json::to_string(&PALETTE).unwrap()
    ));
    assert!(v.get("error").is_none(), "{v}");
    Exported {
        name: v["name"].as_str().unwrap().to_owned(),
        bytes: base64::engine::general_purpose::STANDARD.decode(v["b64"].as_str().unwrap()).unwrap(),
        size: (v["w"].as_u64().unwrap(), v["h"].as_u64().unwrap()),
        colours: PALETTE.iter().map(|c| ((*c).to_owned(), v["colours"][c].as_u64().unwrap_or(0))).collect(),
    }
}

/// Clears the field of parameter `name` and types `value`.
fn fill(browser: &Browser, name: &str, value: &str) {
    let field = browser.find(&format!("[id='f-{name}']"), DEADLINE);
    browser.clear(&field);
    browser.type_text(&field, value);
}

#[test]
fn lvg_job_from_the_form_with_an_uploaded_molecule_file() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::start(&tmp.path().join("data"));
    let shots = screenshot_dir();
    let browser = Browser::start(1280, 800);

    // The chooser lists every job type the server describes.
    browser.goto(&format!("{}/#/new", server.base()));
    browser.find("ul.type-list a[href='#/new/lvg']", DEADLINE);
    browser.find("ul.type-list a[href='#/new/molecule']", DEADLINE);
    browser.screenshot(None, &shots.join("01-chooser.png"));

    // The form is generated from /jobtypes/lvg: units and defaults shown, shipped molecules listed.
    browser.goto(&format!("{}/#/new/lvg", server.base()));
    browser.find("[id='f-tkin_k']", DEADLINE);
    let unit = browser.js("return document.querySelector('[data-field=tkin_k] .unit').textContent", &[]);
    assert_eq!(unit, json!("K"));
    let options = browser.js("return Array.from(document.querySelectorAll('[id=f-molecule] option')).map(o => o.value)", &[]);
    assert!(options.as_array().unwrap().iter().any(|o| o == "co"), "{options}");

    // Upload a LAMDA file: only its collision partners (para- and ortho-H2 in co.dat) stay.
    browser.click(&browser.find("input[type=radio][value=lamda_file]", DEADLINE));
    browser.type_text(&browser.find("[id='f-lamda_file']", DEADLINE), &repo_file("data/lamda/co.dat").to_string_lossy());
    browser.wait_for("the partner note", "return document.querySelector('.partner-note')?.textContent.includes('p-h2')", DEADLINE);
    let shown = browser.js(
        "return Array.from(document.querySelectorAll('[data-field^=\"densities_cm3.\"]')).filter(r => r.getClientRects().length > 0).map(r => r.dataset.field)",
        &[],
    );
    assert_eq!(shown, json!(["densities_cm3.p-h2", "densities_cm3.o-h2"]));
    let molecule_shown = browser.js("return document.querySelector('[data-field=molecule]').getClientRects().length > 0", &[]);
    assert_eq!(molecule_shown, json!(false), "the shipped-molecule field is still shown after choosing a file");
    fill(&browser, "densities_cm3.p-h2", "1e4");
    fill(&browser, "column_cm2", "1e15");
    fill(&browser, "fwhm_km_s", "1.0");
    fill(&browser, "fmax_ghz", "400");

    // Invalid input: the server refuses it, the message sits next to the field, no job exists.
    fill(&browser, "tkin_k", "-5");
    browser.click(&browser.find("form.job-form button[type=submit]", DEADLINE));
    let message = browser.wait_for("the server's message next to tkin_k", "return document.querySelector('.field-error[data-param=tkin_k]').textContent", DEADLINE);
    let message = message.as_str().unwrap().to_owned();
    assert!(message.contains("tkin_k") && message.contains("-5"), "{message}");
    assert_eq!(browser.js("return document.querySelector('[id=f-tkin_k]').getAttribute('aria-invalid')", &[]), json!("true"));
    assert!(browser.js("return location.hash", &[]).as_str().unwrap().starts_with("#/new/lvg"));
    assert!(server.job_ids("lvg").is_empty(), "a job was created from invalid input");
    browser.js("document.querySelector('[id=f-tkin_k]').scrollIntoView({block: 'center'})", &[]);
    browser.screenshot(None, &shots.join("02-form-invalid.png"));

    // Valid input: the job is created, runs and completes, with the file uploaded.
    fill(&browser, "tkin_k", "30");
    browser.click(&browser.find("form.job-form button[type=submit]", DEADLINE));
    browser.wait_for("the job page", "return location.hash.startsWith('#/job/lvg/')", DEADLINE);
    let ids = server.job_ids("lvg");
    assert_eq!(ids.len(), 1, "{ids:?}");
    browser.wait_for("phase COMPLETED", "return document.querySelector('.page-head .phase')?.textContent === 'COMPLETED'", DEADLINE);
    let (_, job_xml) = server.get(&format!("/uws/lvg/{}", ids[0]));
    assert!(job_xml.contains("<uws:phase>COMPLETED</uws:phase>"), "{job_xml}");
    assert!(job_xml.contains("byReference=\"true\""), "the LAMDA file was not uploaded: {job_xml}");
    assert!(!job_xml.contains("densities_cm3.h2\""), "a hidden partner was sent: {job_xml}");

    // The lines table and the spectrum plot of lines.tsv open by themselves.
    browser.wait_for("the lines plot", "return document.querySelectorAll('.plot-svg path.series.model').length", DEADLINE);
    let rows = browser.js("return document.querySelectorAll('.result-view table.data tbody tr').length", &[]).as_u64().unwrap();
    let (_, tsv) = server.get(&format!("/uws/lvg/{}/results/lines.tsv", ids[0]));
    assert_eq!(usize::try_from(rows).unwrap(), tsv.lines().count() - 1);
    assert!(rows >= 3, "only {rows} lines below 400 GHz");
    let caption = browser.js("return document.querySelector('.plot figcaption').textContent", &[]);
    assert!(caption.as_str().unwrap().contains("t_r_K against freq_GHz"), "{caption}");
    browser.screenshot(None, &shots.join("03-job-completed.png"));

    // Values under the cursor, then zoom with the wheel.
    browser.js(
        "const s = document.querySelector('.plot-svg'); s.scrollIntoView({block: 'center'}); const r = s.getBoundingClientRect();
         s.dispatchEvent(new PointerEvent('pointermove', {clientX: r.left + r.width * 0.3, clientY: r.top + r.height / 2, bubbles: true}));",
        &[],
    );
    let readout = browser.js("return document.querySelector('.readout').textContent", &[]);
    assert!(readout.as_str().unwrap().contains("freq_GHz = "), "{readout}");
    let ticks = "return Array.from(document.querySelectorAll('.plot-svg text.tick')).map(t => t.textContent).join(' ')";
    let ticks_before = browser.js(ticks, &[]);
    browser.js(
        "const s = document.querySelector('.plot-svg'); const r = s.getBoundingClientRect();
         for (let i = 0; i < 6; i++) s.dispatchEvent(new WheelEvent('wheel', {deltaY: -100, clientX: r.left + r.width * 0.3, clientY: r.top + 50, bubbles: true, cancelable: true}));",
        &[],
    );
    assert_ne!(ticks_before, browser.js(ticks, &[]), "zooming did not change the axis");
    browser.click(&browser.find(".plot-tools button[title='Reset zoom']", DEADLINE));

    // Overlay an observed spectrum (CSV parsed in the browser) with residuals.
    let obs = observed_csv(tmp.path());
    browser.type_text(&browser.find(".plot-controls input[type=file]", DEADLINE), &obs.to_string_lossy());
    browser.wait_for("the observed overlay", "return document.querySelectorAll('.plot-svg path.series.observed').length", DEADLINE);
    let n_residuals = browser.js("return document.querySelectorAll('.plot-svg circle.residual').length", &[]).as_u64().unwrap();
    assert_eq!(n_residuals, 2800, "one residual per observed sample");
    browser.js("document.querySelector('.plot').scrollIntoView({block: 'start'})", &[]);
    browser.screenshot(Some(&browser.find(".plot", DEADLINE)), &shots.join("04-plot-overlay.png"));

    // The same observation as a VOTable (TABLEDATA) is read too.
    let csv = std::fs::read_to_string(&obs).unwrap();
    let rows: String = csv.lines().skip(2).map(|l| format!("<TR><TD>{}</TD></TR>\n", l.replace(',', "</TD><TD>"))).collect();
    let vot = tmp.path().join("observed_co.vot");
    std::fs::write(&vot, format!("<?xml version=\"1.0\"?>\n<VOTABLE version=\"1.4\" xmlns=\"http://www.ivoa.net/xml/VOTable/v1.3\"><RESOURCE><TABLE>\
        <FIELD name=\"freq\" datatype=\"double\" unit=\"GHz\"/><FIELD name=\"tmb\" datatype=\"double\" unit=\"K\"/>\
        <DATA><TABLEDATA>\n{rows}</TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>\n")).unwrap();
    browser.type_text(&browser.find(".plot-controls input[type=file]", DEADLINE), &vot.to_string_lossy());
    browser.wait_for("the VOTable overlay", "return document.querySelector('.plot .legend').textContent.includes('observed_co.vot')", DEADLINE);
    let n_residuals = browser.js("return document.querySelectorAll('.plot-svg circle.residual').length", &[]).as_u64().unwrap();
    assert_eq!(n_residuals, 2800, "one residual per VOTable row");

    // The same observation as FITS (written by astropy): a 1-D array on a frequency axis in Hz,
    // and a BINTABLE on a velocity axis in km/s with its rest frequency; both read in the
    // browser and put on the model's GHz axis.
    let fixtures = fits_fixtures(tmp.path());
    let (velocity_range_ghz, fits_files) = (fixtures.velocity_range_ghz, &fixtures.spectra);
    let note = load_observed(&browser, &fits_files[0], 2800);
    assert!(note.contains("from HDU 0, 2800 array") && note.contains("FREQ (Hz) → GHz, 100 … 379.9 GHz"), "{note}");
    // The brightest sample of the 4 K CO 2-1 line (σ 0.085 GHz) is the channel at 230.5 GHz.
    let expected_peak_k = 4.0 * (-0.5 * ((230.5 - 230.538) / 0.085_f64).powi(2)).exp();
    assert!((number_after(&note, "peak ") - expected_peak_k).abs() < 1e-5 && (number_after(&note, " at ") - 230.5).abs() < 1e-9, "{note}");
    browser.js("document.querySelector('.plot').scrollIntoView({block: 'start'})", &[]);
    browser.screenshot(Some(&browser.find(".plot", DEADLINE)), &shots.join("04d-plot-overlay-fits.png"));
    let note = load_observed(&browser, &fits_files[1], 1201);
    assert!(note.contains("HDU 1 (SPECTRUM) columns velocity, tmb") && note.contains("velocity (km/s) → GHz"), "{note}");
    let lo = number_after(&note, "GHz, ");
    let hi = number_after(&note, "… ");
    assert!((lo / velocity_range_ghz.0 - 1.0).abs() < 1e-6 && (hi / velocity_range_ghz.1 - 1.0).abs() < 1e-6, "{note} vs astropy {velocity_range_ghz:?}");
    assert!((number_after(&note, "peak ") - 4.0).abs() < 1e-6 && (number_after(&note, " at ") - 230.538).abs() < 1e-9, "{note}");

    // A FITS file cut short is refused with a message naming the HDU; the overlay stays.
    let cut = tmp.path().join("observed_cut.fits");
    std::fs::write(&cut, &std::fs::read(&fits_files[0]).unwrap()[..2880 + 1000]).unwrap();
    browser.type_text(&browser.find(".plot-controls input[type=file]", DEADLINE), &cut.to_string_lossy());
    let note = browser.wait_for("the refusal", "return document.querySelector('.obs-status').textContent.startsWith('observed_cut.fits') && document.querySelector('.obs-status').textContent", DEADLINE);
    assert_eq!(note, json!("observed_cut.fits: HDU 0: 11200 data bytes announced, 1000 present (file cut short?)"));
    assert!(browser.js("return document.querySelector('.plot .legend').textContent", &[]).as_str().unwrap().contains("(observed_co_velocity.fits)"));

    // The plot as a standalone SVG file (what the SVG button downloads).
    let svg = browser.js_async("import('/web/js/plot.js').then(m => done(m.svgText(document.querySelector('.plot-svg'))), e => done(String(e)))");
    let svg = svg.as_str().unwrap();
    assert!(svg.starts_with("<?xml") && svg.contains("<style>") && svg.contains("class=\"series observed\""), "{}", &svg[..svg.len().min(300)]);
    std::fs::write(shots.join("04c-plot-overlay.svg"), svg).unwrap();

    // The SVG and PNG buttons save the plot as drawn: the PNG at twice the plot's size, white,
    // with pixels of the model's and the observation's colours.
    let png = exported(&browser, ".plot", "png");
    assert!(png.name.ends_with(".png") && png.bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{}", png.name);
    let view_box = browser.js("return document.querySelector('.plot-svg').getAttribute('viewBox')", &[]);
    let width: u64 = view_box.as_str().unwrap().split(' ').nth(2).unwrap().parse().unwrap();
    assert_eq!(png.size, (2 * width, png.size.1), "{view_box}");
    assert!(png.colours["#1f5fae"] > 100 && png.colours["#c2410c"] > 100, "{:?}", png.colours);
    std::fs::write(shots.join("04e-plot-export.png"), &png.bytes).unwrap();
    let svg_file = exported(&browser, ".plot", "svg");
    assert!(svg_file.name.ends_with(".svg") && String::from_utf8_lossy(&svg_file.bytes).contains("class=\"series model\""), "{}", svg_file.name);

    // The table as VOTable, built in the browser: one row per line, units from the names.
    let votable = browser.js_async("fetch(document.querySelector('a.votable').href).then(r => r.text()).then(done, e => done(String(e)))");
    let votable = votable.as_str().unwrap();
    assert!(votable.starts_with("<?xml") && votable.contains("<VOTABLE version=\"1.4\""), "{votable}");
    assert_eq!(votable.matches("<TR>").count(), tsv.lines().count() - 1, "{votable}");
    assert!(votable.contains("<FIELD name=\"freq_GHz\" datatype=\"double\" unit=\"GHz\"/>"), "{votable}");

    // Velocity axis about the strongest line (CO 2-1 here): the line sits at 0 km/s.
    let axis = browser.find(".axis-controls select", DEADLINE);
    browser.js("const s = arguments[0]; s.value = 'velocity'; s.dispatchEvent(new Event('change', {bubbles: true}));", &[json!({"element-6066-11e4-a52e-4f735466cecf": axis})]);
    let caption = browser.wait_for("the velocity axis", "return document.querySelector('.plot figcaption').textContent.includes('velocity') && document.querySelector('.plot figcaption').textContent", DEADLINE);
    assert!(caption.as_str().unwrap().contains("rest 230.538"), "{caption}");
    let ticks_v = browser.js(ticks, &[]);
    assert!(ticks_v.as_str().unwrap().split(' ').any(|t| t == "0"), "no 0 km/s tick: {ticks_v}");
    browser.screenshot(Some(&browser.find(".plot", DEADLINE)), &shots.join("04b-plot-velocity.png"));

    // Narrow screen: the job page and the form fit without sideways scrolling.
    browser.set_size(400, 860);
    browser.js("window.scrollTo(0, 0)", &[]);
    let overflow = "return document.documentElement.scrollWidth > window.innerWidth + 1";
    let too_wide = "return Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                     .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join('; ')";
    assert_eq!(browser.js(overflow, &[]), json!(false), "the job page scrolls sideways on a narrow screen: {}", browser.js(too_wide, &[]));
    browser.screenshot(None, &shots.join("05-job-narrow.png"));
    browser.goto(&format!("{}/#/new/lvg", server.base()));
    browser.find("[id='f-tkin_k']", DEADLINE);
    assert_eq!(browser.js(overflow, &[]), json!(false), "the form scrolls sideways on a narrow screen: {}", browser.js(too_wide, &[]));
    browser.screenshot(None, &shots.join("06-form-narrow.png"));
    browser.set_size(1280, 800);

    // The job list shows the job with its phase; the job page deletes it.
    browser.goto(&format!("{}/#/", server.base()));
    browser.wait_for("the job in the list", &format!("return document.querySelector('tr[data-job=\"{}\"] .phase')?.textContent === 'COMPLETED'", ids[0]), DEADLINE);
    browser.screenshot(None, &shots.join("07-job-list.png"));
    browser.goto(&format!("{}/#/job/lvg/{}", server.base(), ids[0]));
    browser.click(&browser.find(".actions button.danger", DEADLINE));
    browser.wait_for("the list after delete", "return location.hash === '#/'", DEADLINE);
    assert!(server.job_ids("lvg").is_empty(), "the job was not deleted");
}

#[test]
fn live_phase_updates_and_abort() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::start(&tmp.path().join("data"));
    let shots = screenshot_dir();
    let browser = Browser::start(1280, 800);
    browser.goto(&format!("{}/#/new/diagnostic", server.base()));
    let duration = browser.find("#f-duration_s", DEADLINE);
    browser.clear(&duration);
    browser.type_text(&duration, "30");
    browser.click(&browser.find("form.job-form button[type=submit]", DEADLINE));
    browser.wait_for("phase EXECUTING", "return document.querySelector('.page-head .phase')?.textContent === 'EXECUTING'", DEADLINE);
    browser.screenshot(None, &shots.join("08-job-executing.png"));
    browser.click(&browser.find(".actions button.warn", DEADLINE));
    browser.wait_for("phase ABORTED", "return document.querySelector('.page-head .phase')?.textContent === 'ABORTED'", DEADLINE);
    let ids = server.job_ids("diagnostic");
    assert_eq!(ids.len(), 1);
    let (_, xml) = server.get(&format!("/uws/diagnostic/{}/phase", ids[0]));
    assert_eq!(xml.trim(), "ABORTED");
}

/// The SAMP hub (astropy, Web Profile, consent automatic) with a receiving client: "Send to
/// SAMP" in the page delivers the lines table as a VOTable with every row, and a FITS spectrum
/// as the file itself.
#[test]
fn send_to_samp_delivers_the_votable_and_fits() {
    use std::io::BufRead as _;
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::start(&tmp.path().join("data"));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/web/samp_receiver.py");
    let mut hub = std::process::Command::new("python3")
        .arg(&script)
        .arg("2")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 with astropy is needed: run `.ci/setup`");
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = hub.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    // Kills the hub and receiver however the test ends.
    struct KillOnDrop(std::process::Child);
    impl Drop for KillOnDrop {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _hub = KillOnDrop(hub);
    // The hub logs INFO lines on stdout too; the script's own lines are READY and RECEIVED.
    let next_line = |prefix: &str, what: &str| loop {
        let line = rx.recv_timeout(DEADLINE).unwrap_or_else(|e| panic!("{what} ({e}; astropy installed by `.ci/setup`?)"));
        if line.starts_with(prefix) {
            break line;
        }
    };
    next_line("READY", "the SAMP hub did not start");

    let browser = Browser::start(1280, 800);
    browser.goto(&format!("{}/#/new/lvg", server.base()));
    fill(&browser, "tkin_k", "20");
    browser.js("const s = document.querySelector('[id=f-molecule]'); s.value = 'co'; s.dispatchEvent(new Event('change', {bubbles: true}));", &[]);
    fill(&browser, "densities_cm3.h2", "1e5");
    fill(&browser, "column_cm2", "1e16");
    fill(&browser, "fwhm_km_s", "2");
    fill(&browser, "fmax_ghz", "900");
    browser.click(&browser.find("form.job-form button[type=submit]", DEADLINE));
    browser.wait_for("phase COMPLETED", "return document.querySelector('.page-head .phase')?.textContent === 'COMPLETED'", DEADLINE);
    browser.click(&browser.find("button.samp", DEADLINE));
    let received = next_line("RECEIVED", "no table.load.votable reached the SAMP receiver");
    let status = browser.wait_for("the SAMP status", "return document.querySelector('.samp-status').textContent.startsWith('sent') && document.querySelector('.samp-status').textContent", DEADLINE);
    browser.js("document.querySelector('.plot-controls').scrollIntoView({block: 'start'})", &[]);
    browser.screenshot(None, &screenshot_dir().join("09-sent-to-samp.png"));
    let ids = server.job_ids("lvg");
    let (_, tsv) = server.get(&format!("/uws/lvg/{}/results/lines.tsv", ids[0]));
    let n_rows = tsv.lines().count() - 1;
    let mut fields = received.split(' ');
    assert_eq!(fields.next(), Some("RECEIVED"), "{received}");
    assert_eq!(fields.next().and_then(|n| n.parse::<usize>().ok()), Some(n_rows), "{received}");
    assert_eq!(fields.next(), Some("lines.tsv"), "{received}");
    assert!(n_rows >= 5, "{tsv}");
    assert_eq!(status, json!("sent to 1 SAMP client"));

    // A FITS result (an lte job's spectrum.fits) goes as itself, as a spectrum.
    browser.goto(&format!("{}/#/new/lte", server.base()));
    browser.find("[id='f-column_cm2']", DEADLINE);
    browser.js("const s = document.querySelector('[id=f-molecule]'); s.value = 'co'; s.dispatchEvent(new Event('change', {bubbles: true}));", &[]);
    for (name, value) in [("column_cm2", "1e16"), ("tex_k", "20"), ("fwhm_km_s", "2"), ("fmin_ghz", "230.4"), ("fmax_ghz", "230.7")] {
        fill(&browser, name, value);
    }
    browser.click(&browser.find("form.job-form button[type=submit]", DEADLINE));
    browser.wait_for("phase COMPLETED", "return location.hash.startsWith('#/job/lte/') && document.querySelector('.page-head .phase')?.textContent === 'COMPLETED'", DEADLINE);
    browser.click(&browser.find("button[data-view='spectrum.fits']", DEADLINE));
    browser.wait_for("the FITS view", "return document.querySelector('.views .plot figcaption')?.textContent.startsWith('spectrum.fits')", DEADLINE);
    browser.click(&browser.find(".views button.samp", DEADLINE));
    let received = next_line("RECEIVED_FITS", "no spectrum.load.ssa-generic reached the SAMP receiver");
    let lte_ids = server.job_ids("lte");
    let (_, fits) = webdriver::http(&server.addr, "GET", &format!("/uws/lte/{}/results/spectrum.fits", lte_ids[0]), None);
    assert_eq!(received, format!("RECEIVED_FITS {} spectrum.load.ssa-generic spectrum.fits", fits.len()));
}

/// With `--users`, the page works for a logged-in owner (HTTP Basic; the browser keeps the
/// credentials for every request of the page) and the job belongs to that owner.
#[test]
fn owners_log_in_and_own_their_jobs() {
    let tmp = tempfile::tempdir().unwrap();
    let users = tmp.path().join("users.toml");
    let hash = stop_service::auth::hash_password("s3cret-pw").unwrap();
    std::fs::write(&users, format!("[[user]]\nname = \"alice\"\npassword_hash = \"{hash}\"\n")).unwrap();
    let server = Server::start_with_users(&tmp.path().join("data"), Some(&users));
    assert_eq!(server.get("/uws/diagnostic").0, 401, "anonymous access must be refused");
    let browser = Browser::start(1280, 800);
    // Log in once (credentials in the URL of a protected resource, cached by the browser for
    // the origin), then open the page at its plain address: relative URLs under a page whose
    // address carries credentials would be blocked by Chromium.
    browser.goto(&format!("http://alice:s3cret-pw@{}/uws/diagnostic", server.addr));
    browser.goto(&format!("{}/#/new/diagnostic", server.base()));
    fill(&browser, "duration_s", "0");
    browser.click(&browser.find("form.job-form button[type=submit]", DEADLINE));
    browser.wait_for("phase COMPLETED", "return document.querySelector('.page-head .phase')?.textContent === 'COMPLETED'", DEADLINE);
    let owner = browser.js("return Array.from(document.querySelectorAll('.facts dt')).find(d => d.textContent === 'Owner')?.nextElementSibling.textContent", &[]);
    assert_eq!(owner, json!("alice"));
    browser.screenshot(None, &screenshot_dir().join("10-owner-job.png"));
}
