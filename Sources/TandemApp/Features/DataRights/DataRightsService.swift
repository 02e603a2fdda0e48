import Fluent
import Foundation
import SQLKit
import TandemKit
import Vapor

/// The person's data rights: downloading everything recorded about them, and an admin
/// anonymizing a record for good. Both are audited; the audit trail itself holds ids only,
/// so neither touches it and its hash chain stays intact.
struct DataRightsService: ParticipantScopedService {
    let req: Request
    let people: ParticipantService

    func download(_ participantID: UUID) async throws -> PersonalData {
        let (participant, relation) = try await people.authorized(participantID, .downloadData)
        let engagements = try await EngagementService(req, actor: actor).summaries(of: participant)
        let data = try await PersonalData.gather(
            participant, engagements: engagements,
            seesRecoveryDate: ParticipantAccess.can(actor.role, .viewRecoveryDate, relation), req: req)
        try await people.audit("participant.download", participant: participantID)
        return data
    }

    /// Replaces everything that identifies the person, or that they wrote in their own words,
    /// while dates, counts, statuses and units stay for the organization's reports and
    /// billing. Their sign-in no longer reaches the record (and, used nowhere else, loses its
    /// name and address), every consent in force is revoked, recipients' names go, and the
    /// saved place, kept meetings, queued e-mail and pending invitations go. Group notes
    /// keep their words, which are about the others too. Cannot be undone.
    func anonymize(_ participantID: UUID, now: Date = Date()) async throws {
        let (participant, _) = try await people.authorized(participantID, .anonymize)
        let organizationID = actor.organizationID
        let userID = participant.$user.id
        let by = actor.userID
        let label = "Anonymized " + participantID.uuidString.prefix(8).lowercased()
        let unusable = try await SignInRelease.unusablePassword(req)
        try await req.db.transaction { db in
            var profile = ParticipantProfile(preferredName: label)
            profile.pathways = participant.profile.pathways
            profile.timeZone = participant.timeZone
            participant.apply(profile)
            participant.$user.id = nil
            try await participant.save(on: db)
            try await ParticipantService.index(participant, on: db)
            if let userID {
                try await SignInRelease.release(
                    userID, from: organizationID, label: label, unusablePassword: unusable, on: db)
            }
            try await CheckIn.query(on: db).filter(\.$participant.$id == participantID).set(\.$wentWell, to: "")
                .update()
            // Trip notes and log entries describe the person on the way.
            try await Trip.query(on: db).filter(\.$participantID == participantID).set(\.$notes, to: "")
                .set(\.$pickupPlace, to: "").set(\.$destination, to: "").update()
            let tripIDs = try await Trip.query(on: db).filter(\.$participantID == participantID).all(\.$id)
            if !tripIDs.isEmpty {
                try await TripLogRecord.query(on: db).filter(\.$tripID ~~ tripIDs).set(\.$note, to: "")
                    .set(\.$place, to: "").set(\.$handedTo, to: "").update()
            }
            // Shift logs and hand-over notes describe the person's days and nights.
            let shiftIDs = try await CompanionShift.query(on: db).filter(\.$participantID == participantID)
                .all(\.$id)
            if !shiftIDs.isEmpty {
                try await CompanionShift.query(on: db).filter(\.$id ~~ shiftIDs).set(\.$handoverNote, to: "").update()
                try await ShiftLogRecord.query(on: db).filter(\.$shiftID ~~ shiftIDs).set(\.$note, to: "").update()
            }
            // The referral from a treatment center named and described the person.
            try await Handoff.query(on: db).filter(\.$participantID == participantID)
                .set(\.$preferredName, to: label).set(\.$phone, to: "").set(\.$email, to: "").set(\.$notes, to: "")
                .set(\.$consentSignedName, to: "").update()
            try await FamilyCheckIn.query(on: db).filter(\.$participantID == participantID).set(\.$note, to: "")
                .update()
            try await RecoveryPlanVersion.query(on: db).filter(\.$participant.$id == participantID)
                .set(\.$content, to: PlanDocument().encoded()).set(\.$editorName, to: "").update()
            let planVersions = try await RecoveryPlanVersion.query(on: db).filter(\.$participant.$id == participantID)
                .all(\.$id)
            if !planVersions.isEmpty {
                try await RecoveryPlanSignature.query(on: db).filter(\.$version.$id ~~ planVersions)
                    .set(\.$typedName, to: "").update()
            }
            let engagementIDs = try await Engagement.query(on: db).filter(\.$participant.$id == participantID)
                .all(\.$id)
            if !engagementIDs.isEmpty {
                try await AgreementSignature.query(on: db).filter(\.$engagement.$id ~~ engagementIDs)
                    .filter(\.$signer == .participant).set(\.$typedName, to: "").update()
            }
            // Notes about this person alone lose their words; a group note stays as the others know it.
            let noteIDs = try await SessionNoteParticipant.query(on: db).filter(\.$participantID == participantID)
                .all(\.$note.$id)
            if !noteIDs.isEmpty {
                let shared = Set(
                    try await SessionNoteParticipant.query(on: db).filter(\.$note.$id ~~ noteIDs)
                        .filter(\.$participantID != participantID).all(\.$note.$id))
                let alone = Array(Set(noteIDs).subtracting(shared))
                if !alone.isEmpty {
                    try await SessionNote.query(on: db).filter(\.$id ~~ alone).set(\.$goals, to: "")
                        .set(\.$done, to: "").set(\.$response, to: "").set(\.$nextSteps, to: "").set(\.$place, to: "")
                        .update()
                    try await SessionNoteAddendum.query(on: db).filter(\.$note.$id ~~ alone).set(\.$text, to: "")
                        .update()
                }
            }
            try await Appointment.query(on: db).filter(\.$participantID == participantID).set(\.$place, to: "")
                .set(\.$videoLink, to: "").set(\.$reason, to: "").update()
            try await Referral.query(on: db).filter(\.$participantID == participantID).set(\.$reason, to: "")
                .set(\.$notes, to: "").update()
            let referrals = try await Referral.query(on: db).filter(\.$participantID == participantID).all(\.$id)
            if !referrals.isEmpty {
                try await ReferralStep.query(on: db).filter(\.$referralID ~~ referrals).set(\.$note, to: "").update()
            }
            try await CorrectionRequest.query(on: db).filter(\.$participantID == participantID)
                .set(\.$text, to: "").set(\.$response, to: "").update()
            try await ConsentRecord.query(on: db).filter(\.$participantID == participantID)
                .filter(\.$revokedAt == nil).set(\.$revokedAt, to: now).set(\.$revokedBy, to: by).update()
            // Recipients are often family, named with the person's own surname.
            try await ConsentRecord.query(on: db).filter(\.$participantID == participantID)
                .set(\.$signedName, to: "").set(\.$purposeNote, to: "").set(\.$recipientName, to: "").update()
            try await Disclosure.query(on: db).filter(\.$participantID == participantID)
                .set(\.$recipientName, to: "").update()
            // Their messages lose their words and their name; the coaches' keep their words,
            // which are about this person alone.
            if let userID {
                try await Message.query(on: db).filter(\.$participantID == participantID)
                    .filter(\.$senderID == userID).set(\.$body, to: "").set(\.$senderName, to: label).update()
            }
            try await SafetyAlert.query(on: db).filter(\.$participantID == participantID).set(\.$note, to: "")
                .update()
            try await ParticipantPlace.query(on: db).filter(\.$participantID == participantID).delete()
            try await OneTimeLink.query(on: db).filter(\.$participant.$id == participantID).delete()
        }
        try await people.audit("participant.anonymize", participant: participantID)
    }
}
