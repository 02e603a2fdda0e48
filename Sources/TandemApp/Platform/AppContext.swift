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
