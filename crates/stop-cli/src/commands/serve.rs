//! `stop serve`: the UWS web service (see `service/`).

use std::io::Write as _;
use std::net::IpAddr;
use std::path::PathBuf;

use anyhow::Context as _;

/// Arguments of `stop serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Port to listen on (0 = any free port; the chosen one is printed).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Directory for the job database and job files.
    #[arg(long, default_value = "stop-data")]
    pub data_dir: PathBuf,
    /// Users file (TOML, `[[user]]` with name, password_hash, admin, limits): enables HTTP
    /// Basic authentication and per-user jobs.
    #[arg(long)]
    pub users: Option<PathBuf>,
    /// Most jobs running at once (default: one per core).
    #[arg(long)]
    pub workers: Option<usize>,
    /// Upload limit per creation request for users without their own, bytes.
    #[arg(long)]
    pub max_upload_bytes: Option<u64>,
    /// Active jobs per owner for users without their own limit.
    #[arg(long)]
    pub max_active_jobs: Option<usize>,
    /// Execution duration of new jobs, seconds.
    #[arg(long)]
    pub execution_duration: Option<i32>,
    /// Read a password from standard input, print its argon2id hash for the users file, exit.
    #[arg(long)]
    pub hash_password: bool,
}

/// Run `stop serve`.
///
/// # Errors
/// Unusable data directory, users file or address.
pub fn run(args: &ServeArgs) -> anyhow::Result<()> {
    if args.hash_password {
        let mut password = String::new();
        std::io::stdin().read_line(&mut password).context("reading the password from stdin")?;
        let hash = stop_service::auth::hash_password(password.trim_end_matches(['\n', '\r'])).map_err(anyhow::Error::msg)?;
        writeln!(std::io::stdout(), "{hash}")?;
        return Ok(());
    }
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .init();
    let program = std::env::current_exe().context("locating the stop binary for workers")?;
    let mut config = stop_service::ServiceConfig::new(args.data_dir.clone(), program);
    config.bind = args.bind;
    config.port = args.port;
    config.users_file.clone_from(&args.users);
    if let Some(n) = args.workers {
        config.max_workers = n.max(1);
    }
    if let Some(n) = args.max_upload_bytes {
        config.max_upload_bytes = n;
    }
    if let Some(n) = args.max_active_jobs {
        config.max_active_jobs = n;
    }
    if let Some(n) = args.execution_duration {
        config.default_execution_duration_s = n.clamp(1, config.max_execution_duration_s);
    }
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let server = stop_service::start(config).await?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "stop serve: listening on http://{}", server.addr)?;
        out.flush()?;
        drop(out);
        server.run().await
    })
}
