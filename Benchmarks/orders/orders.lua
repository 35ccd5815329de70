-- wrk script for Benchmarks/orders/run.sh: POST /orders with a unique Idempotency-Key and
-- Prefer: wait=5, counting how the orders ended. TOKEN comes from the environment.
local token = os.getenv("TOKEN")
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
    thread_id = thread_id + 1
    thread:set("id", thread_id)
    table.insert(threads, thread)
end

function init(args)
    confirmed, cancelled, pending, failed = 0, 0, 0, 0
    math.randomseed(os.time() + id)
end

function request()
    counter = counter + 1
    local sku = string.format("BENCH-%03d", counter % 20)
    local body = '{"items":[{"sku":"' .. sku .. '","quantity":1}],'
        .. '"card":{"number":"4242424242424242","expMonth":12,"expYear":2035,"cvc":"123"},'
        .. '"shippingAddress":{"name":"Ada","line1":"1 Main St","city":"Berlin","postalCode":"10115","country":"DE"}}'
    local headers = {
        ["Content-Type"] = "application/json",
        ["Authorization"] = "Bearer " .. token,
        ["Idempotency-Key"] = string.format("bench-%d-%d-%d", id, math.random(1, 1000000000), counter),
        ["Prefer"] = "wait=5",
    }
    return wrk.format("POST", "/orders", headers, body)
end

function response(status, headers, body)
    if status >= 300 then
        failed = failed + 1
    elseif body:find('"status":"confirmed"', 1, true) then
        confirmed = confirmed + 1
    elseif body:find('"status":"cancelled"', 1, true) then
        cancelled = cancelled + 1
    else
        pending = pending + 1
    end
end

function done(summary, latency, requests)
    local c, x, p, f = 0, 0, 0, 0
    for _, thread in ipairs(threads) do
        c = c + thread:get("confirmed")
        x = x + thread:get("cancelled")
        p = p + thread:get("pending")
        f = f + thread:get("failed")
    end
    io.write(string.format("confirmed %d, cancelled %d, still pending after wait %d, failed %d\n", c, x, p, f))
    io.write(string.format("latency p50 %.1f ms, p90 %.1f ms, p99 %.1f ms\n",
        latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000))
end
