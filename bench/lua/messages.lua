-- Message send: POST /api/v1/threads/{engagement}/messages as each person in turn.
dofile(os.getenv("BENCH_LUA") .. "/tokens.lua")
request = function()
  local token, id = next_person()
  return wrk.format("POST", "/api/v1/threads/" .. id .. "/messages",
    {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"},
    '{"body":"Running ten minutes late, see you at the library"}')
end
