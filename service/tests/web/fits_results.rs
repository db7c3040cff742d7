//! FITS results in the page (issue 10): the 1-D spectrum of an `lte` job shown as a table and
//! plot equal to its TSV twin, its PNG shown as an image, and the views of a spectral cube
//! (moment 0, channels, channel maps, spectrum at a clicked pixel) against numbers from numpy.

use serde_json::json;

use super::{Browser, DEADLINE, Server, exported, fill, fits_fixtures, load_observed, number_after, screenshot_dir};

#[test]
fn lte_job_fits_spectrum_and_png_results() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::start(&tmp.path().join("data"));
    let shots = screenshot_dir();
    let browser = Browser::start(1280, 800);
    browser.goto(&format!("{}/#/new/lte", server.base()));
    browser.find("[id='f-column_cm2']", DEADLINE);
    browser.js("const s = document.querySelector('[id=f-molecule]'); s.value = 'co'; s.dispatchEvent(new Event('change', {bubbles: true}));", &[]);
    fill(&browser, "column_cm2", "1e16");
    fill(&browser, "tex_k", "20");
    fill(&browser, "fwhm_km_s", "2");
    // Relations enforced while typing: fmin_ghz needs fmax_ghz; dish_m excludes beam_arcsec.
    let error_of = |name: &str| browser.js(&format!("return document.querySelector('.field-error[data-param={name}]').textContent"), &[]);
    let clear = |name: &str| browser.js(&format!("const f = document.querySelector('[id=f-{name}]'); f.value = ''; f.dispatchEvent(new Event('input', {{bubbles: true}}));"), &[]);
    fill(&browser, "fmin_ghz", "230.4");
    assert_eq!(error_of("fmax_ghz"), json!("needed with fmin_ghz"));
    fill(&browser, "fmax_ghz", "230.7");
    assert_eq!(error_of("fmax_ghz"), json!(""));
    fill(&browser, "beam_arcsec", "10");
    fill(&browser, "dish_m", "30");
    assert_eq!(error_of("beam_arcsec"), json!("not allowed with dish_m"));
    clear("dish_m");
    assert_eq!(error_of("beam_arcsec"), json!(""));
    clear("beam_arcsec");
    fill(&browser, "rest_ghz", "230.538");
    browser.click(&browser.find("form.job-form button[type=submit]", DEADLINE));
    browser.wait_for("the job page", "return location.hash.startsWith('#/job/lte/')", DEADLINE);
    browser.wait_for("phase COMPLETED", "return document.querySelector('.page-head .phase')?.textContent === 'COMPLETED'", DEADLINE);
    let ids = server.job_ids("lte");
    let (_, tsv) = server.get(&format!("/uws/lte/{}/results/spectrum.tsv", ids[0]));

    // spectrum.fits (a 1-D array on a VRAD axis in m/s) as a table and a plot in km/s: the
    // same channels and temperatures as spectrum.tsv.
    browser.click(&browser.find("button[data-view='spectrum.fits']", DEADLINE));
    browser.wait_for("the FITS spectrum plot", "return document.querySelector('.plot figcaption')?.textContent.startsWith('spectrum.fits')", DEADLINE);
    let caption = browser.js("return document.querySelector('.plot figcaption').textContent", &[]);
    assert_eq!(caption, json!("spectrum.fits: Tmb_K against velocity_km_s"));
    let shown = browser.js("return Array.from(document.querySelectorAll('.result-view table.data tbody tr')).map(r => Array.from(r.cells).map(c => Number(c.textContent)))", &[]);
    let shown = shown.as_array().unwrap();
    let mut lines = tsv.lines().filter(|l| !l.starts_with('#'));
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let rows: Vec<Vec<f64>> = lines.map(|l| l.split('\t').map(|v| v.parse().unwrap()).collect()).collect();
    assert_eq!(shown.len(), rows.len().min(500), "rows shown (at most 500)");
    let (v_col, t_col) = (header.iter().position(|h| *h == "velocity_km_s").unwrap(), header.iter().position(|h| *h == "tmb_k").unwrap());
    for (row, cells) in rows.iter().zip(shown) {
        let (v, t) = (cells[0].as_f64().unwrap(), cells[1].as_f64().unwrap());
        assert!((v - row[v_col]).abs() < 1e-6, "velocity {v} km/s, TSV {}", row[v_col]);
        assert!((t - row[t_col]).abs() <= 1e-6 * row[t_col].abs().max(1e-3), "Tmb {t} K, TSV {}", row[t_col]);
    }
    // An observed spectrum on a velocity axis in km/s goes onto this km/s axis as it is.
    // Residuals exist where the model does: the observed samples (-300 to 300 by 0.5 km/s)
    // inside the model's velocity range.
    let fixtures = fits_fixtures(tmp.path());
    let (v_lo, v_hi) = rows.iter().map(|r| r[v_col]).fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let inside = (0..1201_u32).map(|k| -300.0 + 0.5 * f64::from(k)).filter(|v| (v_lo..=v_hi).contains(v)).count();
    let note = load_observed(&browser, &fixtures.spectra[1], u64::try_from(inside).unwrap());
    assert!(note.contains("velocity (km/s) → km/s, -300 … 300 km/s") && note.contains("peak 4 (K) at 0 km/s"), "{note}");

    // One SAMP button: the FITS file itself (no VOTable of it on the server).
    assert_eq!(browser.js("return document.querySelectorAll('.views button.samp').length", &[]), json!(1));
    browser.js("document.querySelector('.plot').scrollIntoView({block: 'start'})", &[]);
    browser.screenshot(None, &shots.join("13-lte-fits-spectrum.png"));

    // spectrum.png is shown as an image.
    browser.click(&browser.find("button[data-view='spectrum.png']", DEADLINE));
    let width = browser.wait_for("the PNG result", "const i = document.querySelector('img.result-image'); return i && i.complete && i.naturalWidth", DEADLINE);
    assert!(width.as_u64().unwrap() > 100, "{width}");
}

#[test]
fn cube_moment_channel_maps_and_pixel_spectrum() {
    use base64::Engine as _;
    let tmp = tempfile::tempdir().unwrap();
    let fixtures = fits_fixtures(tmp.path());
    let server = Server::start(&tmp.path().join("data"));
    let shots = screenshot_dir();
    let browser = Browser::start(1280, 800);
    browser.goto(&format!("{}/#/", server.base()));
    browser.find("main h1", DEADLINE);
    // No job type writes a cube yet: the view is opened on the astropy-written file directly.
    let b64 = base64::engine::general_purpose::STANDARD.encode(std::fs::read(&fixtures.cube).unwrap());
    let opened = browser.js_async(&format!(
        "const bytes = Uint8Array.from(atob('{b64}'), c => c.charCodeAt(0));
         import('/web/js/cube.js').then(m => {{ document.getElementById('main').replaceChildren(m.fitsView('cube.fits', bytes.buffer, () => {{ throw new Error('read as a table'); }})); done('ok'); }}, e => done(String(e)))"
    ));
    assert_eq!(opened, json!("ok"));
    browser.wait_for("the moment-0 map", "return document.querySelector('.cube-main svg image')", DEADLINE);
    let note = browser.js("return document.querySelector('.cube-note').textContent", &[]);
    assert_eq!(note, json!(format!("24 × 20 pixels × 32 channels (velocity (km/s, VRAD)); K; brightest channel {}", fixtures.peak_channel)));

    // The value under the pointer is numpy's Σ I Δv at that pixel.
    let hover = |x: u64, y: u64| {
        browser.js(
            "const [x, y] = arguments; const svg = document.querySelector('.cube-main svg'); const r = svg.querySelector('image').getBoundingClientRect();
             const at = {clientX: r.left + (x + 0.5) * r.width / 24, clientY: r.top + (20 - y - 0.5) * r.height / 20, bubbles: true};
             svg.dispatchEvent(new PointerEvent('pointermove', at)); svg.dispatchEvent(new MouseEvent('click', at));
             return document.querySelector('.cube-main .readout').textContent",
            &[json!(x), json!(y)],
        )
        .as_str()
        .unwrap()
        .to_owned()
    };
    for &(x, y, mom0) in &fixtures.mom0 {
        let readout = hover(x, y);
        assert!(readout.starts_with(&format!("pixel ({}, {}) · ", x + 1, y + 1)) && readout.ends_with(" K km/s"), "{readout}");
        let shown = number_after(&readout, "· ");
        assert!((shown / mom0 - 1.0).abs() < 1e-5, "moment 0 at ({x}, {y}): page {shown}, numpy {mom0}");
        // The click put the spectrum of that pixel below the map.
        let caption = browser.wait_for("the pixel spectrum", "return document.querySelector('.cube-spectrum figcaption')?.textContent", DEADLINE);
        assert_eq!(caption, json!(format!("cube.fits: spectrum at pixel ({}, {})", x + 1, y + 1)));
    }

    // Channel maps: eight around the brightest channel; clicking one shows it on the main map.
    let tiles = browser.js("return Array.from(document.querySelectorAll('.channel-tile')).map(t => Number(t.dataset.channel))", &[]);
    let first = fixtures.peak_channel - 4;
    assert_eq!(tiles, json!((first..first + 8).collect::<Vec<_>>()));
    browser.js(&format!("document.querySelector('.channel-tile[data-channel=\"{}\"] svg').dispatchEvent(new MouseEvent('click', {{bubbles: true}}))", fixtures.peak_channel), &[]);
    let label = browser.js("return document.querySelector('.cube-channel').textContent", &[]);
    assert_eq!(label, json!(format!("channel {} of 32: {} km/s", fixtures.peak_channel, -8.0 + 0.5 * (fixtures.peak_channel - 1) as f64)));
    browser.js("document.querySelector('.cube-view').scrollIntoView({block: 'start'})", &[]);
    browser.screenshot(None, &shots.join("14-cube-channel.png"));

    // The exported PNG carries the pixels: the brightest channel spans the whole scale.
    let png = exported(&browser, ".cube-main", "png");
    assert!(png.colours["#30123b"] > 100 && png.colours["#f9e721"] > 20, "{:?}", png.colours);
    std::fs::write(shots.join("14b-cube-channel-export.png"), &png.bytes).unwrap();

    browser.set_size(400, 860);
    browser.js("document.querySelector('.cube-view').scrollIntoView({block: 'start'})", &[]);
    assert_eq!(browser.js("return document.documentElement.scrollWidth > window.innerWidth + 1", &[]), json!(false), "the cube view scrolls sideways");
    browser.screenshot(None, &shots.join("15-cube-narrow.png"));
}
