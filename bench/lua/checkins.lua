-- Check-in submit: POST /api/v1/participants/{id}/check-ins as each person in turn.
dofile(os.getenv("BENCH_LUA") .. "/tokens.lua")
request = function()
  local token, id = next_person()
  return wrk.format("POST", "/api/v1/participants/" .. id .. "/check-ins",
    {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"},
    '{"mood":4,"craving":2,"use":"no","supports":["coach"],"wentWell":"Walked to the meeting"}')
end
