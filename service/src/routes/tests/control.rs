//! Job control: phase, execution duration, destruction, WAIT, deletion.

use std::time::Duration;

use axum::http::StatusCode;
use stop_uws::exec::Outcome;

use super::{HOST, TestApp, uws};

#[tokio::test]
async fn phase_run_abort_and_illegal_transitions() {
    let app = TestApp::new();
    let job = app.create("diagnostic", &[]).await;
    let phase = format!("{job}/phase");
    let r = app.get(&phase).await;
    assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, "PENDING"));
    assert!(r.content_type().starts_with("text/plain"), "{}", r.content_type());
    for bad in [&[("PHASE", "SUSPEND")][..], &[][..]] {
        assert_eq!(app.post(&phase, bad).await.status, StatusCode::BAD_REQUEST);
    }
    let r = app.post(&phase, &[("PHASE", "run")]).await;
    assert_eq!((r.status, r.location()), (StatusCode::SEE_OTHER, job.as_str()));
    assert_eq!(app.get(&phase).await.body, "QUEUED");
    assert_eq!(app.post(&phase, &[("PHASE", "RUN")]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.post(&phase, &[("PHASE", "ABORT")]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get(&phase).await.body, "ABORTED");
    assert_eq!(*app.executor.aborted.lock().unwrap(), [job.rsplit('/').next().unwrap()]);
    // A final phase stays final.
    let after = app.post(&phase, &[("PHASE", "ABORT")]).await;
    assert!(after.status == StatusCode::FORBIDDEN || after.status == StatusCode::SEE_OTHER, "{}", after.status);
    assert_eq!(app.post(&phase, &[("PHASE", "RUN")]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&phase).await.body, "ABORTED");
    let doc = app.get(&job).await;
    uws(&doc.body);
    assert_eq!(doc.element("uws:phase"), "ABORTED");
}

#[tokio::test]
async fn execution_duration_and_destruction_are_read_set_clamped_and_checked() {
    let app = TestApp::new();
    let job = app.create("diagnostic", &[]).await;
    let duration = format!("{job}/executionduration");
    assert_eq!(app.get(&duration).await.body, "600");
    let r = app.post(&duration, &[("EXECUTIONDURATION", "120")]).await;
    assert_eq!((r.status, r.location()), (StatusCode::SEE_OTHER, job.as_str()));
    assert_eq!(app.get(&duration).await.body, "120");
    // 0 (unlimited) and too much are clamped to the server maximum (3600 s here).
    app.post(&duration, &[("EXECUTIONDURATION", "0")]).await;
    assert_eq!(app.get(&duration).await.body, "3600");
    for bad in ["-1", "1.5", "soon"] {
        assert_eq!(app.post(&duration, &[("EXECUTIONDURATION", bad)]).await.status, StatusCode::BAD_REQUEST, "{bad}");
    }
    let destruction = format!("{job}/destruction");
    let when = "2031-01-02T03:04:05.000Z";
    assert_eq!(app.post(&destruction, &[("DESTRUCTION", when)]).await.status, StatusCode::SEE_OTHER);
    let set = app.get(&destruction).await.body;
    assert!(set.ends_with('Z') && set.contains('T'), "{set}");
    assert!(set.as_str() <= when, "clamped to the longest lifetime: {set}");
    assert_eq!(app.post(&destruction, &[("DESTRUCTION", "next week")]).await.status, StatusCode::BAD_REQUEST);
    let doc = app.get(&job).await;
    uws(&doc.body);
    assert_eq!((doc.element("uws:executionDuration"), doc.element("uws:destruction")), ("3600", set.as_str()));
    // Once running, the duration is fixed.
    app.post(&format!("{job}/phase"), &[("PHASE", "RUN")]).await;
    assert_eq!(app.post(&duration, &[("EXECUTIONDURATION", "10")]).await.status, StatusCode::FORBIDDEN);
    // Quote (no estimate) and owner (anonymous) are empty text.
    for part in ["quote", "owner"] {
        let r = app.get(&format!("{job}/{part}")).await;
        assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, ""), "{part}");
    }
}

#[tokio::test]
async fn wait_blocks_until_the_phase_changes_and_not_otherwise() {
    let app = TestApp::new();
    let job = app.create("diagnostic", &[("PHASE", "RUN")]).await;
    // PHASE given and different: at once.
    let r = tokio::time::timeout(Duration::from_secs(20), app.get(&format!("{job}?WAIT=30&PHASE=EXECUTING"))).await.unwrap();
    assert_eq!(r.element("uws:phase"), "QUEUED");
    // Blocks while QUEUED, returns when the executor starts the job.
    let waiting = tokio::spawn({
        let router = app.router();
        let uri = format!("{}?WAIT=30", job.strip_prefix(&format!("http://{HOST}")).unwrap());
        async move {
            let request = axum::http::Request::builder().uri(uri).header("host", HOST).body(axum::body::Body::empty()).unwrap();
            let response = tower::ServiceExt::oneshot(router, request).await.unwrap();
            String::from_utf8(axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap().to_vec()).unwrap()
        }
    });
    tokio::task::yield_now().await;
    let id = job.rsplit('/').next().unwrap().to_owned();
    crate::control::apply_event(&app.state, stop_uws::exec::ExecEvent::Started { job_id: id, pid: 1 });
    let body = tokio::time::timeout(Duration::from_secs(20), waiting).await.unwrap().unwrap();
    assert!(body.contains("<uws:phase>EXECUTING</uws:phase>"), "{body}");
    // Final phase: at once.
    app.finish(&job, Outcome::Completed { results: vec![] });
    let r = tokio::time::timeout(Duration::from_secs(20), app.get(&format!("{job}?WAIT=-1"))).await.unwrap();
    assert_eq!(r.element("uws:phase"), "COMPLETED");
    assert_eq!(app.get(&format!("{job}?WAIT=soon")).await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn delete_and_action_delete_remove_the_job_and_its_files() {
    let app = TestApp::new();
    let list = format!("http://{HOST}/uws/diagnostic");
    for how in ["DELETE", "ACTION"] {
        let job = app.create("diagnostic", &[("PHASE", "RUN")]).await;
        let result = app.write_result(&job, "diagnostic.txt", "text/plain", b"x");
        assert!(result.size == 1);
        let dir = app.state.store.job_dir(job.rsplit('/').next().unwrap());
        let r = if how == "DELETE" { app.send("DELETE", &job, &[], "").await } else { app.post(&job, &[("ACTION", "DELETE")]).await };
        assert_eq!((r.status, r.location()), (StatusCode::SEE_OTHER, list.as_str()), "{how}");
        assert_eq!(app.get(&job).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&format!("{job}/phase")).await.status, StatusCode::NOT_FOUND);
        assert!(!dir.root().exists(), "{how}: files left");
    }
    let job = app.create("diagnostic", &[]).await;
    assert_eq!(app.post(&job, &[("ACTION", "ARCHIVE")]).await.status, StatusCode::BAD_REQUEST);
    // Parameters are fixed at creation.
    assert_eq!(app.post(&job, &[("duration_s", "3")]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.send("DELETE", &format!("http://{HOST}/uws/diagnostic/0000"), &[], "").await.status, StatusCode::NOT_FOUND);
}
