//! Running the SLURM client commands (`sbatch`, `squeue`, `scontrol`, `scancel`) with a
//! timeout: with the controller down they hang for 9–18 s before failing.

use std::ffi::OsStr;
use std::process::Stdio;
use std::time::Duration;

use super::error::SlurmError;

/// Runs `program args...`, returns its stdout when it exits 0.
///
/// # Errors
/// [`SlurmError::Missing`] if the program is not installed, `TimedOut` after `timeout`,
/// `Failed` with its stderr on a non-zero exit.
pub async fn run<I, S>(program: &str, args: I, timeout: Duration) -> Result<String, SlurmError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut cmd = tokio::process::Command::new(program);
    cmd.args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
    let child = cmd.spawn().map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            SlurmError::Missing { program: program.to_owned() }
        } else {
            SlurmError::Spawn { program: program.to_owned(), source }
        }
    })?;
    let output = match tokio::time::timeout(timeout, child.wait_with_output()).await {
        Ok(result) => result.map_err(|source| SlurmError::Spawn { program: program.to_owned(), source })?,
        Err(_) => return Err(SlurmError::TimedOut { program: program.to_owned(), seconds: timeout.as_secs() }),
    };
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let text = if stderr.trim().is_empty() { stdout } else { stderr };
        Err(SlurmError::Failed { program: program.to_owned(), status: output.status.to_string(), stderr: text.trim().to_owned() })
    }
}

/// Quotes `text` for `/bin/sh` (single quotes; a quote inside becomes `'\''`).
#[must_use]
pub fn sh_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_survives_the_shell() {
        assert_eq!(sh_quote("/a b/c"), "'/a b/c'");
        assert_eq!(sh_quote("it's"), r"'it'\''s'");
    }

    #[tokio::test]
    async fn missing_programs_and_failures_are_named() {
        let t = Duration::from_secs(10);
        let missing = run("stop-no-such-slurm-command", ["x"], t).await.unwrap_err();
        assert!(matches!(missing, SlurmError::Missing { .. }), "{missing}");
        let failed = run("sh", ["-c", "echo 'Unable to contact slurm controller' >&2; exit 1"], t).await.unwrap_err();
        assert!(failed.is_outage(), "{failed}");
        assert_eq!(run("sh", ["-c", "echo 12"], t).await.unwrap().trim(), "12");
        let slow = run("sleep", ["5"], Duration::from_millis(100)).await.unwrap_err();
        assert!(slow.is_outage(), "{slow}");
    }
}
