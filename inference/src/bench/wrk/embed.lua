-- wrk script: POST /embed with the bodies of make_bodies.py, one per line, in turn.
-- wrk -t1 -c64 -d30s --latency -s inference/src/bench/wrk/embed.lua http://127.0.0.1:PORT
-- (BODIES=path overrides inference/target/bench/wrk-bodies.txt)
local path = os.getenv("BODIES") or "inference/target/bench/wrk-bodies.txt"
local bodies = {}
for line in io.lines(path) do bodies[#bodies + 1] = line end
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  i = i % #bodies + 1
  return wrk.format(nil, "/embed", nil, bodies[i])
end
