import Foundation

/// A search by distance as a person typed it: a point ("39.95, -75.16") and how far to look.
/// Both searches that take a point (meetings and resources) read it here, so a point off the
/// globe or a distance of −5 km gets the same clear answer everywhere instead of being ignored.
public struct NearSearch: Sendable, Equatable {
    public static let defaultKilometres = 25.0
    public static let kilometreRange = 1.0...500.0

    public var point: Coordinates?
    public var kilometres = defaultKilometres
    /// The fields that could not be read: `near`, `km`, or both.
    public var problems: [String] = []

    public init(near: String?, km: String?) {
        let near = (near ?? "").trimmingCharacters(in: .whitespaces)
        if !near.isEmpty {
            if let point = Coordinates.parse(near) { self.point = point } else { problems.append("near") }
        }
        let km = (km ?? "").trimmingCharacters(in: .whitespaces)
        if !km.isEmpty {
            if let value = Double(km), value.isFinite, Self.kilometreRange.contains(value) {
                kilometres = value
            } else {
                problems.append("km")
            }
        }
    }
}

/// A point in decimal degrees.
public struct Coordinates: Sendable, Equatable {
    public let latitude: Double
    public let longitude: Double

    public init?(latitude: Double, longitude: Double) {
        guard latitude.isFinite, longitude.isFinite, (-90...90).contains(latitude), (-180...180).contains(longitude)
        else { return nil }
        self.latitude = latitude
        self.longitude = longitude
    }

    /// "latitude, longitude", as a map shows them; nil for anything else or a point off the globe.
    /// A typographic minus (−), which maps and this project's own hints use, reads as a minus.
    public static func parse(_ text: String) -> Coordinates? {
        let parts = text.replacingOccurrences(of: "\u{2212}", with: "-").split(
            separator: ",", omittingEmptySubsequences: false
        )
        .map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let latitude = parts[0], let longitude = parts[1] else { return nil }
        return Coordinates(latitude: latitude, longitude: longitude)
    }
}
