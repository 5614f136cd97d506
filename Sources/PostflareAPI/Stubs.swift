import HTTPCore
extension PostflareAPI {
    func addTemplateRoutes(_ r: inout Router) {}
    func addBroadcastRoutes(_ r: inout Router) {}
    func addWebhookRoutes(_ r: inout Router) {}
}
enum Webhooks { static func newSecret() -> String { "whsec_x" } }
enum TemplateRendering {
    static func values(for: [TemplateVariable], given: JSONObject) throws(PostflareError) -> [String: String] { [:] }
    static func render(_ s: String, _ v: [String: String]) -> String { s }
}
