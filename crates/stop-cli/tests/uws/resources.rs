//! Every UWS resource of a job list, driven with a real `molecule` job.

use crate::harness::{Server, element, multipart, uws, validate};

fn server(args: &[&str]) -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), args);
    (dir, s)
}

#[test]
fn job_lifecycle_through_every_resource_with_schema_valid_documents() {
    let (_d, s) = server(&[]);
    let job = s.create("molecule", &[("molecule", "CO"), ("RUNID", "run <1>"), ("rank_tex_k", "50")]);
    let id = job.rsplit('/').next().unwrap().to_owned();
    assert!(!id.starts_with(['h', 't', 'p', 's']));

    let doc = s.get(&job).text();
    uws(&doc);
    assert!(doc.contains("version=\"1.1\""));
    assert_eq!(element(&doc, "uws:phase"), "PENDING");
    assert_eq!(element(&doc, "uws:runId"), "run &lt;1&gt;");
    assert!(doc.contains("<uws:parameter id=\"molecule\">co</uws:parameter>"));
    assert!(doc.contains("<uws:ownerId xsi:nil=\"true\"/>"));

    for (sub, expected) in [("phase", "PENDING"), ("executionduration", "600"), ("quote", ""), ("owner", ""), ("error", "")] {
        let r = s.get(&format!("{job}/{sub}"));
        assert_eq!(r.status, 200);
        assert!(r.header("content-type").unwrap().starts_with("text/plain"));
        assert_eq!(r.text(), expected, "{sub}");
    }
    let destruction = s.get(&format!("{job}/destruction")).text();
    assert!(destruction.ends_with('Z') && destruction.contains('T'), "{destruction}");

    // Changing execution duration and destruction: 303 back to the job, values visible.
    let r = s.post(&format!("{job}/executionduration"), &[("EXECUTIONDURATION", "120")]);
    assert_eq!((r.status, r.header("location")), (303, Some(job.as_str())));
    assert_eq!(s.get(&format!("{job}/executionduration")).text(), "120");
    let r = s.post(&format!("{job}/destruction"), &[("DESTRUCTION", "2099-01-01T00:00:00Z")]);
    assert_eq!(r.status, 303);
    let clamped = s.get(&format!("{job}/destruction")).text();
    assert!(clamped.as_str() < "2099" && clamped.as_str() > "2020", "clamped to the server maximum: {clamped}");
    for (sub, form) in [("executionduration", ("EXECUTIONDURATION", "soon")), ("destruction", ("DESTRUCTION", "tomorrow")), ("phase", ("PHASE", "SUSPEND"))] {
        assert_eq!(s.post(&format!("{job}/{sub}"), &[form]).status, 400, "{sub}");
    }

    let params = s.get(&format!("{job}/parameters")).text();
    uws(&params);
    assert_eq!(s.get(&format!("{job}/parameters/rank_tex_k")).text(), "50.0");

    // Run and block with WAIT until it is done.
    let r = s.post(&format!("{job}/phase"), &[("PHASE", "RUN")]);
    assert_eq!((r.status, r.header("location")), (303, Some(job.as_str())));
    let doc = s.wait_final(&job);
    uws(&doc);
    assert_eq!(element(&doc, "uws:phase"), "COMPLETED", "{doc}");
    assert!(!element(&doc, "uws:startTime").is_empty() && !element(&doc, "uws:endTime").is_empty());

    let results = s.get(&format!("{job}/results")).text();
    uws(&results);
    let tsv_url = format!("{job}/results/lines.tsv");
    assert!(results.contains(&format!("xlink:href=\"{tsv_url}\"")), "{results}");
    assert!(results.contains("mime-type=\"text/tab-separated-values\""));
    let tsv = s.get(&tsv_url);
    assert_eq!(tsv.status, 200);
    assert_eq!(tsv.header("content-type"), Some("text/tab-separated-values"));
    assert!(results.contains(&format!("size=\"{}\"", tsv.body.len())));
    assert!(tsv.text().lines().nth(1).unwrap().contains("115.2712018"), "CO 1-0 first");
    let summary: serde_json::Value = serde_json::from_slice(&s.get(&format!("{job}/results/summary.json")).body).unwrap();
    assert_eq!(summary["rank_tex_k"], 50.0);
    assert_eq!(s.get(&format!("{job}/results/nothing.txt")).status, 404);
    assert_eq!(s.get(&format!("{job}/results/..%2Fjob.json")).status, 404);

    // Illegal in a final phase: RUN, ABORT (phase unchanged), parameter changes.
    assert_eq!(s.post(&format!("{job}/phase"), &[("PHASE", "RUN")]).status, 403);
    assert_eq!(s.post(&format!("{job}/phase"), &[("PHASE", "ABORT")]).status, 403);
    assert_eq!(s.get(&format!("{job}/phase")).text(), "COMPLETED");
    assert_eq!(s.post(&format!("{job}/executionduration"), &[("EXECUTIONDURATION", "5")]).status, 403);

    // DELETE: 303 to the job list, then 404 everywhere, files gone.
    let r = s.req("DELETE", &job, &[], b"");
    assert_eq!((r.status, r.header("location")), (303, Some(format!("{}/uws/molecule", s.base()).as_str())));
    assert_eq!(s.get(&job).status, 404);
    assert_eq!(s.get(&format!("{job}/phase")).status, 404);
    assert!(!s.data_dir.join("jobs").join(&id).exists());

    // ACTION=DELETE does the same.
    let job2 = s.create("molecule", &[("molecule", "cs")]);
    let r = s.post(&job2, &[("ACTION", "DELETE")]);
    assert_eq!(r.status, 303);
    assert_eq!(s.get(&job2).status, 404);
}

#[test]
fn job_list_filters_phase_union_after_and_last() {
    let (_d, s) = server(&[]);
    let a = s.create("molecule", &[("molecule", "co")]);
    let b = s.create("molecule", &[("molecule", "cs"), ("PHASE", "RUN")]);
    s.wait_final(&b);
    let c = s.create("molecule", &[("molecule", "hcn")]);
    s.post(&format!("{c}/phase"), &[("PHASE", "ABORT")]);
    let ids = |query: &str| -> Vec<String> {
        let doc = s.get(&format!("/uws/molecule{query}")).text();
        uws(&doc);
        doc.match_indices("<uws:jobref id=\"").map(|(i, m)| doc[i + m.len()..i + m.len() + 20].to_owned()).collect()
    };
    let id = |url: &str| url.rsplit('/').next().unwrap().to_owned();
    assert_eq!(ids(""), [id(&c), id(&b), id(&a)], "newest first");
    assert_eq!(ids("?PHASE=PENDING"), [id(&a)]);
    assert_eq!(ids("?PHASE=PENDING&PHASE=ABORTED"), [id(&c), id(&a)], "repeated PHASE is a union");
    assert_eq!(ids("?LAST=2"), [id(&c), id(&b)]);
    let b_created = element(&s.get(&b).text(), "uws:creationTime");
    assert_eq!(ids(&format!("?AFTER={b_created}")), [id(&c)]);
    assert_eq!(ids(&format!("?AFTER={b_created}&PHASE=PENDING")), Vec::<String>::new());
    assert_eq!(s.get("/uws/molecule?LAST=0").status, 400);
    assert_eq!(s.get("/uws/molecule?PHASE=NOPE").status, 400);
    assert_eq!(s.get("/uws/nosuchtype").status, 404);
    let list = s.get("/uws/molecule").text();
    assert!(list.contains(&format!("xlink:href=\"{a}\"")));
}

#[test]
fn invalid_parameters_are_400_naming_the_parameter_and_create_nothing() {
    let (_d, s) = server(&[]);
    for (form, param) in [
        (vec![("molecule", "unobtainium")], "molecule"),
        (vec![("molecule", "co"), ("rank_tex_k", "-5")], "rank_tex_k"),
        (vec![("molecule", "co"), ("rank_tex_k", "warm")], "rank_tex_k"),
        (vec![("molecule", "co"), ("colour", "blue")], "colour"),
        (vec![("rank_tex_k", "20")], "molecule"),
    ] {
        let r = s.post("/uws/molecule", &form);
        assert_eq!(r.status, 400, "{form:?}");
        assert!(r.text().contains(&format!("`{param}`")), "{}", r.text());
        let json = s.req(
            "POST",
            "/uws/molecule",
            &[("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
            serde_urlencoded::to_string(&form).unwrap().as_bytes(),
        );
        let v: serde_json::Value = serde_json::from_slice(&json.body).unwrap();
        assert_eq!(v["parameter"], param);
    }
    let doc = s.get("/uws/molecule").text();
    assert!(!doc.contains("jobref"), "no job was created: {doc}");
    let entries = std::fs::read_dir(s.data_dir.join("jobs")).unwrap().count();
    assert_eq!(entries, 0, "no job directory left behind");
    assert_eq!(s.post("/uws/molecule", &[("molecule", "co"), ("PHASE", "ABORT")]).status, 400);
}

#[test]
fn multipart_upload_becomes_a_by_reference_parameter_and_size_is_limited() {
    let (_d, s) = server(&["--max-upload-bytes", "200000"]);
    let lamda = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/lamda/cs@lique.dat")).unwrap();
    let (ct, body) = multipart(&[("UPLOAD", "lamda_file,param:f1"), ("PHASE", "RUN")], &[("f1", "mine.dat", &lamda)]);
    let r = s.req("POST", "/uws/molecule", &[("Content-Type", &ct)], &body);
    assert_eq!(r.status, 303, "{}", r.text());
    let job = r.header("location").unwrap().to_owned();
    let doc = s.wait_final(&job);
    uws(&doc);
    assert_eq!(element(&doc, "uws:phase"), "COMPLETED", "{doc}");
    assert!(doc.contains(&format!("<uws:parameter id=\"lamda_file\" byReference=\"true\">{job}/parameters/lamda_file</uws:parameter>")), "{doc}");
    assert_eq!(s.get(&format!("{job}/parameters/lamda_file")).body, lamda);

    // A browser-style part named after the parameter works as well.
    let (ct, body) = multipart(&[], &[("lamda_file", "mine.dat", &lamda)]);
    assert_eq!(s.req("POST", "/uws/molecule", &[("Content-Type", &ct)], &body).status, 303);

    // Over the limit: 413, nothing kept.
    let before = std::fs::read_dir(s.data_dir.join("jobs")).unwrap().count();
    let big = vec![b'x'; 300_000];
    let (ct, body) = multipart(&[], &[("lamda_file", "big.dat", &big)]);
    assert_eq!(s.req("POST", "/uws/molecule", &[("Content-Type", &ct)], &body).status, 413);
    assert_eq!(std::fs::read_dir(s.data_dir.join("jobs")).unwrap().count(), before);
    // A part that is not a file parameter, and a malformed file, are refused or fail cleanly.
    let (ct, body) = multipart(&[], &[("molecule", "x.dat", b"co")]);
    assert_eq!(s.req("POST", "/uws/molecule", &[("Content-Type", &ct)], &body).status, 400);
    let (ct, body) = multipart(&[("PHASE", "RUN")], &[("lamda_file", "bad.dat", b"not a lamda file\n")]);
    let bad = s.req("POST", "/uws/molecule", &[("Content-Type", &ct)], &body);
    let doc = s.wait_final(bad.header("location").unwrap());
    assert_eq!(element(&doc, "uws:phase"), "ERROR");
    uws(&doc);
}

#[test]
fn vosi_documents_are_schema_valid_and_parameter_descriptions_are_served() {
    let (_d, s) = server(&[]);
    let avail = s.get("/availability").text();
    validate(&avail, "VOSIAvailability-1.0.xsd");
    assert!(avail.contains("<avail:available>true</avail:available>"));
    let caps = s.get("/capabilities").text();
    validate(&caps, "VOSICapabilities-1.0.xsd");
    assert!(caps.contains("standardID=\"ivo://ivoa.net/std/UWS#rest-1.1\""));
    assert!(caps.contains(&format!("{}/uws/molecule</accessURL>", s.base())));
    validate(&s.get("/uws/molecule/availability").text(), "VOSIAvailability-1.0.xsd");
    // The job directory gone: availability says so (and recovers when it is back).
    let jobs = s.data_dir.join("jobs");
    std::fs::rename(&jobs, s.data_dir.join("jobs.away")).unwrap();
    let down = s.get("/availability").text();
    validate(&down, "VOSIAvailability-1.0.xsd");
    assert!(down.contains("<avail:available>false</avail:available>"), "{down}");
    std::fs::rename(s.data_dir.join("jobs.away"), &jobs).unwrap();
    assert!(s.get("/availability").text().contains("<avail:available>true</avail:available>"));
    let types: serde_json::Value = serde_json::from_slice(&s.get("/jobtypes").body).unwrap();
    assert!(types.as_array().unwrap().iter().any(|t| t["name"] == "molecule"));
    let molecule: serde_json::Value = serde_json::from_slice(&s.get("/jobtypes/molecule").body).unwrap();
    let rank = molecule["parameters"].as_array().unwrap().iter().find(|p| p["name"] == "rank_tex_k").unwrap();
    assert_eq!((rank["type"].as_str(), rank["unit"].as_str(), rank["default"].as_f64()), (Some("float"), Some("K"), Some(100.0)));
    assert_eq!(molecule["relations"][0]["relation"], "exactly_one_of");
}

#[test]
fn lvg_job_runs_a_radex_model_from_the_cli_input_names() {
    let (_d, s) = server(&[]);
    let desc: serde_json::Value = serde_json::from_slice(&s.get("/jobtypes/lvg").body).unwrap();
    let names: Vec<&str> = desc["parameters"].as_array().unwrap().iter().filter_map(|p| p["name"].as_str()).collect();
    for n in ["molecule", "tkin_k", "densities_cm3.h2", "column_cm2", "fwhm_km_s", "tbg_k", "geometry"] {
        assert!(names.contains(&n), "{n} in {names:?}");
    }
    let bad = s.post("/uws/lvg", &[("molecule", "co"), ("tkin_k", "0"), ("densities_cm3.h2", "1e4"), ("column_cm2", "1e13"), ("fwhm_km_s", "1")]);
    assert_eq!(bad.status, 400);
    assert!(bad.text().contains("`tkin_k`"));
    let job = s.create(
        "lvg",
        &[("molecule", "co"), ("tkin_k", "20"), ("densities_cm3.h2", "1e4"), ("column_cm2", "1e13"), ("fwhm_km_s", "1"), ("PHASE", "RUN")],
    );
    let doc = s.wait_final(&job);
    uws(&doc);
    assert_eq!(element(&doc, "uws:phase"), "COMPLETED", "{doc}\n{}", s.get(&format!("{job}/error")).text());
    let tsv = s.get(&format!("{job}/results/lines.tsv")).text();
    assert!(tsv.lines().count() > 2, "{tsv}");
    let rows: serde_json::Value = serde_json::from_slice(&s.get(&format!("{job}/results/lines.json")).body).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), tsv.lines().count() - 1);
}
