//! The STOP web service: one IVOA UWS 1.1 job list per job type at `/uws/{type}`, VOSI
//! `/availability` and `/capabilities`, parameter descriptions at `/jobtypes`, jobs run by
//! `stop worker` processes in a bounded local pool, everything persisted in SQLite and a
//! directory per job so that a restart (even after `kill -9`) loses nothing.
//!
//! The protocol, store and executors are in `stop-uws`; this crate is the HTTP face
//! ([`app`]), the job types ([`jobs`]) and the background tasks (executor events, destruction
//! sweep, recovery).

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod auth;
pub mod config;
mod control;
pub mod error;
pub mod ids;
pub mod jobs;
mod routes;
pub mod state;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use axum::Router;
use stop_uws::exec::{Executor, LocalPool, LocalPoolParams, SlurmExecutor};
use stop_uws::protocol::Instant;
use stop_uws::store::Store;
use tokio::sync::mpsc;

pub use config::ServiceConfig;
pub use stop_uws::exec::SlurmParams;
pub use state::AppState;

/// The router for `state`.
pub fn app(state: AppState) -> Router {
    routes::router(state)
}

/// A started server: bound, recovered, background tasks running.
pub struct Server {
    /// The address it listens on (the real port when 0 was asked for).
    pub addr: SocketAddr,
    listener: tokio::net::TcpListener,
    router: Router,
}

/// Opens the store, loads users, starts the worker pool and the background tasks, recovers
/// the jobs of a previous run, and binds the listener. Must run inside a tokio runtime.
///
/// # Errors
/// Unusable data directory, users file or address.
pub async fn start(config: ServiceConfig) -> anyhow::Result<Server> {
    let store = Arc::new(Store::open(&config.data_dir).with_context(|| format!("opening the job store in {}", config.data_dir.display()))?);
    let users = match &config.users_file {
        Some(path) => Some(Arc::new(auth::Users::load(path)?)),
        None => None,
    };
    let (events_tx, mut events_rx) = mpsc::unbounded_channel();
    let executor: Arc<dyn Executor> = match &config.slurm {
        Some(params) => Arc::new(SlurmExecutor::connect(params.clone(), events_tx).await.context("starting the SLURM executor")?),
        None => Arc::new(LocalPool::new(
            LocalPoolParams { program: config.worker_program.clone(), args: config.worker_args.iter().map(Into::into).collect(), max_workers: config.max_workers },
            events_tx,
        )),
    };
    let listener = tokio::net::TcpListener::bind((config.bind, config.port)).await.with_context(|| format!("binding {}:{}", config.bind, config.port))?;
    let addr = listener.local_addr()?;
    let mut config = config;
    config.port = addr.port();
    let sweep_every = Duration::from_millis(config.sweep_interval_ms.max(10));
    let state = AppState { store, registry: jobs::registry(), executor, users, config: Arc::new(config), up_since: Instant::now(), list_cache: Arc::default() };
    let events_state = state.clone();
    tokio::spawn(async move {
        while let Some(event) = events_rx.recv().await {
            let st = events_state.clone();
            let _ = tokio::task::spawn_blocking(move || control::apply_event(&st, event)).await;
        }
    });
    control::recover(&state);
    let sweep_state = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(sweep_every);
        loop {
            tick.tick().await;
            let st = sweep_state.clone();
            let _ = tokio::task::spawn_blocking(move || control::sweep(&st)).await;
        }
    });
    Ok(Server { addr, listener, router: app(state) })
}

impl Server {
    /// Serves until SIGINT or SIGTERM.
    ///
    /// # Errors
    /// I/O errors of the listener.
    pub async fn run(self) -> anyhow::Result<()> {
        axum::serve(self.listener, self.router).with_graceful_shutdown(shutdown_signal()).await.context("serving HTTP")
    }
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = ctrl_c => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = ctrl_c.await;
        }
    }
}

/// `stop worker JOB_DIR`: runs the job in `dir` with this build's job types.
///
/// # Errors
/// Unreadable `job.json` or unwritable `status.json` (the job's own failure is not an error
/// here: it is recorded in `status.json`).
pub fn run_worker(dir: &Path) -> anyhow::Result<()> {
    let status = stop_uws::exec::worker::run_job_dir(dir, &jobs::registry())?;
    tracing::info!(?status, "job finished");
    Ok(())
}
