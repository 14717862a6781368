import Testing
import UnderstudyDistill

struct EntityDetectorTests {
    let detector = EntityDetector()

    func types(_ text: String, field: String? = nil) -> [EntityType] {
        detector.detect(in: text, field: field).map(\.type)
    }

    func found(_ text: String, field: String? = nil) -> [String] {
        let bytes = Array(text.utf8)
        return detector.detect(in: text, field: field).map { String(decoding: bytes[$0.range], as: UTF8.self) }
    }

    @Test func emails() {
        #expect(found("Send it to jane.doe+work@acme-corp.co.uk, thanks") == ["jane.doe+work@acme-corp.co.uk"])
        #expect(types("user@localhost is not routable and a@b.c has a one-letter TLD").isEmpty)
    }

    @Test func phoneNumbers() {
        #expect(found("Call me at (415) 555-0132 tomorrow") == ["(415) 555-0132"])
        #expect(found("mobile: +44 20 7946 0958") == ["+44 20 7946 0958"])
        #expect(found("reach me on 415-555-0199x234 any time") == ["415-555-0199x234"])
        #expect(found("my cell is 4155550199") == ["4155550199"])
    }

    @Test func orderIdsDatesAndPricesAreNotPhones() {
        #expect(types("Order #415-555-0132 shipped").isEmpty)
        #expect(types("invoice 4155550199 is overdue").isEmpty)
        #expect(types("released on 2024-03-15 at 10:30:00, total $1,299.00").isEmpty)
        #expect(types("we processed 1234567890 rows").isEmpty)
    }

    @Test func cardsNeedLuhn() {
        #expect(types("card 4111 1111 1111 1111 exp 12/29") == [.creditCard])
        #expect(types("card 4111111111111111") == [.creditCard])
        #expect(types("card 4111 1111 1111 1112") != [.creditCard])
    }

    @Test func ibansNeedMod97() {
        #expect(found("IBAN: DE89 3704 0044 0532 0130 00.") == ["DE89 3704 0044 0532 0130 00"])
        #expect(types("pay to GB82WEST12345698765432 please") == [.iban])
        #expect(types("pay to GB82WEST12345698765433 please").isEmpty)
    }

    @Test func socialSecurityNumbers() {
        #expect(types("SSN 123-45-6789") == [.usSSN])
        #expect(types("ssn: 123456789") == [.usSSN])
        #expect(types("part number 666-12-3456 and 000-12-3456").isEmpty)
    }

    @Test func ipAddressesButNotVersions() {
        #expect(found("connect to 192.168.10.25:8080") == ["192.168.10.25"])
        #expect(found("host 2001:db8:85a3::8a2e:370:7334 is down") == ["2001:db8:85a3::8a2e:370:7334"])
        #expect(types("upgrade to version 1.2.3.4 or v10.0.0.1").isEmpty)
        #expect(types("meeting at 12:30:45, std::vector, a::b").isEmpty)
        #expect(types("OID 1.3.6.1.4.1 and 999.1.1.1").isEmpty)
    }

    @Test func macAddresses() {
        #expect(found("device 00:1A:2b:3C:4d:5E online") == ["00:1A:2b:3C:4d:5E"])
        #expect(types("device 00-1A-2B-3C-4D-5E online") == [.macAddress])
    }

    @Test func secretsByPrefixShapeAndContext() {
        #expect(types("key sk-proj-abcDEF1234567890ghijKLMN5678") == [.secret])
        #expect(types("use sk-ant-api03-AbCdEfGhIjKlMnOpQrStUv-123") == [.secret])
        #expect(types("AKIAIOSFODNN7EXAMPLE") == [.secret])
        #expect(types("token ghp_1234567890abcdefghijABCDEFGHIJ123456") == [.secret])
        #expect(types("slack xoxb-123456789012-abcdefABCDEF") == [.secret])
        #expect(types("AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q") == [.secret])
        #expect(
            types(
                "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
            ) == [.secret])
        #expect(types("api_key = 'q8Zr3LmX0vT6bN1wK4yH'") == [.secret])
        #expect(types("the function get_user_profile_by_identifier returns") == [])
        #expect(found("hunter2!!", field: "password") == ["hunter2!!"])
    }

    @Test func privateKeys() {
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1234\nabcd==\n-----END RSA PRIVATE KEY-----"
        #expect(found("here: \(pem) done") == [pem])
        #expect(types("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----").isEmpty)
    }

    @Test func credentialURLs() {
        #expect(types("clone https://bob:s3cret@git.example.com/repo.git now") == [.credentialURL])
        #expect(types("see https://api.example.com/v1/files?id=3&access_token=abc123def") == [.credentialURL])
        #expect(types("docs at https://docs.example.com/guide?page=2").isEmpty)
    }

    @Test func personNames() {
        #expect(found("Please forward this to Sarah Johnson today") == ["Sarah Johnson"])
        #expect(found("Dear Mr. Okonkwo, thank you") == ["Okonkwo"])
        #expect(found("Hi Emily, the build passed") == ["Emily"])
        #expect(found("Angela Martinez", field: "customer_name") == ["Angela Martinez"])
        #expect(types("The Quick Brown Fox. Monday January Report").isEmpty)
    }

    /// The lexicons are asked on bytes for ASCII words and through `String` otherwise: names with
    /// accents, possessives, hyphens, titles in capitals, ordinals and military addresses.
    @Test func wordsOutsidePlainCapitalisedASCII() {
        #expect(found("Hi Zoë Müller, thanks for the order.") == ["Zoë Müller"])
        #expect(found("My name is Jo Ann O'Neil-Smith.") == ["Jo Ann O'Neil-Smith"])
        #expect(found("Meeting with Sarah's manager, Will Pearson, at 9.") == ["Sarah", "Will Pearson"])
        #expect(found("Please ask DR. Okafor about it.") == ["Okafor"])
        #expect(
            found("Send it to 1200 West 221st Street, Springfield, IL 62704 today.") == [
                "1200 West 221st Street, Springfield, IL 62704"
            ])
        #expect(found("Ship to PSC 1234, Box 5678\nAPO AE 09123 please") == ["PSC 1234, Box 5678\nAPO AE 09123"])
        #expect(types("Lives at 42 Rue Saint-Honoré, apt 3").isEmpty)
    }

    @Test func streetAddresses() {
        #expect(
            found("Ship to 1600 Pennsylvania Avenue, Washington, DC 20500 by Friday") == [
                "1600 Pennsylvania Avenue, Washington, DC 20500"
            ])
        #expect(
            found("office at 742 Evergreen Terrace Apt. 3\nSpringfield, IL 62704") == [
                "742 Evergreen Terrace Apt. 3\nSpringfield, IL 62704"
            ])
        #expect(types("we have 300 Apples and 12 Big Boxes").isEmpty)
    }

    @Test func thresholdsAreConfigurable() {
        let strict = EntityDetector(configuration: AnonymizerConfiguration(thresholds: [.person: 0.99]))
        #expect(strict.detect(in: "Hi Emily, the build passed").isEmpty)
        let noEmail = EntityDetector(configuration: AnonymizerConfiguration(types: [.phone]))
        #expect(noEmail.detect(in: "a@example.com").isEmpty)
    }
}
