import Foundation

/// A resource of the directory as typed in a form or read from a CSV row, with the rules for
/// keeping one. Lists (categories, languages, costs) are codes; hours are `OpeningHours` text.
public struct ResourceDraft: Sendable, Equatable {
    public var name: String
    public var description: String
    public var categories: [String]
    public var address: String
    public var latitude: String
    public var longitude: String
    public var phone: String
    public var website: String
    public var hours: String
    public var languages: [String]
    public var costs: [String]
    public var eligibility: String
    public var accessibility: String
    /// YYYY-MM-DD, or empty when never checked.
    public var lastVerified: String

    public init(
        name: String = "", description: String = "", categories: [String] = [], address: String = "",
        latitude: String = "", longitude: String = "", phone: String = "", website: String = "", hours: String = "",
        languages: [String] = [], costs: [String] = [], eligibility: String = "", accessibility: String = "",
        lastVerified: String = ""
    ) {
        self.name = name
        self.description = description
        self.categories = categories
        self.address = address
        self.latitude = latitude
        self.longitude = longitude
        self.phone = phone
        self.website = website
        self.hours = hours
        self.languages = languages
        self.costs = costs
        self.eligibility = eligibility
        self.accessibility = accessibility
        self.lastVerified = lastVerified
    }

    public static let nameLimit = 200
    public static let shortLimit = 300
    public static let longLimit = 2000

    /// Trimmed, lists lower-cased where codes are, each once and in a stable order.
    public func normalized() -> ResourceDraft {
        let trim: (String) -> String = { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        func codes(_ list: [String], lower: Bool) -> [String] {
            var seen: [String] = []
            for item in list.map({ lower ? trim($0).lowercased() : trim($0) }) where !item.isEmpty {
                if !seen.contains(item) { seen.append(item) }
            }
            return seen
        }
        let categoryOrder = ResourceCategory.allCases.map(\.rawValue)
        let costOrder = ResourceCost.allCases.map(\.rawValue)
        return ResourceDraft(
            name: trim(name), description: trim(description),
            categories: codes(categories, lower: true).sorted {
                (categoryOrder.firstIndex(of: $0) ?? .max) < (categoryOrder.firstIndex(of: $1) ?? .max)
            }, address: trim(address), latitude: trim(latitude), longitude: trim(longitude), phone: trim(phone),
            website: trim(website), hours: trim(hours), languages: codes(languages, lower: true),
            costs: codes(costs, lower: true).sorted {
                (costOrder.firstIndex(of: $0) ?? .max) < (costOrder.firstIndex(of: $1) ?? .max)
            }, eligibility: trim(eligibility), accessibility: trim(accessibility), lastVerified: trim(lastVerified))
    }

    /// The coordinates, when both are given and in range.
    public var coordinates: (latitude: Double, longitude: Double)? {
        guard let lat = Double(latitude), let lon = Double(longitude), (-90...90).contains(lat),
            (-180...180).contains(lon)
        else { return nil }
        return (lat, lon)
    }

    /// What is wrong with a normalized draft, as (field, message key) pairs; empty when it may be kept.
    public func problems(today: CalendarDate) -> [(field: String, key: String)] {
        var found: [(String, String)] = []
        if name.isEmpty { found.append(("name", "error_resource_name_required")) }
        if name.count > Self.nameLimit { found.append(("name", "error_text_too_long")) }
        for (field, value, limit) in [
            ("description", description, Self.longLimit), ("address", address, Self.shortLimit),
            ("phone", phone, 40), ("hours", hours, Self.shortLimit), ("eligibility", eligibility, Self.longLimit),
            ("accessibility", accessibility, Self.longLimit),
        ] where value.count > limit {
            found.append((field, "error_text_too_long"))
        }
        if categories.isEmpty {
            found.append(("categories", "error_resource_category_required"))
        } else if categories.contains(where: { ResourceCategory(rawValue: $0) == nil }) {
            found.append(("categories", "error_resource_category_unknown"))
        }
        if costs.contains(where: { ResourceCost(rawValue: $0) == nil }) {
            found.append(("costs", "error_resource_cost_unknown"))
        }
        if languages.count > 20 || languages.contains(where: { !Self.isLanguageCode($0) }) {
            found.append(("languages", "error_resource_language"))
        }
        if latitude.isEmpty != longitude.isEmpty || (!latitude.isEmpty && coordinates == nil) {
            found.append(("latitude", "error_resource_coordinates"))
        }
        if !website.isEmpty && !AppointmentDraft.isWebLink(website) {
            found.append(("website", "error_resource_website"))
        }
        if case .failure = OpeningHours.parse(hours) { found.append(("hours", "error_resource_hours")) }
        if !lastVerified.isEmpty {
            if let day = CalendarDate(lastVerified) {
                if day > today { found.append(("last_verified", "error_resource_verified_future")) }
            } else {
                found.append(("last_verified", "error_date_invalid"))
            }
        }
        return found
    }

    /// An ISO 639 language code: two or three lower-case letters ("en", "es", "hmn").
    public static func isLanguageCode(_ code: String) -> Bool {
        (2...3).contains(code.utf8.count) && code.utf8.allSatisfy { (97...122).contains($0) }
    }

    /// Entries not checked for this many days are flagged as possibly out of date.
    public static let staleAfterDays = 180

    public static func isStale(lastVerified: String, today: CalendarDate) -> Bool {
        guard let day = CalendarDate(lastVerified) else { return true }
        return day.days(until: today) > staleAfterDays
    }
}
