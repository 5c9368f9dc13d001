import Foundation
import MeerkatCore
import Testing

@testable import MeerkatRuntime

/// A runtime event's envelope on the wire (the event log and every surface): `{event: {category, data}, id,
/// runtime_id, timestamp}`; `jsonValue`, which the event log converts with, is exactly what it encodes to.
@Suite struct RuntimeEventWireTests {
    private static let id = UUID(uuidString: "01900000-0000-7000-8000-0000000000EE")!

    private func event(_ kind: RuntimeEventKind) -> RuntimeEvent {
        RuntimeEvent(id: Self.id, timestamp: Fixture.date, runtimeID: .session(Fixture.sessionID), kind: kind)
    }

    @Test func theEnvelopeGolden() throws {
        let expected =
            #"{"event":{"category":"run_lifecycle","data":{"code":"run.started","#
            + #""run_id":"01900000-0000-7000-8000-0000000000aa"}},"id":"01900000-0000-7000-8000-0000000000ee","#
            + #""runtime_id":"rt:session:01900000-0000-7000-8000-0000000000ff","timestamp":"2026-09-21T14:13:20.000Z"}"#
        #expect(try Wire.json(event(.runStarted(Fixture.runID))) == expected)
        #expect(event(.runStarted(Fixture.runID)).jsonValue == (try JSONValue.parse(expected)))
    }

    @Test func everyKindsJSONValueIsItsEncoding() throws {
        let error = ErrorReport(errorClass: .internal, message: "boom")
        let kinds: [RuntimeEventKind] = [
            .inputAccepted(Fixture.inputID), .inputDeduplicated(Fixture.inputID, existingID: Fixture.otherInputID),
            .inputCoalesced(Fixture.inputID, aggregateID: Fixture.otherInputID), .inputQueued(Fixture.inputID),
            .inputStaged(Fixture.inputID, runID: Fixture.runID), .inputApplied(Fixture.inputID, runID: Fixture.runID),
            .inputConsumed(Fixture.inputID, runID: nil), .inputAbandoned(Fixture.inputID, reason: .cancelled),
            .inputStateTransitioned(Fixture.inputID, from: .queued, to: .staged), .runStarted(Fixture.runID),
            .runCompleted(Fixture.runID), .runFailed(Fixture.runID, error: error), .runCancelled(Fixture.runID),
            .runtimeStateChanged(from: .running, to: .attached),
            .backgroundFailure(operation: "settle", runID: Fixture.runID, error: error),
            .llmIdentityChanged(from: nil, to: SessionLLMIdentity(model: "m", provider: "p")),
            .routingTopologyChanged(epoch: 3, effectiveModel: "a", baselineModel: nil),
            .switchTurnPending(requestID: "r", targetModel: "t", turns: 2),
        ]
        for kind in kinds {
            let event = event(kind)
            #expect(try WireJSON.toJSONValue(event) == event.jsonValue)
            #expect(try JSONValue.parse(Wire.json(event)) == event.jsonValue)
        }
    }
}
