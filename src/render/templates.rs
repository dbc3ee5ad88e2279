//! Templates: embedded in the binary, overridable per organisation with
//! `--templates DIR` (same relative paths). minijinja runs with strict
//! undefined, and escaping is done by Rust filters so no template can forget it.

use std::path::Path;

use minijinja::{Environment, UndefinedBehavior, Value};

use super::RenderError;

pub struct Templates {
    env: Environment<'static>,
}

/// Why `--templates DIR` cannot be used (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("--templates {dir}: {reason}")]
    Folder { dir: String, reason: String },
    #[error(transparent)]
    Unreadable(#[from] crate::load::ReadError),
    #[error("template {name}: {source}")]
    Invalid { name: String, source: minijinja::Error },
}

impl Templates {
    /// The shipped templates, with any file of the same path in `overrides` taking precedence.
    /// The folder must exist, and every `*.j2` in it must override a shipped template (a
    /// misspelt override would otherwise be ignored without a word).
    pub fn load(overrides: Option<&Path>) -> Result<Templates, TemplateError> {
        let mut env = environment();
        env.add_filter("nginx", nginx_string);
        env.add_filter("nginx_key", nginx_map_key);
        let embedded: Vec<&(&str, &str)> = super::Target::ALL.iter().flat_map(|t| t.templates().iter()).collect();
        if let Some(dir) = overrides {
            check_overrides(dir, &embedded)?;
        }
        for (name, source) in embedded {
            let source = match overrides.map(|dir| dir.join(name)).filter(|p| p.exists()) {
                Some(path) => crate::load::read_text(&path)?,
                None => (*source).to_string(),
            };
            env.add_template_owned(*name, source)
                .map_err(|source| TemplateError::Invalid { name: name.to_string(), source })?;
        }
        Ok(Templates { env })
    }

    pub fn render(&self, name: &str, context: &Value) -> Result<String, RenderError> {
        let error = |source| RenderError::Template { name: name.to_string(), source };
        self.env.get_template(name).map_err(error)?.render(context).map_err(error)
    }
}

/// The minijinja settings every gatectl template is written for: strict undefined, block tags
/// that take their line with them, the file's trailing newline kept.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .expect("the default delimiters are valid");
    env.set_syntax(syntax);
    env
}

/// The override folder exists, and each `*.j2` under it has a shipped template's path.
fn check_overrides(dir: &Path, embedded: &[&(&str, &str)]) -> Result<(), TemplateError> {
    let folder = |reason: String| TemplateError::Folder { dir: dir.display().to_string(), reason };
    if !dir.is_dir() {
        return Err(folder("no such folder".into()));
    }
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = std::fs::read_dir(&current).map_err(|e| folder(e.to_string()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            // Not through symbolic links: a link to a parent folder would never end.
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                pending.push(path);
                continue;
            }
            let relative = path.strip_prefix(dir).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            if relative.ends_with(".j2") && !embedded.iter().any(|(name, _)| *name == relative) {
                let names: Vec<&str> = embedded.iter().map(|(name, _)| *name).collect();
                return Err(folder(format!(
                    "`{relative}` overrides no template; the templates are {}",
                    names.join(", ")
                )));
            }
        }
    }
    Ok(())
}

/// Quotes a value as an nginx string: double quotes, with `"` and `\` escaped.
/// Control characters and `$` (nginx would expand it as a variable) are refused.
pub fn nginx_string(value: &str) -> Result<String, minijinja::Error> {
    if let Some(c) = value.chars().find(|c| c.is_control() || *c == '$') {
        return Err(minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!("character {c:?} cannot be placed in an nginx string"),
        ));
    }
    Ok(format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\"")))
}

/// A literal `map` source value: `\` first, so that no value can be taken for one of the map's
/// keywords (`default`, `include`, `hostnames`, `volatile`) or a regex (`~`), then quoted.
pub fn nginx_map_key(value: &str) -> Result<String, minijinja::Error> {
    nginx_string(&format!("\\{value}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nginx_strings_are_quoted_and_cannot_break_out() {
        assert_eq!(nginx_string("a b;c{d}").unwrap(), "\"a b;c{d}\"");
        assert_eq!(nginx_string("say \"hi\" \\").unwrap(), "\"say \\\"hi\\\" \\\\\"");
        assert!(nginx_string("$remote_addr").is_err());
        assert!(nginx_string("a\nb").is_err());
    }

    #[test]
    fn map_keys_are_never_keywords_or_regexes() {
        assert_eq!(nginx_map_key("default").unwrap(), "\"\\\\default\"");
        assert_eq!(nginx_map_key("~x").unwrap(), "\"\\\\~x\"");
        assert!(nginx_map_key("$x").is_err());
    }
}
