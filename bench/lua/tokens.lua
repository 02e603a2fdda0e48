-- Shared by the API benchmarks: reads "token id" lines (the file given after --) and sends
-- each request as the next person in turn, the two threads taking alternate people.
local tokens, ids, n = {}, {}, 0
local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("tid", counter)
end
init = function(args)
  for line in io.lines(args[1]) do
    local token, id = line:match("(%S+) (%S+)")
    tokens[#tokens + 1] = token
    ids[#ids + 1] = id
  end
  n = (tid or 1) - 1
end
next_person = function()
  n = n + 2
  local i = (n % #tokens) + 1
  return tokens[i], ids[i]
end
