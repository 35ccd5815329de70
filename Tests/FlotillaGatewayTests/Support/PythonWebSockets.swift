import FlotillaTesting
import Foundation
import NIOCore
import NIOPosix

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

    /// A running echo server.
    final class Server: Sendable {
        let port: Int
        private let process: Process

        init(port: Int, process: Process) {
            self.port = port
            self.process = process
        }

        func stop() async {
            kill(process.processIdentifier, SIGKILL)
            let deadline = ContinuousClock.now + .seconds(5)
            while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        }
    }

    static func startServer() async throws -> Server {
        let port = try FreePort.next()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", serverScript, String(port)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            if let channel = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port).get()
            {
                try? await channel.close()
                return Server(port: port, process: process)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        kill(process.processIdentifier, SIGKILL)
        throw FixtureError("the Python websockets server did not start on \(port)")
    }

    /// Runs the client script (or the idle one, waiting `idleSeconds`) against `url`; returns its JSON report.
    static func runClient(_ url: String, idleSeconds: Double? = nil) throws -> [String: Any] {
        let arguments = idleSeconds.map { ["python3", "-c", idleClientScript, url, String($0)] } ?? ["python3", "-c", clientScript, url]
        let output = try Command.run("/usr/bin/env", arguments)
        let line = output.split(separator: "\n").last.map(String.init) ?? ""
        return (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]) ?? [:]
    }
}
