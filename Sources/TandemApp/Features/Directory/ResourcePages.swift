import Foundation
import TandemKit
import Vapor

/// Names and option lists the directory's pages share.
enum ResourcePages {
    static func categoryName(_ code: String, req: Request) -> String {
        let key = "resource_category_" + code
        let name = req.t(key)
        return name == key ? code : name
    }

    /// Categories for a select list, grouped under their headings' names ("Harm reduction: naloxone").
    static func categoryOptions(selected: String?, anyKey: String?, req: Request) -> [SelectOption] {
        let any = anyKey.map { [SelectOption(value: "", label: req.t($0), selected: (selected ?? "").isEmpty)] } ?? []
        return any
            + ResourceCategory.allCases.map {
                SelectOption(value: $0.rawValue, label: label($0, req: req), selected: selected == $0.rawValue)
            }
    }

    static func label(_ category: ResourceCategory, req: Request) -> String {
        let name = categoryName(category.rawValue, req: req)
        guard let group = category.group else { return name }
        return req.t("resource_group_" + group) + ": " + name
    }

    static func categoryChecks(_ chosen: [String], req: Request) -> [CheckOption] {
        ResourceCategory.allCases.map {
            CheckOption(value: $0.rawValue, label: label($0, req: req), checked: chosen.contains($0.rawValue))
        }
    }

    static func costChecks(_ chosen: [String], req: Request) -> [CheckOption] {
        ResourceCost.allCases.map {
            CheckOption(
                value: $0.rawValue, label: req.t("resource_cost_" + $0.rawValue), checked: chosen.contains($0.rawValue))
        }
    }

    /// A language's name in the reader's language ("es" → "Spanish", "español"), or the code.
    static func languageName(_ code: String, req: Request) -> String {
        Locale(identifier: req.language.rawValue).localizedString(forLanguageCode: code) ?? code
    }

    /// A link to the point on OpenStreetMap: a plain link, no map script on our pages.
    static func mapHref(latitude: Double?, longitude: Double?) -> String? {
        guard let latitude, let longitude else { return nil }
        return "https://www.openstreetmap.org/?mlat=\(latitude)&mlon=\(longitude)#map=17/\(latitude)/\(longitude)"
    }
}
