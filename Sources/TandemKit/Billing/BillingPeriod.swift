import Foundation

/// The days a billing export or report covers, both ends included.
public struct BillingPeriod: Sendable, Equatable {
    public let from: CalendarDate
    public let to: CalendarDate

    /// A year and a few days: a grant year, or a quarter with room to spare.
    public static let maxDays = 400

    /// The period typed as two dates, or the message key for each field at fault.
    public static func parse(from: String, to: String) -> Result<BillingPeriod, PeriodProblem> {
        let start = CalendarDate(from.trimmingCharacters(in: .whitespaces))
        let end = CalendarDate(to.trimmingCharacters(in: .whitespaces))
        var problems: [(field: String, key: String)] = []
        if start == nil { problems.append(("from", "error_date_invalid")) }
        if end == nil { problems.append(("to", "error_date_invalid")) }
        guard let start, let end else { return .failure(PeriodProblem(fields: problems)) }
        if end < start { return .failure(PeriodProblem(fields: [("to", "error_period_order")])) }
        if start.days(until: end) >= maxDays { return .failure(PeriodProblem(fields: [("to", "error_period_length")])) }
        return .success(BillingPeriod(from: start, to: end))
    }

    public init(from: CalendarDate, to: CalendarDate) {
        self.from = from
        self.to = to
    }

    /// The calendar month before the one `today` is in: what is usually billed next.
    public static func lastMonth(before today: CalendarDate) -> BillingPeriod {
        let first = CalendarDate(year: today.year, month: today.month, day: 1)!
        let end = first.adding(days: -1)!
        return BillingPeriod(from: CalendarDate(year: end.year, month: end.month, day: 1)!, to: end)
    }
}

public struct PeriodProblem: Error, Sendable {
    public let fields: [(field: String, key: String)]
}

/// Which engagement a session belongs to, and so who pays for it: one open on the day that the
/// provider works on, else any open on the day, else the provider's or any latest one started
/// before it. A session before any engagement began belongs to none (and is not billed).
public enum PayerChoice {
    public struct Candidate: Sendable {
        public let funding: Funding
        /// `YYYY-MM-DD`, or empty when not set.
        public let startDate: String
        public let endDate: String
        public let coachIDs: [String]
        /// The engagement's service type, for reports.
        public let serviceType: String

        public init(funding: Funding, startDate: String, endDate: String, coachIDs: [String], serviceType: String = "")
        {
            self.funding = funding
            self.startDate = startDate
            self.endDate = endDate
            self.coachIDs = coachIDs
            self.serviceType = serviceType
        }

        func isOpen(on day: String) -> Bool {
            (startDate.isEmpty || startDate <= day) && (endDate.isEmpty || endDate >= day)
        }
    }

    public static func funding(_ candidates: [Candidate], day: CalendarDate, provider: String) -> Funding? {
        engagement(candidates, day: day, provider: provider)?.funding
    }

    /// The engagement a session on `day` by `provider` belongs to, by the same preference.
    public static func engagement(_ candidates: [Candidate], day: CalendarDate, provider: String) -> Candidate? {
        let day = day.description
        let started = candidates.filter { $0.startDate.isEmpty || $0.startDate <= day }
        let ordered = [
            started.filter { $0.isOpen(on: day) && $0.coachIDs.contains(provider) },
            started.filter { $0.isOpen(on: day) },
            started.filter { $0.coachIDs.contains(provider) },
            started,
        ]
        for group in ordered where !group.isEmpty {
            return group.max { $0.startDate < $1.startDate }
        }
        return nil
    }
}
