//! Templates: embedded in the binary, overridable per organisation with
//! `--templates DIR` (same relative paths). minijinja runs with strict
//! undefined, and escaping is done by Rust filters so no template can forget it.

use std::path::Path;

use minijinja::{Environment, UndefinedBehavior, Value};

use super::RenderError;

pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    /// The shipped templates, with any file of the same path in `overrides` taking precedence.
    pub fn load(overrides: Option<&Path>) -> Result<Templates, std::io::Error> {
        let mut env = environment();
        env.add_filter("nginx", nginx_string);
        env.add_filter("nginx_key", nginx_map_key);
        let embedded = super::Target::ALL.iter().flat_map(|t| t.templates().iter());
        for (name, source) in embedded {
            let source = match overrides.map(|dir| dir.join(name)).filter(|p| p.is_file()) {
                Some(path) => std::fs::read_to_string(path)?,
                None => (*source).to_string(),
            };
            env.add_template_owned(*name, source).map_err(std::io::Error::other)?;
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
