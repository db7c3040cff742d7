//! Process-group signalling and liveness checks for worker processes (Linux `/proc`).

use std::path::Path;

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

/// Sends SIGKILL to the process group `pgid` (each worker leads its own group, so this also
/// kills anything the solver started).
pub fn kill_group(pgid: u32) {
    if let Ok(raw) = i32::try_from(pgid)
        && raw > 1
    {
        let _ = killpg(Pid::from_raw(raw), Signal::SIGKILL);
    }
}

/// Whether `pid` is a live (not zombie) process whose command line mentions `job_dir`, so a
/// recycled pid is not mistaken for our worker.
#[must_use]
pub fn worker_alive(pid: u32, job_dir: &Path) -> bool {
    let proc_dir = Path::new("/proc").join(pid.to_string());
    let Ok(stat) = std::fs::read_to_string(proc_dir.join("stat")) else {
        return false;
    };
    // Format: `pid (comm) S ...`; comm may contain spaces or parentheses, so split at the last ')'.
    let state = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().next());
    if matches!(state, Some("Z" | "X") | None) {
        return false;
    }
    let Ok(cmdline) = std::fs::read(proc_dir.join("cmdline")) else {
        return false;
    };
    let needle = job_dir.as_os_str().as_encoded_bytes();
    cmdline.split(|&b| b == 0).any(|arg| arg == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_process_is_alive_only_with_its_arguments() {
        let me = std::process::id();
        let exe = std::env::args().next().unwrap_or_default();
        assert!(worker_alive(me, Path::new(&exe)));
        assert!(!worker_alive(me, Path::new("/definitely/not/an/argument")));
        assert!(!worker_alive(u32::MAX - 1, Path::new(&exe)));
    }
}
