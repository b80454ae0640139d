//! Access control of `gip serve` end to end: API keys from `gip keys`,
//! record visibility on every read path, the ingestion API, the audit log
//! and the rate limit. Runs the real binary, model and embedded store.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::{Response, Server, gip, hit_ids, index_file, model_dir, request};
use serde_json::{Value, json};

/// Marker words that occur only in one fixture record each, so a response
/// that contains one has leaked that record.
const MARKERS: [(&str, &str); 4] = [
    ("AE-NAT-1", "zirconia"),
    ("SA-NAT-1", "beryllium"),
    ("QA-GCC-1", "tungsten"),
    ("OM-NAT-1", "vanadium"),
];

fn record(id: &str, country: &str, visibility: &str, en: &str, ar: &str, isic: &str) -> Value {
    json!({
        "id": id,
        "country": country,
        "visibility": visibility,
        "name": {"en": en, "ar": ar},
        "description": {"en": format!("{en} is an industrial project in the Gulf."), "ar": format!("{ar} مشروع صناعي في الخليج.")},
        "sector": {"isic": isic},
        "status": "operational",
        "start_year": 2020
    })
}

/// Twelve records over four states and all three visibilities.
fn fixture() -> Vec<Value> {
    vec![
        record("AE-NAT-1", "AE", "national", "Zirconia Ceramics Works", "مصنع سيراميك الزركونيا", "2393"),
        record("AE-PUB-1", "AE", "public", "Ruwais Ceramics Plant", "مصنع الرويس للسيراميك", "2393"),
        record("AE-GCC-1", "AE", "gcc", "Khalifa Port Glass Works", "مصنع زجاج ميناء خليفة", "2310"),
        record("SA-NAT-1", "SA", "national", "Beryllium Alloy Foundry", "مسبك سبائك البريليوم", "2410"),
        record("SA-PUB-1", "SA", "public", "Jubail Steel Mill", "مصنع الجبيل للصلب", "2410"),
        record("SA-PUB-2", "SA", "public", "Yanbu Ceramics Factory", "مصنع ينبع للسيراميك", "2393"),
        record("SA-GCC-1", "SA", "gcc", "Dammam Aluminium Rolling", "مصنع الدمام لدرفلة الألمنيوم", "2420"),
        record("QA-GCC-1", "QA", "gcc", "Tungsten Carbide Tools", "مصنع أدوات كربيد التنغستن", "2599"),
        record("QA-PUB-1", "QA", "public", "Mesaieed Cement Plant", "مصنع مسيعيد للإسمنت", "2394"),
        record("OM-NAT-1", "OM", "national", "Vanadium Battery Plant", "مصنع بطاريات الفاناديوم", "2720"),
        record("OM-PUB-1", "OM", "public", "Sohar Copper Smelter", "مصهر صحار للنحاس", "2420"),
        record("KW-PUB-1", "KW", "public", "Shuaiba Paper Mill", "مصنع الشعيبة للورق", "1701"),
    ]
}

/// Who a request comes from, for the expected visibility.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Anonymous,
    State(&'static str),
    /// Organization-wide key with the search scope only.
    Secretariat,
    /// Organization-wide admin key.
    Admin,
}

/// Returns whether `who` may read `record`, by the rules of docs/access.md.
fn may_see(who: Who, record: &Value) -> bool {
    let visibility = record["visibility"].as_str().unwrap();
    let country = record["country"].as_str().unwrap();
    match (who, visibility) {
        (_, "public") => true,
        (Who::Anonymous, _) => false,
        (_, "gcc") => true,
        (Who::State(own), "national") => own == country,
        (Who::Admin, "national") => true,
        _ => false,
    }
}

/// Tokens by role, created with `gip keys create`.
struct Keys {
    tokens: HashMap<&'static str, String>,
}

impl Keys {
    fn token(&self, role: &str) -> &str {
        self.tokens.get(role).unwrap_or_else(|| panic!("no key for role {role}"))
    }
}

fn create_key(model: &Path, data: &Path, name: &str, country: Option<&str>, scopes: &str) -> String {
    let mut command = gip(model);
    command.args(["keys", "create", "--json", "--name", name, "--scopes", scopes, "--data-dir"]).arg(data);
    if let Some(country) = country {
        command.args(["--country", country]);
    }
    let output = command.output().expect("failed to run gip keys create");
    assert!(output.status.success(), "gip keys create failed: {}", String::from_utf8_lossy(&output.stderr));
    let created: Value = serde_json::from_slice(&output.stdout).expect("gip keys create --json prints JSON");
    created["token"].as_str().expect("output has a token").to_string()
}

fn revoke_key(model: &Path, data: &Path, token: &str) {
    let id = token.split('_').nth(1).expect("token has an id part");
    let output = gip(model).args(["keys", "revoke", id, "--data-dir"]).arg(data).output().unwrap();
    assert!(output.status.success(), "gip keys revoke failed: {}", String::from_utf8_lossy(&output.stderr));
}

fn make_keys(model: &Path, data: &Path) -> Keys {
    let mut tokens = HashMap::new();
    tokens.insert("sa", create_key(model, data, "sa-portal", Some("SA"), "search"));
    tokens.insert("sa_writer", create_key(model, data, "sa-sync", Some("SA"), "search,ingest"));
    tokens.insert("sa_ingest_only", create_key(model, data, "sa-push", Some("SA"), "ingest"));
    tokens.insert("ae", create_key(model, data, "ae-portal", Some("AE"), "search,ingest"));
    tokens.insert("secretariat", create_key(model, data, "secretariat-portal", None, "search"));
    tokens.insert("admin", create_key(model, data, "secretariat-admin", None, "admin"));
    let revoked = create_key(model, data, "old-om-key", Some("OM"), "search");
    revoke_key(model, data, &revoked);
    tokens.insert("revoked", revoked);
    Keys { tokens }
}

/// A server over the fixture, with its keys and data folder.
struct Fixture {
    server: Server,
    keys: Keys,
    data: PathBuf,
    model: PathBuf,
}

fn start_fixture(serve_args: &[&str]) -> Fixture {
    let model = model_dir().expect("checked by the caller");
    let dir = tempfile::Builder::new().prefix("gip-access-").tempdir().unwrap();
    let input = dir.path().join("records.jsonl");
    let lines: Vec<String> = fixture().iter().map(Value::to_string).collect();
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let data = dir.path().join("index");
    let run = index_file(&model, &input, &data, &[]);
    assert_eq!(run.count("indexed"), fixture().len() as u64, "summary: {}", run.summary);

    let keys = make_keys(&model, &data);
    let server = Server::spawn_with(&model, &data, &dir.path().join("serve.log"), Some(dir.path()), serve_args);
    wait_ready(&server);
    let _ = dir.keep();
    Fixture { server, keys, data, model }
}

fn wait_ready(server: &Server) {
    let started = std::time::Instant::now();
    while server.get("/readyz").status != 200 {
        assert!(started.elapsed().as_secs() < 300, "server not ready; log:\n{}", server.log());
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

/// The read-only fixture server, shared by the tests of this binary that
/// write nothing (or only writes that must be rejected).
fn read_fixture() -> Option<&'static Fixture> {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    model_dir()?;
    Some(FIXTURE.get_or_init(|| start_fixture(&["--rate-limit", "0"])))
}

fn call(fixture: &Fixture, method: &str, path: &str, token: Option<&str>, body: Option<&str>) -> Response {
    let bearer = token.map(|t| format!("Bearer {t}"));
    let headers: Vec<(&str, &str)> = bearer.iter().map(|b| ("authorization", b.as_str())).collect();
    request(method, &fixture.server.url(path), &headers, body)
}

fn search(fixture: &Fixture, token: Option<&str>, params: &[(&str, &str)]) -> Value {
    let query: String = params
        .iter()
        .map(|(k, v)| format!("{k}={}", url_encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let response = call(fixture, "GET", &format!("/v1/search?{query}"), token, None);
    assert_eq!(response.status, 200, "search {params:?}: {}", response.body);
    response.json()
}

fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Fails when `body` names a marker of a record `who` may not see.
/// Markers that the request itself sent (`sent`) are skipped, because
/// responses may echo the request.
fn assert_no_leak(who: Who, body: &str, sent: &str, context: &str) {
    let records = fixture();
    let lower = body.to_lowercase();
    let sent = sent.to_lowercase();
    for (id, marker) in MARKERS {
        let record = records.iter().find(|r| r["id"] == id).unwrap();
        if !may_see(who, record) && !sent.contains(marker) {
            assert!(!lower.contains(marker), "{context}: response to {who:?} leaks {id} ({marker}): {body}");
        }
    }
}

fn facet_count(response: &Value, facet: &str, value: &str) -> u64 {
    response["facets"][facet]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["value"] == value)
        .map(|f| f["count"].as_u64().unwrap())
        .unwrap_or(0)
}

#[test]
fn national_record_hidden_from_others() {
    let Some(fx) = read_fixture() else { return };
    let records = fixture();
    let callers = [
        (Who::Anonymous, None),
        (Who::State("SA"), Some(fx.keys.token("sa"))),
        (Who::Secretariat, Some(fx.keys.token("secretariat"))),
    ];

    for (who, token) in callers {
        let visible: Vec<&Value> = records.iter().filter(|r| may_see(who, r)).collect();
        let visible_ae = visible.iter().filter(|r| r["country"] == "AE").count() as u64;

        // Search in every mode, for the hidden record's own words.
        for mode in ["hybrid", "semantic", "keyword"] {
            for q in ["Zirconia Ceramics Works", "مصنع سيراميك الزركونيا", "zirconia"] {
                let response = search(fx, token, &[("q", q), ("mode", mode), ("limit", "100")]);
                let context = format!("{who:?} {mode} {q:?}");
                assert!(!hit_ids(&response).contains(&"AE-NAT-1".to_string()), "{context}: hit AE-NAT-1");
                // Hits and facets only: the interpretation echoes the question.
                let results = json!([response["hits"], response["facets"]]).to_string();
                assert_no_leak(who, &results, "", &context);
                assert!(facet_count(&response, "country", "AE") <= visible_ae, "{context}: AE facet counts hidden records");
                if mode != "keyword" {
                    assert_eq!(response["total"], visible.len() as u64, "{context}: total counts hidden records");
                    assert_eq!(facet_count(&response, "country", "AE"), visible_ae, "{context}: AE facet");
                }
            }
        }

        // A filter on the hidden record's state counts only visible records.
        let response = search(fx, token, &[("q", "ceramics"), ("mode", "semantic"), ("country", "AE")]);
        assert_eq!(response["total"], visible_ae, "{who:?}: total of country=AE");

        // Get, similar of it, and similar of its neighbours.
        let response = call(fx, "GET", "/v1/projects/AE-NAT-1", token, None);
        assert_eq!(response.status, 404, "{who:?} get: {}", response.body);
        assert_no_leak(who, &response.body, "", "get");
        let response = call(fx, "GET", "/v1/projects/AE-NAT-1/similar", token, None);
        assert_eq!(response.status, 404, "{who:?} similar: {}", response.body);
        for neighbour in ["AE-PUB-1", "SA-PUB-2"] {
            let response = call(fx, "GET", &format!("/v1/projects/{neighbour}/similar"), token, None);
            assert_eq!(response.status, 200, "{who:?} similar of {neighbour}: {}", response.body);
            let hits = hit_ids(&response.json());
            assert!(!hits.contains(&"AE-NAT-1".to_string()), "{who:?}: similar of {neighbour} lists AE-NAT-1");
            assert_no_leak(who, &response.body, "", "similar");
        }
    }
}

#[test]
fn national_record_visible_to_own_state() {
    let Some(fx) = read_fixture() else { return };
    let ae_national = &fixture()[0];
    for (role, who) in [("ae", Who::State("AE")), ("admin", Who::Admin)] {
        assert!(may_see(who, ae_national), "the fixture's rules let {who:?} see AE-NAT-1");
        let token = Some(fx.keys.token(role));
        let response = search(fx, token, &[("q", "zirconia"), ("mode", "keyword")]);
        assert_eq!(hit_ids(&response).first().map(String::as_str), Some("AE-NAT-1"), "{role}: {response}");

        let response = call(fx, "GET", "/v1/projects/AE-NAT-1", token, None);
        assert_eq!(response.status, 200, "{role} get: {}", response.body);
        assert_eq!(response.json()["project"]["record"]["visibility"], "national");

        let response = call(fx, "GET", "/v1/projects/AE-NAT-1/similar", token, None);
        assert_eq!(response.status, 200, "{role} similar: {}", response.body);
    }

    // The AE key sees its own national record but not Saudi Arabia's or Oman's.
    let response = search(fx, Some(fx.keys.token("ae")), &[("q", "beryllium vanadium"), ("mode", "keyword")]);
    assert!(hit_ids(&response).is_empty(), "AE key sees another state's national record: {response}");
    assert_eq!(response["total"], 0);
    let response = search(fx, Some(fx.keys.token("admin")), &[("q", "beryllium vanadium"), ("mode", "keyword")]);
    let mut hits = hit_ids(&response);
    hits.sort();
    assert_eq!(hits, ["OM-NAT-1", "SA-NAT-1"], "admin key sees every state's national records");
}

#[test]
fn gcc_records_need_a_key() {
    let Some(fx) = read_fixture() else { return };
    let response = search(fx, None, &[("q", "tungsten carbide"), ("mode", "keyword")]);
    assert!(hit_ids(&response).is_empty(), "anonymous caller sees a gcc record: {response}");
    let response = search(fx, Some(fx.keys.token("sa")), &[("q", "tungsten carbide"), ("mode", "keyword")]);
    assert_eq!(hit_ids(&response), ["QA-GCC-1"], "any state's key sees gcc records");
}

/// One hostile or malformed request and the response it must get.
struct Case {
    name: &'static str,
    method: &'static str,
    path: String,
    headers: Vec<(&'static str, String)>,
    body: Option<String>,
    status: u16,
    code: &'static str,
    /// Whose view the response must not exceed.
    who: Who,
}

fn case(name: &'static str, method: &'static str, path: &str, status: u16, code: &'static str) -> Case {
    Case { name, method, path: path.to_string(), headers: vec![], body: None, status, code, who: Who::Anonymous }
}

impl Case {
    fn bearer(mut self, token: &str, who: Who) -> Self {
        self.headers.push(("authorization", format!("Bearer {token}")));
        self.who = who;
        self
    }

    fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_string()));
        self
    }

    fn body(mut self, body: impl Into<String>) -> Self {
        self.body = Some(body.into());
        self
    }
}

#[test]
fn hostile_requests_get_4xx() {
    let Some(fx) = read_fixture() else { return };
    let sa = fx.keys.token("sa");
    let sa_writer = fx.keys.token("sa_writer");
    let sa_ingest_only = fx.keys.token("sa_ingest_only");
    let revoked = fx.keys.token("revoked");
    let sa_who = Who::State("SA");
    let unknown_key = format!("gip_{}_{}", "0".repeat(12), "0".repeat(64));
    let deep = format!("{}{}", "[".repeat(20_000), "]".repeat(20_000));
    let big_batch = json!({"records": vec![json!({"id": "x"}); 1001]}).to_string();
    let sa_record = |id: &str| record(id, "SA", "public", "Probe Plant", "مصنع اختبار", "2410").to_string();

    let cases = vec![
        // Keys: malformed, unknown, revoked.
        case("garbage bearer", "GET", "/v1/search?q=steel", 401, "invalid_key").header("authorization", "Bearer nonsense"),
        case("basic auth", "GET", "/v1/search?q=steel", 401, "invalid_key").header("authorization", "Basic dXNlcjpwYXNz"),
        case("empty bearer", "GET", "/v1/search?q=steel", 401, "invalid_key").header("authorization", "Bearer"),
        case("unknown key", "GET", "/v1/search?q=steel", 401, "invalid_key").bearer(&unknown_key, Who::Anonymous),
        case("revoked key", "GET", "/v1/search?q=steel", 401, "key_revoked").bearer(revoked, Who::Anonymous),
        case("sql in api key", "GET", "/v1/search?q=steel", 401, "invalid_key").header("x-api-key", "' OR 1=1 --"),
        case("uppercase key", "GET", "/v1/search?q=steel", 401, "invalid_key").bearer(&sa.to_uppercase(), Who::Anonymous),
        case("huge key", "GET", "/v1/search?q=steel", 401, "invalid_key").header("x-api-key", &"a".repeat(8000)),
        case("revoked key on get", "GET", "/v1/projects/SA-PUB-1", 401, "key_revoked").bearer(revoked, Who::Anonymous),
        // Filters that try to widen access.
        case("visibility param", "GET", "/v1/search?q=zirconia&visibility=national", 400, "invalid_parameter"),
        case("national countries param", "GET", "/v1/search?q=zirconia&national_countries=AE", 400, "invalid_parameter")
            .bearer(sa, sa_who),
        case("visibility in body", "POST", "/v1/search", 400, "invalid_parameter").body(r#"{"q":"zirconia","visibility":["national"]}"#),
        case("nested filter in body", "POST", "/v1/search", 400, "invalid_parameter")
            .body(r#"{"q":"zirconia","filter":{"should":[{"key":"visibility","match":{"value":"national"}}]}}"#),
        case("quote in country", "GET", "/v1/search?q=x&country=AE%27%20OR%20%271%27%3D%271", 400, "invalid_parameter"),
        // Malformed bodies.
        case("deeply nested body", "POST", "/v1/search", 400, "invalid_parameter").body(deep.clone()),
        case("bad escape", "POST", "/v1/search", 400, "invalid_parameter").body(r#"{"q":"\uZZZZ"}"#),
        case("lone surrogate", "POST", "/v1/search", 400, "invalid_parameter").body(r#"{"q":"\ud800"}"#),
        case("number as question", "POST", "/v1/search", 400, "invalid_parameter").body(r#"{"q":5}"#),
        case("string as limit", "POST", "/v1/search", 400, "invalid_parameter").body(r#"{"q":"steel","limit":"ten"}"#),
        case("negative limit", "GET", "/v1/search?q=steel&limit=-1", 400, "invalid_parameter"),
        case("oversized search body", "POST", "/v1/search", 413, "body_too_large")
            .body(format!(r#"{{"q":"{}"}}"#, "a".repeat(100_000))),
        // Reads of hidden records.
        case("get national anonymous", "GET", "/v1/projects/AE-NAT-1", 404, "not_found"),
        case("get national other state", "GET", "/v1/projects/AE-NAT-1", 404, "not_found").bearer(sa, sa_who),
        case("get gcc anonymous", "GET", "/v1/projects/QA-GCC-1", 404, "not_found"),
        case("similar national other state", "GET", "/v1/projects/AE-NAT-1/similar", 404, "not_found").bearer(sa, sa_who),
        case("path traversal id", "GET", "/v1/projects/..%2F..%2Fetc%2Fpasswd", 404, "not_found"),
        case("search with ingest-only key", "GET", "/v1/search?q=steel", 403, "missing_scope").bearer(sa_ingest_only, sa_who),
        // Writes without the right key.
        case("anonymous batch", "POST", "/v1/projects", 401, "key_required").body(format!(r#"{{"records":[{}]}}"#, sa_record("SA-X-1"))),
        case("search key batch", "POST", "/v1/projects", 403, "missing_scope")
            .bearer(sa, sa_who)
            .body(format!(r#"{{"records":[{}]}}"#, sa_record("SA-X-1"))),
        case("anonymous delete", "DELETE", "/v1/projects/SA-PUB-1", 401, "key_required"),
        case("search key delete", "DELETE", "/v1/projects/SA-PUB-1", 403, "missing_scope").bearer(sa, sa_who),
        // Writes to another state.
        case("put other state record", "PUT", "/v1/projects/AE-X-1", 403, "forbidden_country")
            .bearer(sa_writer, sa_who)
            .body(record("AE-X-1", "AE", "public", "Probe Plant", "مصنع اختبار", "2410").to_string()),
        case("take over other state id", "PUT", "/v1/projects/AE-PUB-1", 403, "forbidden_country")
            .bearer(sa_writer, sa_who)
            .body(sa_record("AE-PUB-1")),
        case("take over hidden id", "PUT", "/v1/projects/AE-NAT-1", 403, "forbidden_country")
            .bearer(sa_writer, sa_who)
            .body(sa_record("AE-NAT-1")),
        case("delete other state public", "DELETE", "/v1/projects/AE-PUB-1", 403, "forbidden_country").bearer(sa_writer, sa_who),
        case("delete other state hidden", "DELETE", "/v1/projects/AE-NAT-1", 404, "not_found").bearer(sa_writer, sa_who),
        // Malformed writes.
        case("id mismatch", "PUT", "/v1/projects/SA-X-2", 400, "id_mismatch").bearer(sa_writer, sa_who).body(sa_record("SA-X-3")),
        case("invalid record", "PUT", "/v1/projects/SA-X-4", 422, "invalid_record")
            .bearer(sa_writer, sa_who)
            .body(r#"{"country":"SA","visibility":"secret","sector":{"isic":"99999"},"status":"done"}"#),
        case("batch not an object", "POST", "/v1/projects", 400, "invalid_parameter").bearer(sa_writer, sa_who).body("[1,2]"),
        case("batch extra field", "POST", "/v1/projects", 400, "invalid_parameter")
            .bearer(sa_writer, sa_who)
            .body(r#"{"records":[],"visibility":"national"}"#),
        case("empty batch", "POST", "/v1/projects", 400, "invalid_batch_size").bearer(sa_writer, sa_who).body(r#"{"records":[]}"#),
        case("batch over 1000", "POST", "/v1/projects", 400, "invalid_batch_size").bearer(sa_writer, sa_who).body(big_batch),
        case("deeply nested batch", "POST", "/v1/projects", 400, "invalid_parameter")
            .bearer(sa_writer, sa_who)
            .body(format!(r#"{{"records":{deep}}}"#)),
    ];
    assert!(cases.len() >= 30, "the table has {} cases", cases.len());

    let mut failures = Vec::new();
    for case in &cases {
        let headers: Vec<(&str, &str)> = case.headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let response = request(case.method, &fx.server.url(&case.path), &headers, case.body.as_deref());
        let code = serde_json::from_str::<Value>(&response.body).ok().and_then(|b| b["code"].as_str().map(str::to_string));
        if response.status != case.status || code.as_deref() != Some(case.code) {
            failures.push(format!("{}: expected {} {}, got {} {}", case.name, case.status, case.code, response.status, response.body));
        }
        let sent = format!("{} {}", case.path, case.body.as_deref().unwrap_or_default());
        assert_no_leak(case.who, &response.body, &sent, case.name);
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));

    // The rejected writes changed nothing.
    let response = call(fx, "GET", "/v1/projects/AE-PUB-1", None, None);
    assert_eq!(response.json()["project"]["record"]["country"], "AE");
    assert_eq!(call(fx, "GET", "/v1/projects/AE-NAT-1", Some(fx.keys.token("ae")), None).status, 200);
    assert_eq!(call(fx, "GET", "/v1/projects/AE-X-1", Some(fx.keys.token("admin")), None).status, 404);
}

#[test]
fn ingestion_api_writes_and_audits() {
    if model_dir().is_none() {
        return;
    }
    let fx = start_fixture(&["--rate-limit", "0"]);
    let writer = fx.keys.token("sa_writer");
    let new_record = record("SA-NEW-1", "SA", "public", "Molybdenum Catalyst Plant", "مصنع محفزات الموليبدينوم", "2011");

    // 1. A batch: one valid record, another state's, an invalid one and a repeated id.
    let batch = json!({"records": [
        new_record,
        record("AE-NEW-1", "AE", "public", "Probe Plant", "مصنع اختبار", "2410"),
        {"id": "SA-NEW-2", "country": "SA"},
        new_record,
    ]});
    let response = call(&fx, "POST", "/v1/projects", Some(writer), Some(&batch.to_string()));
    assert_eq!(response.status, 200, "{}", response.body);
    let outcome = response.json();
    assert_eq!(outcome["created"], 1, "{outcome}");
    assert_eq!(outcome["rejected"], 3, "{outcome}");
    let rejected: Vec<(u64, String)> = outcome["rejected_records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["index"].as_u64().unwrap(), r["problems"][0]["field"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(rejected[0], (1, "country".to_string()));
    assert_eq!(rejected[1].0, 2);
    assert_eq!(rejected[2], (3, "id".to_string()));
    for problem in outcome["rejected_records"].as_array().unwrap().iter().flat_map(|r| r["problems"].as_array().unwrap()) {
        assert!(common::has_arabic(problem["reason_ar"].as_str().unwrap()), "problem without Arabic: {problem}");
    }

    // 2. The new record is searchable, by anonymous callers too (it is public).
    let response = search(&fx, None, &[("q", "molybdenum"), ("mode", "keyword")]);
    assert_eq!(hit_ids(&response), ["SA-NEW-1"]);

    // 3. Sending it again writes nothing.
    let again = json!({"records": [record("SA-NEW-1", "SA", "public", "Molybdenum Catalyst Plant", "مصنع محفزات الموليبدينوم", "2011")]});
    // Padding puts the body over the 64 KiB limit of searches; writes take up to 16 MiB.
    let padded = format!("{}{again}", " ".repeat(200_000));
    let response = call(&fx, "POST", "/v1/projects", Some(writer), Some(&padded));
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(response.json()["unchanged"], 1, "{}", response.body);

    // 4. PUT: update, then create a national record.
    let mut changed = record("SA-NEW-1", "SA", "public", "Molybdenum Catalyst Plant", "مصنع محفزات الموليبدينوم", "2011");
    changed["description"]["en"] = json!("Produces hydrotreating catalysts from cobalt and molybdenum.");
    let response = call(&fx, "PUT", "/v1/projects/SA-NEW-1", Some(writer), Some(&changed.to_string()));
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(response.json()["status"], "updated");
    let response = search(&fx, None, &[("q", "hydrotreating cobalt"), ("mode", "keyword")]);
    assert_eq!(hit_ids(&response), ["SA-NEW-1"], "the update is searchable");

    let national = record("SA-NEW-3", "SA", "national", "Niobium Powder Works", "مصنع مسحوق النيوبيوم", "2410");
    let response = call(&fx, "PUT", "/v1/projects/SA-NEW-3", Some(writer), Some(&national.to_string()));
    assert_eq!(response.status, 201, "{}", response.body);
    assert_eq!(call(&fx, "GET", "/v1/projects/SA-NEW-3", None, None).status, 404);
    assert_eq!(call(&fx, "GET", "/v1/projects/SA-NEW-3", Some(fx.keys.token("ae")), None).status, 404);
    assert_eq!(call(&fx, "GET", "/v1/projects/SA-NEW-3", Some(fx.keys.token("sa")), None).status, 200);

    // 5. Delete: another state's key may not; the own state's key may.
    let response = call(&fx, "DELETE", "/v1/projects/SA-NEW-1", Some(fx.keys.token("ae")), None);
    assert_eq!(response.status, 403, "{}", response.body);
    let response = call(&fx, "DELETE", "/v1/projects/SA-NEW-1", Some(writer), None);
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(call(&fx, "GET", "/v1/projects/SA-NEW-1", None, None).status, 404);
    assert_eq!(call(&fx, "DELETE", "/v1/projects/SA-NEW-1", Some(writer), None).status, 404);

    // 6. The audit log names key ids, never tokens, and no question text.
    let audit = std::fs::read_to_string(fx.data.join("audit.jsonl")).expect("audit log exists");
    let events: Vec<Value> = audit.lines().map(|l| serde_json::from_str(l).expect("audit line is JSON")).collect();
    for token in fx.keys.tokens.values() {
        let secret = token.rsplit('_').next().unwrap();
        assert!(!audit.contains(secret), "the audit log contains a token");
    }
    assert!(!audit.contains("molybdenum"), "the audit log contains question text");
    let writer_id = writer.split('_').nth(1).unwrap();
    let ingest = events.iter().find(|e| e["action"] == "ingest").expect("an ingest event");
    assert_eq!(ingest["key_id"], writer_id);
    assert_eq!(ingest["key_country"], "SA");
    assert_eq!(ingest["ids"], json!(["SA-NEW-1"]));
    let deletes: Vec<&Value> = events.iter().filter(|e| e["action"] == "delete").collect();
    assert_eq!(deletes.len(), 3, "{deletes:?}");
    assert_eq!(deletes[0]["error"], "forbidden_country");
    assert_eq!(deletes[1]["status"], 200);
    let searches: Vec<&Value> = events.iter().filter(|e| e["action"] == "search").collect();
    assert!(searches.iter().all(|e| e["key_id"] == "anonymous" && e.get("total").is_some()), "{searches:?}");
    let _ = &fx.model;
}

#[test]
fn rate_limit_and_revocation() {
    let Some(model) = model_dir() else { return };
    let dir = tempfile::Builder::new().prefix("gip-limit-").tempdir().unwrap();
    let data = dir.path().join("index");
    std::fs::create_dir_all(&data).unwrap();
    let first = create_key(&model, &data, "limited-a", Some("KW"), "search");
    let second = create_key(&model, &data, "limited-b", Some("BH"), "search");
    let args = ["--rate-limit", "6", "--rate-limit-burst", "3", "--anonymous", "off"];
    let server = Server::spawn_with(&model, &data, &dir.path().join("serve.log"), Some(dir.path()), &args);
    wait_ready(&server);
    let _ = dir.keep();
    let fx = Fixture { server, keys: Keys { tokens: HashMap::new() }, data: data.clone(), model: model.clone() };

    // Anonymous access is off.
    let response = call(&fx, "GET", "/v1/search?q=steel", None, None);
    assert_eq!(response.status, 401, "{}", response.body);
    assert_eq!(response.json()["code"], "key_required");
    assert_eq!(response.headers.get("www-authenticate").map(String::as_str), Some("Bearer"));

    // A burst of three, then 429 with Retry-After; the other key is unaffected.
    for i in 0..3 {
        let response = call(&fx, "GET", "/v1/search?q=steel", Some(&first), None);
        assert_eq!(response.status, 200, "request {i}: {}", response.body);
    }
    let response = call(&fx, "GET", "/v1/search?q=steel", Some(&first), None);
    assert_eq!(response.status, 429, "{}", response.body);
    assert_eq!(response.json()["code"], "rate_limited");
    let retry: u64 = response.headers.get("retry-after").expect("Retry-After header").parse().unwrap();
    assert!((1..=10).contains(&retry), "Retry-After {retry}");
    assert_eq!(call(&fx, "GET", "/v1/search?q=steel", Some(&second), None).status, 200);

    // Revoking a key takes effect in the running server.
    revoke_key(&model, &data, &second);
    let response = call(&fx, "GET", "/v1/search?q=steel", Some(&second), None);
    assert_eq!(response.status, 401, "{}", response.body);
    assert_eq!(response.json()["code"], "key_revoked");
}

#[test]
fn keys_list_hides_tokens() {
    let Some(model) = model_dir() else { return };
    let dir = tempfile::tempdir().unwrap();
    let token = create_key(&model, dir.path(), "listed", Some("QA"), "search,ingest");
    let output = gip(&model).args(["keys", "list", "--json", "--data-dir"]).arg(dir.path()).output().unwrap();
    assert!(output.status.success());
    let listed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(listed[0]["country"], "QA");
    assert_eq!(listed[0]["scopes"], json!(["ingest", "search"]));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(!text.contains(token.rsplit('_').next().unwrap()), "keys list prints the token");
    assert!(listed[0].get("hash").is_none(), "keys list prints the hash");

    let output = gip(&model).args(["keys", "create", "--name", "x", "--country", "EG", "--scopes", "search", "--data-dir"]).arg(dir.path()).output().unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("\"EG\""), "error names the country");
}
