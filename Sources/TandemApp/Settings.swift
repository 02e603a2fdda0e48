import Foundation

/// Every setting Tandem reads, all from environment variables with safe laptop defaults.
/// The README lists them.
public struct Settings: Sendable {
    public var baseURL: String?
    public var dataDirectory: String
    public var databaseURL: String?
    /// A PostgreSQL schema to work in (the search path); tests give each run its own.
    public var databaseSchema: String?
    public var databaseFileName: String
    public var sessionIdleMinutes: Int
    public var sessionAbsoluteHours: Int
    public var apiTokenDays: Int
    public var setupLinkHours: Int
    public var linkValidityHours: Int
    public var maxBodyBytes: Int
    public var isDemo: Bool
    /// PostgreSQL connections each event loop (one per core) may open.
    public var databaseConnectionsPerLoop: Int
    /// When set, GET /metrics needs `Authorization: Bearer <token>`.
    public var metricsToken: String?
    /// Load balancers and reverse proxies in front of Tandem (`TANDEM_TRUSTED_PROXIES`, their
    /// addresses separated by commas): for a request arriving from one of them, the client's
    /// address is taken from `X-Forwarded-For` (audit entries, sign-in limits, comment limits).
    public var trustedProxies: Set<String> = []
    /// Where e-mail goes; nil when TANDEM_SMTP_HOST is not set (no e-mail is sent).
    var smtp: SMTPConfiguration?
    /// Seconds between two rounds of the outbox (delivery and reminders).
    public var outboxIntervalSeconds: Int = 15
    /// The first wait before a failed message is tried again; later waits double.
    public var outboxRetrySeconds: Int = 60
    /// Seconds between two looks for meeting feeds due for their scheduled refresh.
    public var meetingRefreshSeconds: Int = 300
    /// Whether feeds typed by an organization's admin may come from loopback and private
    /// addresses, and over plain http (`TANDEM_FEEDS_FROM_PRIVATE_NETWORKS=1`).
    public var feedsFromPrivateNetworks = false

    public init(
        baseURL: String? = nil, dataDirectory: String = "./data", databaseURL: String? = nil,
        databaseFileName: String = "tandem.sqlite", sessionIdleMinutes: Int = 30, sessionAbsoluteHours: Int = 12,
        apiTokenDays: Int = 90, setupLinkHours: Int = 24, linkValidityHours: Int = 72,
        maxBodyBytes: Int = 1_048_576, isDemo: Bool = false
    ) {
        self.baseURL = baseURL
        self.dataDirectory = dataDirectory
        self.databaseURL = databaseURL
        self.databaseSchema = nil
        self.databaseFileName = databaseFileName
        self.sessionIdleMinutes = sessionIdleMinutes
        self.sessionAbsoluteHours = sessionAbsoluteHours
        self.apiTokenDays = apiTokenDays
        self.setupLinkHours = setupLinkHours
        self.linkValidityHours = linkValidityHours
        self.maxBodyBytes = maxBodyBytes
        self.isDemo = isDemo
        self.metricsToken = nil
        self.databaseConnectionsPerLoop = 4
    }

    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> Settings {
        func int(_ key: String, _ fallback: Int, range: ClosedRange<Int>) -> Int {
            guard let raw = env[key], let value = Int(raw), range.contains(value) else { return fallback }
            return value
        }
        func text(_ key: String) -> String? {
            guard let value = env[key]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        var settings = Settings(
            baseURL: text("TANDEM_BASE_URL").map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 },
            dataDirectory: text("TANDEM_DATA_DIR") ?? "./data",
            databaseURL: text("DATABASE_URL"),
            sessionIdleMinutes: int("TANDEM_SESSION_IDLE_MINUTES", 30, range: 1...1440),
            sessionAbsoluteHours: int("TANDEM_SESSION_ABSOLUTE_HOURS", 12, range: 1...720),
            apiTokenDays: int("TANDEM_API_TOKEN_DAYS", 90, range: 1...3650),
            maxBodyBytes: int("TANDEM_MAX_BODY_BYTES", 1_048_576, range: 1024...104_857_600)
        )
        settings.databaseSchema = text("TANDEM_DATABASE_SCHEMA")
        settings.metricsToken = text("TANDEM_METRICS_TOKEN")
        settings.databaseConnectionsPerLoop = int("TANDEM_DB_CONNECTIONS_PER_LOOP", 4, range: 1...64)
        settings.outboxIntervalSeconds = int("TANDEM_OUTBOX_INTERVAL_SECONDS", 15, range: 1...3600)
        settings.outboxRetrySeconds = int("TANDEM_OUTBOX_RETRY_SECONDS", 60, range: 1...3600)
        settings.meetingRefreshSeconds = int("TANDEM_MEETING_REFRESH_SECONDS", 300, range: 1...86400)
        settings.feedsFromPrivateNetworks = text("TANDEM_FEEDS_FROM_PRIVATE_NETWORKS") == "1"
        settings.trustedProxies = Set(
            (text("TANDEM_TRUSTED_PROXIES") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty })
        if let host = text("TANDEM_SMTP_HOST") {
            let security =
                text("TANDEM_SMTP_SECURITY").flatMap { SMTPConfiguration.Security(rawValue: $0.lowercased()) }
                ?? .starttls
            let defaultPort = security == .tls ? 465 : security == .none ? 25 : 587
            settings.smtp = SMTPConfiguration(
                host: host, port: int("TANDEM_SMTP_PORT", defaultPort, range: 1...65535),
                username: text("TANDEM_SMTP_USER"), password: env["TANDEM_SMTP_PASSWORD"], security: security,
                from: text("TANDEM_SMTP_FROM") ?? "tandem@localhost",
                trustedCertificatesFile: text("TANDEM_SMTP_CA_FILE"))
        }
        return settings
    }

    public var usesPostgres: Bool { databaseURL != nil }

    public var databasePath: String {
        (dataDirectory as NSString).appendingPathComponent(databaseFileName)
    }

    /// Cookies are marked Secure whenever the public address is https.
    public var secureCookies: Bool { baseURL?.lowercased().hasPrefix("https://") ?? false }
}
