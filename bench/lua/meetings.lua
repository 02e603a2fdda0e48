-- Meeting search on the finder page, a different filter each time, as people use it: a day, a
-- part of the day, a type, how to attend, words, a point, now and next.
local searches = {
  "day=2&part=evening", "day=0&part=morning&type=O", "now=1", "day=5&attendance=online",
  "q=big+book", "day=3&type=W", "day=6&part=night", "type=S", "day=1&part=afternoon&type=D",
  "q=serenity&day=4", "attendance=hybrid", "day=2&part=evening&type=LGBTQ",
  "near=39.5,-80.0&km=10", "day=4&q=step",
}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/meetings?" .. searches[(n % #searches) + 1])
end
