//! Load benchmark of the UWS service (bounded, 127.0.0.1 only): requests per second, p99
//! latency and CPU time per request (this process: server and client, user + system; less
//! sensitive to other load on the machine than the wall-clock figures) at 32 concurrent
//! keep-alive connections for job creation (1,000 jobs), GET of the
//! 1,000-job list, GET of one job, then 5,000 more creations (store growing to 6,000 jobs). Run with
//! `cargo bench -p stop-service --bench uws_load`; figures go to stdout.
#![allow(clippy::print_stdout, clippy::unwrap_used, missing_docs)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::TcpStream;

const CONNECTIONS: usize = 32;
const CREATIONS: usize = 1000;
const MORE_CREATIONS: usize = 5000;
const LIST_GETS: usize = 2000;
const JOB_GETS: usize = 20_000;

struct Conn {
    reader: BufReader<tokio::net::tcp::OwnedReadHalf>,
    writer: tokio::net::tcp::OwnedWriteHalf,
    host: String,
}

impl Conn {
    async fn open(addr: &str) -> Self {
        let stream = TcpStream::connect(addr).await.unwrap();
        stream.set_nodelay(true).unwrap();
        let (r, w) = stream.into_split();
        Self { reader: BufReader::new(r), writer: w, host: addr.to_owned() }
    }

    /// One request on the kept-alive connection; returns (status, body length, location).
    async fn send(&mut self, method: &str, path: &str, body: &str) -> (u16, usize, Option<String>) {
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            self.host,
            body.len()
        );
        self.writer.write_all(req.as_bytes()).await.unwrap();
        let mut line = String::new();
        self.reader.read_line(&mut line).await.unwrap();
        let status: u16 = line.split(' ').nth(1).unwrap().parse().unwrap();
        let (mut length, mut location) = (0usize, None);
        loop {
            line.clear();
            self.reader.read_line(&mut line).await.unwrap();
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.trim().parse().unwrap();
                } else if k.eq_ignore_ascii_case("location") {
                    location = Some(v.trim().to_owned());
                }
            }
        }
        let mut buf = vec![0u8; length];
        self.reader.read_exact(&mut buf).await.unwrap();
        (status, length, location)
    }
}

/// Runs `total` requests over [`CONNECTIONS`] connections; `make(i)` gives (method, path, body).
/// CPU time (user + system) this process has used so far: fields 14 and 15 of
/// `/proc/self/stat`, in clock ticks of 10 ms (`USER_HZ` is 100 on Linux).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    // Fields after the command name (which ends with the last `)`): state is field 3.
    let fields: Vec<&str> = stat.rsplit_once(')').unwrap().1.split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    Duration::from_millis(ticks * 10)
}

/// Figures of one phase: requests per second, p99 latency, CPU per request, Locations seen.
type Figures = (f64, Duration, Duration, Vec<String>);

async fn load(addr: &str, total: usize, expect: u16, make: Arc<dyn Fn(usize) -> (String, String, String) + Send + Sync>) -> Figures {
    let start = Instant::now();
    let cpu_start = cpu_time();
    let mut tasks = Vec::new();
    for c in 0..CONNECTIONS {
        let addr = addr.to_owned();
        let make = make.clone();
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::open(&addr).await;
            let mut lat = Vec::new();
            let mut locations = Vec::new();
            let mut i = c;
            while i < total {
                let (method, path, body) = make(i);
                let t = Instant::now();
                let (status, _, location) = conn.send(&method, &path, &body).await;
                lat.push(t.elapsed());
                assert_eq!(status, expect, "{method} {path}");
                locations.extend(location);
                i += CONNECTIONS;
            }
            (lat, locations)
        }));
    }
    let mut all = Vec::new();
    let mut locations = Vec::new();
    for t in tasks {
        let (lat, loc) = t.await.unwrap();
        all.extend(lat);
        locations.extend(loc);
    }
    let elapsed = start.elapsed().as_secs_f64();
    let cpu = (cpu_time() - cpu_start) / u32::try_from(all.len()).unwrap();
    all.sort();
    let p99 = all[(all.len() * 99 / 100).min(all.len() - 1)];
    (all.len() as f64 / elapsed, p99, cpu, locations)
}

fn report(what: &str, n: usize, (rate, p99, cpu, _): &Figures) {
    println!("{what:<34} {n:>6} requests  {rate:>9.0} req/s  p99 {:>7.2} ms  CPU {:>6.1} us/request", p99.as_secs_f64() * 1e3, cpu.as_secs_f64() * 1e6);
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` asks harness-less benches to list; nothing to list
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let mut config = stop_service::ServiceConfig::new(dir.path().to_owned(), "/bin/false".into());
        config.port = 0;
        config.max_active_jobs = usize::MAX;
        let server = stop_service::start(config).await.unwrap();
        let addr = server.addr.to_string();
        tokio::spawn(server.run());
        let load_avg = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
        println!("UWS load benchmark: {CONNECTIONS} concurrent keep-alive connections against http://{addr} (load average {})", load_avg.split_whitespace().take(3).collect::<Vec<_>>().join(" "));

        let create = load(&addr, CREATIONS, 303, Arc::new(|_| ("POST".into(), "/uws/molecule".into(), "molecule=co&rank_tex_k=20".into()))).await;
        report("POST /uws/molecule (create)", CREATIONS, &create);
        let list = load(&addr, LIST_GETS, 200, Arc::new(|_| ("GET".into(), "/uws/molecule".into(), String::new()))).await;
        report("GET /uws/molecule (1,000 jobs)", LIST_GETS, &list);
        let jobs: Arc<Vec<String>> = Arc::new(create.3.iter().map(|l| l.rsplit_once("/uws/").map(|(_, p)| format!("/uws/{p}")).unwrap()).collect());
        let get = load(&addr, JOB_GETS, 200, Arc::new(move |i| ("GET".into(), jobs[i % jobs.len()].clone(), String::new()))).await;
        report("GET /uws/molecule/{id}", JOB_GETS, &get);
        let more = load(&addr, MORE_CREATIONS, 303, Arc::new(|_| ("POST".into(), "/uws/diagnostic".into(), "duration_s=1&RUNID=bench".into()))).await;
        report("POST /uws/diagnostic (create, 1k→6k)", MORE_CREATIONS, &more);
    });
}
