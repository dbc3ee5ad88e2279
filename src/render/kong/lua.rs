//! The one pre-function instance gatectl renders for Kong: what no declarative plugin can do.
//!
//! - `header_filter` + `body_filter`: Kong's own refusals (key-auth's 401, ip-restriction's 403,
//!   the limiters' 429, …) rewritten into Anthropic's error shape; upstream responses
//!   (`kong.response.get_source() == "service"`) pass untouched, and the limiters' `Retry-After`
//!   stays (only the body, content-type and content-length change).
//! - `access`: paths the policy does not serve (the catch-all route) answer 404, and with
//!   openid-connect, tokens living longer than `max_token_lifetime_minutes` (`exp − iat`) are
//!   refused before openid-connect verifies them (pre-function runs first, priority 1000000):
//!   a forged token that passes this check is still refused by openid-connect's signature check.
//!
//! Every value placed in the code is a constant of gatectl or a policy name (`^[a-z][a-z0-9-]*$`),
//! quoted by [`lua_string`] all the same.

use serde_json::{json, Value};

use crate::render::refusals::REFUSALS;

/// The headers openid-connect's `bearer_token_param_type: [header]` reads a token from; only
/// `Authorization: Bearer` is checked here, so a token in the other two is refused outright.
const OTHER_TOKEN_HEADERS: &[&str] = &["access-token", "x-access-token"];

/// pre-function's config: the phases gatectl needs, each one Lua chunk returning its handler.
pub fn pre_function(not_found_route: &str, max_token_lifetime_seconds: Option<u64>) -> Value {
    json!({
        "access": [access(not_found_route, max_token_lifetime_seconds)],
        "header_filter": [HEADER_FILTER_HEAD.to_string() + &bodies() + HEADER_FILTER_TAIL],
        "body_filter": [BODY_FILTER],
    })
}

/// The kong.conf modules the chunks `require` inside Kong's sandbox.
pub fn sandbox_requires(max_token_lifetime_seconds: Option<u64>) -> Option<&'static str> {
    max_token_lifetime_seconds.map(|_| "cjson.safe")
}

fn bodies() -> String {
    let mut out = String::from("local bodies = {\n");
    for r in REFUSALS {
        out.push_str(&format!("  [{}] = {},\n", r.status, lua_string(&r.body())));
    }
    out.push_str("}\n");
    out
}

const HEADER_FILTER_HEAD: &str =
    "-- gatectl: Kong's own refusals in Anthropic's error shape (upstream responses untouched)\n";
const HEADER_FILTER_TAIL: &str = r#"return function()
  if kong.response.get_source() == "service" then
    return
  end
  local body = bodies[kong.response.get_status()]
  if body then
    kong.ctx.plugin.anthropic_error = body
    kong.response.set_header("Content-Type", "application/json")
    kong.response.set_header("Content-Length", #body)
  end
end
"#;

const BODY_FILTER: &str = r#"-- gatectl: the body header_filter chose replaces Kong's once the last chunk is read
return function()
  local body = kong.ctx.plugin.anthropic_error
  if body and kong.response.get_raw_body() then
    kong.response.set_raw_body(body)
  end
end
"#;

fn access(not_found_route: &str, max_lifetime: Option<u64>) -> String {
    let mut out = String::from("-- gatectl: 404 for paths the policy does not serve");
    if max_lifetime.is_some() {
        out.push_str("; tokens living longer than the policy allows refused");
    }
    out.push('\n');
    out.push_str(&format!("local not_found = {}\n", lua_string(not_found_route)));
    let Some(max) = max_lifetime else {
        out.push_str(
            r#"return function()
  local route = kong.router.get_route()
  if route and route.name == not_found then
    return kong.response.error(404)
  end
end
"#,
        );
        return out;
    };
    out.push_str(&format!("local max_lifetime = {max}\n"));
    let others: Vec<String> = OTHER_TOKEN_HEADERS.iter().map(|h| lua_string(h)).collect();
    out.push_str(&format!("local other_token_headers = {{ {} }}\n", others.join(", ")));
    out.push_str(
        r#"local cjson = require("cjson.safe")

-- The claims of a compact JWS, unverified: openid-connect verifies the signature next.
local function claims(token)
  local payload = token:match("^[%w_-]+%.([%w_-]+)%.[%w_-]*$")
  if not payload then
    return nil
  end
  payload = payload:gsub("%-", "+"):gsub("_", "/")
  payload = payload .. string.rep("=", (4 - #payload % 4) % 4)
  local json = ngx.decode_base64(payload)
  return json and cjson.decode(json)
end

return function()
  local route = kong.router.get_route()
  if route and route.name == not_found then
    return kong.response.error(404)
  end
  for _, name in ipairs(other_token_headers) do
    if kong.request.get_header(name) then
      return kong.response.error(401)
    end
  end
  local authorization = kong.request.get_header("Authorization")
  if not authorization then
    return -- openid-connect refuses a request without a token
  end
  local token = authorization:match("^[Bb][Ee][Aa][Rr][Ee][Rr] +(%S+)$")
  local c = token and claims(token)
  if type(c) ~= "table" or type(c.exp) ~= "number" or type(c.iat) ~= "number"
    or c.exp - c.iat > max_lifetime then
    return kong.response.error(401)
  end
end
"#,
    );
    out
}

/// A double-quoted Lua string literal holding `s` byte for byte.
pub fn lua_string(s: &str) -> String {
    let mut out = String::from("\"");
    for b in s.bytes() {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03}")),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lua_strings_escape_quotes_backslashes_and_control_bytes() {
        assert_eq!(lua_string(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(lua_string("x\ny]]"), "\"x\\010y]]\"");
        assert_eq!(lua_string("é"), "\"\\195\\169\"");
    }

    #[test]
    fn the_lifetime_check_is_there_only_when_the_policy_sets_one() {
        let with = pre_function("p-not-found", Some(3600));
        assert!(with["access"][0].as_str().unwrap().contains("local max_lifetime = 3600\n"));
        assert_eq!(sandbox_requires(Some(3600)), Some("cjson.safe"));
        let without = pre_function("p-not-found", None);
        assert!(!without["access"][0].as_str().unwrap().contains("cjson"));
        assert_eq!(sandbox_requires(None), None);
        assert!(with["header_filter"][0].as_str().unwrap().contains("[429] = \"{\\\"type\\\":\\\"error\\\""));
    }
}
