//! UWS 1.1 XML documents (appendix B of the standard), written directly as text.
//!
//! Every writer takes the absolute URL of the job list the client used (`http://host/uws/lte`),
//! so `xlink:href`s start with that very URL (uws-client relies on it). Elements are in the
//! namespace `http://www.ivoa.net/xml/UWS/v1.0`, in the schema's sequence order; nil values use
//! `xsi:nil="true"`; booleans are `true`/`false`; instants end in `Z`.

use std::fmt::Write as _;

use super::{ErrorSummary, Instant, Job, JobRef, Parameter, ResultEntry};

const HEADER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
const NS: &str = "xmlns:uws=\"http://www.ivoa.net/xml/UWS/v1.0\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"";

/// Escapes text for XML content and attribute values; drops characters XML 1.0 forbids.
#[must_use]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

fn opt_instant(out: &mut String, tag: &str, value: Option<Instant>) {
    match value {
        Some(t) => {
            let _ = writeln!(out, "  <uws:{tag}>{t}</uws:{tag}>");
        }
        None => {
            let _ = writeln!(out, "  <uws:{tag} xsi:nil=\"true\"/>");
        }
    }
}

/// `<uws:job version="1.1">` for `job`, whose job list is at `list_url`.
#[must_use]
pub fn job_document(job: &Job, list_url: &str) -> String {
    let mut out = String::with_capacity(2048);
    out.push_str(HEADER);
    let _ = writeln!(out, "<uws:job {NS} version=\"1.1\">");
    let _ = writeln!(out, "  <uws:jobId>{}</uws:jobId>", escape(&job.id));
    if let Some(r) = &job.run_id {
        let _ = writeln!(out, "  <uws:runId>{}</uws:runId>", escape(r));
    }
    match &job.owner {
        Some(o) => {
            let _ = writeln!(out, "  <uws:ownerId>{}</uws:ownerId>", escape(o));
        }
        None => out.push_str("  <uws:ownerId xsi:nil=\"true\"/>\n"),
    }
    let _ = writeln!(out, "  <uws:phase>{}</uws:phase>", job.phase);
    opt_instant(&mut out, "quote", job.quote);
    let _ = writeln!(out, "  <uws:creationTime>{}</uws:creationTime>", job.creation_time);
    opt_instant(&mut out, "startTime", job.start_time);
    opt_instant(&mut out, "endTime", job.end_time);
    let _ = writeln!(out, "  <uws:executionDuration>{}</uws:executionDuration>", job.execution_duration_s);
    opt_instant(&mut out, "destruction", job.destruction);
    let job_url = format!("{list_url}/{}", job.id);
    parameters_body(&mut out, &job.parameters, &job_url, "  ");
    results_body(&mut out, &job.results, &job_url, "  ");
    if let Some(e) = &job.error {
        error_summary(&mut out, e);
    }
    out.push_str("</uws:job>\n");
    out
}

fn error_summary(out: &mut String, e: &ErrorSummary) {
    let _ = write!(
        out,
        "  <uws:errorSummary type=\"{}\" hasDetail=\"{}\">\n    <uws:message>{}</uws:message>\n  </uws:errorSummary>\n",
        e.kind.as_str(),
        e.has_detail,
        escape(&e.message)
    );
}

fn parameters_body(out: &mut String, params: &[Parameter], job_url: &str, indent: &str) {
    let _ = writeln!(out, "{indent}<uws:parameters>");
    for p in params {
        if p.upload {
            let _ = writeln!(
                out,
                "{indent}  <uws:parameter id=\"{}\" byReference=\"true\">{}</uws:parameter>",
                escape(&p.name),
                escape(&format!("{job_url}/parameters/{}", p.name))
            );
        } else {
            let _ = writeln!(out, "{indent}  <uws:parameter id=\"{}\">{}</uws:parameter>", escape(&p.name), escape(&p.value));
        }
    }
    let _ = writeln!(out, "{indent}</uws:parameters>");
}

fn results_body(out: &mut String, results: &[ResultEntry], job_url: &str, indent: &str) {
    let _ = writeln!(out, "{indent}<uws:results>");
    for r in results {
        let _ = writeln!(
            out,
            "{indent}  <uws:result id=\"{}\" xlink:type=\"simple\" xlink:href=\"{}\" size=\"{}\" mime-type=\"{}\"/>",
            escape(&r.name),
            escape(&format!("{job_url}/results/{}", r.name)),
            r.size,
            escape(&r.mime_type)
        );
    }
    let _ = writeln!(out, "{indent}</uws:results>");
}

/// `<uws:parameters>` as a document of its own (`/{jobs}/{id}/parameters`).
#[must_use]
pub fn parameters_document(job: &Job, list_url: &str) -> String {
    let mut out = String::from(HEADER);
    let mut body = String::new();
    parameters_body(&mut body, &job.parameters, &format!("{list_url}/{}", job.id), "");
    out.push_str(&body.replacen("<uws:parameters>", &format!("<uws:parameters {NS}>"), 1));
    out
}

/// `<uws:results>` as a document of its own (`/{jobs}/{id}/results`).
#[must_use]
pub fn results_document(job: &Job, list_url: &str) -> String {
    let mut out = String::from(HEADER);
    let mut body = String::new();
    results_body(&mut body, &job.results, &format!("{list_url}/{}", job.id), "");
    out.push_str(&body.replacen("<uws:results>", &format!("<uws:results {NS}>"), 1));
    out
}

/// `<uws:jobs version="1.1">` listing `jobs` of the job list at `list_url`.
#[must_use]
pub fn job_list_document<'a>(jobs: impl IntoIterator<Item = &'a JobRef>, list_url: &str) -> String {
    let mut out = String::with_capacity(4096);
    out.push_str(HEADER);
    let _ = writeln!(out, "<uws:jobs {NS} version=\"1.1\">");
    for j in jobs {
        let id = escape(&j.id);
        let _ = write!(
            out,
            "  <uws:jobref id=\"{id}\" xlink:type=\"simple\" xlink:href=\"{}/{id}\">\n    <uws:phase>{}</uws:phase>\n",
            escape(list_url),
            j.phase
        );
        if let Some(r) = &j.run_id {
            let _ = writeln!(out, "    <uws:runId>{}</uws:runId>", escape(r));
        }
        match &j.owner {
            Some(o) => {
                let _ = writeln!(out, "    <uws:ownerId>{}</uws:ownerId>", escape(o));
            }
            None => out.push_str("    <uws:ownerId xsi:nil=\"true\"/>\n"),
        }
        let _ = write!(out, "    <uws:creationTime>{}</uws:creationTime>\n  </uws:jobref>\n", j.creation_time);
    }
    out.push_str("</uws:jobs>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{ErrorKind, Phase};

    fn job() -> Job {
        Job {
            id: "0a1b".into(),
            job_type: "molecule".into(),
            run_id: Some("r<1>".into()),
            owner: None,
            phase: Phase::Error,
            quote: None,
            creation_time: Instant(0),
            start_time: Some(Instant(1000)),
            end_time: None,
            execution_duration_s: 60,
            destruction: None,
            parameters: vec![
                Parameter { name: "molecule".into(), value: "co & cs".into(), upload: false },
                Parameter { name: "lamda".into(), value: "x.dat".into(), upload: true },
            ],
            results: vec![ResultEntry { name: "lines.tsv".into(), size: 12, mime_type: "text/tab-separated-values".into() }],
            error: Some(ErrorSummary { kind: ErrorKind::Fatal, message: "bad".into(), has_detail: true }),
        }
    }

    #[test]
    fn job_document_has_sequence_order_nil_and_escapes() {
        let xml = job_document(&job(), "http://h/uws/molecule");
        let order = ["<uws:jobId>", "<uws:runId>", "<uws:ownerId", "<uws:phase>", "<uws:quote", "<uws:creationTime>", "<uws:startTime>", "<uws:endTime", "<uws:executionDuration>60<", "<uws:destruction", "<uws:parameters>", "<uws:results>", "<uws:errorSummary"];
        let mut last = 0;
        for tag in order {
            let at = xml.find(tag).unwrap_or_else(|| panic!("{tag} missing"));
            assert!(at >= last, "{tag} out of order");
            last = at;
        }
        assert!(xml.contains("<uws:ownerId xsi:nil=\"true\"/>"));
        assert!(xml.contains("r&lt;1&gt;"));
        assert!(xml.contains("co &amp; cs"));
        assert!(xml.contains("byReference=\"true\">http://h/uws/molecule/0a1b/parameters/lamda<"));
        assert!(xml.contains("xlink:href=\"http://h/uws/molecule/0a1b/results/lines.tsv\" size=\"12\""));
        assert!(xml.contains("hasDetail=\"true\""));
    }

    #[test]
    fn escape_drops_control_characters() {
        assert_eq!(escape("a\u{1}b\""), "ab&quot;");
    }
}
