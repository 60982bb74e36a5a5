-- A mixed marketplace load: ten Vietnamese queries (with and without diacritics, one with a
-- typo) under five filter sets, in turn. wrk -t2 -c32 -d20s --latency -s benches/wrk/mixed.lua URL
local queries = { "xu%20ly%20nuoc%20thai", "c%C3%B4ng%20ngh%E1%BB%87%20sinh%20h%E1%BB%8Dc", "nuoc%20thia", "cam%20bien%20iot", "tr%C3%AD%20tu%E1%BB%87%20nh%C3%A2n%20t%E1%BA%A1o", "phan%20bon%20huu%20co", "nang%20luong%20mat%20troi", "vaccine", "blockchain%20truy%20xuat", "may%20say%20nong%20san" }
local filters = { "", "&kind=offer", "&kind=need&province=01", "&trl_min=5", "&facets=all" }
local n = 0
request = function()
  n = n + 1
  local path = "/api/v1/listings?q=" .. queries[(n % #queries) + 1] .. filters[(math.floor(n / #queries) % #filters) + 1]
  return wrk.format("GET", path)
end
