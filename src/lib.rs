//! gatectl: one security policy for an LLM API gateway in front of Anthropic's API,
//! checked and compiled into native gateway configs.
//!
//! The pipeline, in module order: [`load`] (YAML with spans) → [`policy`] (the
//! typed model) → [`check`] (schema + [`rules`] + suppressions) → [`report`]
//! (text, json, sarif, markdown); [`diff`] and [`verify`] compare the render with what
//! is deployed and what runs. [`cli`] dispatches to one module per command
//! in [`commands`]; [`severity`] is shared by the layers that raise and count findings;
//! everything printed goes through [`sink`], which masks credentials.

pub mod check;
pub mod cli;
pub mod commands;
pub mod credentials;
pub mod diff;
pub mod jwks;
pub mod load;
pub mod materialize;
pub mod policy;
pub mod render;
pub mod report;
pub mod rules;
pub mod severity;
pub mod sink;
pub mod target;
pub mod verify;
