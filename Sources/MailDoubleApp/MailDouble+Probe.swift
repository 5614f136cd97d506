// SPDX-License-Identifier: Apache-2.0
import HTTPCore
import HTTPServer
import TLS

extension MailDouble {
    /// `maildouble --healthcheck`: asks a running emulator's `/_emulator/readyz` — on the plain port, else on
    /// HTTPS trusting the development CA in the state directory — and says whether it answered 200. The
    /// container image's HEALTHCHECK runs it, since the image has no shell or curl. The configuration is the one
    /// the flags and environment give, so `-e MAILDOUBLE_HTTP_PORT=…` reaches the probe too.
    /// - Returns: nil when ready, else why not (for stderr).
    public static func probeReadiness(_ c: AppConfiguration, timeoutSeconds: Double = 2) -> String? {
        var host = c.hosts.first ?? "127.0.0.1"
        // A wildcard listener is reached on loopback.
        if host == "0.0.0.0" { host = "127.0.0.1" }
        if host == "::" { host = "::1" }
        if host.contains(":") { host = "[\(host)]" }
        let url: String
        var tls: TLSContext?
        if let port = c.httpPort, port != 0 {
            url = "http://\(host):\(port)/_emulator/readyz"
        } else if let port = c.httpsPort, port != 0 {
            url = "https://\(host == "127.0.0.1" ? "localhost" : host):\(port)/_emulator/readyz"
            let ca = c.stateDirectory + "/ca.pem"
            tls = try? TLSContext.makeClient(extraCAFiles: [ca])
        } else {
            return "no fixed port to probe (ports chosen with 0 are known only from the ready file)"
        }
        switch OutboundHTTP.send(
            method: "GET",
            url: url,
            headers: [:],
            body: [],
            timeoutSeconds: timeoutSeconds,
            tls: tls
        ) {
        case .success(200): return nil
        case .success(let status): return "\(url) answered \(status)"
        case .failure(let error): return "\(url): \(error)"
        }
    }
}
