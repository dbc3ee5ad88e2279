//! gatectl: one security policy for an LLM API gateway in front of Anthropic's API,
//! checked and compiled into native gateway configs.
//!
//! The pipeline, in module order: [`load`] (YAML with spans) → [`policy`] (the
//! typed model) → [`check`] (schema + [`rules`] + suppressions) → [`report`]
//! (text, json, sarif, markdown). [`cli`] wires them to the command line.

pub mod check;
pub mod cli;
pub mod credentials;
pub mod diff;
pub mod load;
pub mod materialize;
pub mod policy;
pub mod render;
pub mod report;
pub mod rules;
