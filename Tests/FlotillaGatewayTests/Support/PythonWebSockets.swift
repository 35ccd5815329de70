import FlotillaTesting
import Foundation

/// The Python `websockets` library (PyPI), used as a stock WebSocket server and client nobody here wrote: the
/// server echoes every message; the client script reports what it got back as one JSON line.
enum PythonWebSockets {
    static let serverScript = """
        import asyncio, sys, websockets
        async def echo(ws):
            async for message in ws:
                await ws.send(message)
        async def main():
            async with websockets.serve(echo, "127.0.0.1", int(sys.argv[1]), max_size=None, subprotocols=["chat"]):
                await asyncio.Future()
        asyncio.run(main())
        """

    static let clientScript = """
        import asyncio, json, sys, websockets
        async def main():
            out = {}
            async with websockets.connect(sys.argv[1], max_size=None, subprotocols=["chat"]) as ws:
                out["subprotocol"] = ws.subprotocol
                await ws.send("hello through the gateway")
                out["text"] = await ws.recv()
                big = bytes(range(256)) * 4096
                await ws.send(big)
                out["big"] = (await ws.recv()) == big
                for i in range(200):
                    await ws.send(str(i))
                out["ordered"] = [await ws.recv() for _ in range(200)] == [str(i) for i in range(200)]
                await ws.ping()
                out["closed_cleanly"] = True
            print(json.dumps(out))
        asyncio.run(main())
        """

    /// Exchanges one message, then waits (up to argv[2] seconds) for anything more; reports whether the
    /// connection was closed meanwhile, and after how long.
    static let idleClientScript = """
        import asyncio, json, sys, time, websockets
        async def main():
            async with websockets.connect(sys.argv[1], subprotocols=["chat"]) as ws:
                await ws.send("hi")
                await ws.recv()
                started = time.monotonic()
                try:
                    await asyncio.wait_for(ws.recv(), timeout=float(sys.argv[2]))
                    out = {"closed": False}
                except websockets.ConnectionClosed:
                    out = {"closed": True, "after": time.monotonic() - started}
                except asyncio.TimeoutError:
                    out = {"closed": False, "waited": True}
            print(json.dumps(out))
        asyncio.run(main())
        """

    /// Starts the echo server on a free port.
    static func startServer() async throws -> PythonServer {
        let port = try FreePort.next()
        return try await PythonServer.start(port: port, ["-c", serverScript, String(port)])
    }

    /// Runs the client script (or the idle one, waiting `idleSeconds`) against `url`; returns its JSON report.
    static func runClient(_ url: String, idleSeconds: Double? = nil) async throws -> [String: Any] {
        let arguments = idleSeconds.map { ["python3", "-c", idleClientScript, url, String($0)] } ?? ["python3", "-c", clientScript, url]
        let output = try await Command.run("/usr/bin/env", arguments)
        let line = output.split(separator: "\n").last.map(String.init) ?? ""
        return (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]) ?? [:]
    }
}
