import Crypto
import Foundation

/// A participant's recovery plan and BARC-10 history as a FHIR R4 `Bundle` (type
/// collection): the Patient, the plan as a `CarePlan` with a `Goal` per goal and an activity
/// per action step, the BARC-10 `Questionnaire`, a `QuestionnaireResponse` per scored form
/// and an `Observation` of each total. Non-clinical by design: no diagnosis codes anywhere.
/// Resources point at each other by their `urn:uuid:` full URLs, so the bundle stands alone.
public struct FHIRExport: Sendable {
    public struct Person: Sendable {
        public let id: UUID
        public let name: String

        public init(id: UUID, name: String) {
            self.id = id
            self.name = name
        }
    }

    public struct Plan: Sendable {
        public let document: PlanDocument
        public let number: Int
        public let started: Date
        public let saved: Date
        public let agreed: Bool
        /// A domain id or name as people read it.
        public let domainName: @Sendable (String) -> String

        public init(
            document: PlanDocument, number: Int, started: Date, saved: Date, agreed: Bool,
            domainName: @escaping @Sendable (String) -> String
        ) {
            self.document = document
            self.number = number
            self.started = started
            self.saved = saved
            self.agreed = agreed
            self.domainName = domainName
        }
    }

    public struct Assessment: Sendable {
        public let id: UUID
        public let answers: [Int]
        public let total: Int
        public let completedOn: CalendarDate

        public init(id: UUID, answers: [Int], total: Int, completedOn: CalendarDate) {
            self.id = id
            self.answers = answers
            self.total = total
            self.completedOn = completedOn
        }
    }

    public let person: Person
    public let plan: Plan?
    public let assessments: [Assessment]
    /// The BARC-10 statements and the six answers, in English (`BARC10.itemKeys`, `answerKeys`).
    public let statements: [String]
    public let answerLabels: [String]
    /// The canonical URL of the BARC-10 questionnaire.
    public let questionnaireURL: String
    public let now: Date

    public init(
        person: Person, plan: Plan?, assessments: [Assessment], statements: [String], answerLabels: [String],
        questionnaireURL: String, now: Date
    ) {
        self.person = person
        self.plan = plan
        self.assessments = assessments
        self.statements = statements
        self.answerLabels = answerLabels
        self.questionnaireURL = questionnaireURL
        self.now = now
    }

    /// Values the Goal and CarePlan resources take (FHIR R4 value sets).
    public static func lifecycleStatus(_ goal: PlanDocument.Goal) -> String {
        if goal.isDone { return "completed" }
        if !goal.steps.isEmpty && goal.steps.allSatisfy({ $0.status == .dropped }) { return "cancelled" }
        return "active"
    }

    public static func activityStatus(_ status: StepStatus) -> String {
        switch status {
        case .notStarted: "not-started"
        case .inProgress: "in-progress"
        case .done: "completed"
        case .dropped: "cancelled"
        }
    }

    /// A stable id for something that has a text id of its own (goals and steps).
    /// A name-based UUID (version 5 layout over SHA-256): the same thing gets the same id in
    /// every export, so a receiving system can match it with what it had before.
    static func uuid(_ seed: String) -> String {
        var bytes = Array(SHA256.hash(data: Data(seed.utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = Hex.encode(bytes)
        let parts = [
            hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4),
            hex.dropFirst(20),
        ]
        return parts.joined(separator: "-")
    }

    static func stamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// The bundle as a JSON object.
    public func bundle() -> [String: Any] {
        let patientID = person.id.uuidString.lowercased()
        let patient = "urn:uuid:" + patientID
        var entries: [[String: Any]] = []
        func add(_ id: String, _ resource: [String: Any]) {
            var resource = resource
            resource["id"] = id
            entries.append(["fullUrl": "urn:uuid:" + id, "resource": resource])
        }
        add(patientID, ["resourceType": "Patient", "name": [["text": person.name]]])
        if let plan {
            var goalRefs: [[String: Any]] = []
            var activities: [[String: Any]] = []
            for section in plan.document.domains {
                for goal in section.goals {
                    let goalID = Self.uuid("goal:" + person.id.uuidString + ":" + goal.id)
                    goalRefs.append(["reference": "urn:uuid:" + goalID])
                    var resource: [String: Any] = [
                        "resourceType": "Goal", "lifecycleStatus": Self.lifecycleStatus(goal),
                        "category": [["text": plan.domainName(section.domain)]],
                        "description": ["text": goal.text], "subject": ["reference": patient],
                    ]
                    if goal.writtenBy == "participant" { resource["expressedBy"] = ["reference": patient] }
                    if let due = goal.steps.map(\.due).filter({ CalendarDate($0) != nil }).max() {
                        resource["target"] = [["dueDate": due]]
                    }
                    if !goal.why.isEmpty { resource["note"] = [["text": goal.why]] }
                    add(goalID, resource)
                    for step in goal.steps {
                        var detail: [String: Any] = [
                            "status": Self.activityStatus(step.status),
                            "description": step.who.isEmpty ? step.what : "\(step.what) (\(step.who))",
                            "goal": [["reference": "urn:uuid:" + goalID]],
                        ]
                        if CalendarDate(step.due) != nil { detail["scheduledPeriod"] = ["end": step.due] }
                        activities.append(["detail": detail])
                    }
                }
            }
            var carePlan: [String: Any] = [
                "resourceType": "CarePlan", "status": plan.agreed ? "active" : "draft", "intent": "plan",
                "category": [["text": "recovery plan"]], "title": "Personal recovery plan, version \(plan.number)",
                "subject": ["reference": patient], "period": ["start": Self.stamp(plan.started)],
                "created": Self.stamp(plan.saved),
            ]
            if !plan.document.values.isEmpty { carePlan["description"] = plan.document.values }
            if !goalRefs.isEmpty { carePlan["goal"] = goalRefs }
            if !activities.isEmpty { carePlan["activity"] = activities }
            let notes = plan.document.wellness.fields.filter { !$0.text.isEmpty }.map {
                ["text": "\($0.name): \($0.text)"]
            }
            if !notes.isEmpty { carePlan["note"] = notes }
            add(Self.uuid("careplan:" + person.id.uuidString), carePlan)
        }
        let choices = answerLabels.enumerated().map { index, label in
            ["valueCoding": ["code": String(index + 1), "display": label]]
        }
        add(
            Self.uuid("questionnaire:barc-10"),
            [
                "resourceType": "Questionnaire", "url": questionnaireURL, "name": "BARC10",
                "title": "Brief Assessment of Recovery Capital (BARC-10)", "status": "active",
                "item": statements.enumerated().map { index, text in
                    [
                        "linkId": String(index + 1), "text": text, "type": "choice", "required": true,
                        "answerOption": choices,
                    ] as [String: Any]
                },
            ])
        for assessment in assessments {
            let responseID = assessment.id.uuidString.lowercased()
            add(
                responseID,
                [
                    "resourceType": "QuestionnaireResponse", "questionnaire": questionnaireURL, "status": "completed",
                    "subject": ["reference": patient], "authored": assessment.completedOn.description,
                    "item": assessment.answers.enumerated().map { index, answer in
                        [
                            "linkId": String(index + 1), "text": statements[index],
                            "answer": [
                                [
                                    "valueCoding": [
                                        "code": String(answer),
                                        "display": answerLabels.indices.contains(answer - 1)
                                            ? answerLabels[answer - 1] : "",
                                    ]
                                ]
                            ],
                        ] as [String: Any]
                    },
                ])
            add(
                Self.uuid("observation:" + responseID),
                [
                    "resourceType": "Observation", "status": "final", "code": ["text": "BARC-10 total"],
                    "subject": ["reference": patient], "effectiveDateTime": assessment.completedOn.description,
                    "valueInteger": assessment.total, "derivedFrom": [["reference": "urn:uuid:" + responseID]],
                ])
        }
        return [
            "resourceType": "Bundle", "id": Self.uuid("bundle:" + patientID + ":" + Self.stamp(now)),
            "type": "collection", "timestamp": Self.stamp(now), "entry": entries,
        ]
    }

    public func json() -> Data {
        (try? JSONSerialization.data(withJSONObject: bundle(), options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
    }
}
