//! Detecting regressions against a saved baseline report.

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::metrics::METRIC_NAMES;
use crate::runner::{EvalReport, GroupSummary, ModeReport};

/// Tolerance CI uses: a metric may fall by up to 0.02 (absolute) before it counts.
pub const DEFAULT_TOLERANCE: f64 = 0.02;

/// Slack for the rounding of a value written to JSON and read back.
const ROUNDING_SLACK: f64 = 1e-9;

/// A metric that fell by more than the tolerance, or a mode or language the
/// baseline measured and the current report lacks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Regression {
    /// Retrieval mode.
    pub mode: String,
    /// `all` for the mean over all queries, or `lang=<tag>` for one language.
    pub scope: String,
    /// Metric name from [`METRIC_NAMES`].
    pub metric: String,
    /// Value in the baseline.
    pub baseline: f64,
    /// Value now, or `None` when the current report lacks the mode or language.
    pub current: Option<f64>,
}

impl fmt::Display for Regression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.current {
            Some(current) => write!(
                f,
                "{} {} {}: {:.4} -> {:.4} (down {:.4})",
                self.mode,
                self.scope,
                self.metric,
                self.baseline,
                current,
                self.baseline - current
            ),
            None => write!(
                f,
                "{} {} {}: {:.4} in the baseline, missing now",
                self.mode, self.scope, self.metric, self.baseline
            ),
        }
    }
}

impl EvalReport {
    /// Lists the regressions of this report against `baseline`.
    ///
    /// The rule: for every mode of the baseline, for the mean over all queries
    /// and for each query language of the baseline, and for every metric of
    /// [`METRIC_NAMES`], it is a regression when `baseline - current >
    /// tolerance` (absolute, not relative). A mode or language that the
    /// baseline has and this report lacks is a regression too, for each
    /// metric. Rises, new modes and new languages are never regressions, and
    /// per-kind means are not compared. A negative or NaN `tolerance` counts
    /// as 0. An empty list means no regression.
    pub fn compare_to_baseline(&self, baseline: &EvalReport, tolerance: f64) -> Vec<Regression> {
        let tolerance = if tolerance >= 0.0 { tolerance } else { 0.0 };
        let mut regressions = Vec::new();

        for base_mode in &baseline.modes {
            let current_mode = self.mode(&base_mode.mode);
            let scopes = scopes_of(base_mode);

            for (scope, base_group) in scopes {
                let current_group = current_mode.and_then(|m| find_scope(m, &scope));
                for metric in METRIC_NAMES {
                    let base_value = base_group.metrics.get(metric).unwrap_or(0.0);
                    let current_value = current_group.and_then(|g| g.metrics.get(metric));

                    let regressed = match current_value {
                        Some(value) => base_value - value > tolerance + ROUNDING_SLACK,
                        None => true,
                    };
                    if regressed {
                        regressions.push(Regression {
                            mode: base_mode.mode.clone(),
                            scope: scope.clone(),
                            metric: metric.to_string(),
                            baseline: base_value,
                            current: current_value,
                        });
                    }
                }
            }
        }
        regressions
    }

    /// Reads a baseline report from a JSON file and applies
    /// [`EvalReport::compare_to_baseline`]. Fails when the file cannot be read
    /// or parsed.
    pub fn compare_to_baseline_file(&self, path: &Path, tolerance: f64) -> Result<Vec<Regression>> {
        let baseline = EvalReport::from_json_file(path)?;
        Ok(self.compare_to_baseline(&baseline, tolerance))
    }
}

fn scopes_of(mode: &ModeReport) -> Vec<(String, GroupSummary)> {
    let mut scopes = vec![("all".to_string(), mode.overall)];
    for (lang, group) in &mode.by_lang {
        scopes.push((format!("lang={lang}"), *group));
    }
    scopes
}

fn find_scope(mode: &ModeReport, scope: &str) -> Option<GroupSummary> {
    if scope == "all" {
        return Some(mode.overall);
    }
    let lang = scope.strip_prefix("lang=")?;
    mode.by_lang.get(lang).copied()
}
