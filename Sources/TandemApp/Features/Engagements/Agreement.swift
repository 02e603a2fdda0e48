import Fluent
import Foundation

/// One version of the organization's contract for engagement. Versions are never edited:
/// a change makes the next version, so every signature names the exact text signed.
final class AgreementVersion: Model, @unchecked Sendable {
    static let schema = "agreement_versions"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "version") var version: Int
    @Field(key: "text") var text: String
    @OptionalParent(key: "created_by_id") var createdBy: User?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(organizationID: UUID, version: Int, text: String, createdBy: UUID?) {
        self.organizationID = organizationID
        self.version = version
        self.text = text
        self.$createdBy.id = createdBy
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
}
