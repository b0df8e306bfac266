-- wrk script for benchmarks/submit.py: each request posts a prepared 20-question answer form for the
-- next prepared respondent (its session cookie, CSRF token and answers), round robin per thread.
-- Usage: wrk -s submit.lua URL -- SLOTS_FILE   (one "cookie<TAB>body" line per respondent)
local slots = {}
local counter = 0
local threads_made = 0

function setup(thread)
  thread:set("offset", threads_made)
  threads_made = threads_made + 1
end

function init(args)
  for line in io.lines(args[1]) do
    local tab = line:find("\t", 1, true)
    slots[#slots + 1] = {cookie = line:sub(1, tab - 1), body = line:sub(tab + 1)}
  end
  counter = (offset or 0) * math.floor(#slots / 2)
end

function request()
  counter = counter + 1
  local slot = slots[(counter % #slots) + 1]
  return wrk.format("POST", wrk.path, {["Content-Type"] = "application/x-www-form-urlencoded",
                                       ["Cookie"] = slot.cookie}, slot.body)
end
