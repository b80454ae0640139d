//! Where a model is loaded from, in this order: an explicit `--model-dir`,
//! the local model store under `$GIP_HOME`, then the Hugging Face hub.

use std::path::{Path, PathBuf};

use crate::error::{ModelError, Result};

/// The default model and the hub revision it is pinned to.
pub const DEFAULT_MODEL: &str = "multilingual-e5-small";
pub const DEFAULT_HUB_REPO: &str = "intfloat/multilingual-e5-small";
pub const DEFAULT_HUB_REVISION: &str = "614241f622f53c4eeff9890bdc4f31cfecc418b3";

/// Place a model folder was found in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    ModelDir,
    LocalStore,
    Hub,
}

/// Resolves the folder of the model to load.
#[derive(Debug, Clone)]
pub struct ModelLocator {
    /// `--model-dir`: used alone when given.
    pub model_dir: Option<PathBuf>,
    /// `$GIP_HOME`; the store is `<home>/models/<model name>`.
    pub home: PathBuf,
    pub hub_repo: String,
    pub hub_revision: String,
}

impl ModelLocator {
    pub fn new(model_dir: Option<PathBuf>, home: Option<PathBuf>) -> Self {
        Self {
            model_dir,
            home: home.unwrap_or_else(default_home),
            hub_repo: DEFAULT_HUB_REPO.into(),
            hub_revision: DEFAULT_HUB_REVISION.into(),
        }
    }

    /// Folder of the default model in the local store.
    pub fn store_dir(&self) -> PathBuf {
        self.home.join("models").join(DEFAULT_MODEL)
    }

    /// Returns the first place that contains a loadable model, or one error
    /// naming every place tried and why each failed.
    pub fn locate(&self) -> Result<(PathBuf, Origin)> {
        if let Some(dir) = &self.model_dir {
            return match check_dir(dir) {
                Ok(()) => Ok((dir.clone(), Origin::ModelDir)),
                Err(reason) => Err(ModelError::NotFound {
                    tried: format!("  1. --model-dir {}: {reason}", dir.display()),
                }),
            };
        }

        let mut tried = Vec::new();
        let store = self.store_dir();
        match check_dir(&store) {
            Ok(()) => return Ok((store, Origin::LocalStore)),
            Err(reason) => tried.push(format!("  1. local model store {}: {reason}", store.display())),
        }

        match self.download_from_hub() {
            Ok(dir) => return Ok((dir, Origin::Hub)),
            Err(reason) => tried.push(format!(
                "  2. Hugging Face hub {}@{}: {reason}",
                self.hub_repo, self.hub_revision
            )),
        }
        Err(ModelError::NotFound { tried: tried.join("\n") })
    }

    fn download_from_hub(&self) -> std::result::Result<PathBuf, String> {
        let offline = std::env::var("HF_HUB_OFFLINE").is_ok_and(|v| !v.is_empty() && v != "0");
        if offline {
            return Err("skipped because HF_HUB_OFFLINE is set".into());
        }
        // `from_env` honours HF_HOME and HF_ENDPOINT.
        let api = hf_hub::api::sync::ApiBuilder::from_env()
            .with_progress(false)
            .build()
            .map_err(|e| format!("cannot start the hub client: {e}"))?;
        let repo = api.repo(hf_hub::Repo::with_revision(
            self.hub_repo.clone(),
            hf_hub::RepoType::Model,
            self.hub_revision.clone(),
        ));
        let mut last = None;
        for file in ["config.json", "tokenizer.json", "model.safetensors"] {
            let path = repo.get(file).map_err(|e| format!("download of {file} failed: {e}"))?;
            last = Some(path);
        }
        last.and_then(|p| p.parent().map(Path::to_path_buf))
            .ok_or_else(|| "the hub returned no files".into())
    }
}

/// `$GIP_HOME`, else `<user data dir>/gip` (for example `~/.local/share/gip`).
pub fn default_home() -> PathBuf {
    if let Some(home) = std::env::var_os("GIP_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(home);
    }
    dirs::data_dir().map(|d| d.join("gip")).unwrap_or_else(|| PathBuf::from(".gip"))
}

/// Checks that `dir` contains a model this crate can load; the error says what is missing.
pub fn check_dir(dir: &Path) -> std::result::Result<(), String> {
    if !dir.is_dir() {
        return Err("folder does not exist".into());
    }
    if dir.join(crate::import::GGUF_FILE_NAME).is_file() {
        return Ok(());
    }
    let has_safetensors = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .any(|e| e.path().extension().is_some_and(|x| x == "safetensors"))
        })
        .unwrap_or(false);
    let mut missing = Vec::new();
    for file in ["config.json", "tokenizer.json"] {
        if !dir.join(file).is_file() {
            missing.push(file);
        }
    }
    if !has_safetensors {
        missing.push("*.safetensors");
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("no {} and missing {}", crate::import::GGUF_FILE_NAME, missing.join(", ")))
    }
}
