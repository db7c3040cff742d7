//! `diagnostic`: a job that checks a deployment's machinery rather than doing science. It
//! waits `duration_s`, then completes with a result of `result_bytes` bytes, fails, panics, or
//! crashes its worker process (`outcome`). Operators use it to see that workers start, abort,
//! time out and report failures; the service's own tests use it the same way.

use std::time::Duration;

use serde_json::json;
use stop_uws::exec::worker::{JobContext, JobFailure, JobType};
use stop_uws::params::{JobDescriptor, ParamKind, ParamSpec};

/// The `diagnostic` job type.
#[derive(Debug)]
pub struct Diagnostic {
    descriptor: JobDescriptor,
}

impl Diagnostic {
    /// The job type with its parameter description.
    #[must_use]
    pub fn new() -> Self {
        let descriptor = JobDescriptor {
            name: "diagnostic".into(),
            title: "Deployment check: wait, then complete, fail, panic or crash".into(),
            description: "Exercises the worker machinery. Result: diagnostic.txt (complete only).".into(),
            parameters: vec![
                super::float("duration_s", "How long the worker waits before its outcome", Some("s"), Some(0.0), false, Some(3600.0), Some(0.0)),
                ParamSpec {
                    name: "outcome".into(),
                    description: "What happens after the wait".into(),
                    kind: ParamKind::String { choices: Some(vec!["complete".into(), "fail".into(), "panic".into(), "crash".into()]), max_len: 16 },
                    unit: None,
                    required: false,
                    default: Some(json!("complete")),
                    array: None,
                },
                ParamSpec {
                    name: "result_bytes".into(),
                    description: "Size of the result file written on completion".into(),
                    kind: ParamKind::Integer { min: Some(0), max: Some(100 << 20) },
                    unit: Some("byte".into()),
                    required: false,
                    default: Some(json!(64)),
                    array: None,
                },
            ],
            relations: vec![],
        };
        Self { descriptor }
    }
}

impl Default for Diagnostic {
    fn default() -> Self {
        Self::new()
    }
}

impl JobType for Diagnostic {
    fn descriptor(&self) -> &JobDescriptor {
        &self.descriptor
    }

    fn run(&self, ctx: &mut JobContext) -> Result<(), JobFailure> {
        let wait_s = ctx.values().get("duration_s").and_then(serde_json::Value::as_f64).unwrap_or(0.0);
        std::thread::sleep(Duration::from_secs_f64(wait_s.clamp(0.0, 3600.0)));
        match ctx.values().get("outcome").and_then(|v| v.as_str()).unwrap_or("complete") {
            "fail" => Err(JobFailure::new("diagnostic job failed on request")),
            "panic" => panic!("diagnostic job panicked on request"),
            "crash" => std::process::abort(),
            _ => {
                let n = ctx.values().get("result_bytes").and_then(serde_json::Value::as_u64).unwrap_or(64);
                let body: Vec<u8> = (0..n).map(|i| b"stop diagnostic\n"[usize::try_from(i % 16).unwrap_or(0)]).collect();
                ctx.publish("diagnostic.txt", "text/plain", &body)
            }
        }
    }
}
