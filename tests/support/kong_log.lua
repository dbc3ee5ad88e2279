-- Evaluates file-log's custom_fields_by_lua chunks gatectl renders, in the log phase of a request
-- that consumer `team-data` made and that a limiter refused, as Kong does: each chunk compiled
-- with only the Lua base library, `kong` and `ngx`. usage: luajit kong_log.lua FILE (lines of
-- `field<TAB>chunk`, the chunk's newlines as `\n`); prints `field=value` per field.
local kong = {
  client = { get_consumer = function() return { username = "team-data", custom_id = "s" } end },
  request = {
    get_path = function() return "/v1/messages" end,
    get_method = function() return "POST" end,
  },
  response = { get_status = function() return 429 end },
}
local ngx = { var = { request_id = "4f1c0e2a9b7d", request_time = "0.125" } }
for line in io.lines(arg[1]) do
  local field, code = line:match("^([^\t]+)\t(.*)$")
  code = code:gsub("\\n", "\n")
  local chunk = assert(loadstring(code, field))
  setfenv(chunk, { kong = kong, ngx = ngx, math = math, tonumber = tonumber })
  print(field .. "=" .. tostring(chunk()))
end
