//! Owners with `--users FILE`: Basic authentication, private jobs, admin, limits.

use std::io::Write as _;
use std::process::{Command, Stdio};

use base64::Engine as _;

use crate::harness::{Server, element, uws};

fn hash(password: &str) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_stop"))
        .args(["serve", "--hash-password"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(format!("{password}\n").as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}")))
}

#[test]
fn jobs_are_private_to_their_owner_admin_sees_all_and_bad_credentials_get_401() {
    let dir = tempfile::tempdir().unwrap();
    let users = dir.path().join("users.toml");
    std::fs::write(
        &users,
        format!(
            "[[user]]\nname = \"alice\"\npassword_hash = \"{}\"\n\n[[user]]\nname = \"bob\"\npassword_hash = \"{}\"\nmax_active_jobs = 1\n\n[[user]]\nname = \"root\"\npassword_hash = \"{}\"\nadmin = true\n",
            hash("alice-pw"),
            hash("bob-pw"),
            hash("root-pw")
        ),
    )
    .unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let s = Server::start(&data, &["--users", users.to_str().unwrap()]);
    let form = "molecule=co";
    let as_user = |auth: &str, method: &str, path: &str| {
        let ct = ("Content-Type", "application/x-www-form-urlencoded");
        s.req(method, path, &[("Authorization", auth), ct], if method == "POST" { form.as_bytes() } else { b"" })
    };
    let alice = basic("alice", "alice-pw");
    let bob = basic("bob", "bob-pw");
    let root = basic("root", "root-pw");

    // No credentials, wrong password, unknown user: 401 with a challenge, nothing created.
    let anon = s.post("/uws/molecule", &[("molecule", "co")]);
    assert_eq!(anon.status, 401);
    assert!(anon.header("www-authenticate").unwrap().starts_with("Basic"));
    assert_eq!(as_user(&basic("alice", "wrong"), "POST", "/uws/molecule").status, 401);
    assert_eq!(as_user(&basic("mallory", "x"), "POST", "/uws/molecule").status, 401);
    assert_eq!(s.get("/uws/molecule").status, 401);

    let r = as_user(&alice, "POST", "/uws/molecule");
    assert_eq!(r.status, 303);
    let job = r.header("location").unwrap().to_owned();
    let doc = as_user(&alice, "GET", &job).text();
    uws(&doc);
    assert_eq!(element(&doc, "uws:ownerId"), "alice");
    assert_eq!(as_user(&alice, "GET", &format!("{job}/owner")).text(), "alice");

    // Bob can neither see, list, run, abort nor delete it.
    assert_eq!(as_user(&bob, "GET", &job).status, 404);
    assert_eq!(as_user(&bob, "GET", &format!("{job}/results")).status, 404);
    assert_eq!(as_user(&bob, "DELETE", &job).status, 404);
    let run = s.req("POST", &format!("{job}/phase"), &[("Authorization", &bob), ("Content-Type", "application/x-www-form-urlencoded")], b"PHASE=RUN");
    assert_eq!(run.status, 404);
    let bob_list = as_user(&bob, "GET", "/uws/molecule").text();
    uws(&bob_list);
    assert!(!bob_list.contains("jobref"));
    assert_eq!(as_user(&alice, "GET", &format!("{job}/phase")).text(), "PENDING");

    // Admin sees everything.
    let root_list = as_user(&root, "GET", "/uws/molecule").text();
    assert!(root_list.contains(&job));
    assert_eq!(as_user(&root, "GET", &job).status, 200);

    // Bob's active-job limit is 1.
    assert_eq!(as_user(&bob, "POST", "/uws/molecule").status, 303);
    assert_eq!(as_user(&bob, "POST", "/uws/molecule").status, 403);
}
