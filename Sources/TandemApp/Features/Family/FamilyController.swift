import Fluent
import Foundation
import TandemKit
import Vapor

/// The family section (articles, family-support resources and meetings), the editing of the
/// organization's own articles, and a family member's wellbeing check-in and its history.
struct FamilyController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("family", use: section)
        routes.get("family", "articles", ":topic", use: article)
        routes.get("admin", "family-articles", use: articles)
        routes.get("admin", "family-articles", ":topic", ":language", use: editForm)
        routes.post("admin", "family-articles", ":topic", ":language", use: save)
        routes.get("wellbeing", use: wellbeingForm)
        routes.post("wellbeing", use: saveWellbeing)
        routes.get("participants", ":participantID", "wellbeing", use: wellbeingHistory)
    }

    struct ArticleLink: Encodable, Sendable {
        let topic: String
        let title: String
    }

    struct MeetingRow: Encodable, Sendable {
        let id: String
        let name: String
        let location: String
    }

    struct SectionBody: Encodable, Sendable {
        let articles: [ArticleLink]
        let resources: [ResourceController.Row]
        let meetings: [MeetingRow]
        let canEdit: Bool
    }

    @Sendable func section(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let family = FamilyService(req, actor: signedIn.actor)
        var articles: [ArticleLink] = []
        for topic in FamilyArticle.topics {
            if let article = try await family.article(topic, language: req.language.rawValue) {
                articles.append(ArticleLink(topic: topic, title: article.title))
            }
        }
        var filter = ResourceService.Filter()
        filter.category = .familySupport
        let resources = try await ResourceService(req: req, actor: signedIn.actor).search(filter)
        return try await req.page(
            "family/section", titleKey: "family_title",
            SectionBody(
                articles: articles, resources: resources.prefix(30).map { ResourceController.row($0, req: req) },
                meetings: try await family.meetings().map {
                    MeetingRow(id: $0.id.uuidString, name: $0.name, location: $0.location)
                }, canEdit: AccessPolicy.can(signedIn.role, .manageResources)))
    }

    struct ArticleBody: Encodable, Sendable {
        let title: String
        let paragraphs: [String]
    }

    @Sendable func article(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        guard
            let article = try await FamilyService(req, actor: signedIn.actor).article(
                req.parameters.get("topic") ?? "", language: req.language.rawValue)
        else { throw ServiceError.notFound }
        return try await req.page(
            "family/article", titleKey: "family_title",
            ArticleBody(title: article.title, paragraphs: article.paragraphs))
    }

    struct EditRow: Encodable, Sendable {
        let topic: String
        let language: String
        let title: String
        let isOwn: Bool
    }

    struct ArticlesBody: Encodable, Sendable {
        let rows: [EditRow]
        let saved: Bool
    }

    @Sendable func articles(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        guard AccessPolicy.can(signedIn.role, .manageResources) else { throw ServiceError.denied }
        let family = FamilyService(req, actor: signedIn.actor)
        var rows: [EditRow] = []
        for topic in FamilyArticle.topics {
            for language in Language.allCases {
                if let article = try await family.article(topic, language: language.rawValue) {
                    rows.append(
                        EditRow(
                            topic: topic, language: language.rawValue, title: article.title, isOwn: article.isOwn))
                }
            }
        }
        return try await req.page(
            "family/articles", titleKey: "family_articles_title",
            ArticlesBody(rows: rows, saved: req.query[String.self, at: "saved"] != nil))
    }

    struct EditBody: Encodable, Sendable {
        let topic: String
        let language: String
        let title: String
        let body: String
    }

    @Sendable func editForm(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        guard AccessPolicy.can(signedIn.role, .manageResources) else { throw ServiceError.denied }
        let topic = req.parameters.get("topic") ?? ""
        let language = req.parameters.get("language") ?? ""
        guard Language(rawValue: language) != nil,
            let article = try await FamilyService(req, actor: signedIn.actor).article(topic, language: language)
        else { throw ServiceError.notFound }
        return try await req.page(
            "family/edit", titleKey: "family_articles_title",
            EditBody(topic: topic, language: language, title: article.title, body: article.body))
    }

    struct EditForm: Content {
        var title: String?
        var body: String?
    }

    @Sendable func save(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let topic = req.parameters.get("topic") ?? ""
        let language = req.parameters.get("language") ?? ""
        let form = (try? req.content.decode(EditForm.self)) ?? EditForm()
        do {
            try await FamilyService(req, actor: signedIn.actor).saveArticle(
                topic, language: language, title: form.title ?? "", body: form.body ?? "")
            return .redirect("/admin/family-articles?saved=1")
        } catch ServiceError.invalid(let problems) {
            return try await req.page(
                "family/edit", titleKey: "family_articles_title",
                EditBody(topic: topic, language: language, title: form.title ?? "", body: form.body ?? ""),
                errors: req.fieldErrors(problems), status: .unprocessableEntity)
        }
    }

    struct Question: Encodable, Sendable {
        let field: String
        let label: String
        let error: String?
        let options: [CheckOption]
    }

    struct WellbeingBody: Encodable, Sendable {
        let participantID: String
        let questions: [Question]
        let note: String
        let saved: Bool
        let changing: Bool
    }

    /// The family member's own record; 403 for anyone else (a participant's daily check-in
    /// is the recovery one).
    private func own(_ req: Request) async throws -> (SignedIn, Participant) {
        let signedIn = try await req.signedIn()
        guard signedIn.role == .family,
            let participant = try await CheckInService(req, actor: signedIn.actor).ownRecord()
        else { throw ServiceError.denied }
        return (signedIn, participant)
    }

    struct NoRecordBody: Encodable, Sendable {}

    @Sendable func wellbeingForm(req: Request) async throws -> Response {
        // A family member not (yet) coached has no wellbeing record: the menu's link says why,
        // rather than refusing them.
        let signedIn = try await req.signedIn()
        if signedIn.role == .family, try await CheckInService(req, actor: signedIn.actor).ownRecord() == nil {
            return try await req.page("family/wellbeing-none", titleKey: "wellbeing_title", NoRecordBody())
        }
        let (_, participant) = try await own(req)
        let (_, today) = try await FamilyService(req, actor: signedIn.actor).todaysWellbeing(of: participant.id!)
        let answers = today.map {
            FamilyWellbeing(stress: $0.stress, sleep: $0.sleep, selfCare: $0.selfCare, hope: $0.hope, note: $0.note)
        }
        return try await wellbeingPage(
            req: req, participant: participant, answers: answers ?? FamilyWellbeing(), changing: today != nil)
    }

    func wellbeingPage(
        req: Request, participant: Participant, answers: FamilyWellbeing, changing: Bool, errors: [FieldError] = [],
        status: HTTPStatus = .ok
    ) async throws -> Response {
        let questions = zip(FamilyWellbeing.fields, answers.values).map { field, value in
            Question(
                field: field, label: req.t("wellbeing_\(field)_question"),
                error: errors.first { $0.field == field }?.message,
                options: FamilyWellbeing.scale.map {
                    CheckOption(value: String($0), label: req.t("wellbeing_\(field)_\($0)"), checked: value == $0)
                })
        }
        return try await req.page(
            "family/wellbeing", titleKey: "wellbeing_title",
            WellbeingBody(
                participantID: participant.id!.uuidString, questions: questions, note: answers.note,
                saved: req.query[String.self, at: "saved"] != nil, changing: changing),
            errors: errors, status: status)
    }

    struct WellbeingForm: Content {
        var stress: String?
        var sleep: String?
        var self_care: String?
        var hope: String?
        var note: String?
    }

    @Sendable func saveWellbeing(req: Request) async throws -> Response {
        let (signedIn, participant) = try await own(req)
        let form = (try? req.content.decode(WellbeingForm.self)) ?? WellbeingForm()
        // Text that is not a number is an answer out of range, not a missing one.
        func number(_ text: String?) -> Int? { text.flatMap { $0.isEmpty ? nil : (Int($0) ?? 0) } }
        let answers = FamilyWellbeing(
            stress: number(form.stress), sleep: number(form.sleep), selfCare: number(form.self_care),
            hope: number(form.hope), note: form.note ?? "")
        do {
            let raised = try await FamilyService(req, actor: signedIn.actor).saveWellbeing(participant.id!, answers)
            // Words that may mean danger: the crisis card first (their coach has been told).
            return .redirect(raised ? "/care?told=wrote" : "/wellbeing?saved=1")
        } catch ServiceError.invalid(let problems) {
            // Four scales share one message; the summary names which question each is about.
            let errors = req.fieldErrors(problems).map { error in
                ["stress", "sleep", "self_care", "hope"].contains(error.field)
                    ? FieldError(field: error.field, message: req.t("wellbeing_" + error.field) + ": " + error.message)
                    : error
            }
            return try await wellbeingPage(
                req: req, participant: participant, answers: answers, changing: false, errors: errors,
                status: .unprocessableEntity)
        }
    }

    struct HistoryRow: Encodable, Sendable {
        let date: String
        let stress: Int
        let sleep: Int
        let selfCare: Int
        let hope: Int
        let note: String
    }

    struct HistoryBody: Encodable, Sendable {
        let participantID: String
        let name: String
        let rows: [HistoryRow]
    }

    @Sendable func wellbeingHistory(req: Request) async throws -> Response {
        let signedIn = try await req.signedIn()
        let (participant, rows) = try await FamilyService(req, actor: signedIn.actor)
            .wellbeingHistory(of: try req.id("participantID"))
        return try await req.page(
            "family/history", titleKey: "wellbeing_title",
            HistoryBody(
                participantID: participant.id!.uuidString, name: participant.preferredName,
                rows: rows.map {
                    HistoryRow(
                        date: CalendarDate($0.localDate)?.written(req.messages) ?? $0.localDate, stress: $0.stress,
                        sleep: $0.sleep, selfCare: $0.selfCare, hope: $0.hope, note: $0.note)
                }))
    }
}
