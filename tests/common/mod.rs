//! Helpers shared by the end-to-end tests of the `gip` binary: the model
//! folder, `gip index` runs, a `gip serve` child on a free loopback port,
//! a blocking HTTP client and the sample corpus.
//!
//! Unix only: each server runs under a small `sh` watchdog. The watchdog
//! stops the server with SIGTERM and removes its data folder when the test
//! process exits, so a server shared through a `static`, which Rust never
//! drops, still goes away with the tests.

// Each test binary compiles this module and uses a different part of it.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead as _, BufReader, Write as _};
use std::net::TcpListener;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;

/// The binary under test.
pub const GIP: &str = env!("CARGO_BIN_EXE_gip");

/// Maximum wait for a server to load the model and index. Loading takes a
/// few seconds, and the margin covers a machine busy with other builds.
const READY_TIMEOUT: Duration = Duration::from_secs(300);

/// Maximum wait for a server to exit after SIGTERM.
const STOP_TIMEOUT: Duration = Duration::from_secs(30);

/// Path of `relative` inside the repository.
pub fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// Returns the model folder from `GIP_MODEL_DIR`.
///
/// When the variable is unset, prints "skipped: GIP_MODEL_DIR is not set"
/// and returns `None`, or panics when `GIP_REQUIRE_MODEL=1`.
pub fn model_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("GIP_MODEL_DIR").filter(|dir| !dir.is_empty()) {
        return Some(PathBuf::from(dir));
    }

    if std::env::var("GIP_REQUIRE_MODEL").as_deref() == Ok("1") {
        panic!(
            "GIP_MODEL_DIR is not set but GIP_REQUIRE_MODEL=1 requires the model; \
             set GIP_MODEL_DIR to the imported model folder, e.g. $GIP_HOME/models/multilingual-e5-small"
        );
    }
    println!("skipped: GIP_MODEL_DIR is not set");
    None
}

/// Builds a `gip` command that loads the model from `model_dir` and never calls the hub.
pub fn gip(model_dir: &Path) -> Command {
    let mut command = Command::new(GIP);
    command
        .env("GIP_MODEL_DIR", model_dir)
        .env("HF_HUB_OFFLINE", "1")
        .env("GIP_LOG", "warn")
        .env_remove("GIP_DATA_DIR")
        .env_remove("GIP_LISTEN");
    remove_server_settings(&mut command);
    command
}

/// Removes the Qdrant server settings from `command`'s environment, so the
/// tests use the embedded store in their own folders even when the
/// developer has set `GIP_QDRANT_URL` for the store suite.
fn remove_server_settings(command: &mut Command) {
    for name in ["GIP_QDRANT_URL", "GIP_QDRANT_API_KEY", "GIP_QDRANT_COLLECTION"] {
        command.env_remove(name);
    }
}

/// Output of one `gip index --json` run.
#[derive(Debug)]
pub struct IndexRun {
    pub status: ExitStatus,
    /// The summary printed on stdout: read, indexed, unchanged, rejected,
    /// deleted, seconds, rejected_records.
    pub summary: Value,
    pub stderr: String,
}

impl IndexRun {
    /// Returns a count from the summary. Panics when the field is missing.
    pub fn count(&self, field: &str) -> u64 {
        self.summary[field]
            .as_u64()
            .unwrap_or_else(|| panic!("index summary has no count {field:?}: {}", self.summary))
    }
}

/// Runs `gip index --json --input INPUT --data-dir DATA_DIR EXTRA...` and
/// parses its summary. `stdin` is piped to the process when given.
pub fn index_with(model_dir: &Path, input: &str, data_dir: &Path, extra: &[&str], stdin: Option<&[u8]>) -> IndexRun {
    let mut command = gip(model_dir);
    command
        .args(["index", "--json", "--input", input, "--data-dir"])
        .arg(data_dir)
        .args(extra)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("failed to start gip index");

    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        pipe.write_all(bytes).expect("failed to write the records to gip index");
    }
    let output = child.wait_with_output().expect("failed to wait for gip index");

    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let summary = serde_json::from_str(&stdout).unwrap_or_else(|error| {
        panic!(
            "gip index printed no JSON summary ({error}); exit status {}\nstdout:\n{stdout}\nstderr:\n{stderr}",
            output.status
        )
    });
    IndexRun { status: output.status, summary, stderr }
}

/// Runs `gip index` on a file and asserts that it exits with status 0.
pub fn index_file(model_dir: &Path, input: &Path, data_dir: &Path, extra: &[&str]) -> IndexRun {
    let input = input.to_str().expect("input path is UTF-8");
    let run = index_with(model_dir, input, data_dir, extra, None);
    assert!(run.status.success(), "gip index {input} failed with {}:\n{}", run.status, run.stderr);
    run
}

/// Returns a loopback port that was free a moment ago.
///
/// NOTE: another process may take the port between this call and the
/// server's bind; the server then fails to start and the test reports it.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("failed to bind a loopback port");
    listener.local_addr().expect("bound socket has an address").port()
}

/// The `sh` watchdog around `gip serve`. It prints the server's pid and
/// waits for end of file on its standard input, which comes when the test
/// drops the pipe or exits. Then it stops the server with SIGTERM, removes
/// the folder given as the sixth argument (if any) and exits with the
/// server's status. Arguments after the sixth go to `gip serve`.
const WATCHDOG: &str = r#"
gip=$1; data_dir=$2; listen=$3; log=$4; model_dir=$5; remove=$6
shift 6
"$gip" --model-dir "$model_dir" serve --data-dir "$data_dir" --listen "$listen" "$@" >"$log" 2>&1 &
server=$!
echo "$server"
read -r line || true
kill -TERM "$server" 2>/dev/null
wait "$server"
status=$?
if [ -n "$remove" ]; then rm -rf -- "$remove"; fi
exit "$status"
"#;

/// A running `gip serve`, stopped with SIGTERM when dropped.
pub struct Server {
    pub base_url: String,
    pub port: u16,
    log: PathBuf,
    watchdog: Child,
    stdin: Option<ChildStdin>,
    server_pid: String,
}

impl Server {
    /// Starts `gip serve` over `data_dir` and returns once it listens;
    /// the model and index may still be loading. The server log goes to
    /// `log`. `remove_on_exit` is deleted after the server stops.
    /// The rate limit is off, because tests share one client address.
    pub fn spawn(model_dir: &Path, data_dir: &Path, log: &Path, remove_on_exit: Option<&Path>) -> Server {
        Server::spawn_with(model_dir, data_dir, log, remove_on_exit, &["--rate-limit", "0"])
    }

    /// Like [`Server::spawn`], passing `serve_args` to `gip serve`.
    pub fn spawn_with(model_dir: &Path, data_dir: &Path, log: &Path, remove_on_exit: Option<&Path>, serve_args: &[&str]) -> Server {
        let port = free_port();
        let listen = format!("127.0.0.1:{port}");
        let mut watchdog = Command::new("sh");
        remove_server_settings(&mut watchdog);
        let mut watchdog = watchdog
            .arg("-c")
            .arg(WATCHDOG)
            .arg("gip-serve-watchdog")
            .arg(GIP)
            .arg(data_dir)
            .arg(&listen)
            .arg(log)
            .arg(model_dir)
            .arg(remove_on_exit.unwrap_or(Path::new("")))
            .args(serve_args)
            .env("HF_HUB_OFFLINE", "1")
            .env("GIP_LOG", "info")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("failed to start sh for gip serve");

        let stdout = watchdog.stdout.take().expect("stdout is piped");
        let mut server_pid = String::new();
        BufReader::new(stdout).read_line(&mut server_pid).expect("failed to read the server pid");
        let mut server = Server {
            base_url: format!("http://{listen}"),
            port,
            log: log.to_path_buf(),
            stdin: watchdog.stdin.take(),
            watchdog,
            server_pid: server_pid.trim().to_string(),
        };
        server.wait_for("/healthz");
        server
    }

    /// Starts `gip serve` and waits until `/readyz` returns 200.
    pub fn start(model_dir: &Path, data_dir: &Path, log: &Path, remove_on_exit: Option<&Path>) -> Server {
        let mut server = Server::spawn(model_dir, data_dir, log, remove_on_exit);
        server.wait_for("/readyz");
        server
    }

    /// Polls `path` until it returns 200; panics with the log when the
    /// server exits or `READY_TIMEOUT` passes.
    fn wait_for(&mut self, path: &str) {
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = self.watchdog.try_wait() {
                panic!("gip serve exited with {status} before {path} returned 200; log:\n{}", self.log());
            }
            if let Some(response) = try_get(&self.url(path))
                && response.status == 200
            {
                return;
            }
            if started.elapsed() > READY_TIMEOUT {
                panic!("{path} did not return 200 within {READY_TIMEOUT:?}; log:\n{}", self.log());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Reads the server's stdout and stderr so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    pub fn get(&self, path: &str) -> Response {
        get(&self.url(path), &[])
    }

    /// Runs `GET /v1/search` with `params` and returns the response body,
    /// asserting status 200.
    pub fn search(&self, params: &[(&str, &str)]) -> Value {
        let response = get(&self.url("/v1/search"), params);
        assert_eq!(response.status, 200, "search {params:?} failed: {}", response.body);
        response.json()
    }

    /// Stops the server with SIGTERM and returns its exit status.
    pub fn stop(mut self) -> ExitStatus {
        self.stop_inner().unwrap_or_else(|| panic!("gip serve did not stop within {STOP_TIMEOUT:?} of SIGTERM"))
    }

    /// Closes the watchdog's standard input, which makes it send SIGTERM.
    /// Returns `None` (after killing both processes) when the server does
    /// not exit in time.
    fn stop_inner(&mut self) -> Option<ExitStatus> {
        drop(self.stdin.take());
        let started = Instant::now();
        while started.elapsed() < STOP_TIMEOUT {
            if let Ok(Some(status)) = self.watchdog.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }

        let _ = Command::new("kill").args(["-KILL", &self.server_pid]).status();
        let _ = self.watchdog.kill();
        let _ = self.watchdog.wait();
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.stdin.is_some() {
            let _ = self.stop_inner();
        }
    }
}

/// Status, request id and body of one HTTP response.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    /// The `x-request-id` header.
    pub request_id: Option<String>,
    pub content_type: String,
    /// Every header, names in lower case.
    pub headers: HashMap<String, String>,
    pub body: String,
}

impl Response {
    /// Parses the body as JSON. Panics with the body when it is not JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|error| panic!("status {} body is not JSON ({error}): {}", self.status, self.body))
    }
}

fn agent() -> &'static ureq::Agent {
    static AGENT: OnceLock<ureq::Agent> = OnceLock::new();
    AGENT.get_or_init(|| ureq::AgentBuilder::new().timeout(Duration::from_secs(120)).build())
}

/// Converts a ureq result into a [`Response`]; ureq reports 4xx and 5xx as
/// errors, which these tests treat as ordinary responses.
fn read_response(result: Result<ureq::Response, ureq::Error>) -> Result<Response, ureq::Transport> {
    let response = match result {
        Ok(response) => response,
        Err(ureq::Error::Status(_, response)) => response,
        Err(ureq::Error::Transport(transport)) => return Err(transport),
    };
    let status = response.status();
    let request_id = response.header("x-request-id").map(str::to_string);
    let content_type = response.header("content-type").unwrap_or_default().to_string();
    let headers = response
        .headers_names()
        .into_iter()
        .filter_map(|name| Some((name.to_ascii_lowercase(), response.header(&name)?.to_string())))
        .collect();
    let body = response.into_string().expect("response body is UTF-8 text");
    Ok(Response { status, request_id, content_type, headers, body })
}

fn try_get(url: &str) -> Option<Response> {
    read_response(agent().get(url).timeout(Duration::from_secs(5)).call()).ok()
}

/// Sends `GET url?params` (percent-encoded by ureq).
pub fn get(url: &str, params: &[(&str, &str)]) -> Response {
    let mut request = agent().get(url);
    for (name, value) in params {
        request = request.query(name, value);
    }
    read_response(request.call()).unwrap_or_else(|error| panic!("GET {url} {params:?} failed: {error}"))
}

/// Sends `method url` with `headers` and, when given, `body` as
/// `application/json`.
pub fn request(method: &str, url: &str, headers: &[(&str, &str)], body: Option<&str>) -> Response {
    let mut request = agent().request(method, url);
    for (name, value) in headers {
        request = request.set(name, value);
    }
    let result = match body {
        Some(body) => request.set("content-type", "application/json").send_string(body),
        None => request.call(),
    };
    read_response(result).unwrap_or_else(|error| panic!("{method} {url} failed: {error}"))
}

/// Sends `POST url` with `body` as `application/json`.
pub fn post_json(url: &str, body: &str) -> Response {
    let request = agent().post(url).set("content-type", "application/json");
    read_response(request.send_string(body)).unwrap_or_else(|error| panic!("POST {url} failed: {error}"))
}

/// Ids of the `hits` of a search or similar response, in rank order.
pub fn hit_ids(response: &Value) -> Vec<String> {
    response["hits"]
        .as_array()
        .unwrap_or_else(|| panic!("response has no hits array: {response}"))
        .iter()
        .map(|hit| hit["id"].as_str().expect("hit has a string id").to_string())
        .collect()
}

/// Records of `data/sample/projects.jsonl`, in file order.
pub fn sample_records() -> Vec<Value> {
    let path = repo_path("data/sample/projects.jsonl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).unwrap_or_else(|error| panic!("invalid sample line ({error}): {line}")))
        .collect()
}

/// Sample records by id.
pub fn sample_by_id() -> HashMap<String, Value> {
    sample_records()
        .into_iter()
        .map(|record| (record["id"].as_str().expect("sample record has an id").to_string(), record))
        .collect()
}

/// Returns whether `text` contains a letter of the Arabic block.
pub fn has_arabic(text: &str) -> bool {
    text.chars().any(|c| ('\u{0621}'..='\u{064A}').contains(&c))
}

/// Indexes `records` (JSON Lines) into a new temporary folder and starts a
/// server over it. The folder lives until the test process exits, when the
/// watchdog removes it. Asserts that every record was indexed.
pub fn start_server_over(model_dir: &Path, records: &[Value]) -> Server {
    let dir = tempfile::Builder::new().prefix("gip-e2e-").tempdir().expect("failed to create a temp dir");
    let input = dir.path().join("records.jsonl");
    let lines: Vec<String> = records.iter().map(Value::to_string).collect();
    std::fs::write(&input, lines.join("\n") + "\n").expect("failed to write the records");

    let run = index_file(model_dir, &input, &dir.path().join("index"), &[]);
    assert_eq!(run.count("read"), records.len() as u64, "summary: {}", run.summary);
    assert_eq!(run.count("indexed"), records.len() as u64, "summary: {}", run.summary);
    assert_eq!(run.count("rejected"), 0, "summary: {}", run.summary);

    let server = Server::start(model_dir, &dir.path().join("index"), &dir.path().join("serve.log"), Some(dir.path()));
    // From here the watchdog owns the folder and removes it after the server stops.
    let _ = dir.keep();
    server
}

/// Runs `start` once per test binary and returns its server; later calls
/// return the same server, or panic with the first call's failure.
pub fn shared_server(cell: &'static OnceLock<Result<Server, String>>, start: impl FnOnce() -> Server) -> &'static Server {
    let result = cell.get_or_init(|| {
        std::panic::catch_unwind(AssertUnwindSafe(start)).map_err(|payload| {
            payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".into())
        })
    });
    match result {
        Ok(server) => server,
        Err(message) => panic!("the shared server failed to start: {message}"),
    }
}

/// Returns the server over the whole sample corpus, shared by the tests of
/// one binary, or `None` when the model is not configured and the test is
/// skipped.
pub fn sample_server() -> Option<&'static Server> {
    static SAMPLE: OnceLock<Result<Server, String>> = OnceLock::new();
    let model = model_dir()?;
    Some(shared_server(&SAMPLE, || start_server_over(&model, &sample_records())))
}
