//! Interoperability with Python clients: pyvo parses our job documents, and the `uws` command
//! of the PyPI package uws-client 1.1.11 drives a job. uws-client is Python-2 code: `.ci/setup`
//! downloads its sdist to `~/.cache/stop-ci/`, and this test converts a private copy with
//! Python 3.11's lib2to3, then applies the two fixes lib2to3 cannot make (`unicode(self)`
//! becomes a recursive `str(self)`, and a download loop waits for the Python-2 sentinel `''`).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::{DEADLINE, Server, element, uws};

fn python() -> &'static str {
    if Command::new("python3.11").arg("-V").output().is_ok_and(|o| o.status.success()) { "python3.11" } else { "python3" }
}

fn run_python(args: &[&str], cwd: &Path, pythonpath: Option<&Path>) -> String {
    let mut cmd = Command::new(python());
    cmd.arg("-W").arg("ignore").args(args).current_dir(cwd);
    if let Some(p) = pythonpath {
        cmd.env("PYTHONPATH", p);
    }
    let out = cmd.output().expect("python3 is required for the interoperability tests");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "python {args:?} failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

/// A Python-3 copy of uws-client in `dir`; returns the directory to put on PYTHONPATH.
fn convert_uws_client(dir: &Path) -> PathBuf {
    let cache = Path::new(&std::env::var("HOME").unwrap_or_default()).join(".cache/stop-ci");
    let sdist = cache.join("uws-client-1.1.11.tar.gz");
    assert!(sdist.is_file(), "{} is missing: run .ci/setup (it downloads uws-client 1.1.11 from PyPI)", sdist.display());
    let status = Command::new("tar").arg("xzf").arg(&sdist).arg("-C").arg(dir).status().unwrap();
    assert!(status.success());
    let root = dir.join("uws-client-1.1.11");
    run_python(&["-m", "lib2to3", "-w", "-n", "uws"], &root, None);
    for (file, from, to) in [
        ("uws/UWS/models.py", "return str(self).encode('utf-8')", "return self.__unicode__()"),
        ("uws/UWS/connection.py", "handler.read(chunk_size), '')", "handler.read(chunk_size), b'')"),
    ] {
        let path = root.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "lib2to3 output of {file} changed: `{from}` not found");
        std::fs::write(&path, text.replace(from, to)).unwrap();
    }
    root
}

#[test]
fn uws_client_cli_drives_a_job_and_pyvo_parses_our_documents() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let client = convert_uws_client(tmp.path());
    let work = tmp.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let s = Server::start(&data, &[]);
    let host = format!("{}/uws/molecule", s.base());
    let uws_cli = |args: &[&str]| {
        let mut full = vec!["-c", "import sys; from uws.cli import main; sys.argv[0] = 'uws'; main.main()", "-H", &host];
        full.extend_from_slice(args);
        run_python(&full, &work, Some(&client))
    };

    let out = uws_cli(&["job", "new", "-r", "molecule=co", "rank_tex_k=30"]);
    let id = out.lines().find_map(|l| l.trim().strip_prefix("Job ID: ")).unwrap_or_else(|| panic!("no job id in:\n{out}")).trim().to_owned();
    let job_url = format!("{host}/{id}");
    let start = std::time::Instant::now();
    loop {
        let shown = uws_cli(&["job", "show", &id, "-w", "5"]);
        if shown.contains("COMPLETED") {
            assert!(shown.contains("lines.tsv"), "{shown}");
            break;
        }
        assert!(!shown.contains("ERROR") && start.elapsed() < DEADLINE, "{shown}");
    }
    // The converted client prints the raw body of /phase (`b'COMPLETED'` under Python 3).
    assert!(uws_cli(&["job", "phase", &id]).contains("COMPLETED"));
    let listed = uws_cli(&["list", "-c"]);
    assert!(listed.contains(&id) && listed.contains("1 jobs listed"), "{listed}");
    uws_cli(&["job", "results", &id, "lines.tsv"]);
    let downloaded = std::fs::read_dir(&work).unwrap().filter_map(Result::ok).find(|e| e.file_name().to_string_lossy().ends_with("lines.tsv")).expect("downloaded result");
    assert_eq!(std::fs::read(downloaded.path()).unwrap(), s.get(&format!("{job_url}/results/lines.tsv")).body);

    // pyvo reads the job, an errored job and the job list.
    let failed = s.create("diagnostic", &[("outcome", "fail"), ("PHASE", "RUN")]);
    let failed_doc = s.wait_final(&failed);
    let docs = [("job.xml", s.get(&job_url).text()), ("failed.xml", failed_doc), ("list.xml", s.get("/uws/molecule").text())];
    for (name, doc) in &docs {
        uws(doc);
        std::fs::write(work.join(name), doc).unwrap();
    }
    let script = format!(
        r#"
import pyvo.io.uws as u
j = u.parse_job("job.xml")
assert j.version == "1.1", j.version
assert j.jobid == "{id}" and j.phase == "COMPLETED", (j.jobid, j.phase)
assert j.ownerid is None
assert j.executionduration.sec == 600, j.executionduration
assert j.creationtime is not None and j.destruction is not None
params = {{p.id_: p.content for p in j.parameters}}
assert params["molecule"] == "co" and params["rank_tex_k"] == "30.0", params
results = {{r.id_: (r.href, int(r.size), r.mimetype) for r in j.results}}
assert results["lines.tsv"][0] == "{job_url}/results/lines.tsv", results
assert results["lines.tsv"][2] == "text/tab-separated-values"
f = u.parse_job("failed.xml")
assert f.phase == "ERROR" and f.errorsummary.type_ == "fatal" and f.errorsummary.has_detail, f.phase
assert "failed on request" in f.errorsummary.message.content
jl = u.parse_job_list("list.xml")
assert [(r.jobid, r.phase) for r in jl] == [("{id}", "COMPLETED")], [(r.jobid, r.phase) for r in jl]
print("pyvo ok")
"#
    );
    assert_eq!(run_python(&["-c", &script], &work, None).trim(), "pyvo ok");

    uws_cli(&["job", "delete", &id]);
    assert_eq!(s.get(&job_url).status, 404);
    assert_eq!(element(&s.get("/uws/molecule").text(), "uws:jobref"), "");
}
