//! Zuplo: `config/routes.oas.json` (OpenAPI 3.1 with `x-zuplo-route`), `config/policies.json`,
//! and what `zuplo dev` needs to run the folder (`zuplo.jsonc`, `package.json`, `tsconfig.json`),
//! plus `.env.example` naming the variables to set.
//!
//! Every JSON file is built as a serde_json value and serialised: no policy string is pasted
//! into JSON text. Zuplo itself reads `$env(NAME)` and `$import(…)` inside policy options (and
//! `${env.NAME}` in the forward handler's URL), so a policy value holding one is refused rather
//! than handed to Zuplo to interpret.
//!
//! Each route runs the inbound policies in order: IP allowlist, client authentication, rate
//! limit, then the upstream request is built — every client header cleared except the forwarded
//! ones, `headers.add` and the default `anthropic-version` set (the latter only when absent), the
//! provider key set from the environment. HSTS is an outbound response header.
//!
//! The upstream URL is written literally (it is no secret, and a reviewer sees where traffic
//! goes); only the provider key comes from the environment.

use serde::Serialize;
use serde_json::{json, Value};

use super::refusals::REFUSALS;
use super::{secrets, Context, File, RenderError, Target};
use crate::policy::{AuthMethod, Policy, RateLimitKey, SecretRef};

pub const ROUTES_TEMPLATE: &str = "zuplo/routes.oas.json.j2";
pub const POLICIES_TEMPLATE: &str = "zuplo/policies.json.j2";
pub const PROJECT_TEMPLATE: &str = "zuplo/zuplo.jsonc.j2";
pub const PACKAGE_TEMPLATE: &str = "zuplo/package.json.j2";
pub const TSCONFIG_TEMPLATE: &str = "zuplo/tsconfig.json.j2";
pub const ENV_TEMPLATE: &str = "zuplo/env.example.j2";
pub const RUNTIME_TEMPLATE: &str = "zuplo/zuplo.runtime.ts.j2";
/// The templates this target ships, by their path under `templates/`.
pub const TEMPLATES: &[(&str, &str)] = &[
    (ROUTES_TEMPLATE, include_str!("../../templates/zuplo/routes.oas.json.j2")),
    (POLICIES_TEMPLATE, include_str!("../../templates/zuplo/policies.json.j2")),
    (PROJECT_TEMPLATE, include_str!("../../templates/zuplo/zuplo.jsonc.j2")),
    (PACKAGE_TEMPLATE, include_str!("../../templates/zuplo/package.json.j2")),
    (TSCONFIG_TEMPLATE, include_str!("../../templates/zuplo/tsconfig.json.j2")),
    (ENV_TEMPLATE, include_str!("../../templates/zuplo/env.example.j2")),
    (RUNTIME_TEMPLATE, include_str!("../../templates/zuplo/zuplo.runtime.ts.j2")),
];
pub const ROUTES_FILE: &str = "config/routes.oas.json";
pub const POLICIES_FILE: &str = "config/policies.json";
/// The Zuplo CLI the rendered project is written for and tested with.
pub const ZUPLO_VERSION: &str = "7.4.5";
/// Zuplo runtime behaviour is pinned by date; 2026-03-01 is the newest 7.4.5 documents.
const COMPATIBILITY_DATE: &str = "2026-03-01";
const RUNTIME: &str = "$import(@zuplo/runtime)";
/// Strings Zuplo interprets inside policy options and the handler's URL.
const ZUPLO_SYNTAX: &[&str] = &["$env(", "$import(", "${"];

/// The routes gatectl exposes, as the other targets do: the Messages API and its token counter.
const ROUTES: &[(&str, &str, &str)] = &[
    ("/v1/messages", "messages", "Create a message (Anthropic Messages API), streamed or not."),
    ("/v1/messages/count_tokens", "count-tokens", "Count the tokens of a message request."),
];

#[derive(Serialize)]
struct DocumentView {
    header: String,
    document: String,
}

#[derive(Serialize)]
struct RuntimeView {
    header: String,
    /// `{status: {type, message}}`, as JSON (a TypeScript literal).
    refusals: String,
}

#[derive(Serialize)]
struct EnvView {
    header: String,
    env: Vec<String>,
}

fn unrepresentable(field: &str, reason: &str) -> RenderError {
    RenderError::Unrepresentable { target: Target::Zuplo, field: field.to_string(), reason: reason.to_string() }
}

pub(super) fn render(cx: &Context) -> Result<Vec<File>, RenderError> {
    let policy = cx.policy;
    let mut env = vec![secrets::env_name(&policy.upstream.api_key)];
    let policies = inbound_policies(policy, &mut env)?;
    let inbound: Vec<Value> = policies.iter().map(|p| p["name"].clone()).collect();
    let mut all = policies;
    let mut outbound = Vec::new();
    if let Some(hsts) = policy.listener.as_ref().and_then(|l| l.tls.as_ref()).and_then(|t| t.hsts.as_ref()) {
        let header = json!({"name": "strict-transport-security", "value": hsts.header_value()});
        all.push(entry("hsts", "set-headers-outbound", "SetHeadersOutboundPolicy", json!({ "headers": [header] })));
        outbound.push(json!("hsts"));
    }
    refuse_zuplo_syntax("upstream.url", &policy.upstream.url)?;
    let base_url = policy.upstream.url.trim_end_matches('/');

    let mut paths = serde_json::Map::new();
    for (path, id, description) in ROUTES {
        let mut route_policies = json!({ "inbound": inbound });
        if !outbound.is_empty() {
            route_policies["outbound"] = json!(outbound);
        }
        paths.insert(
            path.to_string(),
            json!({"post": {
                "operationId": id,
                "summary": id,
                "description": description,
                "tags": ["anthropic"],
                "x-zuplo-route": {
                    "label": id,
                    "corsPolicy": "none",
                    "handler": {
                        "export": "urlForwardHandler",
                        "module": RUNTIME,
                        // Zuplo appends the route's path (and query) to this URL.
                        "options": {"baseUrl": base_url},
                    },
                    "policies": route_policies,
                },
            }}),
        );
    }
    let routes = json!({
        // JSON has no comments: the provenance header is an OpenAPI extension, first in the file.
        // (policies.json allows no key of its own; zuplo.jsonc carries it as a comment.)
        "x-gatectl": cx.provenance.comment("").lines().map(str::trim).collect::<Vec<_>>().join(" "),
        "openapi": "3.1.0",
        "info": {"title": format!("gatectl: {}", policy.name.0), "version": "1.0.0"},
        "paths": paths,
    });
    let project = json!({"version": 1, "compatibilityDate": COMPATIBILITY_DATE, "projectType": "managed-edge"});
    let package = json!({
        "name": policy.name.0,
        "version": "1.0.0",
        "private": true,
        "type": "module",
        "scripts": {"dev": "zuplo dev", "lint": "zuplo lint", "deploy": "zuplo deploy"},
        "dependencies": {"zuplo": ZUPLO_VERSION},
    });
    let tsconfig = json!({"compilerOptions": {
        "target": "ES2022",
        "module": "ES2022",
        "moduleResolution": "bundler",
        "lib": ["ES2022", "WebWorker"],
        "strict": true,
        "noEmit": true,
        "skipLibCheck": true,
    }});

    let json_file = |template: &str, path: &str, header: &str, value: &Value| -> Result<File, RenderError> {
        let view = DocumentView {
            header: header.to_string(),
            document: serde_json::to_string_pretty(value).expect("JSON serialises"),
        };
        let text = cx.templates.render(template, &minijinja::Value::from(minijinja::value::Serde(&view)))?;
        parse_back(path, &text, value)?;
        Ok(File { path: path.to_string(), contents: text })
    };
    let env_view = EnvView { header: cx.provenance.comment("#"), env };
    let env_text = cx.templates.render(ENV_TEMPLATE, &minijinja::Value::from(minijinja::value::Serde(&env_view)))?;
    let refusals: serde_json::Map<String, Value> =
        REFUSALS.iter().map(|r| (r.status.to_string(), json!({"type": r.error_type, "message": r.message}))).collect();
    let runtime_view = RuntimeView {
        header: cx.provenance.comment("//"),
        refusals: serde_json::to_string_pretty(&Value::Object(refusals)).expect("JSON serialises"),
    };
    let runtime =
        cx.templates.render(RUNTIME_TEMPLATE, &minijinja::Value::from(minijinja::value::Serde(&runtime_view)))?;
    Ok(vec![
        File { path: ".env.example".into(), contents: env_text },
        File { path: "modules/zuplo.runtime.ts".into(), contents: runtime },
        json_file(POLICIES_TEMPLATE, POLICIES_FILE, "", &json!({ "policies": all }))?,
        json_file(ROUTES_TEMPLATE, ROUTES_FILE, "", &routes)?,
        json_file(PACKAGE_TEMPLATE, "package.json", "", &package)?,
        json_file(TSCONFIG_TEMPLATE, "tsconfig.json", "", &tsconfig)?,
        json_file(PROJECT_TEMPLATE, "zuplo.jsonc", &cx.provenance.comment("//"), &project)?,
    ])
}

/// The inbound policies, in the order they run; `env` collects the variables they read.
fn inbound_policies(policy: &Policy, env: &mut Vec<String>) -> Result<Vec<Value>, RenderError> {
    let mut policies = Vec::new();
    if let Some(allow) = policy.network.as_ref().map(|n| &n.ip_allowlist).filter(|a| !a.is_empty()) {
        // First, so refused addresses cost nothing. Zuplo reads the address its edge sets, never a client header.
        let options = json!({ "allow": allow });
        policies.push(entry(
            "ip-allowlist",
            "ip-address-restriction-inbound",
            "IpAddressRestrictionInboundPolicy",
            options,
        ));
    }
    policies.extend(authentication(policy, env)?);
    if let Some(limit) = rate_limit(policy) {
        policies.push(limit);
    }
    // The client's credentials never pass: they are in no `exclude` list.
    let key_header = policy.auth.key_header();
    let forwarded: Vec<String> = policy
        .forward_headers()
        .iter()
        .filter(|h| !h.is("authorization") && !h.is("x-api-key") && !h.is(&key_header.0))
        .filter(|h| !policy.headers.as_ref().is_some_and(|x| x.remove.iter().any(|r| r.is(&h.0))))
        .map(|h| h.0.to_ascii_lowercase())
        .collect();
    let options = json!({ "exclude": forwarded });
    policies.push(entry("forward-headers", "clear-headers-inbound", "ClearHeadersInboundPolicy", options));
    let mut set = Vec::new();
    for (name, value) in policy.headers.as_ref().map(|h| &h.add).into_iter().flatten() {
        refuse_zuplo_syntax(&format!("headers.add.{}", name.0), &value.0)?;
        set.push(json!({"name": name.0.to_ascii_lowercase(), "value": value.0, "overwrite": true}));
    }
    if let Some(version) = &policy.upstream.anthropic_version {
        // Only when the client sent none: clients choose their API version.
        set.push(json!({"name": "anthropic-version", "value": version, "overwrite": false}));
    }
    if !set.is_empty() {
        policies.push(entry(
            "set-headers",
            "set-headers-inbound",
            "SetHeadersInboundPolicy",
            json!({ "headers": set }),
        ));
    }
    let key = json!({"header": "x-api-key", "value": secrets::zuplo(&policy.upstream.api_key), "overwrite": true});
    policies.push(entry("provider-key", "set-upstream-api-key-inbound", "SetUpstreamApiKeyInboundPolicy", key));
    Ok(policies)
}

/// One entry of policies.json.
fn entry(name: &str, policy_type: &str, export: &str, options: Value) -> Value {
    let handler = json!({"export": export, "module": RUNTIME, "options": options});
    json!({"name": name, "policyType": policy_type, "handler": handler})
}

/// Client authentication as Zuplo policies (none for `auth.method: none`).
fn authentication(policy: &Policy, env: &mut Vec<String>) -> Result<Vec<Value>, RenderError> {
    let enterprise = policy.targets.zuplo.as_ref().is_some_and(|z| z.enterprise);
    Ok(match policy.auth.method {
        AuthMethod::None => vec![],
        AuthMethod::ApiKey => {
            // Zuplo's key service holds the consumers' keys; `Authorization: Bearer <key>`, or the
            // bare key in any other header.
            let header = policy.auth.key_header();
            let scheme = if header.is("authorization") { "Bearer" } else { "" };
            let options = json!({"authHeader": header.0.to_ascii_lowercase(), "authScheme": scheme});
            vec![entry("api-key", "api-key-inbound", "ApiKeyInboundPolicy", options)]
        }
        AuthMethod::Oauth2 => {
            let oauth = policy.auth.oauth2.as_ref();
            let field = |value: Option<&String>, name: &str| -> Result<String, RenderError> {
                let value = value.ok_or_else(|| unrepresentable(name, "open-id-jwt-auth-inbound needs it"))?;
                refuse_zuplo_syntax(name, value)?;
                Ok(value.clone())
            };
            let mut options = json!({
                "issuer": field(oauth.and_then(|o| o.issuer.as_ref()), "auth.oauth2.issuer")?,
                "jwkUrl": field(oauth.and_then(|o| o.jwks_url.as_ref()), "auth.oauth2.jwks_url")?,
            });
            if let Some(audience) = oauth.and_then(|o| o.audience.as_ref()) {
                options["audience"] = json!(field(Some(audience), "auth.oauth2.audience")?);
            }
            let mut out = vec![entry("oauth2", "open-id-jwt-auth-inbound", "OpenIdJwtInboundPolicy", options)];
            let scopes = oauth.map(|o| o.required_scopes.as_slice()).unwrap_or_default();
            if !scopes.is_empty() {
                for scope in scopes {
                    refuse_zuplo_syntax("auth.oauth2.required_scopes", scope)?;
                }
                let options = json!({ "scopes": scopes });
                out.push(entry("oauth2-scopes", "jwt-scopes-inbound", "JWTScopeValidationInboundPolicy", options));
            }
            out
        }
        AuthMethod::Mtls if enterprise => {
            // Zuplo's edge verifies the certificate against the CA uploaded to the account
            // (`zuplo ca-certificate create`); the policy pins that CA's subject DN, which the
            // deploy job sets in the environment.
            let ca = policy.auth.mtls.as_ref().and_then(|m| m.ca_certificate.as_ref());
            let variable = issuer_dn_variable(ca);
            let options = json!({ "certIssuerDN": format!("$env({variable})") });
            env.push(variable);
            vec![entry("mtls", "mtls-auth-inbound", "MTLSAuthInboundPolicy", options)]
        }
        AuthMethod::Mtls => {
            return Err(unrepresentable(
                "auth.method",
                "mtls-auth-inbound is a Zuplo Enterprise policy: set `targets.zuplo.enterprise: true` if the \
                 account has it",
            ))
        }
    })
}

/// The variable holding the client CA's subject DN: named after the CA's reference.
fn issuer_dn_variable(ca: Option<&SecretRef>) -> String {
    match ca {
        Some(ca) => format!("{}_ISSUER_DN", secrets::env_name(ca)),
        None => "GATECTL_MTLS_CA_ISSUER_DN".into(),
    }
}

/// `rate-limit-inbound`: per authenticated consumer ("user") or per client IP, per minute.
fn rate_limit(policy: &Policy) -> Option<Value> {
    let limits = policy.rate_limits.as_ref()?;
    let requests = limits.requests_per_minute?;
    let by = match (limits.by, policy.auth.method) {
        (RateLimitKey::Ip, _) => "ip",
        // Without authentication every caller is the one anonymous consumer: one shared counter.
        (RateLimitKey::Consumer, AuthMethod::None) => "all",
        (RateLimitKey::Consumer, _) => "user",
    };
    let options = json!({"rateLimitBy": by, "requestsAllowed": requests, "timeWindowMinutes": 1});
    Some(entry("rate-limit", "rate-limit-inbound", "RateLimitInboundPolicy", options))
}

fn refuse_zuplo_syntax(field: &str, value: &str) -> Result<(), RenderError> {
    match ZUPLO_SYNTAX.iter().find(|s| value.contains(*s)) {
        Some(syntax) => Err(unrepresentable(
            field,
            &format!("Zuplo would read `{syntax}…` in this value as a reference, not as text"),
        )),
        None => Ok(()),
    }
}

/// The rendered file must parse back to exactly the document built (a template that broke the
/// JSON, or changed it, is caught here rather than by Zuplo). `//` comment lines are JSONC's.
fn parse_back(path: &str, text: &str, expected: &Value) -> Result<(), RenderError> {
    let malformed = |reason: String| RenderError::Malformed { path: path.to_string(), format: "JSON", reason };
    let json: String = text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
    let parsed: Value = serde_json::from_str(&json).map_err(|e| malformed(e.to_string()))?;
    if &parsed != expected {
        return Err(malformed("it differs from the document rendered".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zuplo_syntax_in_a_value_is_refused() {
        assert!(refuse_zuplo_syntax("f", "plain $value {x}").is_ok());
        for bad in ["$env(KEY)", "x $import(./a) y", "${env.KEY}"] {
            assert!(refuse_zuplo_syntax("f", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_template_that_changes_the_document_is_caught() {
        let doc = json!({"a": "b"});
        assert!(parse_back("f", "// c\n{\"a\": \"b\"}\n", &doc).is_ok());
        assert!(parse_back("f", "{\"a\": \"c\"}", &doc).is_err());
        assert!(parse_back("f", "{\"a\": ", &doc).is_err());
    }
}
