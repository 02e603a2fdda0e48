import Foundation

/// Signals on a caseload that a person may need a coach's attention. Later features add
/// their own (a check-in asking to be contacted); each is a message key for the caseload.
public enum AttentionSignal: String, Sendable, CaseIterable {
    case noRecentContact = "attention_no_recent_contact"
    /// A check-in asked the coach to reach out, and no one has marked it followed up.
    case reachOutRequested = "attention_reach_out"
    case missedAppointment = "attention_missed_appointment"
    case checkUpDue = "attention_check_up_due"
    case aftercareOverdue = "attention_aftercare_overdue"

    /// The caseload's signal for an outreach reason.
    public init(_ reason: OutreachReason) {
        switch reason {
        case .noRecentContact: self = .noRecentContact
        case .reachOutRequested: self = .reachOutRequested
        case .missedAppointment: self = .missedAppointment
        case .checkUpDue: self = .checkUpDue
        case .aftercareOverdue: self = .aftercareOverdue
        }
    }

    /// The outreach reason a signal stands for.
    public var reason: OutreachReason {
        switch self {
        case .noRecentContact: .noRecentContact
        case .reachOutRequested: .reachOutRequested
        case .missedAppointment: .missedAppointment
        case .checkUpDue: .checkUpDue
        case .aftercareOverdue: .aftercareOverdue
        }
    }

    /// Days without contact after which an open engagement is flagged.
    public static let contactGapDays = 14

    public static func signals(
        status: EngagementStatus, lastContact: Date?, reachOutRequested: Bool = false, now: Date
    ) -> [AttentionSignal] {
        var found: [AttentionSignal] = []
        if reachOutRequested && status.isOpen { found.append(.reachOutRequested) }
        if status == .active, let lastContact,
            now.timeIntervalSince(lastContact) > Double(contactGapDays) * 86_400
        {
            found.append(.noRecentContact)
        }
        return found
    }
}

/// How urgent a line of a caseload is, for putting the most urgent first: an open crisis
/// alert, then a request to reach out, a missed appointment, an overdue aftercare contact, no
/// recent contact, a check-up due; a line with nothing to do comes last.
public enum CaseloadUrgency {
    static let order: [AttentionSignal] = [
        .reachOutRequested, .missedAppointment, .aftercareOverdue, .noRecentContact, .checkUpDue,
    ]

    /// 0 is the most urgent.
    public static func rank(openAlert: Bool, signals: [AttentionSignal]) -> Int {
        if openAlert { return 0 }
        return signals.compactMap { order.firstIndex(of: $0) }.min().map { $0 + 1 } ?? order.count + 1
    }

    /// The signals of one line, the thing to do next first.
    public static func sorted(_ signals: [AttentionSignal]) -> [AttentionSignal] {
        signals.sorted { (order.firstIndex(of: $0) ?? order.count) < (order.firstIndex(of: $1) ?? order.count) }
    }

    /// `items` most urgent first; lines equally urgent keep their order (by name). Positions
    /// are sorted, not the lines: a caseload line is large to copy. Inlinable, so it is made
    /// for the caller's own type rather than run generically.
    @inlinable
    public static func ordered<Item>(_ items: [Item], rank: (Item) -> Int) -> [Item] {
        let ranks = items.map(rank)
        return ranks.indices.sorted { (ranks[$0], $0) < (ranks[$1], $1) }.map { items[$0] }
    }
}

/// The contract for engagement an organization starts with until an admin writes its own.
public enum AgreementDefaults {
    public static let text = """
        This agreement is between you and your coach. It describes how we will work together.

        What coaching is: recovery coaching is a partnership focused on your goals and strengths. \
        Your coach is not a therapist, doctor or sponsor, and does not diagnose or treat. Every \
        pathway to recovery is respected, and any positive change counts.

        What you can expect from your coach: to listen without judgement, to keep to the times you \
        agree, to help you find resources and support, and to keep what you share private except \
        where the law requires otherwise or someone's safety is at immediate risk.

        What your coach asks of you: to be honest about what you want to work on, to let your coach \
        know if you cannot make a session, and to tell your coach if something is not working for you.

        Privacy: your records are kept by the organization, and you decide who else may see them. You \
        may ask to see who has looked at your record at any time.

        Ending: either of you may end coaching at any time. You are always welcome back.
        """

    /// The same text in Spanish (formal "usted"), so a Spanish reader signs it in their language.
    public static let textEs = """
        Este acuerdo es entre usted y su coach. Describe cómo trabajaremos juntos.

        Qué es el acompañamiento: el acompañamiento en la recuperación es una colaboración centrada \
        en sus metas y fortalezas. Su coach no es terapeuta, médico ni padrino, y no diagnostica ni \
        trata. Se respeta todo camino de recuperación, y todo cambio positivo cuenta.

        Qué puede esperar de su coach: que le escuche sin juzgar, que cumpla los horarios que \
        acuerden, que le ayude a encontrar recursos y apoyo, y que guarde en privado lo que usted \
        comparta, salvo cuando la ley exija otra cosa o la seguridad de alguien corra peligro inmediato.

        Qué le pide su coach: que diga con sinceridad en qué quiere trabajar, que avise a su coach \
        si no puede asistir a una sesión, y que le diga si algo no le está funcionando.

        Privacidad: la organización guarda sus registros, y usted decide quién más puede verlos. \
        Puede pedir en cualquier momento ver quién ha consultado su registro.

        Final: cualquiera de los dos puede terminar el acompañamiento en cualquier momento. Siempre \
        será bienvenido/a de nuevo.
        """
}
