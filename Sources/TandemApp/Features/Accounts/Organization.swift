import Fluent
import Foundation
import TandemKit

/// One tenant: a recovery community organization, a coaching practice, an aftercare program.
final class Organization: Model, @unchecked Sendable {
    static let schema = "organizations"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "crisis_line") var crisisLine: String
    @Field(key: "crisis_text") var crisisText: String?
    @Field(key: "require_staff_two_factor") var requireStaffTwoFactor: Bool
    @Field(key: "time_zone") var timeZone: String
    /// Days after a scored BARC-10 until the next is due.
    @Field(key: "reassessment_interval_days") var reassessmentIntervalDays: Int
    /// The life domains of its plans, one per line (`LifeDomain` ids or its own names);
    /// empty for the default list.
    @Field(key: "plan_domains") var planDomains: String
    /// Whether signed session notes wait for a supervisor's approval before they may be billed.
    @Field(key: "notes_need_review") var notesNeedReview: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    /// The life domains of its plans: its own list, or the standard one.
    var lifeDomains: [String] {
        let list = planDomains.split(separator: "\n").map(String.init)
        return list.isEmpty ? LifeDomain.defaultList : list
    }

    init(id: UUID? = nil, name: String, crisisLine: String = "988", timeZone: String = "America/New_York") {
        self.id = id
        self.name = name
        self.crisisLine = crisisLine
        self.crisisText = nil
        self.requireStaffTwoFactor = false
        self.timeZone = timeZone
        self.reassessmentIntervalDays = Reassessment.defaultIntervalDays
        self.planDomains = ""
        self.notesNeedReview = false
    }
}
