//! Execution by worker processes: failures, crashes, ABORT, execution duration, destruction.

use std::time::Duration;

use crate::harness::{Server, element, eventually, job_dir, uws, worker_pids};

fn server() -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &["--workers", "2"]);
    (dir, s)
}

#[test]
fn failing_panicking_and_crashing_solvers_end_in_error_with_a_cause() {
    let (_d, s) = server();
    for (outcome, message) in [("fail", "failed on request"), ("panic", "panicked"), ("crash", "without writing a final status")] {
        let job = s.create("diagnostic", &[("outcome", outcome), ("PHASE", "RUN")]);
        let doc = s.wait_final(&job);
        uws(&doc);
        assert_eq!(element(&doc, "uws:phase"), "ERROR", "{outcome}: {doc}");
        assert!(doc.contains("<uws:errorSummary type=\"fatal\" hasDetail=\"true\">"), "{doc}");
        assert!(element(&doc, "uws:message").contains(message), "{outcome}: {doc}");
        let detail = s.get(&format!("{job}/error"));
        assert_eq!(detail.status, 200);
        assert!(detail.text().contains(message));
        let results = s.get(&format!("{job}/results")).text();
        uws(&results);
        assert!(!results.contains("<uws:result "), "{results}");
    }
    // The server survived all three.
    assert_eq!(s.get("/availability").status, 200);
}

#[test]
fn abort_kills_the_running_worker_and_keeps_the_job() {
    let (_d, s) = server();
    let job = s.create("diagnostic", &[("duration_s", "60"), ("PHASE", "RUN")]);
    let dir = job_dir(&s, &job);
    eventually("the worker to start", || (element(&s.get(&job).text(), "uws:phase") == "EXECUTING").then_some(()));
    assert!(!worker_pids(&dir).is_empty());
    let r = s.post(&format!("{job}/phase"), &[("PHASE", "ABORT")]);
    assert_eq!((r.status, r.header("location")), (303, Some(job.as_str())));
    let doc = s.get(&job).text();
    uws(&doc);
    assert_eq!(element(&doc, "uws:phase"), "ABORTED");
    eventually("the worker to be killed", || worker_pids(&dir).is_empty().then_some(()));
    // A queued job can be aborted too, and stays aborted.
    let queued = s.create("diagnostic", &[]);
    s.post(&format!("{queued}/phase"), &[("PHASE", "ABORT")]);
    assert_eq!(s.post(&format!("{queued}/phase"), &[("PHASE", "RUN")]).status, 403);
    assert_eq!(s.get(&format!("{queued}/phase")).text(), "ABORTED");
}

#[test]
fn execution_duration_is_enforced_by_aborting() {
    let (_d, s) = server();
    let job = s.create("diagnostic", &[("duration_s", "60"), ("EXECUTIONDURATION", "1"), ("PHASE", "RUN")]);
    let doc = s.wait_final(&job);
    uws(&doc);
    assert_eq!(element(&doc, "uws:phase"), "ABORTED");
    assert!(element(&doc, "uws:message").contains("execution duration of 1 s exceeded"), "{doc}");
    eventually("the worker to be killed", || worker_pids(&job_dir(&s, &job)).is_empty().then_some(()));
}

#[test]
fn destruction_time_removes_job_and_files() {
    let (_d, s) = server();
    let job = s.create("diagnostic", &[("PHASE", "RUN")]);
    s.wait_final(&job);
    let dir = job_dir(&s, &job);
    assert!(dir.join("results/diagnostic.txt").exists());
    let soon = s.get(&format!("{job}/destruction")).text();
    assert!(!soon.is_empty());
    // An instant already past (the creation time) is due at the next sweep.
    let created = element(&s.get(&job).text(), "uws:creationTime");
    assert_eq!(s.post(&format!("{job}/destruction"), &[("DESTRUCTION", &created)]).status, 303);
    eventually("the job to be destroyed", || (s.get(&job).status == 404).then_some(()));
    assert!(!dir.exists());
}

#[test]
fn wait_returns_on_phase_change_and_at_once_for_other_phases() {
    let (_d, s) = server();
    let job = s.create("diagnostic", &[("duration_s", "1")]);
    // PENDING with WAIT but a different PHASE: immediate.
    let t = std::time::Instant::now();
    assert_eq!(element(&s.get(&format!("{job}?WAIT=30&PHASE=EXECUTING")).text(), "uws:phase"), "PENDING");
    assert!(t.elapsed() < Duration::from_secs(20));
    s.post(&format!("{job}/phase"), &[("PHASE", "RUN")]);
    let doc = s.wait_final(&job);
    assert_eq!(element(&doc, "uws:phase"), "COMPLETED");
    // Final phase: WAIT answers at once.
    let t = std::time::Instant::now();
    s.get(&format!("{job}?WAIT=30"));
    assert!(t.elapsed() < Duration::from_secs(20));
    assert_eq!(s.get(&format!("{job}?WAIT=x")).status, 400);
}
