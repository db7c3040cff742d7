//! The real STOP server on 127.0.0.1:0 in a temporary data directory, run in-process on a
//! runtime of its own. Its workers are this test binary: `sh` re-executes it with the job
//! directory in `STOP_WEB_TEST_WORKER_DIR`, and the test `worker_entry` then runs the job
//! exactly as `stop worker JOB_DIR` does.

use std::path::Path;

use stop_service::ServiceConfig;

/// Environment variable through which a worker process receives its job directory.
pub const WORKER_DIR_ENV: &str = "STOP_WEB_TEST_WORKER_DIR";

/// A running server: its base URL.
pub struct Server {
    pub addr: String,
}

impl Server {
    /// Starts the server on a thread of its own; returns once it listens.
    pub fn start(data_dir: &Path) -> Self {
        Self::start_with_users(data_dir, None)
    }

    /// Same, with owners from a users file (HTTP Basic).
    pub fn start_with_users(data_dir: &Path, users_file: Option<&Path>) -> Self {
        let exe = std::env::current_exe().unwrap();
        let mut config = ServiceConfig::new(data_dir.to_owned(), "/bin/sh".into());
        config.port = 0;
        config.max_workers = 2;
        config.users_file = users_file.map(Path::to_path_buf);
        config.worker_args = vec![
            "-c".into(),
            format!("{WORKER_DIR_ENV}=\"$1\" exec \"$0\" --exact worker_entry --nocapture --test-threads=1"),
            exe.to_string_lossy().into_owned(),
        ];
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
            rt.block_on(async move {
                let server = stop_service::start(config).await.expect("starting the server");
                tx.send(server.addr).unwrap();
                server.run().await.unwrap();
            });
        });
        let addr = rx.recv_timeout(std::time::Duration::from_secs(60)).expect("server did not start");
        assert!(addr.ip().is_loopback());
        Self { addr: addr.to_string() }
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// GET `path`: (status, body as text).
    pub fn get(&self, path: &str) -> (u16, String) {
        let (status, body) = crate::webdriver::http(&self.addr, "GET", path, None);
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    /// The ids of the jobs in list `job_type` (the UWS job list, parsed loosely).
    pub fn job_ids(&self, job_type: &str) -> Vec<String> {
        let (status, xml) = self.get(&format!("/uws/{job_type}"));
        assert_eq!(status, 200, "{xml}");
        xml.split("<uws:jobref id=\"").skip(1).map(|s| s.split('"').next().unwrap_or_default().to_owned()).collect()
    }
}
