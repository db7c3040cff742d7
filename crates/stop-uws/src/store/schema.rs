//! SQLite schema migrations, applied in order and tracked in `PRAGMA user_version`.

use rusqlite::Connection;

/// Migration `i` takes the database from `user_version = i` to `i + 1`.
const MIGRATIONS: &[&str] = &["
CREATE TABLE jobs (
    id                   TEXT PRIMARY KEY,
    job_type             TEXT NOT NULL,
    run_id               TEXT,
    owner                TEXT,
    phase                TEXT NOT NULL,
    quote_ms             INTEGER,
    creation_ms          INTEGER NOT NULL,
    start_ms             INTEGER,
    end_ms               INTEGER,
    execution_duration_s INTEGER NOT NULL,
    destruction_ms       INTEGER,
    error_kind           TEXT,
    error_message        TEXT,
    error_has_detail     INTEGER,
    worker_pid           INTEGER,
    attempts             INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX jobs_by_type_and_creation ON jobs (job_type, creation_ms);
CREATE TABLE parameters (
    job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    pos    INTEGER NOT NULL,
    name   TEXT NOT NULL,
    value  TEXT NOT NULL,
    upload INTEGER NOT NULL,
    PRIMARY KEY (job_id, pos)
);
CREATE TABLE results (
    job_id    TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    pos       INTEGER NOT NULL,
    name      TEXT NOT NULL,
    size      INTEGER NOT NULL,
    mime_type TEXT NOT NULL,
    PRIMARY KEY (job_id, pos)
);
", "
ALTER TABLE jobs ADD COLUMN spec_json TEXT;
"];

/// Opens-time settings and migrations: WAL journal (readers never block the writer),
/// `synchronous = NORMAL` (a commit survives a killed process; WAL keeps the database
/// consistent on power loss), no automatic checkpoint on commit (`Store::checkpoint` does it
/// off the request path), foreign keys on.
///
/// # Errors
/// SQLite errors.
pub fn prepare(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "wal_autocheckpoint", 0)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let start = usize::try_from(version).unwrap_or(usize::MAX);
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(start) {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i64::try_from(i + 1).unwrap_or(i64::MAX))?;
        tx.commit()?;
    }
    Ok(())
}
