//! Parameters, results and errors of a job.

use axum::http::StatusCode;
use stop_uws::exec::Outcome;

use super::{HOST, TestApp, uws};

#[tokio::test]
async fn parameters_document_and_single_values() {
    let app = TestApp::new();
    let job = app.create("molecule", &[("MOLECULE", "CO"), ("n_strongest", "3")]).await;
    let doc = app.get(&format!("{job}/parameters")).await;
    assert_eq!(doc.status, StatusCode::OK);
    uws(&doc.body);
    // Canonical names, typed values, and the defaults the job will use.
    assert!(doc.body.contains("<uws:parameter id=\"molecule\">co</uws:parameter>"), "{}", doc.body);
    assert!(doc.body.contains("<uws:parameter id=\"rank_tex_k\">100.0</uws:parameter>"), "{}", doc.body);
    let one = app.get(&format!("{job}/parameters/n_strongest")).await;
    assert_eq!((one.status, one.body.as_str()), (StatusCode::OK, "3"));
    assert_eq!(app.get(&format!("{job}/parameters/nothing")).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn results_are_listed_with_size_and_type_and_served() {
    let app = TestApp::new();
    let job = app.create("molecule", &[("molecule", "co"), ("PHASE", "RUN")]).await;
    let empty = app.get(&format!("{job}/results")).await;
    uws(&empty.body);
    assert!(!empty.body.contains("<uws:result "));
    let tsv = app.write_result(&job, "lines.tsv", "text/tab-separated-values", b"a\tb\n1\t2\n");
    let json = app.write_result(&job, "summary.json", "application/json", b"{\"n\": 1}");
    app.finish(&job, Outcome::Completed { results: vec![tsv, json] });
    let doc = app.get(&format!("{job}/results")).await;
    uws(&doc.body);
    let href = format!("xlink:href=\"http://{HOST}/uws/molecule/{}/results/lines.tsv\"", job.rsplit('/').next().unwrap());
    assert!(doc.body.contains(&href), "{}", doc.body);
    assert!(doc.body.contains("size=\"8\"") && doc.body.contains("mime-type=\"application/json\""), "{}", doc.body);
    let job_doc = app.get(&job).await;
    uws(&job_doc.body);
    assert_eq!(job_doc.element("uws:phase"), "COMPLETED");
    let r = app.get(&format!("{job}/results/summary.json")).await;
    assert_eq!((r.status, r.content_type(), r.body.as_str()), (StatusCode::OK, "application/json", "{\"n\": 1}"));
    assert_eq!(app.get(&format!("{job}/results/other.txt")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("{job}/results/..%2Fjob.json")).await.status, StatusCode::NOT_FOUND);
    // No error: an empty error resource.
    assert_eq!(app.get(&format!("{job}/error")).await.body, "");
}

#[tokio::test]
async fn a_failed_job_is_data_with_its_error() {
    let app = TestApp::new();
    let job = app.create("diagnostic", &[("outcome", "fail"), ("PHASE", "RUN")]).await;
    app.finish(&job, Outcome::Failed { message: "diagnostic job failed on request".into(), results: vec![] });
    let doc = app.get(&job).await;
    assert_eq!(doc.status, StatusCode::OK);
    uws(&doc.body);
    assert_eq!((doc.element("uws:phase"), doc.element("uws:message")), ("ERROR", "diagnostic job failed on request"));
    assert!(doc.body.contains("<uws:errorSummary type=\"fatal\" hasDetail=\"true\">"), "{}", doc.body);
    let error = app.get(&format!("{job}/error")).await;
    assert_eq!(error.status, StatusCode::OK);
    assert!(error.body.starts_with("diagnostic job failed on request\n"), "{}", error.body);
}
