/// The directory as a CSV file, written and read with the same columns, so an export edited in
/// a spreadsheet can be imported again. Lists are separated by `;`. An `id` column, when it
/// names one of the organization's resources, updates that one; otherwise a resource with the
/// same name and address is updated, and any other row adds a resource.
public enum ResourceCSV {
    public static let columns = [
        "id", "name", "description", "categories", "address", "latitude", "longitude", "phone", "website", "hours",
        "languages", "cost", "eligibility", "accessibility", "last_verified",
    ]

    /// One row read from a file, or why it cannot be used.
    public struct Row: Sendable {
        public let line: Int
        public let id: String
        public let draft: ResourceDraft
    }

    public enum HeaderProblem: Error, Equatable {
        case empty
        case noName
        case unreadable(Int)
    }

    /// The rows of `text` by its header's column names (in any order; unknown columns are
    /// named in `ignored`), or why the file cannot be read at all.
    public static func read(_ text: String) -> Result<(rows: [Row], ignored: [String]), HeaderProblem> {
        let table: [(line: Int, fields: [String])]
        switch CSVReader.rows(text) {
        case .failure(let failure): return .failure(.unreadable(failure.line))
        case .success(let rows): table = rows
        }
        guard let header = table.first else { return .failure(.empty) }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard names.contains("name") else { return .failure(.noName) }
        let ignored = names.filter { !columns.contains($0) && !$0.isEmpty }
        let rows = table.dropFirst().map { row -> Row in
            func value(_ column: String) -> String {
                guard let index = names.firstIndex(of: column), index < row.fields.count else { return "" }
                return row.fields[index]
            }
            func list(_ column: String) -> [String] { value(column).split(separator: ";").map(String.init) }
            let draft = ResourceDraft(
                name: value("name"), description: value("description"), categories: list("categories"),
                address: value("address"), latitude: value("latitude"), longitude: value("longitude"),
                phone: value("phone"), website: value("website"), hours: value("hours"),
                languages: list("languages"), costs: list("cost"), eligibility: value("eligibility"),
                accessibility: value("accessibility"), lastVerified: value("last_verified"))
            return Row(line: row.line, id: value("id").trimmingCharacters(in: .whitespaces), draft: draft.normalized())
        }
        return .success((rows, ignored))
    }

    /// One resource as a row of `columns`.
    public static func fields(id: String, _ draft: ResourceDraft) -> [String] {
        [
            id, draft.name, draft.description, draft.categories.joined(separator: ";"), draft.address, draft.latitude,
            draft.longitude, draft.phone, draft.website, draft.hours, draft.languages.joined(separator: ";"),
            draft.costs.joined(separator: ";"), draft.eligibility, draft.accessibility, draft.lastVerified,
        ]
    }
}
