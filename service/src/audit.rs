//! Append-only audit log: one JSON line per request that reads or writes
//! records, or that was denied. It names the key id, never the token, and
//! holds the question text only when the server is configured to log it.

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;

/// One audited request.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEvent {
    /// RFC 3339 time in UTC, milliseconds.
    pub time: String,
    pub request_id: String,
    /// Key id, or `anonymous`.
    pub key_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_country: Option<String>,
    /// `search`, `get`, `similar`, `ingest`, `delete` or `denied`.
    pub action: &'static str,
    /// HTTP status of the response.
    pub status: u16,
    /// Records returned (reads) or written (ingest, delete).
    pub results: usize,
    /// Records that passed the filters (search only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<usize>,
    /// Record ids read by id, written or deleted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<String>,
    /// Error code of a failed request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'static str>,
    /// Question text, only with query logging on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
}

/// The audit log file, opened for appending.
pub struct AuditLog {
    path: PathBuf,
    file: Mutex<File>,
    include_queries: bool,
}

impl AuditLog {
    /// Opens (creating if needed) the log at `path`. With `include_queries`
    /// the question text of each search is written too.
    pub fn open(path: &Path, include_queries: bool) -> std::io::Result<Self> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(Self { path: path.to_path_buf(), file: Mutex::new(file), include_queries })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn include_queries(&self) -> bool {
        self.include_queries
    }

    /// Appends one event as one `write` call, so concurrent servers
    /// appending to the same file never interleave inside a line. A failed
    /// write is logged as an error and does not fail the request.
    pub fn append(&self, mut event: AuditEvent) {
        if !self.include_queries {
            event.query = None;
        }
        let mut line = match serde_json::to_vec(&event) {
            Ok(line) => line,
            Err(e) => {
                tracing::error!(error = %e, "audit event could not be serialized");
                return;
            }
        };
        line.push(b'\n');
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        if let Err(e) = file.write_all(&line) {
            tracing::error!(error = %e, path = %self.path.display(), request_id = %event.request_id, "audit log write failed");
        }
    }
}

/// Current time for [`AuditEvent::time`].
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(query: Option<&str>) -> AuditEvent {
        AuditEvent {
            time: now(),
            request_id: "r1".into(),
            key_id: "abc".into(),
            key_country: Some("SA".into()),
            action: "search",
            status: 200,
            results: 3,
            total: Some(7),
            ids: vec![],
            error: None,
            query: query.map(str::to_string),
        }
    }

    #[test]
    fn lines_append_and_parse() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let log = AuditLog::open(&path, false).unwrap();
        log.append(event(Some("secret question")));
        drop(log);
        let log = AuditLog::open(&path, true).unwrap();
        log.append(event(Some("visible question")));

        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["key_id"], "abc");
        assert!(lines[0].get("query").is_none(), "query logged with query logging off");
        assert_eq!(lines[1]["query"], "visible question");
        assert_eq!(lines[1]["total"], 7);
    }
}
