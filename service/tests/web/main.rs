//! End-to-end tests of the web client (issue 10): the real server on 127.0.0.1:0, driven in
//! headless Chromium through chromedriver. Screenshots go to `target/web-client-screenshots/`
//! (the path is printed). Without chromium/chromedriver the tests fail and say to run
//! `.ci/setup`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout, clippy::print_stderr)]

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

/// An "observed" spectrum for the CO lines view: A_ul ∝ ν³ scaled from CO 1-0 (7.2e-8 s⁻¹ at
/// 115.27 GHz, LAMDA), sampled every 20 GHz, as a CSV with a header.
fn observed_csv(dir: &Path) -> PathBuf {
    let mut text = String::from("freq_ghz,a_obs\n");
    for i in 0..60 {
        let f = 100.0 + 20.0 * f64::from(i);
        text.push_str(&format!("{f},{:e}\n", 7.2e-8 * (f / 115.27).powi(3) * 1.1));
    }
    let path = dir.join("observed_co.csv");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn molecule_job_from_the_form_with_an_uploaded_file() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::start(&tmp.path().join("data"));
    let shots = screenshot_dir();
    let browser = Browser::start(1280, 800);

    // The chooser lists every job type the server describes.
    browser.goto(&format!("{}/#/new", server.base()));
    browser.find("ul.type-list a[href='#/new/molecule']", DEADLINE);
    browser.screenshot(None, &shots.join("01-chooser.png"));

    // The form is generated from /jobtypes/molecule: units and defaults shown.
    browser.goto(&format!("{}/#/new/molecule", server.base()));
    let rank = browser.find("#f-rank_tex_k", DEADLINE);
    let unit = browser.js("return document.querySelector('[data-field=rank_tex_k] .unit').textContent", &[]);
    assert_eq!(unit, json!("K"));
    assert_eq!(browser.js("return document.querySelector('#f-rank_tex_k').value", &[]), json!("100"));
    // The shipped molecules are offered in a list.
    let options = browser.js("return Array.from(document.querySelectorAll('#f-molecule option')).map(o => o.value)", &[]);
    assert!(options.as_array().unwrap().iter().any(|o| o == "co"), "{options}");

    // Choose the file alternative and upload a LAMDA file.
    browser.click(&browser.find("input[type=radio][value=lamda_file]", DEADLINE));
    browser.type_text(&browser.find("#f-lamda_file", DEADLINE), &repo_file("data/lamda/co.dat").to_string_lossy());

    // Invalid input: the server refuses it, the message sits next to the field, no job exists.
    browser.clear(&rank);
    browser.type_text(&rank, "-5");
    browser.click(&browser.find("form.job-form button[type=submit]", DEADLINE));
    let message = browser
        .wait_for("the server's message next to rank_tex_k", "return document.querySelector('.field-error[data-param=rank_tex_k]').textContent", DEADLINE);
    let message = message.as_str().unwrap().to_owned();
    assert!(message.contains("rank_tex_k") && message.contains("-5"), "{message}");
    let aria = browser.js("return document.querySelector('#f-rank_tex_k').getAttribute('aria-invalid')", &[]);
    assert_eq!(aria, json!("true"));
    assert!(browser.js("return location.hash", &[]).as_str().unwrap().starts_with("#/new/molecule"));
    assert!(server.job_ids("molecule").is_empty(), "a job was created from invalid input");
    browser.screenshot(None, &shots.join("02-form-invalid.png"));

    // Valid input: the job is created, runs, and completes.
    browser.clear(&rank);
    browser.type_text(&rank, "50");
    browser.click(&browser.find("form.job-form button[type=submit]", DEADLINE));
    browser.wait_for("the job page", "return location.hash.startsWith('#/job/molecule/')", DEADLINE);
    let ids = server.job_ids("molecule");
    assert_eq!(ids.len(), 1, "{ids:?}");
    browser.wait_for("phase COMPLETED", "return document.querySelector('.page-head .phase')?.textContent === 'COMPLETED'", DEADLINE);
    let (_, job_xml) = server.get(&format!("/uws/molecule/{}", ids[0]));
    assert!(job_xml.contains("<uws:phase>COMPLETED</uws:phase>"), "{job_xml}");
    assert!(job_xml.contains("byReference=\"true\""), "the LAMDA file was not uploaded: {job_xml}");

    // The lines table and the spectrum plot of lines.tsv open by themselves.
    browser.wait_for("the lines plot", "return document.querySelectorAll('.plot-svg path.series.model').length", DEADLINE);
    let rows = browser.js("return document.querySelectorAll('.result-view table.data tbody tr').length", &[]).as_u64().unwrap();
    assert!(rows > 10, "only {rows} table rows");
    let (_, tsv) = server.get(&format!("/uws/molecule/{}/results/lines.tsv", ids[0]));
    assert_eq!(rows as usize, tsv.lines().count() - 1);
    let results = browser.js("return Array.from(document.querySelectorAll('ul.results a')).map(a => a.textContent)", &[]);
    assert!(results.as_array().unwrap().iter().any(|r| r == "summary.json"), "{results}");
    browser.screenshot(None, &shots.join("03-job-completed.png"));

    // Values under the cursor, then zoom with the wheel.
    let svg = browser.find(".plot-svg", DEADLINE);
    browser.js(
        "const s = document.querySelector('.plot-svg'); const r = s.getBoundingClientRect(); s.scrollIntoView({block: 'center'});
         const x = r.left + r.width * 0.3, y = r.top + r.height / 2;
         s.dispatchEvent(new PointerEvent('pointermove', {clientX: x, clientY: y, bubbles: true}));",
        &[],
    );
    let readout = browser.js("return document.querySelector('.readout').textContent", &[]);
    assert!(readout.as_str().unwrap().contains("freq_ghz = "), "{readout}");
    let ticks_before = browser.js("return Array.from(document.querySelectorAll('.plot-svg text.tick')).map(t => t.textContent).join(' ')", &[]);
    browser.js(
        "const s = document.querySelector('.plot-svg'); const r = s.getBoundingClientRect();
         for (let i = 0; i < 6; i++) s.dispatchEvent(new WheelEvent('wheel', {deltaY: -100, clientX: r.left + r.width * 0.3, clientY: r.top + 50, bubbles: true, cancelable: true}));",
        &[],
    );
    let ticks_after = browser.js("return Array.from(document.querySelectorAll('.plot-svg text.tick')).map(t => t.textContent).join(' ')", &[]);
    assert_ne!(ticks_before, ticks_after, "zooming did not change the axis");
    browser.click(&browser.find(".plot-tools button[title='Reset zoom']", DEADLINE));

    // Overlay an observed spectrum (CSV parsed in the browser) with residuals.
    let obs = observed_csv(tmp.path());
    browser.type_text(&browser.find(".plot-controls input[type=file]", DEADLINE), &obs.to_string_lossy());
    browser.wait_for("the observed overlay", "return document.querySelectorAll('.plot-svg path.series.observed').length", DEADLINE);
    let n_residuals = browser.js("return document.querySelectorAll('.plot-svg circle.residual').length", &[]).as_u64().unwrap();
    assert!(n_residuals > 20, "{n_residuals} residual points");
    browser.js("document.querySelector('.plot').scrollIntoView({block: 'start'})", &[]);
    browser.screenshot(Some(&browser.find(".plot", DEADLINE)), &shots.join("04-plot-overlay.png"));
    let _ = svg;

    // Narrow screen: the job page and the form still fit.
    browser.set_size(400, 860);
    browser.js("window.scrollTo(0, 0)", &[]);
    let overflow = browser.js("return document.documentElement.scrollWidth > window.innerWidth + 1", &[]);
    assert_eq!(overflow, json!(false), "the job page scrolls sideways on a narrow screen");
    browser.screenshot(None, &shots.join("05-job-narrow.png"));
    browser.goto(&format!("{}/#/new/molecule", server.base()));
    browser.find("#f-rank_tex_k", DEADLINE);
    let overflow = browser.js("return document.documentElement.scrollWidth > window.innerWidth + 1", &[]);
    assert_eq!(overflow, json!(false), "the form scrolls sideways on a narrow screen");
    browser.screenshot(None, &shots.join("06-form-narrow.png"));
    browser.set_size(1280, 800);

    // The job list shows the job with its phase; the job page deletes it.
    browser.goto(&format!("{}/#/", server.base()));
    browser.wait_for("the job in the list", &format!("return document.querySelector('tr[data-job=\"{}\"] .phase')?.textContent === 'COMPLETED'", ids[0]), DEADLINE);
    browser.screenshot(None, &shots.join("07-job-list.png"));
    browser.goto(&format!("{}/#/job/molecule/{}", server.base(), ids[0]));
    browser.click(&browser.find(".actions button.danger", DEADLINE));
    browser.wait_for("the list after delete", "return location.hash === '#/'", DEADLINE);
    assert!(server.job_ids("molecule").is_empty(), "the job was not deleted");
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
