//! API keys and what each caller may read and write.
//!
//! A key is bound to one member state, or to none (organization-wide, for
//! the secretariat), and carries scopes: `search` (read), `ingest` (write)
//! and `admin` (both, and for an organization-wide key every state's
//! national records). The key file stores a SHA-256 hash of each token,
//! never the token, which is printed once when the key is created.
//!
//! Who reads what, by record visibility:
//! - `public`: anyone, and anonymous callers when anonymous access is on;
//! - `gcc`: any key with a read scope;
//! - `national`: keys of the record's state, and organization-wide admin keys.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::RwLock;
use std::time::SystemTime;

use gip_indexer::SearchFilter;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq as _;

/// Member states a key may be bound to.
pub const COUNTRIES: [&str; 6] = ["SA", "AE", "QA", "KW", "BH", "OM"];

/// Prefix of every token, so a leaked token is easy to recognize in logs
/// and by secret scanners.
const TOKEN_PREFIX: &str = "gip_";
const KEY_ID_BYTES: usize = 6;
const SECRET_BYTES: usize = 32;

/// Permission that a key grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Search,
    Ingest,
    Admin,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Search => "search",
            Self::Ingest => "ingest",
            Self::Admin => "admin",
        }
    }

    pub fn parse(value: &str) -> Result<Self, KeyError> {
        match value.trim() {
            "search" => Ok(Self::Search),
            "ingest" => Ok(Self::Ingest),
            "admin" => Ok(Self::Admin),
            other => Err(KeyError::InvalidScope(other.to_string())),
        }
    }
}

/// One stored key. `hash` is the hex SHA-256 of the whole token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredKey {
    pub id: String,
    pub name: String,
    /// Member state of the key; `None` for an organization-wide key.
    pub country: Option<String>,
    pub scopes: Vec<Scope>,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
    pub hash: String,
}

impl StoredKey {
    pub fn is_revoked(&self) -> bool {
        self.revoked_at.is_some()
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct KeyFile {
    version: u32,
    keys: Vec<StoredKey>,
}

const KEY_FILE_VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("scope {0:?} is not one of search, ingest, admin")]
    InvalidScope(String),
    #[error("country {0:?} is not a member state; use one of SA, AE, QA, KW, BH, OM, or omit --country for an organization-wide key")]
    InvalidCountry(String),
    #[error("a key needs at least one scope: search, ingest or admin")]
    NoScope,
    #[error("key name {0:?} is empty or longer than 100 characters; give a short name such as \"sa-portal\"")]
    InvalidName(String),
    #[error("no key with id {0:?} in {1}; `gip keys list` shows the ids")]
    UnknownKey(String, PathBuf),
    #[error("could not read the key file {0}: {1}")]
    Read(PathBuf, std::io::Error),
    #[error("the key file {0} is not valid: {1}; restore it from a backup or move it away to start with no keys")]
    Corrupt(PathBuf, String),
    #[error("could not write the key file {0}: {1}")]
    Write(PathBuf, std::io::Error),
}

/// Reason a presented token was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFailure {
    /// Not of the form `gip_<id>_<secret>`.
    Malformed,
    /// Well formed, but no stored key matches it.
    Unknown,
    Revoked,
}

/// Identity of the caller, after authentication.
#[derive(Debug, Clone, PartialEq)]
pub enum Caller {
    Anonymous,
    Key(KeyIdentity),
}

/// The parts of a key that decide access, and that logs may show.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyIdentity {
    pub id: String,
    pub name: String,
    pub country: Option<String>,
    pub scopes: Vec<Scope>,
}

impl Caller {
    /// Key id for logs; `anonymous` for callers without a key.
    pub fn key_id(&self) -> &str {
        match self {
            Self::Anonymous => "anonymous",
            Self::Key(key) => &key.id,
        }
    }

    pub fn country(&self) -> Option<&str> {
        match self {
            Self::Anonymous => None,
            Self::Key(key) => key.country.as_deref(),
        }
    }

    fn has(&self, scope: Scope) -> bool {
        match self {
            Self::Anonymous => false,
            Self::Key(key) => key.scopes.contains(&scope) || key.scopes.contains(&Scope::Admin),
        }
    }

    /// True when the caller may search and read records. Anonymous callers
    /// may, within public records; whether they get this far is the
    /// server's anonymous-access setting.
    pub fn may_read(&self) -> bool {
        matches!(self, Self::Anonymous) || self.has(Scope::Search)
    }

    pub fn may_ingest(&self) -> bool {
        self.has(Scope::Ingest)
    }

    /// True when the caller may write records of `country`: a member
    /// state's key writes only its own state's records, an
    /// organization-wide key any state's.
    pub fn may_write_country(&self, country: &str) -> bool {
        match self {
            Self::Anonymous => false,
            Self::Key(key) => self.may_ingest() && key.country.as_deref().is_none_or(|own| own == country),
        }
    }

    /// Returns the visibility part of the filter of every read by this
    /// caller. Its visibility list is never empty, because an empty visibility list means "no constraint"
    /// to the store.
    pub fn read_filter(&self) -> SearchFilter {
        let (visibility, national_countries): (Vec<&str>, Vec<String>) = match self {
            Self::Anonymous => (vec!["public"], vec![]),
            Self::Key(key) => match &key.country {
                Some(country) => (vec!["public", "gcc"], vec![country.clone()]),
                None if key.scopes.contains(&Scope::Admin) => (vec!["public", "gcc", "national"], vec![]),
                None => (vec!["public", "gcc"], vec![]),
            },
        };
        SearchFilter {
            visibility: visibility.into_iter().map(str::to_string).collect(),
            national_countries,
            ..Default::default()
        }
    }
}

/// A new key and its token, which exists only in this value.
pub struct CreatedKey {
    pub key: StoredKey,
    pub token: String,
}

impl fmt::Debug for CreatedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreatedKey").field("key", &self.key).field("token", &"<redacted>").finish()
    }
}

/// The key file, loaded once and loaded again whenever the file changes on
/// disk, so `gip keys revoke` takes effect in a running server at its next
/// request.
pub struct KeyStore {
    path: PathBuf,
    loaded: RwLock<Loaded>,
}

#[derive(Default)]
struct Loaded {
    keys: Vec<StoredKey>,
    modified: Option<SystemTime>,
    len: u64,
}

impl KeyStore {
    /// Opens the key file at `path`; a missing file means no keys yet.
    pub fn open(path: &Path) -> Result<Self, KeyError> {
        let store = Self { path: path.to_path_buf(), loaded: RwLock::new(Loaded::default()) };
        store.reload_if_changed()?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Returns every key, revoked ones included, in creation order.
    pub fn list(&self) -> Result<Vec<StoredKey>, KeyError> {
        self.reload_if_changed()?;
        Ok(self.loaded.read().unwrap_or_else(|e| e.into_inner()).keys.clone())
    }

    /// Creates a key and saves the file. The token is in the result only.
    pub fn create(&self, name: &str, country: Option<&str>, scopes: &[Scope]) -> Result<CreatedKey, KeyError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(KeyError::InvalidName(name.to_string()));
        }
        let country = match country.map(|c| c.trim().to_ascii_uppercase()) {
            Some(c) if COUNTRIES.contains(&c.as_str()) => Some(c),
            Some(c) => return Err(KeyError::InvalidCountry(c)),
            None => None,
        };
        if scopes.is_empty() {
            return Err(KeyError::NoScope);
        }
        let mut scopes = scopes.to_vec();
        scopes.sort_by_key(|s| s.as_str());
        scopes.dedup();

        let id = random_hex(KEY_ID_BYTES);
        let token = format!("{TOKEN_PREFIX}{id}_{}", random_hex(SECRET_BYTES));
        let key = StoredKey {
            id,
            name: name.to_string(),
            country,
            scopes,
            created_at: now(),
            revoked_at: None,
            hash: token_hash(&token),
        };
        self.update(|keys| {
            keys.push(key.clone());
            Ok(())
        })?;
        Ok(CreatedKey { key, token })
    }

    /// Marks a key revoked; revoking twice keeps the first time.
    pub fn revoke(&self, id: &str) -> Result<StoredKey, KeyError> {
        let mut revoked = None;
        self.update(|keys| {
            let key = keys
                .iter_mut()
                .find(|k| k.id == id)
                .ok_or_else(|| KeyError::UnknownKey(id.to_string(), self.path.clone()))?;
            key.revoked_at.get_or_insert_with(now);
            revoked = Some(key.clone());
            Ok(())
        })?;
        revoked.ok_or_else(|| KeyError::UnknownKey(id.to_string(), self.path.clone()))
    }

    /// Resolves a token to its key.
    pub fn authenticate(&self, token: &str) -> Result<Result<KeyIdentity, AuthFailure>, KeyError> {
        let Some(id) = parse_token(token) else {
            return Ok(Err(AuthFailure::Malformed));
        };
        self.reload_if_changed()?;
        let loaded = self.loaded.read().unwrap_or_else(|e| e.into_inner());
        let Some(key) = loaded.keys.iter().find(|k| k.id == id) else {
            return Ok(Err(AuthFailure::Unknown));
        };
        // Constant-time, so response timing does not reveal how much of a
        // guessed token's hash matched.
        if !bool::from(token_hash(token).as_bytes().ct_eq(key.hash.as_bytes())) {
            return Ok(Err(AuthFailure::Unknown));
        }
        if key.is_revoked() {
            return Ok(Err(AuthFailure::Revoked));
        }
        Ok(Ok(KeyIdentity { id: key.id.clone(), name: key.name.clone(), country: key.country.clone(), scopes: key.scopes.clone() }))
    }

    /// Reads the file again when its modification time or length changed.
    fn reload_if_changed(&self) -> Result<(), KeyError> {
        let metadata = match std::fs::metadata(&self.path) {
            Ok(m) => Some(m),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(KeyError::Read(self.path.clone(), e)),
        };
        let stamp = metadata.as_ref().map(|m| (m.modified().ok(), m.len()));
        {
            let loaded = self.loaded.read().unwrap_or_else(|e| e.into_inner());
            let current = (loaded.modified, loaded.len);
            match stamp {
                None if loaded.keys.is_empty() && loaded.modified.is_none() => return Ok(()),
                Some(stamp) if stamp == current && loaded.modified.is_some() => return Ok(()),
                _ => {}
            }
        }
        let keys = self.read_file()?;
        let mut loaded = self.loaded.write().unwrap_or_else(|e| e.into_inner());
        *loaded = match stamp {
            Some((modified, len)) => Loaded { keys, modified, len },
            None => Loaded::default(),
        };
        Ok(())
    }

    fn read_file(&self) -> Result<Vec<StoredKey>, KeyError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(KeyError::Read(self.path.clone(), e)),
        };
        let file: KeyFile = serde_json::from_str(&text).map_err(|e| KeyError::Corrupt(self.path.clone(), e.to_string()))?;
        if file.version != KEY_FILE_VERSION {
            return Err(KeyError::Corrupt(
                self.path.clone(),
                format!("version {} is not the supported version {KEY_FILE_VERSION}", file.version),
            ));
        }
        Ok(file.keys)
    }

    /// Applies `change` to the keys on disk and saves them atomically
    /// (temporary file, then rename), readable by the owner only.
    fn update(&self, change: impl FnOnce(&mut Vec<StoredKey>) -> Result<(), KeyError>) -> Result<(), KeyError> {
        let mut keys = self.read_file()?;
        change(&mut keys)?;
        let file = KeyFile { version: KEY_FILE_VERSION, keys };
        let text = serde_json::to_string_pretty(&file).map_err(|e| KeyError::Corrupt(self.path.clone(), e.to_string()))?;

        let write_error = |e| KeyError::Write(self.path.clone(), e);
        if let Some(parent) = self.path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(write_error)?;
        }
        let temporary = self.path.with_extension("json.tmp");
        write_private(&temporary, text.as_bytes()).map_err(write_error)?;
        std::fs::rename(&temporary, &self.path).map_err(write_error)?;
        self.reload_if_changed()
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

/// Returns the key id of a well-formed token `gip_<12 hex>_<64 hex>`.
fn parse_token(token: &str) -> Option<&str> {
    let rest = token.strip_prefix(TOKEN_PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    let is_hex = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
    (is_hex(id, KEY_ID_BYTES * 2) && is_hex(secret, SECRET_BYTES * 2)).then_some(id)
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn random_hex(bytes: usize) -> String {
    use rand::RngCore as _;
    let mut buffer = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buffer);
    hex::encode(buffer)
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, KeyStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = KeyStore::open(&dir.path().join("keys.json")).unwrap();
        (dir, store)
    }

    #[test]
    fn created_token_authenticates() {
        let (_dir, store) = store();
        let created = store.create("sa-portal", Some("sa"), &[Scope::Search]).unwrap();
        let identity = store.authenticate(&created.token).unwrap().unwrap();
        assert_eq!(identity.id, created.key.id);
        assert_eq!(identity.country.as_deref(), Some("SA"));
        assert_eq!(identity.scopes, vec![Scope::Search]);
    }

    #[test]
    fn key_file_has_no_token() {
        let (dir, store) = store();
        let created = store.create("secretariat", None, &[Scope::Admin]).unwrap();
        let text = std::fs::read_to_string(dir.path().join("keys.json")).unwrap();
        let secret = created.token.rsplit('_').next().unwrap();
        assert!(!text.contains(secret), "the key file contains the token's secret");
        assert!(text.contains(&created.key.hash));
    }

    #[test]
    fn revoked_key_is_rejected() {
        let (_dir, store) = store();
        let created = store.create("qa-sync", Some("QA"), &[Scope::Ingest]).unwrap();
        store.revoke(&created.key.id).unwrap();
        assert_eq!(store.authenticate(&created.token).unwrap(), Err(AuthFailure::Revoked));
    }

    #[test]
    fn revoke_seen_by_second_store() {
        let (dir, store) = store();
        let created = store.create("om-portal", Some("OM"), &[Scope::Search]).unwrap();
        let server_view = KeyStore::open(&dir.path().join("keys.json")).unwrap();
        assert!(server_view.authenticate(&created.token).unwrap().is_ok());

        store.revoke(&created.key.id).unwrap();
        assert_eq!(server_view.authenticate(&created.token).unwrap(), Err(AuthFailure::Revoked));
    }

    #[test]
    fn wrong_secret_is_unknown() {
        let (_dir, store) = store();
        let created = store.create("kw", Some("KW"), &[Scope::Search]).unwrap();
        let mut forged = created.token.clone();
        let last = forged.pop().unwrap();
        forged.push(if last == '0' { '1' } else { '0' });
        assert_eq!(store.authenticate(&forged).unwrap(), Err(AuthFailure::Unknown));
    }

    #[test]
    fn malformed_tokens_are_rejected() {
        let (_dir, store) = store();
        for token in ["", "gip_", "Bearer x", "gip_abc_def", "gip_0123456789ab_XYZ", &format!("gip_0123456789AB_{}", "a".repeat(64))] {
            assert_eq!(store.authenticate(token).unwrap(), Err(AuthFailure::Malformed), "{token:?}");
        }
    }

    #[test]
    fn create_rejects_bad_input() {
        let (_dir, store) = store();
        assert!(matches!(store.create("x", Some("EG"), &[Scope::Search]), Err(KeyError::InvalidCountry(c)) if c == "EG"));
        assert!(matches!(store.create("x", None, &[]), Err(KeyError::NoScope)));
        assert!(matches!(store.create("  ", None, &[Scope::Search]), Err(KeyError::InvalidName(_))));
        assert!(matches!(Scope::parse("write"), Err(KeyError::InvalidScope(s)) if s == "write"));
    }

    #[test]
    fn corrupt_key_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.json");
        std::fs::write(&path, "{not json").unwrap();
        assert!(matches!(KeyStore::open(&path), Err(KeyError::Corrupt(..))));
    }

    #[test]
    fn read_filter_per_caller() {
        let key = |country: Option<&str>, scopes: Vec<Scope>| {
            Caller::Key(KeyIdentity { id: "k".into(), name: "k".into(), country: country.map(str::to_string), scopes })
        };
        let anonymous = Caller::Anonymous.read_filter();
        assert_eq!(anonymous.visibility, ["public"]);
        assert!(anonymous.national_countries.is_empty());

        let state = key(Some("SA"), vec![Scope::Search]).read_filter();
        assert_eq!(state.visibility, ["public", "gcc"]);
        assert_eq!(state.national_countries, ["SA"]);

        let secretariat = key(None, vec![Scope::Search]).read_filter();
        assert_eq!(secretariat.visibility, ["public", "gcc"]);
        assert!(secretariat.national_countries.is_empty());

        let admin = key(None, vec![Scope::Admin]).read_filter();
        assert_eq!(admin.visibility, ["public", "gcc", "national"]);
    }

    #[test]
    fn write_rights_per_caller() {
        let key = |country: Option<&str>, scopes: Vec<Scope>| {
            Caller::Key(KeyIdentity { id: "k".into(), name: "k".into(), country: country.map(str::to_string), scopes })
        };
        assert!(key(Some("SA"), vec![Scope::Ingest]).may_write_country("SA"));
        assert!(!key(Some("SA"), vec![Scope::Ingest]).may_write_country("AE"));
        assert!(!key(Some("SA"), vec![Scope::Search]).may_write_country("SA"));
        assert!(key(None, vec![Scope::Ingest]).may_write_country("AE"));
        assert!(!Caller::Anonymous.may_write_country("SA"));
        assert!(!key(Some("SA"), vec![Scope::Ingest]).may_read());
        assert!(key(Some("SA"), vec![Scope::Admin]).may_read());
    }
}
