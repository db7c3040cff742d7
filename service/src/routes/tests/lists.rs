//! Job lists, creation and the service-level resources (VOSI, job types, web client).

use axum::http::StatusCode;

use super::{HOST, TestApp, uws, validate};

#[tokio::test]
async fn creation_answers_303_under_the_list_and_refuses_bad_input_without_a_job() {
    let app = TestApp::new();
    let job = app.create("molecule", &[("molecule", "co"), ("RUNID", "r1")]).await;
    let doc = app.get(&job).await;
    assert_eq!(doc.status, StatusCode::OK);
    uws(&doc.body);
    assert_eq!((doc.element("uws:phase"), doc.element("uws:runId")), ("PENDING", "r1"));
    for (form, param) in [
        (&[("molecule", "h2o-nope")][..], "molecule"),
        (&[("molecule", "co"), ("n_strongest", "0")][..], "n_strongest"),
        (&[("molecule", "co"), ("colour", "red")][..], "colour"),
        (&[][..], "molecule"),
    ] {
        let r = app.post("/uws/molecule", form).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{form:?}: {}", r.body);
        assert!(r.body.contains(&format!("`{param}`")), "{form:?}: {}", r.body);
    }
    for (form, what) in [(&[("molecule", "co"), ("PHASE", "ABORT")][..], "PHASE"), (&[("molecule", "co"), ("EXECUTIONDURATION", "soon")][..], "EXECUTIONDURATION")] {
        let r = app.post("/uws/molecule", form).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert!(r.body.contains(what), "{}", r.body);
    }
    assert_eq!(app.state.store.select(|_| true).len(), 1, "a refused request created a job");
    assert_eq!(app.post("/uws/nosuchtype", &[("x", "1")]).await.status, StatusCode::NOT_FOUND);
    // PHASE=RUN at creation queues the job and hands it to the executor.
    let run = app.create("molecule", &[("molecule", "cs"), ("PHASE", "RUN")]).await;
    assert_eq!(app.get(&format!("{run}/phase")).await.body, "QUEUED");
    let submitted = app.executor.submitted.lock().unwrap().iter().map(|s| s.job_id.clone()).collect::<Vec<_>>();
    assert_eq!(submitted, [run.rsplit('/').next().unwrap()]);
}

#[tokio::test]
async fn job_list_filters_by_phase_union_after_and_last() {
    let app = TestApp::new();
    let mut jobs = Vec::new();
    for _ in 0..4 {
        jobs.push(app.create("diagnostic", &[]).await);
    }
    app.post(&format!("{}/phase", jobs[1]), &[("PHASE", "RUN")]).await;
    app.post(&format!("{}/phase", jobs[2]), &[("PHASE", "ABORT")]).await;
    let ids = |body: &str| body.split("<uws:jobref id=\"").skip(1).map(|r| r[..r.find('"').unwrap()].to_owned()).collect::<Vec<_>>();
    let id = |url: &String| url.rsplit('/').next().unwrap().to_owned();
    let all = app.get("/uws/diagnostic").await;
    uws(&all.body);
    assert_eq!(ids(&all.body), jobs.iter().rev().map(id).collect::<Vec<_>>(), "newest first");
    assert!(all.body.contains(&format!("xlink:href=\"http://{HOST}/uws/diagnostic/")), "{}", all.body);
    let union = app.get("/uws/diagnostic?PHASE=QUEUED&PHASE=ABORTED").await;
    uws(&union.body);
    assert_eq!(ids(&union.body), [id(&jobs[2]), id(&jobs[1])]);
    let last = app.get("/uws/diagnostic?LAST=2").await;
    assert_eq!(ids(&last.body), [id(&jobs[3]), id(&jobs[2])]);
    let second = app.state.store.get(&id(&jobs[1])).unwrap().job.creation_time;
    let after = app.get(&format!("/uws/diagnostic?AFTER={second}")).await;
    assert_eq!(ids(&after.body), [id(&jobs[3]), id(&jobs[2])]);
    for bad in ["LAST=0", "LAST=x", "PHASE=DONE", "AFTER=yesterday"] {
        assert_eq!(app.get(&format!("/uws/diagnostic?{bad}")).await.status, StatusCode::BAD_REQUEST, "{bad}");
    }
    assert_eq!(app.get("/uws/nosuchtype").await.status, StatusCode::NOT_FOUND);
    // Other lists do not show these jobs, and a job is not found under another list.
    assert!(ids(&app.get("/uws/molecule").await.body).is_empty());
    assert_eq!(app.get(&jobs[0].replace("/diagnostic/", "/molecule/")).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn vosi_job_types_and_web_client_are_served() {
    let app = TestApp::new();
    for path in ["/availability", "/uws/lte/availability"] {
        let r = app.get(path).await;
        assert_eq!(r.status, StatusCode::OK);
        validate(&r.body, "VOSIAvailability-1.0.xsd");
        assert!(r.body.contains("<available>true</available>") || r.body.contains("available>true<"), "{}", r.body);
    }
    for path in ["/capabilities", "/uws/lime/capabilities"] {
        let r = app.get(path).await;
        assert_eq!(r.status, StatusCode::OK);
        validate(&r.body, "VOSICapabilities-1.0.xsd");
        assert!(r.body.contains("ivo://ivoa.net/std/UWS#rest-1.1"), "{}", r.body);
        assert!(r.body.contains(&format!("http://{HOST}/uws/lte")), "{}", r.body);
    }
    let all: serde_json::Value = serde_json::from_str(&app.get("/jobtypes").await.body).unwrap();
    let names: Vec<&str> = all.as_array().unwrap().iter().map(|d| d["name"].as_str().unwrap()).collect();
    for name in ["diagnostic", "lime", "lte", "lvg", "molecule"] {
        assert!(names.contains(&name), "{names:?}");
    }
    let lte: serde_json::Value = serde_json::from_str(&app.get("/jobtypes/lte").await.body).unwrap();
    let tex = lte["parameters"].as_array().unwrap().iter().find(|p| p["name"] == "tex_k").unwrap();
    assert_eq!((tex["type"].as_str(), tex["unit"].as_str(), tex["min_exclusive"].as_bool()), (Some("float"), Some("K"), Some(true)));
    assert!(lte["relations"].as_array().unwrap().iter().any(|r| r["relation"] == "requires" && r["param"] == "catalog_file"));
    assert_eq!(app.get("/jobtypes/nosuchtype").await.status, StatusCode::NOT_FOUND);
    let index = app.get("/").await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(index.content_type().starts_with("text/html"), "{}", index.content_type());
    assert_eq!(app.get("/web/no-such-asset.js").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn credentials_on_an_open_service_are_refused_not_ignored() {
    let app = TestApp::new();
    let r = app.send("GET", "/uws/molecule", &[("Authorization", "Basic YWxpY2U6c2VjcmV0")], "").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = app.send("POST", "/uws/molecule", &[("Authorization", "Basic YWxpY2U6c2VjcmV0")], "molecule=co").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(app.state.store.select(|_| true).is_empty());
}
