import Fluent
import Foundation
import TandemKit

/// One version of the organization's contract for engagement. Versions are never edited:
/// a change makes the next version, so every signature names the exact text signed.
final class AgreementVersion: Model, @unchecked Sendable {
    static let schema = "agreement_versions"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "version") var version: Int
    @Field(key: "text") var text: String
    /// The same agreement in Spanish; empty when the organization wrote none.
    @Field(key: "text_es") var textEs: String
    @OptionalParent(key: "created_by_id") var createdBy: User?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(organizationID: UUID, version: Int, text: String, textEs: String = "", createdBy: UUID?) {
        self.organizationID = organizationID
        self.version = version
        self.text = text
        self.textEs = textEs
        self.$createdBy.id = createdBy
    }

    /// The text for a reader of `language`: the Spanish one when written, else the English.
    /// An organization still on the built-in text has the built-in Spanish one too.
    func text(for language: Language) -> (text: String, language: Language) {
        guard language == .es else { return (text, .en) }
        if !textEs.isEmpty { return (textEs, .es) }
        return text == AgreementDefaults.text ? (AgreementDefaults.textEs, .es) : (text, .en)
    }
}

/// A signature on one version of the agreement for one engagement: the typed full name,
/// when, and who signed (the participant or one of the coaches).
final class AgreementSignature: Model, @unchecked Sendable {
    static let schema = "agreement_signatures"

    enum Signer: String, Codable, Sendable {
        case participant, coach
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Parent(key: "engagement_id") var engagement: Engagement
    @Parent(key: "agreement_version_id") var agreementVersion: AgreementVersion
    @Field(key: "version") var version: Int
    @Enum(key: "signer") var signer: Signer
    /// "participant", or "coach:" and the coach's id: one signature each per version.
    @Field(key: "signer_key") var signerKey: String
    @OptionalParent(key: "signer_user_id") var signerUser: User?
    @OptionalParent(key: "recorded_by_id") var recordedBy: User?
    @Field(key: "typed_name") var typedName: String
    @Field(key: "signed_at") var signedAt: Date

    init() {}
}

/// A create request already answered, kept so a retry with the same key gets the same answer.
final class IdempotencyRecord: Model, @unchecked Sendable {
    static let schema = "idempotency_keys"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "key") var key: String
    @Field(key: "operation") var operation: String
    @Field(key: "request_hash") var requestHash: String
    @Field(key: "response_status") var responseStatus: Int
    @Field(key: "response_body") var responseBody: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    /// A reservation: the key held by a request still running (status 0, no answer yet).
    init(reserving key: String, for userID: UUID, operation: String, requestHash: String) {
        self.userID = userID
        self.key = key
        self.operation = operation
        self.requestHash = requestHash
        self.responseStatus = 0
        self.responseBody = ""
    }
}
