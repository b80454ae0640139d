//! `gip keys create|list|revoke`: API keys of the HTTP service.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use gip_service::auth::{KeyStore, Scope};

use super::Cli;
use super::index::StoreArgs;

/// Name of the key file inside the data folder.
pub const KEY_FILE: &str = "keys.json";

#[derive(Subcommand)]
pub enum KeysCommand {
    /// Create a key and print its token once; only a hash of it is stored.
    Create(CreateArgs),
    /// List keys (never their tokens).
    List(FileArgs),
    /// Revoke a key; a running server rejects it from its next request.
    Revoke(RevokeArgs),
}

#[derive(Args)]
pub struct FileArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Key file (default: keys.json in the data folder).
    #[arg(long, env = "GIP_KEYS")]
    keys: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct CreateArgs {
    /// A name saying who uses the key, e.g. "sa-ministry-portal".
    #[arg(long)]
    name: String,
    /// Member state of the key (SA, AE, QA, KW, BH, OM); leave out for an organization-wide key.
    #[arg(long)]
    country: Option<String>,
    /// Comma-separated scopes: search, ingest, admin.
    #[arg(long, value_delimiter = ',', required = true)]
    scopes: Vec<String>,
    #[command(flatten)]
    file: FileArgs,
}

#[derive(Args)]
pub struct RevokeArgs {
    /// Id of the key, as `gip keys list` shows it.
    id: String,
    #[command(flatten)]
    file: FileArgs,
}

impl FileArgs {
    fn open(&self, cli: &Cli) -> anyhow::Result<KeyStore> {
        let path = self.keys.clone().unwrap_or_else(|| self.store.dir(cli).join(KEY_FILE));
        Ok(KeyStore::open(&path)?)
    }
}

pub fn run(cli: &Cli, command: &KeysCommand) -> anyhow::Result<ExitCode> {
    match command {
        KeysCommand::Create(args) => {
            let scopes = args.scopes.iter().map(|s| Scope::parse(s)).collect::<Result<Vec<_>, _>>()?;
            let store = args.file.open(cli)?;
            let created = store.create(&args.name, args.country.as_deref(), &scopes)?;
            if args.file.json {
                let key = serde_json::to_value(&created.key)?;
                println!("{}", serde_json::json!({"key": without_hash(key), "token": created.token}));
            } else {
                println!("{}", created.token);
                eprintln!(
                    "created key {} ({}) in {}; the token above is shown only once, so store it now",
                    created.key.id,
                    describe(&created.key),
                    store.path().display()
                );
            }
        }
        KeysCommand::List(args) => {
            let store = args.open(cli)?;
            let keys = store.list()?;
            if args.json {
                let keys: Vec<_> = keys.iter().map(|k| serde_json::to_value(k).map(without_hash)).collect::<Result<_, _>>()?;
                println!("{}", serde_json::to_string_pretty(&keys)?);
            } else if keys.is_empty() {
                eprintln!("no keys in {}", store.path().display());
            } else {
                println!("{:<12}  {:<8}  {:<20}  {:<24}  {}", "ID", "STATE", "SCOPES", "NAME", "CREATED / REVOKED");
                for key in &keys {
                    let scopes: Vec<&str> = key.scopes.iter().map(|s| s.as_str()).collect();
                    let revoked = key.revoked_at.as_deref().map(|t| format!(" / revoked {t}")).unwrap_or_default();
                    println!(
                        "{:<12}  {:<8}  {:<20}  {:<24}  {}{revoked}",
                        key.id,
                        key.country.as_deref().unwrap_or("GCC-wide"),
                        scopes.join(","),
                        key.name,
                        key.created_at
                    );
                }
            }
        }
        KeysCommand::Revoke(args) => {
            let store = args.file.open(cli)?;
            let key = store.revoke(&args.id)?;
            eprintln!("revoked key {} ({})", key.id, describe(&key));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn describe(key: &gip_service::auth::StoredKey) -> String {
    let scopes: Vec<&str> = key.scopes.iter().map(|s| s.as_str()).collect();
    format!("{}, {}, scopes {}", key.name, key.country.as_deref().unwrap_or("organization-wide"), scopes.join(","))
}

/// Drops the token hash from output: it is not secret, but no reader needs it.
fn without_hash(mut key: serde_json::Value) -> serde_json::Value {
    if let Some(fields) = key.as_object_mut() {
        fields.remove("hash");
    }
    key
}
