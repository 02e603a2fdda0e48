import Foundation
import TandemKit
import Vapor

/// What the whole application shares: its settings, its messages and its metrics.
struct TandemServices: Sendable {
    let settings: Settings
    let messages: [Language: MessageTable]
    let metrics: HTTPMetrics
    let audit: AuditLog
    let tokenUse: TokenUseLog
    /// The web sockets of live messaging open in this process.
    let hub: MessageHub
    /// Keys shared with the other processes on the same database.
    let secrets: SharedSecrets
    /// Organization-wide reckonings (billing) running at once in this process.
    let heavyWork: HeavyWork
}

private struct TandemServicesKey: StorageKey {
    typealias Value = TandemServices
}

extension Application {
    var tandem: TandemServices {
        get {
            guard let services = storage[TandemServicesKey.self] else {
                fatalError("configure(_:settings:) has not run")
            }
            return services
        }
        set { storage[TandemServicesKey.self] = newValue }
    }

    var tandemSettings: Settings { tandem.settings }
}

extension Request {
    var tandem: TandemServices { application.tandem }
    var settings: Settings { application.tandem.settings }
}

extension Request {
    /// The client's address: the peer's, or, behind a trusted proxy, the one it forwarded
    /// (`Settings.trustedProxies`).
    var clientAddress: String? {
        ForwardedFor.client(
            peer: remoteAddress?.ipAddress, header: headers[.xForwardedFor], trusted: settings.trustedProxies)
    }
}
