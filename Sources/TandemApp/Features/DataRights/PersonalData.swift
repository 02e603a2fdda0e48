import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// Everything recorded about one person, for their "download all my data": the profile,
/// engagements and agreements, every category of the record, appointments, referrals,
/// consents and disclosures, requests for correction and wellbeing check-ins. Only rows
/// that belong to the person are read; other people appear by name only where they are
/// the person's coaches or the recipients the person named.
struct PersonalData: Encodable, Sendable {
    struct Profile: Encodable, Sendable {
        let preferredName, legalName, pronouns, dateOfBirth, phone, email, language: String
        let contactMethods: [String]
        let safeContactTimes: String
        let pathways: [String]
        let pathwayOther, recoveryStartDate, strengths: String
        let emergencyContactName, emergencyContactRelationship, emergencyContactPhone, timeZone: String
    }

    struct EngagementRow: Encodable, Sendable {
        let serviceType, status, startDate, endDate, referralSource, funding: String
        let coaches: [String]
        let signatures: [SignatureRow]
    }

    struct SignatureRow: Encodable, Sendable {
        let signer: String
        let typedName: String
        let agreementVersion: Int
        let signedAt: Date
    }

    struct AppointmentRow: Encodable, Sendable {
        let startsAt: Date
        let endsAt: Date
        let mode, place, videoLink, status, reason: String
    }

    struct ReferralRow: Encodable, Sendable {
        let resource, status, outcome, reason, notes, followUpOn: String
        let agreed: Bool
        let createdAt: Date?
        let steps: [ReferralStepRow]
    }

    struct ReferralStepRow: Encodable, Sendable {
        let at: Date
        let status, outcome, note, followUpOn: String
    }

    struct NoteRow: Encodable, Sendable {
        let date, start, end, mode, place: String
        let minutes: Int?
        /// A group session: its words are about the others too and stay out.
        let group: Bool
        let goals, done, response, nextSteps: String
        let addenda: [String]
    }

    struct PlanVersionRow: Encodable, Sendable {
        let version: Int
        let savedAt: Date?
        let editorRole: String
        let plan: PlanDocument
    }

    struct AssessmentRow: Encodable, Sendable {
        let completedOn, status: String
        let answers: [Int?]
        let total: Int?
        let withCoach: Bool
    }

    struct OutreachRow: Encodable, Sendable {
        let at: Date
        let method, outcome, reason: String
    }

    struct CheckInReachOut: Encodable, Sendable {
        let date, reachOut: String
    }

    struct MessageRow: Encodable, Sendable {
        let sentAt: Date
        let sender, body: String
    }

    struct ConsentRow: Encodable, Sendable {
        let recipient, recipientKind: String
        let categories: [String]
        let purpose, purposeNote, expiresOn, signedName: String
        let signedAt: Date
        let revokedAt: Date?
    }

    struct DisclosureRow: Encodable, Sendable {
        let at: Date
        let kind, recipient, purpose: String
        let categories: [String]
    }

    struct CorrectionRow: Encodable, Sendable {
        let section, text, status, response: String
        let createdAt: Date?
        let answeredAt: Date?
    }

    struct WellbeingRow: Encodable, Sendable {
        let date: String
        let stress, sleep, selfCare, hope: Int
        let note: String
    }

    /// A referral from a treatment center before discharge, as the liaison sent it.
    struct HandoffRow: Encodable, Sendable {
        let treatmentCenter, dischargeOn, serviceType, notes, status, consentSignedName: String
        let sentAt: Date
    }

    struct EnrollmentRow: Encodable, Sendable {
        let program: String
        let termsAcceptedAt: Date
        let priceCents: Int
        let payment, paymentNote: String
        let coachRequestedAt: Date?
    }

    struct PlaceRow: Encodable, Sendable {
        let label: String
        let latitude, longitude: Double
    }

    let generatedAt: Date
    let organization: String
    let profile: Profile
    let engagements: [EngagementRow]
    var record: SharedRecord
    /// Signed session notes (drafts are not yet a record of the session), every plan version,
    /// every BARC-10, outreach attempts and what each check-in asked of the coach.
    let sessionNotes: [NoteRow]
    let planVersions: [PlanVersionRow]
    let recoveryCapitalAssessments: [AssessmentRow]
    let outreachAttempts: [OutreachRow]
    let checkInReachOuts: [CheckInReachOut]
    /// The messages of the person's conversations with their coaches.
    let messages: [MessageRow]
    let appointments: [AppointmentRow]
    let referrals: [ReferralRow]
    let consents: [ConsentRow]
    let disclosures: [DisclosureRow]
    let corrections: [CorrectionRow]
    let wellbeing: [WellbeingRow]
    let handoffs: [HandoffRow]
    let programs: [EnrollmentRow]
    let savedPlace: PlaceRow?

    /// The same data as a document: without the flags pages lay it out with.
    var document: PersonalData {
        var copy = self
        copy.record.pageHints = false
        return copy
    }

    /// Reads it all for `participant` (already authorized by the caller).
    /// Without `seesRecoveryDate` (an admin who does not coach the person downloads for them)
    /// the recovery start date and its milestones are left out, as on every other page: only
    /// the person and their coaches see them.
    static func gather(
        _ participant: Participant, engagements: [EngagementService.Summary], seesRecoveryDate: Bool, req: Request
    ) async throws -> PersonalData {
        let id = participant.id!
        let organizationID = participant.$organization.id
        let db = req.db
        let engagementIDs = engagements.map { $0.engagement.id! }
        let signatures =
            engagementIDs.isEmpty
            ? []
            : try await AgreementSignature.query(on: db).filter(\.$organizationID == organizationID)
                .filter(\.$engagement.$id ~~ engagementIDs).sort(\.$signedAt).all()
        let profile = participant.profile
        let organization = try await Organization.find(organizationID, on: db)
        return PersonalData(
            generatedAt: Date(), organization: organization?.name ?? "",
            profile: Profile(
                preferredName: profile.preferredName, legalName: profile.legalName, pronouns: profile.pronouns,
                dateOfBirth: profile.dateOfBirth, phone: profile.phone, email: profile.email,
                language: profile.language, contactMethods: profile.contactMethods,
                safeContactTimes: profile.safeContactTimes, pathways: profile.pathways,
                pathwayOther: profile.pathwayOther,
                recoveryStartDate: seesRecoveryDate ? profile.recoveryStartDate : "",
                strengths: profile.strengths, emergencyContactName: profile.emergencyContactName,
                emergencyContactRelationship: profile.emergencyContactRelationship,
                emergencyContactPhone: profile.emergencyContactPhone, timeZone: profile.timeZone),
            engagements: engagements.map { summary in
                let engagement = summary.engagement
                return EngagementRow(
                    serviceType: engagement.serviceType.rawValue, status: engagement.status.rawValue,
                    startDate: engagement.startDate, endDate: engagement.endDate,
                    referralSource: engagement.referralSource.rawValue, funding: engagement.funding.rawValue,
                    coaches: summary.coaches.map(\.name),
                    signatures: signatures.filter { $0.$engagement.id == engagement.id }.map {
                        SignatureRow(
                            signer: $0.signer.rawValue, typedName: $0.typedName, agreementVersion: $0.version,
                            signedAt: $0.signedAt)
                    })
            },
            record: try await SharedRecord.read(
                ConsentCategory.allCases.filter { seesRecoveryDate || $0 != .milestones }, of: participant,
                organizationZone: organization?.timeZone ?? "", req: req, limit: nil),
            sessionNotes: try await notes(of: id, organizationID: organizationID, on: db),
            planVersions: try await RecoveryPlanVersion.query(on: db).filter(\.$organizationID == organizationID)
                .filter(\.$participant.$id == id).sort(\.$number).all().map {
                    PlanVersionRow(
                        version: $0.number, savedAt: $0.createdAt, editorRole: $0.editorRole,
                        plan: PlanDocument.decode($0.content))
                },
            recoveryCapitalAssessments: try await RecoveryCapitalAssessment.query(on: db)
                .filter(\.$organizationID == organizationID).filter(\.$participant.$id == id).sort(\.$completedOn).all()
                .map {
                    AssessmentRow(
                        completedOn: $0.completedOn, status: $0.status.rawValue, answers: BARC10.decode($0.answers),
                        total: $0.total, withCoach: $0.withCoach)
                },
            outreachAttempts: try await OutreachAttempt.query(on: db).filter(\.$organizationID == organizationID)
                .filter(\.$participantID == id).sort(\.$createdAt).all().map {
                    OutreachRow(
                        at: $0.createdAt, method: $0.method.rawValue, outcome: $0.outcome.rawValue, reason: $0.reason)
                },
            checkInReachOuts: try await CheckIn.query(on: db).filter(\.$organizationID == organizationID)
                .filter(\.$participant.$id == id).filter(\.$reachOut != .none).sort(\.$localDate).all().map {
                    CheckInReachOut(date: $0.localDate, reachOut: $0.reachOut.rawValue)
                },
            messages: try await Message.query(on: db).filter(\.$organizationID == organizationID)
                .filter(\.$participantID == id).sort(\.$createdAt).all().map {
                    MessageRow(sentAt: $0.createdAt, sender: $0.senderName, body: $0.body)
                },
            appointments: try await Appointment.query(on: db).filter(\.$organizationID == organizationID)
                .filter(\.$participantID == id).sort(\.$startsAt).all().map {
                    AppointmentRow(
                        startsAt: $0.startsAt, endsAt: $0.endsAt, mode: $0.mode, place: $0.place,
                        videoLink: $0.videoLink, status: $0.status.rawValue, reason: $0.reason)
                },
            referrals: try await referrals(of: id, organizationID: organizationID, on: db),
            consents: try await ConsentRecord.query(on: db).filter(\.$organizationID == organizationID)
                .filter(\.$participantID == id).sort(\.$signedAt).all().map {
                    ConsentRow(
                        recipient: $0.recipientName, recipientKind: $0.recipientKind.rawValue,
                        categories: $0.categories.map(\.rawValue), purpose: $0.purpose, purposeNote: $0.purposeNote,
                        expiresOn: $0.expiresOn, signedName: $0.signedName, signedAt: $0.signedAt,
                        revokedAt: $0.revokedAt)
                },
            disclosures: try await Disclosure.query(on: db).filter(\.$organizationID == organizationID)
                .filter(\.$participantID == id).sort(\.$createdAt).all().map {
                    DisclosureRow(
                        at: $0.createdAt, kind: $0.kind.rawValue, recipient: $0.recipientName, purpose: $0.purpose,
                        categories: $0.categories.map(\.rawValue))
                },
            corrections: try await CorrectionRequest.query(on: db).filter(\.$organizationID == organizationID)
                .filter(\.$participantID == id).sort(\.$createdAt).all().map {
                    CorrectionRow(
                        section: $0.section, text: $0.text, status: $0.status.rawValue, response: $0.response,
                        createdAt: $0.createdAt, answeredAt: $0.answeredAt)
                },
            wellbeing: try await FamilyCheckIn.query(on: db).filter(\.$organizationID == organizationID)
                .filter(\.$participantID == id).sort(\.$localDate).all().map {
                    WellbeingRow(
                        date: $0.localDate, stress: $0.stress, sleep: $0.sleep, selfCare: $0.selfCare, hope: $0.hope,
                        note: $0.note)
                },
            handoffs: try await Handoff.query(on: db).filter(\.$organizationID == organizationID)
                .filter(\.$participantID == id).sort(\.$createdAt).all().map {
                    HandoffRow(
                        treatmentCenter: $0.treatmentCenter, dischargeOn: $0.dischargeOn, serviceType: $0.serviceType,
                        notes: $0.notes, status: $0.status.rawValue, consentSignedName: $0.consentSignedName,
                        sentAt: $0.createdAt)
                },
            programs: try await enrollments(of: id, organizationID: organizationID, on: db),
            savedPlace: try await ParticipantPlace.query(on: db).filter(\.$organizationID == organizationID)
                .filter(\.$participantID == id).first().map {
                    PlaceRow(label: $0.label, latitude: $0.latitude, longitude: $0.longitude)
                })
    }

    private static func enrollments(of id: UUID, organizationID: UUID, on db: any Database) async throws
        -> [EnrollmentRow]
    {
        let rows = try await ProgramEnrollment.query(on: db).filter(\.$organizationID == organizationID)
            .filter(\.$participantID == id).sort(\.$createdAt).all()
        guard !rows.isEmpty else { return [] }
        let titles = Dictionary(
            try await Program.query(on: db).filter(\.$id ~~ rows.map(\.programID)).all().map { ($0.id!, $0.title) },
            uniquingKeysWith: { first, _ in first })
        return rows.map {
            EnrollmentRow(
                program: titles[$0.programID] ?? "", termsAcceptedAt: $0.termsAcceptedAt, priceCents: $0.priceCents,
                payment: $0.payment.rawValue, paymentNote: $0.paymentNote, coachRequestedAt: $0.coachRequestedAt)
        }
    }

    private static func referrals(of id: UUID, organizationID: UUID, on db: any Database) async throws
        -> [ReferralRow]
    {
        let referrals = try await Referral.query(on: db).filter(\.$organizationID == organizationID)
            .filter(\.$participantID == id).sort(\.$createdAt).all()
        let ids = referrals.map { $0.id! }
        let steps =
            ids.isEmpty
            ? []
            : try await ReferralStep.query(on: db).filter(\.$organizationID == organizationID)
                .filter(\.$referralID ~~ ids).sort(\.$createdAt).all()
        return referrals.map { referral in
            ReferralRow(
                resource: referral.resourceName, status: referral.status.rawValue, outcome: referral.outcome,
                reason: referral.reason, notes: referral.notes, followUpOn: referral.followUpOn,
                agreed: referral.agreed,
                createdAt: referral.createdAt,
                steps: steps.filter { $0.referralID == referral.id }.map {
                    ReferralStepRow(
                        at: $0.createdAt, status: $0.status.rawValue, outcome: $0.outcome, note: $0.note,
                        followUpOn: $0.followUpOn)
                })
        }
    }

    /// The signed notes about the person; a group note without its words.
    private static func notes(of id: UUID, organizationID: UUID, on db: any Database) async throws -> [NoteRow] {
        let noteIDs = try await SessionNoteParticipant.query(on: db).filter(\.$organizationID == organizationID)
            .filter(\.$participantID == id).all(\.$note.$id)
        guard !noteIDs.isEmpty else { return [] }
        let group = try await SharedRecord.groupNotes(noteIDs, besides: id, organizationID: organizationID, on: db)
        let notes = try await SessionNote.query(on: db).filter(\.$organizationID == organizationID)
            .filter(\.$id ~~ noteIDs).filter(\.$status == .signed).sort(\.$localDate).all()
        let addenda = try await SessionNoteAddendum.query(on: db).filter(\.$organizationID == organizationID)
            .filter(\.$note.$id ~~ noteIDs).sort(\.$createdAt).all()
        return notes.map { note in
            let alone = !group.contains(note.id!)
            return NoteRow(
                date: note.localDate, start: note.startTime, end: note.endTime, mode: note.mode,
                place: alone ? note.place : "", minutes: note.minutes, group: !alone, goals: alone ? note.goals : "",
                done: alone ? note.done : "", response: alone ? note.response : "",
                nextSteps: alone ? note.nextSteps : "",
                addenda: alone ? addenda.filter { $0.$note.id == note.id }.map(\.text) : [])
        }
    }
}
