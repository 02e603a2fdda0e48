import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// The organization's resource directory: everyone in it may search and read (a directory
/// holds no personal data, so reading is not audited); staff add, change and remove entries;
/// admins and supervisors import a CSV file. Changes are audited.
struct ResourceService {
    let req: Request
    let actor: Actor

    struct Filter: Sendable {
        var words = ""
        var category: ResourceCategory?
        var language: String?
        var openNow = false
        var near: (latitude: Double, longitude: Double)?
        var kilometres: Double = 25
    }

    struct Found: Sendable {
        let resource: Resource
        let distance: Double?
        let isOpen: Bool
        let isStale: Bool
    }

    static let limit = 200

    var timeZone: TimeZone { TimeZone(identifier: actor.organization.timeZone) ?? .gmt }
    var today: CalendarDate { CalendarDate(Date(), in: timeZone) }

    func search(_ filter: Filter, now: Date = Date()) async throws -> [Found] {
        var query = Resource.query(on: req.db).filter(\.$organizationID == actor.organizationID)
        if let category = filter.category {
            query = query.filter(\.$categories, .custom("LIKE"), "%," + category.rawValue + ",%")
        }
        if let language = filter.language, ResourceDraft.isLanguageCode(language) {
            query = query.filter(\.$languages, .custom("LIKE"), "%," + language + ",%")
        }
        for word in filter.words.lowercased().split(separator: " ").prefix(5) where !word.isEmpty {
            let pattern = "%" + MeetingFinder.escapeLike(String(word)) + "%"
            query = query.filter(.sql(SQLQueryString("search_text LIKE \(bind: pattern) ESCAPE '\\'")))
        }
        if let near = filter.near {
            let latitudeSpan = filter.kilometres / 111.0
            let longitudeSpan = filter.kilometres / max(1, 111.0 * cos(near.latitude * .pi / 180))
            query = query.filter(\.$latitude >= near.latitude - latitudeSpan)
                .filter(\.$latitude <= near.latitude + latitudeSpan)
                .filter(\.$longitude >= near.longitude - longitudeSpan)
                .filter(\.$longitude <= near.longitude + longitudeSpan)
        }
        let resources = try await query.sort(\.$name).limit(2000).all()
        let local = MeetingTimes.local(now, in: timeZone)
        let today = CalendarDate(now, in: timeZone)
        var found = resources.map { resource in
            let hours = OpeningHours.read(resource.hours)
            var distance: Double?
            if let near = filter.near, let lat = resource.latitude, let lon = resource.longitude {
                distance = MeetingTimes.kilometres(near, (lat, lon))
            }
            return Found(
                resource: resource, distance: distance,
                isOpen: hours.isOpen(day: local.day, minute: local.time.minutes),
                isStale: ResourceDraft.isStale(lastVerified: resource.lastVerified, today: today))
        }
        if filter.openNow { found = found.filter { (item: Found) in item.isOpen } }
        if filter.near != nil {
            let kilometres = filter.kilometres
            found = found.filter { (item: Found) in (item.distance ?? .infinity) <= kilometres }
            found.sort { (a: Found, b: Found) in (a.distance ?? .infinity) < (b.distance ?? .infinity) }
        }
        return Array(found.prefix(Self.limit))
    }

    func resource(_ id: UUID) async throws -> Found {
        guard
            let resource = try await Resource.query(on: req.db).filter(\.$organizationID == actor.organizationID)
                .filter(\.$id == id).first()
        else { throw ServiceError.notFound }
        let hours = OpeningHours.read(resource.hours)
        let local = MeetingTimes.local(Date(), in: timeZone)
        return Found(
            resource: resource, distance: nil, isOpen: hours.isOpen(day: local.day, minute: local.time.minutes),
            isStale: ResourceDraft.isStale(lastVerified: resource.lastVerified, today: today))
    }

    /// Adds a resource (`id` nil) or changes one. Audited.
    func save(_ id: UUID?, _ draft: ResourceDraft) async throws -> Resource {
        guard AccessPolicy.can(actor.role, .manageResources) else { throw ServiceError.denied }
        let draft = draft.normalized()
        let problems = draft.problems(today: today)
        if !problems.isEmpty { throw ServiceError.invalid(problems) }
        var resource = Resource(organizationID: actor.organizationID)
        if let id { resource = try await self.resource(id).resource }
        resource.apply(draft)
        try await resource.save(on: req.db)
        try await audit(id == nil ? "resource.create" : "resource.update", resource.id!)
        return resource
    }

    func delete(_ id: UUID) async throws {
        guard AccessPolicy.can(actor.role, .manageResources) else { throw ServiceError.denied }
        let resource = try await self.resource(id).resource
        try await resource.delete(on: req.db)
        try await audit("resource.delete", id)
    }

    /// What a CSV import did: entries added and changed, and each row left out with why.
    struct ImportReport: Sendable {
        var added = 0
        var changed = 0
        var rejected: [(line: Int, problems: [(field: String, key: String)])] = []
        var ignoredColumns: [String] = []
    }

    /// Imports the directory from CSV text. Rows that pass the rules are added or change the
    /// entry they name, all in one transaction; a row that does not pass changes nothing and
    /// is reported with its line, so the last good data stays.
    func importCSV(_ text: String) async throws -> ImportReport {
        guard AccessPolicy.can(actor.role, .importResources) else { throw ServiceError.denied }
        let rows: [ResourceCSV.Row]
        var report = ImportReport()
        switch ResourceCSV.read(text) {
        case .failure(.empty): throw ServiceError.invalid([("file", "error_resource_csv_empty")])
        case .failure(.noName): throw ServiceError.invalid([("file", "error_resource_csv_no_name")])
        case .failure(.unreadable): throw ServiceError.invalid([("file", "error_resource_csv_unreadable")])
        case .success(let read):
            rows = read.rows
            report.ignoredColumns = read.ignored
        }
        guard rows.count <= 5000 else { throw ServiceError.invalid([("file", "error_resource_csv_too_many")]) }
        let organizationID = actor.organizationID
        let today = self.today
        let existing = try await Resource.query(on: req.db).filter(\.$organizationID == organizationID).all()
        var byID = Dictionary(uniqueKeysWithValues: existing.map { ($0.id!, $0) })
        var byNameAndAddress = Dictionary(
            existing.map { (Self.matchKey($0.name, $0.address), $0) }, uniquingKeysWith: { first, _ in first })
        var changes: [(Resource, Bool)] = []
        var added = Set<UUID>()
        for row in rows {
            let problems = row.draft.problems(today: today)
            guard problems.isEmpty else {
                report.rejected.append((row.line, problems))
                continue
            }
            let match =
                UUID(uuidString: row.id).flatMap { byID[$0] }
                ?? byNameAndAddress[Self.matchKey(row.draft.name, row.draft.address)]
            let resource = match ?? Resource(organizationID: organizationID)
            // A row that renames an entry moves it to its new name and address.
            if let match { byNameAndAddress[Self.matchKey(match.name, match.address)] = nil }
            resource.apply(row.draft)
            if match == nil {
                resource.id = UUID()
                byID[resource.id!] = resource
                added.insert(resource.id!)
            }
            byNameAndAddress[Self.matchKey(resource.name, resource.address)] = resource
            // An entry two rows change is written once, and counted once.
            if !changes.contains(where: { $0.0 === resource }) { changes.append((resource, match == nil)) }
        }
        let writes = changes
        try await req.db.transaction { db in
            for (resource, isNew) in writes {
                if isNew { try await resource.create(on: db) } else { try await resource.save(on: db) }
            }
        }
        report.added = added.count
        report.changed = changes.filter { !added.contains($0.0.id!) }.count
        try await req.audit(
            "resource.import", actor: actor.userID, organization: organizationID, subjectType: "organization",
            subject: organizationID)
        return report
    }

    static func matchKey(_ name: String, _ address: String) -> String {
        name.lowercased() + "\u{1F}" + address.lowercased()
    }

    /// The whole directory as CSV, in name order. Audited.
    func exportCSV() async throws -> String {
        guard AccessPolicy.can(actor.role, .manageResources) else { throw ServiceError.denied }
        let resources = try await Resource.query(on: req.db).filter(\.$organizationID == actor.organizationID)
            .sort(\.$name).all()
        var writer = CSVWriter()
        writer.row(ResourceCSV.columns)
        for resource in resources { writer.row(ResourceCSV.fields(id: resource.id!.uuidString, resource.draft)) }
        try await req.audit(
            "resource.export", actor: actor.userID, organization: actor.organizationID, subjectType: "organization",
            subject: actor.organizationID)
        return writer.text
    }

    private func audit(_ action: String, _ id: UUID) async throws {
        try await req.audit(
            action, actor: actor.userID, organization: actor.organizationID, subjectType: "resource", subject: id)
    }
}
