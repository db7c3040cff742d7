//! A grid job created from the form, and the map of its `grid.tsv` (issue 10): every cell of
//! the map is the value of the model the table holds for it, coloured from the bottom to the
//! top of the scale, for the chosen output, axes and fixed values.

use serde_json::{Value, json};

use super::{Browser, DEADLINE, Server, exported, fill, screenshot_dir};

/// `grid.tsv` as its header and rows (comment lines `# unit`, `# type` skipped).
fn read_tsv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut lines = text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty());
    let header = lines.next().unwrap().split('\t').map(str::to_owned).collect();
    (header, lines.map(|l| l.split('\t').map(str::to_owned).collect()).collect())
}

/// Checks every cell of the map against the table: output `out` at the cell's axis values
/// (x `x_col`, y `y_col`) and the fixed value `fixed` of column `fixed_col`; returns the number of cells.
fn check_cells(browser: &Browser, tsv: &str, [x_col, y_col, out, fixed_col]: [&str; 4], fixed: &str) -> usize {
    let (header, rows) = read_tsv(tsv);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name} in {header:?}"));
    let (xi, yi, oi, fi) = (col(x_col), col(y_col), col(out), col(fixed_col));
    let cells = browser.js(
        "return Array.from(document.querySelectorAll('.map-svg rect.map-cell')).map(r => [r.dataset.x, r.dataset.y, r.dataset.value, r.getAttribute('fill')])",
        &[],
    );
    let cells = cells.as_array().unwrap();
    let value = |c: &Value, i: usize| c[i].as_str().unwrap().to_owned();
    let mut lowest = (f64::INFINITY, String::new());
    let mut highest = (f64::NEG_INFINITY, String::new());
    for c in cells {
        let (x, y) = (value(c, 0), value(c, 1));
        let row = rows.iter().find(|r| r[xi] == x && r[yi] == y && r[fi] == fixed).unwrap_or_else(|| panic!("no model at {x_col}={x}, {y_col}={y}, {fixed_col}={fixed}"));
        let expected: f64 = row[oi].parse().unwrap();
        let shown: f64 = value(c, 2).parse().unwrap();
        assert!(shown.to_bits() == expected.to_bits(), "{out} at {x_col}={x}, {y_col}={y}: map {shown}, table {expected}");
        if shown < lowest.0 {
            lowest = (shown, value(c, 3));
        }
        if shown > highest.0 {
            highest = (shown, value(c, 3));
        }
    }
    assert_eq!((lowest.1.as_str(), highest.1.as_str()), ("#30123b", "#f9e721"), "colours of the lowest and highest {out}");
    cells.len()
}

fn choose(browser: &Browser, css: &str, value: &str) {
    browser.js(
        "const s = document.querySelector(arguments[0]); s.value = arguments[1]; s.dispatchEvent(new Event('change', {bubbles: true}));",
        &[json!(css), json!(value)],
    );
}

#[test]
fn grid_job_showing_its_map() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::start(&tmp.path().join("data"));
    let shots = screenshot_dir();
    let browser = Browser::start(1280, 800);
    browser.goto(&format!("{}/#/new/grid", server.base()));
    browser.find("[id='f-tkin_k']", DEADLINE);
    choose(&browser, "[id=f-molecule]", "co");
    fill(&browser, "tkin_k", "10, 20, 40, 80, 160");
    fill(&browser, "densities_cm3.h2", "1e3, 1e4, 1e5, 1e6");
    fill(&browser, "column_cm2", "1e14, 1e15, 1e16");
    fill(&browser, "fwhm_km_s", "1");
    fill(&browser, "fmax_ghz", "400");
    assert_eq!(browser.js("return document.querySelector('.grid-size').textContent", &[]), json!("Grid size: 60 points"));
    browser.click(&browser.find("form.job-form button[type=submit]", DEADLINE));
    browser.wait_for("the job page", "return location.hash.startsWith('#/job/grid/')", DEADLINE);
    browser.wait_for("phase COMPLETED", "return document.querySelector('.page-head .phase')?.textContent === 'COMPLETED'", DEADLINE);
    let ids = server.job_ids("grid");
    let (status, tsv) = server.get(&format!("/uws/grid/{}/results/grid.tsv", ids[0]));
    assert_eq!(status, 200, "{tsv}");
    assert_eq!(read_tsv(&tsv).1.len(), 60);

    // The map opens by itself: T_kin across, n(H2) up, the 1-0 line's radiation temperature,
    // at the first column density.
    browser.wait_for("the grid map", "return document.querySelectorAll('.map-svg rect.map-cell').length", DEADLINE);
    let note = browser.js("return document.querySelector('.map-note').textContent", &[]);
    assert!(note.as_str().unwrap().starts_with("60 models over tkin_K (5) × n_h2_cm3 (4) × column_cm2 (3)"), "{note}");
    let fixed = browser.js("return document.querySelector('.map-fixed select').value", &[]);
    let cells = check_cells(&browser, &tsv, ["tkin_K", "n_h2_cm3", "t_r_K_2_1", "column_cm2"], fixed.as_str().unwrap());
    assert_eq!(cells, 20);
    browser.js("const s = document.querySelector('.map-svg'); s.scrollIntoView({block: 'center'}); const c = s.querySelector('rect.map-cell').getBoundingClientRect();
                s.dispatchEvent(new PointerEvent('pointermove', {clientX: c.left + c.width / 2, clientY: c.top + c.height / 2, bubbles: true}));", &[]);
    let readout = browser.js("return document.querySelector('.map .readout').textContent", &[]);
    assert!(readout.as_str().unwrap().starts_with("tkin_K = 10 · n_h2_cm3 = 1000 · t_r_K_2_1 = "), "{readout}");
    browser.js("document.querySelector('.grid-map').scrollIntoView({block: 'start'})", &[]);
    browser.screenshot(None, &shots.join("11-grid-map.png"));

    // Another output over other axes, at another fixed value.
    let columns = browser.js("return Array.from(document.querySelectorAll('.grid-map select')).map(s => s.id)", &[]);
    let [x_sel, y_sel, out_sel] = [0, 1, 2].map(|i| format!("[id='{}']", columns[i].as_str().unwrap()));
    let (header, rows) = read_tsv(&tsv);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap().to_string();
    choose(&browser, &x_sel, &col("column_cm2"));
    choose(&browser, &y_sel, &col("tkin_K"));
    choose(&browser, &out_sel, &col("tau_3_2"));
    let n_h2_last = rows.iter().map(|r| r[header.iter().position(|h| h == "n_h2_cm3").unwrap()].clone()).next_back().unwrap();
    choose(&browser, ".map-fixed select", &n_h2_last);
    let cells = check_cells(&browser, &tsv, ["column_cm2", "tkin_K", "tau_3_2", "n_h2_cm3"], &n_h2_last);
    assert_eq!(cells, 15);

    // Exports: the PNG has the scale's lowest and highest colours.
    let png = exported(&browser, ".map", "png");
    assert!(png.colours["#30123b"] > 100 && png.colours["#f9e721"] > 100, "{:?}", png.colours);
    std::fs::write(shots.join("11b-grid-map-export.png"), &png.bytes).unwrap();

    // Narrow screen: no sideways scrolling.
    browser.set_size(400, 860);
    browser.js("document.querySelector('.grid-map').scrollIntoView({block: 'start'})", &[]);
    assert_eq!(browser.js("return document.documentElement.scrollWidth > window.innerWidth + 1", &[]), json!(false), "the map scrolls sideways");
    browser.screenshot(None, &shots.join("12-grid-map-narrow.png"));
}
