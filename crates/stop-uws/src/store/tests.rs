use super::*;
use crate::protocol::Event;

fn job(id: &str, t: i64, phase: Phase) -> Job {
    Job {
        id: id.into(),
        job_type: "molecule".into(),
        run_id: None,
        owner: Some("alice".into()),
        phase,
        quote: None,
        creation_time: Instant(t),
        start_time: None,
        end_time: None,
        execution_duration_s: 60,
        destruction: Some(Instant(t + 1000)),
        parameters: vec![Parameter { name: "molecule".into(), value: "co".into(), upload: false }],
        results: vec![],
        error: None,
    }
}

#[test]
fn jobs_survive_reopening_with_results_and_errors() {
    let tmp = tempfile::tempdir().unwrap();
    {
        let store = Store::open(tmp.path()).unwrap();
        store.insert(job("a1", 1, Phase::Pending), "{\"x\":1}").unwrap();
        store
            .update::<StoreError>("a1", |r| {
                r.job.phase = r.job.phase.apply(Event::Run).unwrap();
                r.job.results.push(ResultEntry { name: "x.tsv".into(), size: 3, mime_type: "text/plain".into() });
                r.job.error = Some(ErrorSummary { kind: ErrorKind::Transient, message: "m".into(), has_detail: false });
                r.worker_pid = Some(42);
                Ok(())
            })
            .unwrap();
    }
    let store = Store::open(tmp.path()).unwrap();
    let r = store.get("a1").unwrap();
    assert_eq!(r.job.phase, Phase::Queued);
    assert_eq!(r.job.results.len(), 1);
    assert_eq!(r.job.parameters[0].value, "co");
    assert_eq!(r.job.error.as_ref().unwrap().message, "m");
    assert_eq!(r.worker_pid, Some(42));
    assert_eq!(store.spec_json("a1").unwrap(), "{\"x\":1}");
    store.health().unwrap();
}

#[test]
fn list_filters_phase_union_after_and_last() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(tmp.path()).unwrap();
    for (i, phase) in [Phase::Pending, Phase::Queued, Phase::Completed, Phase::Archived, Phase::Error].into_iter().enumerate() {
        store.insert(job(&format!("j{i}"), i64::try_from(i).unwrap() * 10, phase), "{}").unwrap();
    }
    let ids = |f: &ListFilter| store.list("molecule", None, f).into_iter().map(|r| r.id).collect::<Vec<_>>();
    assert_eq!(ids(&ListFilter::default()), ["j4", "j2", "j1", "j0"]);
    assert_eq!(ids(&ListFilter { phases: vec![Phase::Pending, Phase::Error], ..Default::default() }), ["j4", "j0"]);
    assert_eq!(ids(&ListFilter { phases: vec![Phase::Archived], ..Default::default() }), ["j3"]);
    assert_eq!(ids(&ListFilter { after: Some(Instant(10)), ..Default::default() }), ["j4", "j2"]);
    assert_eq!(ids(&ListFilter { last: Some(2), ..Default::default() }), ["j4", "j2"]);
    assert!(store.list("molecule", Some(Some("bob")), &ListFilter::default()).is_empty());
    assert!(store.list("lte", None, &ListFilter::default()).is_empty());
}

#[test]
fn delete_removes_row_and_directory_and_wait_sees_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(tmp.path()).unwrap();
    store.job_dir("d1").create().unwrap();
    store.insert(job("d1", 0, Phase::Pending), "{}").unwrap();
    let mut rx = store.subscribe("d1").unwrap();
    store.update::<StoreError>("d1", |r| { r.job.phase = Phase::Queued; Ok(()) }).unwrap();
    assert!(rx.has_changed().unwrap());
    assert_eq!(*rx.borrow_and_update(), Phase::Queued);
    store.delete("d1").unwrap();
    assert!(store.get("d1").is_none());
    assert!(!store.job_dir("d1").root().exists());
    assert!(Store::open(tmp.path()).unwrap().get("d1").is_none());
}

#[test]
fn concurrent_creations_are_all_committed_with_unique_times_and_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(tmp.path()).unwrap());
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let store = store.clone();
            std::thread::spawn(move || {
                for i in 0..50 {
                    // Same nominal creation time everywhere: the store must still order them.
                    store.insert(job(&format!("{t}x{i}"), 5, Phase::Pending), "{}").unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(store.active_count(Some("alice")), 400);
    assert_eq!(store.active_count(None), 0);
    store
        .update::<StoreError>("0x0", |r| {
            r.job.phase = Phase::Completed;
            Ok(())
        })
        .unwrap();
    store.delete("1x1").unwrap();
    store.delete("0x0").unwrap();
    assert_eq!(store.active_count(Some("alice")), 398);
    store.checkpoint().unwrap();
    let times = |s: &Store| {
        let mut t: Vec<i64> = s.select(|_| true).iter().map(|r| r.job.creation_time.millis()).collect();
        t.sort_unstable();
        t
    };
    let before = times(&store);
    assert_eq!(before.len(), 398);
    assert!(before.windows(2).all(|w| w[0] < w[1]), "creation times not unique");
    drop(store);
    let reopened = Store::open(tmp.path()).unwrap();
    assert_eq!(times(&reopened), before);
    assert_eq!(reopened.active_count(Some("alice")), 398);
    assert_eq!(reopened.spec_json("7x49").unwrap(), "{}");
}
