import Fluent
import Foundation
import TandemKit
import Vapor

/// `tandem demo`: a fresh demo database with a fictional organization and one account
/// per role. The password is random for each run: Tandem never has a default password.
enum Demo {
    static let organizationName = "Riverbend Recovery Community"

    struct Person {
        let name: String
        let email: String
        let role: Role
        let language: String
    }

    static let people: [Person] = [
        Person(name: "Dana Whitfield", email: "admin@demo.tandem.test", role: .admin, language: "en"),
        Person(name: "Marcus Bell", email: "supervisor@demo.tandem.test", role: .supervisor, language: "en"),
        Person(name: "Rosa Delgado", email: "coach@demo.tandem.test", role: .coach, language: "es"),
        Person(name: "Jamie Okafor", email: "participant@demo.tandem.test", role: .participant, language: "en"),
        Person(name: "Linda Okafor", email: "family@demo.tandem.test", role: .family, language: "en"),
        Person(name: "Priya Raman", email: "partner@demo.tandem.test", role: .partner, language: "en"),
        Person(name: "Tomás Herrera", email: "tomas@demo.tandem.test", role: .participant, language: "es"),
        Person(name: "Keisha Monroe", email: "keisha@demo.tandem.test", role: .participant, language: "en"),
        Person(name: "Eli Brandt", email: "eli@demo.tandem.test", role: .participant, language: "en"),
        Person(name: "Mei Chen", email: "mei@demo.tandem.test", role: .participant, language: "en"),
        Person(name: "Andre Fontaine", email: "andre@demo.tandem.test", role: .coach, language: "en"),
        Person(name: "Grace Whitehorse", email: "grace@demo.tandem.test", role: .coach, language: "en"),
        Person(name: "Sam Ortiz", email: "sam@demo.tandem.test", role: .coach, language: "es"),
    ]

    /// The demo always uses its own SQLite file, rebuilt from nothing, so it can never
    /// touch real data, even when DATABASE_URL is set.
    static func prepareSettings(_ settings: Settings) throws -> Settings {
        var demo = settings
        demo.isDemo = true
        demo.databaseURL = nil
        demo.databaseFileName = "demo.sqlite"
        try FileManager.default.createDirectory(atPath: demo.dataDirectory, withIntermediateDirectories: true)
        guard let lock = DatabaseLock(databasePath: demo.databasePath, exclusive: true) else {
            throw CommandFailure("A demo server is already running on \(demo.databasePath).")
        }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: demo.databasePath + suffix) }
        lock.release()
        return demo
    }

    /// Fills the demo database; returns the sign-in lines to print.
    static func populate(_ app: Application) async throws -> [String] {
        let password = "demo-" + SecureToken.generate(byteCount: 9)
        let hash = try await app.password.async.hash(PasswordDigest.prepare(password))
        let organization = Organization(name: organizationName)
        try await organization.create(on: app.db)
        var users: [String: User] = [:]
        var lines = ["Demo of \(organizationName) (fictional people). Sign in with any of these, password \(password):"]
        for person in people {
            let user = User(
                email: person.email, displayName: person.name, passwordHash: hash, language: person.language)
            try await user.create(on: app.db)
            users[person.email] = user
            try await Membership(userID: user.id!, organizationID: organization.id!, role: person.role).create(
                on: app.db)
            if [.admin, .supervisor, .coach, .participant, .family, .partner].contains(person.role),
                !lines.contains(where: { $0.contains("  \(person.role.rawValue):") })
            {
                lines.append("  \(person.role.rawValue): \(person.email)")
            }
        }
        try await DemoCaseloads.populate(organization: organization, users: users, on: app.db)
        try await DemoOutreach.populate(organization: organization, users: users, on: app.db)
        try await DemoCompanions.populate(organization: organization, users: users, on: app.db)
        try await DemoSite.populate(organization: organization, users: users, on: app.db)
        lines.append("Public site (no sign-in): /organizations/\(organization.id!.uuidString)")
        return lines
    }
}
