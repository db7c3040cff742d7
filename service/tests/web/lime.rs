//! A `lime` job from the form (model file and molecule file uploaded): its populations table
//! opens as populations against the distance from the centre, one dot per interior grid point.

use serde_json::json;

use super::{Browser, DEADLINE, Server, fill, repo_file, screenshot_dir};

#[test]
fn lime_job_populations_against_radius() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::start(&tmp.path().join("data"));
    let shots = screenshot_dir();
    let browser = Browser::start(1280, 800);
    browser.goto(&format!("{}/#/new/lime", server.base()));
    browser.type_text(&browser.find("[id='f-model_file']", DEADLINE), &repo_file("validation/models/vz2002_1a.toml").to_string_lossy());
    browser.type_text(
        &browser.find("[id='f-molecule_file']", DEADLINE),
        &repo_file("../shared/reference/benchmark-vz2002/inputs/two_level_molecule.dat").to_string_lossy(),
    );
    fill(&browser, "points", "200");
    fill(&browser, "rays_per_point", "20");
    fill(&browser, "max_iterations", "3");
    browser.click(&browser.find("form.job-form button[type=submit]", DEADLINE));
    browser.wait_for("the job page", "return location.hash.startsWith('#/job/lime/')", DEADLINE);
    browser.wait_for("phase COMPLETED", "return document.querySelector('.page-head .phase')?.textContent === 'COMPLETED'", DEADLINE);
    let ids = server.job_ids("lime");
    let (_, pops) = server.get(&format!("/uws/lime/{}/results/populations.tsv", ids[0]));
    // Interior points (sink 0) with a positive level-0 population, as drawn on the log axis.
    let interior = pops.lines().filter(|l| !l.starts_with('#')).skip(1).filter(|l| {
        let f: Vec<&str> = l.split('\t').collect();
        f[4] == "0" && f[5].parse::<f64>().unwrap() > 0.0
    });
    let rows = interior.count();
    assert!(rows >= 200, "{rows} interior points");

    browser.wait_for("the populations plot", "return document.querySelector('.plot figcaption')?.textContent.startsWith('populations.tsv')", DEADLINE);
    let caption = browser.js("return document.querySelector('.plot figcaption').textContent", &[]);
    assert_eq!(caption, json!("populations.tsv: pop_0 against log10_r_m"));
    let dots = browser.js("return document.querySelectorAll('.plot-svg circle.series-dot.model').length", &[]).as_u64().unwrap();
    assert_eq!(usize::try_from(dots).unwrap(), rows, "one dot per interior point");
    assert_eq!(browser.js("return document.querySelector('.plot-tools input[type=checkbox]').checked", &[]), json!(true), "populations on a log axis");
    browser.js("document.querySelector('.plot').scrollIntoView({block: 'start'})", &[]);
    browser.screenshot(None, &shots.join("16-lime-populations.png"));
}
