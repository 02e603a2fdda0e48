-- Sign-in through the form, a different coach each time (all with the seed's password),
-- with the anonymous cookie and form token of one visit to /signin (SIGNIN_COOKIE, SIGNIN_CSRF).
local n = 0
local cookie, csrf = os.getenv("SIGNIN_COOKIE"), os.getenv("SIGNIN_CSRF")
local coaches = tonumber(os.getenv("COACHES") or "100")
local password = (os.getenv("TANDEM_SEED_PASSWORD") or ""):gsub(" ", "+")
request = function()
  n = n + 1
  local body = "_csrf=" .. csrf .. "&email=coach" .. ((n % coaches) + 1) .. "%40seed.tandem.test&password=" .. password
  return wrk.format("POST", "/signin",
    {["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = cookie}, body)
end
