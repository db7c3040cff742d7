//! Restart safety: SIGKILL the server (and one worker) with jobs queued and executing, restart
//! it on the same data directory, and every job still reaches COMPLETED with its results.

use std::time::Duration;

use crate::harness::{Server, element, eventually, job_dir, uws, validate, worker_pids};

#[test]
fn kill_9_of_server_and_worker_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Server::start(dir.path(), &["--workers", "3"]);
    let run = |duration: &str| s.create("diagnostic", &[("duration_s", duration), ("result_bytes", "1000"), ("PHASE", "RUN")]);
    let finishes_while_down = run("3");
    let outlives_restart = run("10");
    let worker_killed = run("4");
    let queued: Vec<String> = (0..3).map(|_| run("0.2")).collect();
    for job in [&finishes_while_down, &outlives_restart, &worker_killed] {
        // (On a very slow machine the 3 s job may already be done; that only weakens the test.)
        eventually("three jobs executing", || matches!(element(&s.get(job).text(), "uws:phase").as_str(), "EXECUTING" | "COMPLETED").then_some(()));
    }
    // Read the short jobs first: if the long ones are still all executing afterwards, all three
    // workers were busy the whole time, so the short ones must have been waiting.
    let short_phases: Vec<String> = queued.iter().map(|j| element(&s.get(j).text(), "uws:phase")).collect();
    let all_busy = [&finishes_while_down, &outlives_restart, &worker_killed].iter().all(|j| element(&s.get(j).text(), "uws:phase") == "EXECUTING");
    if all_busy {
        let docs: Vec<String> = queued.iter().map(|j| s.get(j).text()).collect();
        assert!(short_phases.iter().all(|p| p == "QUEUED"), "{short_phases:?}\n{docs:#?}");
    }
    let survivor_dir = job_dir(&s, &outlives_restart);
    let killed_dir = job_dir(&s, &worker_killed);

    s.kill9();
    for pid in worker_pids(&killed_dir) {
        let status = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status().unwrap();
        assert!(status.success());
    }
    eventually("the killed worker to vanish", || worker_pids(&killed_dir).is_empty().then_some(()));
    std::thread::sleep(Duration::from_millis(3500)); // the 3 s job finishes while no server runs
    assert!(!worker_pids(&survivor_dir).is_empty(), "the long job's worker outlives the server");

    let s = Server::start(dir.path(), &["--workers", "3"]);
    let avail = s.get("/availability").text();
    validate(&avail, "VOSIAvailability-1.0.xsd");
    assert!(avail.contains("<avail:available>true</avail:available>"));
    // The job whose worker died is re-queued within seconds, never left EXECUTING on a dead worker.
    eventually("the dead worker's job to be re-queued or re-run", || {
        let phase = element(&s.get(&worker_killed).text(), "uws:phase");
        (phase != "EXECUTING" || !worker_pids(&killed_dir).is_empty()).then_some(())
    });
    for job in [&finishes_while_down, &outlives_restart, &worker_killed].into_iter().chain(&queued) {
        let doc = s.wait_final(job);
        uws(&doc);
        assert_eq!(element(&doc, "uws:phase"), "COMPLETED", "{job}: {doc}");
        assert!(doc.contains("size=\"1000\""), "{doc}");
        assert_eq!(s.get(&format!("{job}/results/diagnostic.txt")).body.len(), 1000);
    }
}
