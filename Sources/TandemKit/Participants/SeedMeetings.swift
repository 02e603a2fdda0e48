import Foundation

/// A fictional intergroup's Meeting Guide feed for `tandem seed`: in-person meetings around a
/// town centre, online and hybrid ones, every day of the week, deterministic for a seed. It goes
/// through the same import as a real feed, so the finder's data is built the way it always is.
extension SeedPlan {
    static let meetingNames = [
        "Serenity at Noon", "Early Birds", "Back to Basics", "Women's Step Study", "Young People in Recovery",
        "Grupo Esperanza", "Big Book Study", "Speaker Night", "Living Sober", "Men's Stag", "SMART Recovery Group",
        "Rainbow Group", "Candlelight", "Sunday Reflections", "Daily Reprieve", "Keep It Simple",
    ]
    static let meetingTypes = [
        ["O", "D"], ["C", "D"], ["O", "B"], ["C", "W", "ST"], ["O", "YP"], ["O", "S"], ["C", "B"], ["O", "SP"],
        ["O", "LIT"], ["C", "M"], ["O", "D"], ["O", "LGBTQ"], ["C", "X"], ["O", "MED"], ["C", "D", "X"], ["O"],
    ]

    /// `count` meetings of organization number `organization` as a Meeting Guide JSON feed.
    public func meetingFeed(organization: Int, count: Int) -> Data {
        var random = Generator(seed: seed &+ 0x4D45_4554 &+ UInt64(organization) &* 0x2545_F491)
        // Each organization's town, spread over a state-sized box.
        let latitude = 39.5 + Double(organization % 10) * 0.3
        let longitude = -80.0 + Double(organization / 10) * 0.9
        let meetings: [[String: Any]] = (0..<count).map { index in
            let kind = Int(random.next() % 10)
            let online = kind >= 7
            let hybrid = kind == 9
            let start = 6 * 60 + Int(random.next() % 64) * 15
            let name = Self.meetingNames[index % Self.meetingNames.count]
            var meeting: [String: Any] = [
                "name": "\(name) \(index / Self.meetingNames.count + 1)",
                "slug": "seed-\(organization)-\(index)",
                "day": Int(random.next() % 7),
                "time": (start / 60).zeroPadded(2) + ":" + (start % 60).zeroPadded(2),
                "end_time": ((start + 60) / 60 % 24).zeroPadded(2) + ":" + (start % 60).zeroPadded(2),
                "types": Self.meetingTypes[index % Self.meetingTypes.count] + (kind % 4 == 0 ? ["S"] : []),
                "region": "District \(index % 12 + 1)",
                "notes": index % 5 == 0 ? "Side door, downstairs. Coffee from 15 minutes before." : "",
                "updated": "2026-11-01 12:00:00",
            ]
            if online && !hybrid {
                meeting["conference_url"] = "https://meet.example.org/seed-\(organization)-\(index)"
                meeting["conference_phone"] = "+15555550\(100 + index % 900)"
            } else {
                meeting["location"] = "Community Hall \(index % 40 + 1)"
                meeting["formatted_address"] = "\(100 + index) Main Street, Seedtown \(organization + 1), PA, USA"
                meeting["latitude"] = String(latitude + Double(Int(random.next() % 2000) - 1000) / 10_000)
                meeting["longitude"] = String(longitude + Double(Int(random.next() % 2000) - 1000) / 10_000)
                if hybrid { meeting["conference_url"] = "https://meet.example.org/seed-\(organization)-\(index)" }
            }
            return meeting
        }
        return (try? JSONSerialization.data(withJSONObject: meetings, options: [.sortedKeys])) ?? Data("[]".utf8)
    }
}
