import HTTPCore
extension PostflareAPI {
    func addContactRoutes(_ r: inout Router) {}
    func addSegmentRoutes(_ r: inout Router) {}
    func addTopicRoutes(_ r: inout Router) {}
    func addTemplateRoutes(_ r: inout Router) {}
    func addBroadcastRoutes(_ r: inout Router) {}
    func addWebhookRoutes(_ r: inout Router) {}
}
enum Webhooks { static func newSecret() -> String { "whsec_x" } }
enum TemplateRendering {
    static func values(for: [TemplateVariable], given: JSONObject) throws(PostflareError) -> [String: String] { [:] }
    static func render(_ s: String, _ v: [String: String]) -> String { s }
}
