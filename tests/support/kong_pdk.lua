-- Runs the pre-function chunks gatectl renders for Kong under LuaJIT (Kong's Lua), with the few
-- PDK functions they call, as Kong's pre-function does: each chunk compiled in an environment
-- holding only the Lua base library, `kong`, `ngx` and a `require` limited to what kong.conf's
-- untrusted_lua_sandbox_requires allows; the returned function is the handler.
--
-- usage: luajit kong_pdk.lua DIR  (DIR holds access.lua, header_filter.lua, body_filter.lua and
-- requires.txt, route.txt: the catch-all route's name); prints one `scenario: outcome` line per scenario.

local dir = arg[1]
local function read(name)
  local f = assert(io.open(dir .. "/" .. name, "rb"))
  local text = f:read("*a")
  f:close()
  return text
end

local allowed = {}
for module in read("requires.txt"):gmatch("[^%s,]+") do
  allowed[module] = true
end

local B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
-- ngx.decode_base64: standard alphabet, padding required, nil on anything else.
local function decode_base64(s)
  if #s % 4 ~= 0 or s:find("[^%w%+/=]") or s:find("=[^=]") then
    return nil
  end
  local bits, out = 0, {}
  local acc = 0
  for c in s:gmatch(".") do
    if c == "=" then
      break
    end
    acc = acc * 64 + (B64:find(c, 1, true) - 1)
    bits = bits + 6
    if bits >= 8 then
      bits = bits - 8
      local byte = math.floor(acc / 2 ^ bits) % 256
      out[#out + 1] = string.char(byte)
      acc = acc % 2 ^ bits
    end
  end
  return table.concat(out)
end

local state
local function reset(s)
  state = s
  state.response_headers = state.response_headers or {}
  state.plugin_ctx = {}
end

local kong = {
  request = {
    get_header = function(name)
      return state.request_headers[name:lower()]
    end,
  },
  router = {
    get_route = function()
      return state.route
    end,
  },
  response = {
    get_source = function()
      return state.source
    end,
    get_status = function()
      return state.status
    end,
    set_header = function(name, value)
      state.response_headers[name:lower()] = tostring(value)
    end,
    error = function(status)
      error({ exit = status }, 0)
    end,
    get_raw_body = function()
      local chunk, eof = state.chunk, state.eof
      state.buffer = (state.buffer or "") .. (chunk or "")
      if eof then
        return state.buffer
      end
      state.chunk = nil
      return nil
    end,
    set_raw_body = function(body)
      state.chunk = body
    end,
  },
  ctx = setmetatable({}, {
    __index = function(_, key)
      if key == "plugin" then
        return state.plugin_ctx
      end
    end,
  }),
}
local ngx = { decode_base64 = decode_base64 }

local base = {
  "assert", "error", "ipairs", "next", "pairs", "pcall", "select", "tonumber", "tostring", "type",
  "unpack", "xpcall",
}
local function handler(name)
  local env = { kong = kong, ngx = ngx, string = string, table = table, math = math }
  for _, f in ipairs(base) do
    env[f] = _G[f]
  end
  env.require = function(module)
    if not allowed[module] then
      error("require '" .. module .. "' not allowed within sandbox")
    end
    return require(module)
  end
  local chunk = assert(loadstring(read(name .. ".lua"), name))
  setfenv(chunk, env)
  local fn = chunk()
  assert(type(fn) == "function", name .. " returns no function")
  return fn
end

local access, header_filter, body_filter = handler("access"), handler("header_filter"), handler("body_filter")

local function run_access(request_headers, route)
  reset({ request_headers = request_headers, route = route or { name = "p-messages" } })
  local ok, err = pcall(access)
  if ok then
    return "pass"
  end
  if type(err) == "table" and err.exit then
    return "exit " .. err.exit
  end
  return "error " .. tostring(err)
end

local function b64url(s)
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = s:byte(i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    local chars = 2 + (b and 1 or 0) + (c and 1 or 0)
    for j = 1, chars do
      local index = math.floor(n / 2 ^ (6 * (4 - j))) % 64 + 1
      out[#out + 1] = B64:sub(index, index)
    end
  end
  return (table.concat(out):gsub("%+", "-"):gsub("/", "_"))
end

local function token(claims)
  return "Bearer " .. b64url('{"alg":"RS256","kid":"k1"}') .. "." .. b64url(claims) .. ".c2lnbmF0dXJl"
end

-- A response Kong produced (or the upstream did), through header_filter and body_filter.
local function respond(source, status, chunks, headers)
  reset({ source = source, status = status, response_headers = headers or {} })
  header_filter()
  local out = {}
  for i, chunk in ipairs(chunks) do
    state.chunk, state.eof = chunk, i == #chunks
    body_filter()
    out[#out + 1] = state.chunk or ""
  end
  local h = state.response_headers
  return string.format("%s | %s | %s | %s", table.concat(out), h["content-type"] or "-",
    h["content-length"] or "-", h["retry-after"] or "-")
end

local now_claims = '{"iss":"i","sub":"s","iat":1700000000,"exp":%d}'
print("lifetime at the limit: " .. run_access({ authorization = token(now_claims:format(1700003600)) }))
print("lifetime over the limit: " .. run_access({ authorization = token(now_claims:format(1700003601)) }))
print("no iat: " .. run_access({ authorization = token('{"sub":"s","exp":1700003600}') }))
print("lowercase bearer: " .. run_access({ authorization = token(now_claims:format(1700000600)):gsub("^Bearer", "bearer") }))
print("not a JWT: " .. run_access({ authorization = "Bearer abc" }))
print("no token: " .. run_access({}))
print("token in x-access-token: " .. run_access({ ["x-access-token"] = "t" }))
print("catch-all route: " .. run_access({}, { name = read("route.txt") }))
print("kong 401: " .. respond("exit", 401, { '{"message":', '"Unauthorized"}' }))
print("kong 429: " .. respond("exit", 429, { '{"message":"API rate limit exceeded"}' }, { ["retry-after"] = "17" }))
print("kong 403: " .. respond("exit", 403, { '{"message":"Your IP address is not allowed"}' }))
print("kong 404: " .. respond("exit", 404, { '{"message":"Not found"}' }))
print("kong 500: " .. respond("error", 500, { '{"message":"An unexpected error occurred"}' }))
print("upstream 401: " .. respond("service", 401, { '{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}' }))
