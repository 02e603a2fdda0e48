import Foundation

/// Why a sober escort travels with a person.
public enum TripPurpose: String, Sendable, CaseIterable, Codable {
    case treatmentAdmission = "treatment_admission"
    case court, medical
    case familyEvent = "family_event"
    case travel, other
}

/// Where a trip stands: requested → scheduled (escorts assigned) → under way (picked up) →
/// completed (handed off); cancelled with a reason before it is under way.
public enum TripStatus: String, Sendable, CaseIterable, Codable {
    case requested, scheduled
    case underWay = "under_way"
    case completed, cancelled

    /// Still ahead or going on: its escorts are taken for its time.
    public var holdsEscorts: Bool { self == .requested || self == .scheduled || self == .underWay }
    public var canCancel: Bool { self == .requested || self == .scheduled }
}

/// How one leg of a trip goes.
public enum LegMode: String, Sendable, CaseIterable, Codable {
    case car, flight, train, bus, other
}

public struct TripLeg: Sendable, Equatable, Codable {
    public var mode: String
    /// The airline, railway or car service; empty for the escort's own car.
    public var carrier: String
    /// A flight number, a booking reference.
    public var reference: String

    public init(mode: String = "", carrier: String = "", reference: String = "") {
        self.mode = mode
        self.carrier = carrier
        self.reference = reference
    }

    public var isBlank: Bool { mode.isEmpty && carrier.isEmpty && reference.isEmpty }
}

/// A trip as it is booked, from a form or the API; times are wall-clock in the organization's
/// time zone.
public struct TripDraft: Sendable, Equatable {
    public var purpose: String
    public var pickupPlace: String
    public var pickupDate: String
    public var pickupTime: String
    public var destination: String
    /// The appointment at the destination (an admission, a hearing); optional.
    public var appointmentDate: String
    public var appointmentTime: String
    /// When the escort's duty is expected to end (the hand-off); escorts are booked until then.
    public var endDate: String
    public var endTime: String
    public var legs: [TripLeg]
    /// The fee as typed, in dollars: the escort's rate for the trip and the expenses.
    public var rate: String
    public var expenses: String
    public var notes: String

    public init(
        purpose: String = "", pickupPlace: String = "", pickupDate: String = "", pickupTime: String = "",
        destination: String = "", appointmentDate: String = "", appointmentTime: String = "", endDate: String = "",
        endTime: String = "", legs: [TripLeg] = [], rate: String = "", expenses: String = "", notes: String = ""
    ) {
        self.purpose = purpose
        self.pickupPlace = pickupPlace
        self.pickupDate = pickupDate
        self.pickupTime = pickupTime
        self.destination = destination
        self.appointmentDate = appointmentDate
        self.appointmentTime = appointmentTime
        self.endDate = endDate
        self.endTime = endTime
        self.legs = legs
        self.rate = rate
        self.expenses = expenses
        self.notes = notes
    }

    public static let placeLimit = 200
    public static let notesLimit = 2000
    public static let mostLegs = 6
    /// A trip across the country takes days; none takes more than two weeks.
    public static let longestDays = 14

    public func normalized() -> TripDraft {
        func trim(_ text: String) -> String { text.trimmingCharacters(in: .whitespacesAndNewlines) }
        var copy = self
        for path in [
            \TripDraft.purpose, \.pickupPlace, \.pickupDate, \.pickupTime, \.destination, \.appointmentDate,
            \.appointmentTime, \.endDate, \.endTime, \.rate, \.expenses, \.notes,
        ] as [WritableKeyPath<TripDraft, String>] {
            copy[keyPath: path] = trim(copy[keyPath: path])
        }
        copy.legs = legs.map { TripLeg(mode: trim($0.mode), carrier: trim($0.carrier), reference: trim($0.reference)) }
            .filter { !$0.isBlank }
        return copy
    }

    public var rateCents: Int? { Money.cents(rate) }
    public var expensesCents: Int? { Money.cents(expenses) }

    /// Pickup and the expected end of the escort's duty, when both make sense.
    public func interval(in zone: TimeZone) -> (start: Date, end: Date)? {
        guard let start = Self.instant(pickupDate, pickupTime, zone), let end = Self.instant(endDate, endTime, zone)
        else { return nil }
        return (start, end)
    }

    public var appointment: (date: String, time: String)? {
        appointmentDate.isEmpty && appointmentTime.isEmpty ? nil : (appointmentDate, appointmentTime)
    }

    static func instant(_ date: String, _ time: String, _ zone: TimeZone) -> Date? {
        guard let day = CalendarDate(date), let clock = TimeOfDay(time) else { return nil }
        return AppointmentDraft.instant(day, clock, in: zone)
    }

    /// Each field at fault with the message key saying why; call on a normalized draft. A new
    /// trip starts after `now`; it ends after it starts and within two weeks; an appointment
    /// at the destination falls within the trip.
    public func problems(now: Date, in zone: TimeZone, isNew: Bool = true) -> [(field: String, key: String)] {
        var found: [(String, String)] = []
        if TripPurpose(rawValue: purpose) == nil { found.append(("purpose", "error_choose_one")) }
        for (field, value) in [("pickup_place", pickupPlace), ("destination", destination)] {
            if value.isEmpty {
                found.append((field, "error_trip_place_required"))
            } else if value.count > Self.placeLimit {
                found.append((field, "error_text_too_long"))
            } else if value.unicodeScalars.contains(where: ParticipantProfile.forbidden) {
                found.append((field, "error_text_invalid"))
            }
        }
        let start = Self.instant(pickupDate, pickupTime, zone)
        if start == nil { found.append(("pickup_date", "error_trip_time")) }
        let end = Self.instant(endDate, endTime, zone)
        if end == nil { found.append(("end_date", "error_trip_time")) }
        if let start, let end {
            if isNew && start <= now {
                found.append(("pickup_date", "error_appointment_past"))
            } else if end <= start {
                found.append(("end_date", "error_trip_end_before_start"))
            } else if end.timeIntervalSince(start) > Double(Self.longestDays) * 86_400 {
                found.append(("end_date", "error_trip_too_long"))
            }
        }
        if let appointment {
            if let at = Self.instant(appointment.date, appointment.time, zone) {
                if let start, let end, end > start, at < start || at > end {
                    found.append(("appointment_date", "error_trip_appointment_outside"))
                }
            } else {
                found.append(("appointment_date", "error_trip_time"))
            }
        }
        if legs.count > Self.mostLegs { found.append(("legs", "error_value_invalid")) }
        for (index, leg) in legs.enumerated() {
            if LegMode(rawValue: leg.mode) == nil { found.append(("leg_\(index)_mode", "error_choose_one")) }
            for (name, value) in [("carrier", leg.carrier), ("reference", leg.reference)]
            where value.count > 100 || value.unicodeScalars.contains(where: ParticipantProfile.forbidden) {
                found.append(("leg_\(index)_\(name)", "error_text_invalid"))
            }
        }
        if rateCents == nil { found.append(("rate", "error_trip_money")) }
        if expensesCents == nil { found.append(("expenses", "error_trip_money")) }
        if notes.count > Self.notesLimit {
            found.append(("notes", "error_text_too_long"))
        } else if notes.unicodeScalars.contains(where: { $0 != "\n" && $0 != "\r" && ParticipantProfile.forbidden($0) })
        {
            found.append(("notes", "error_text_invalid"))
        }
        return found
    }
}

/// Escorts cannot be in two places: a trip's time, from pickup to the end of duty, may not
/// overlap another trip of the same escort that is still ahead or going on.
public enum TripBooking {
    /// Whether two intervals share any moment; one ending as the other starts does not.
    public static func overlaps(_ a: (start: Date, end: Date), _ b: (start: Date, end: Date)) -> Bool {
        a.start < b.end && b.start < a.end
    }

    /// The ids of `existing` trips that clash with `interval`.
    public static func clashes<ID: Hashable>(
        _ interval: (start: Date, end: Date), with existing: [(id: ID, start: Date, end: Date)]
    ) -> [ID] {
        existing.filter { overlaps(interval, ($0.start, $0.end)) }.map(\.id)
    }

    /// The fee of a trip: the escort's rate and the expenses, in cents.
    public static func fee(rateCents: Int, expensesCents: Int) -> Int { rateCents + expensesCents }
}

/// What an escort records on the way.
public enum CheckpointKind: String, Sendable, CaseIterable, Codable {
    case pickedUp = "picked_up"
    case departed, stop, arrived
    case handedOff = "handed_off"
    case incident

    /// The trip's status once this is logged: picked up starts it, the hand-off ends it.
    public func status(after current: TripStatus) -> TripStatus {
        switch self {
        case .pickedUp where current == .scheduled: .underWay
        case .handedOff where current == .underWay || current == .scheduled: .completed
        default: current
        }
    }
}

public enum IncidentSeverity: String, Sendable, CaseIterable, Codable {
    case low, medium, high
}

/// One entry of a trip log as sent, checked before it is kept.
public struct TripLogEntry: Sendable, Equatable {
    public var kind: String
    public var place: String
    /// For a hand-off: the named person the escort handed the participant to.
    public var handedTo: String
    public var severity: String
    public var note: String

    public init(kind: String = "", place: String = "", handedTo: String = "", severity: String = "", note: String = "")
    {
        self.kind = kind
        self.place = place
        self.handedTo = handedTo
        self.severity = severity
        self.note = note
    }

    public static let noteLimit = 2000

    public func problems() -> [(field: String, key: String)] {
        var found: [(String, String)] = []
        guard let kind = CheckpointKind(rawValue: kind) else { return [("kind", "error_choose_one")] }
        if kind == .handedOff, let key = FieldRules.name(handedTo, maximum: 120) { found.append(("handed_to", key)) }
        if kind == .incident {
            if IncidentSeverity(rawValue: severity) == nil { found.append(("severity", "error_choose_one")) }
            if note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                found.append(("note", "error_trip_incident_note"))
            }
        }
        if place.count > TripDraft.placeLimit || place.unicodeScalars.contains(where: ParticipantProfile.forbidden) {
            found.append(("place", "error_text_invalid"))
        }
        if note.count > Self.noteLimit {
            found.append(("note", "error_text_too_long"))
        } else if note.unicodeScalars.contains(where: { $0 != "\n" && $0 != "\r" && ParticipantProfile.forbidden($0) })
        {
            found.append(("note", "error_text_invalid"))
        }
        return found
    }
}
