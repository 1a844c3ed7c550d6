import Foundation
import Haptik
import Testing

struct ReceiptTests {
    static let createdAt = Timestamp(millisecondsSinceEpoch: 1_538_656_887_980)

    @Test func writesTheVendorsKeysInOrder() {
        let receipt = Receipt(messageID: 7, messageBody: "hi", createdAt: Self.createdAt, messageType: .document,
                              fileURL: "http://localhost:8080/content/abc.pdf")
        let expected = #"{"message_id": 7, "message_body": "hi", "created_at": "2018-10-04T12:41:27.980Z", "message_type": 52, "file_url": "http://localhost:8080/content/abc.pdf"}"#
        #expect(String(decoding: receipt.json, as: UTF8.self) == expected)
    }

    @Test(arguments: [("", MessageType.image), ("quote \" back \\ nl \n ☃ \u{1}", .document)])
    func parsesAsJSONWithTheRightTypes(body: String, type: MessageType) throws {
        let receipt = Receipt(messageID: 123_456_789_012, messageBody: body, createdAt: Self.createdAt,
                              messageType: type, fileURL: "http://h/content/x.jpg")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(receipt.json)) as? [String: Any])
        #expect(Set(object.keys) == ["message_id", "message_body", "created_at", "message_type", "file_url"])
        #expect(object["message_id"] as? Int == 123_456_789_012)
        #expect(object["message_body"] as? String == body)
        #expect(object["created_at"] as? String == "2018-10-04T12:41:27.980Z")
        #expect(object["message_type"] as? Int == type.rawValue)
        #expect(object["file_url"] as? String == "http://h/content/x.jpg")
        // Numbers are bare, strings quoted.
        let text = String(decoding: receipt.json, as: UTF8.self)
        #expect(text.contains(#""message_id": 123456789012,"#))
        #expect(text.contains(#""message_type": \#(type.rawValue),"#))
    }
}
