import MeerkatCore
import Testing

@testable import MeerkatRuntime

@Suite struct ProjectionTests {
    @Test func promptProjectsInjectedContextThenUserThenTypedAppends() {
        let typed = ConversationAppend(role: .system, content: .text("typed"))
        let input = Input.prompt(
            PromptInput(content: .text("question"), typedTurnAppends: [typed], injectedContext: [.text("ctx")]))
        let projection = input.projection()
        #expect(
            projection.injectedContextAppends == [ConversationAppend(role: .injectedContext, content: .text("ctx"))])
        #expect(projection.append == ConversationAppend(role: .user, content: .text("question")))
        #expect(projection.additionalAppends == [typed])
        #expect(projection.orderedAppends.map(\.role) == [.injectedContext, .user, .system])
    }

    @Test func blankPromptWithTypedAppendsHasNoUserAppend() {
        let typed = ConversationAppend(role: .assistant, content: .text("carried"))
        let projection = Input.prompt(PromptInput(content: .text("  "), typedTurnAppends: [typed])).projection()
        #expect(projection.append == nil)
        #expect(projection.orderedAppends == [typed])
    }

    @Test func multimodalPromptKeepsBlocks() {
        let blocks: [ContentBlock] = [.text("see"), .image(mediaType: "image/png", source: .inline(data: "AA=="))]
        #expect(
            Input.prompt(PromptInput(content: .blocks(blocks))).projection().append
                == ConversationAppend(role: .user, content: .blocks(blocks)))
    }

    @Test func peerMessageProjectsOneCommsNotice() throws {
        let input = Fixture.peer(.message, content: .text("hi there"), injectedContext: [.text("ctx")])
        let projection = input.projection()
        #expect(projection.injectedContextAppends.count == 1)
        let append = try #require(projection.append)
        #expect(append.role == .systemNotice)
        let notice = try #require(RuntimeSystemNotice(append: append))
        #expect(notice.kind == .comms)
        #expect(notice.summary == "Peer message")
        #expect(notice.attributes == ["direction": "incoming", "peer_id": "peer-1", "peer_name": "Alice"])
        #expect(notice.blocks == [.text("hi there")])
        #expect(projection.additionalAppends.isEmpty)
    }

    @Test func peerRequestNoticeNamesIntentAndCarriesPayload() throws {
        let input = Input.peer(
            PeerInput(
                header: Fixture.header(source: .peer(peerID: "p2")),
                convention: .request(requestID: "r9", intent: "summarize"), content: .text("doc"),
                payload: ["pages": 3], senderTaint: .tainted))
        let notice = try #require(input.systemNotice)
        #expect(notice.summary == "Peer request: summarize")
        #expect(notice.attributes["request_id"] == "r9")
        #expect(notice.attributes["intent"] == "summarize")
        #expect(notice.attributes["sender_taint"] == "tainted")
        #expect(notice.payload == ["pages": 3])
        let append = try #require(input.projection().append)
        #expect(RuntimeSystemNotice(append: append) == notice)
        guard case .blocks(let blocks) = append.content, case .text(let text) = blocks.first else {
            Issue.record("notice must start with a text block")
            return
        }
        #expect(
            text == "Peer request: summarize\ndirection: incoming\npeer_id: p2\nrequest_id: r9\nintent: summarize\n"
                + "sender_taint: tainted")
    }

    @Test func peerProgressNotice() throws {
        let notice = try #require(Fixture.peer(.responseProgress(requestID: "r", phase: .partialResult)).systemNotice)
        #expect(notice.summary == "Peer response progress")
        #expect(notice.attributes["phase"] == "partial_result")
    }

    @Test func peerTerminalAlwaysGetsANoticeEvenWithoutContent() throws {
        let input = Fixture.peer(.responseTerminal(requestID: "r1", status: .completed), content: .text(""))
        let projection = input.projection()
        let append = try #require(projection.append)
        let notice = try #require(RuntimeSystemNotice(append: append))
        #expect(notice.kind == .comms)
        #expect(notice.summary == "Peer response terminal")
        #expect(notice.attributes["status"] == "completed")
        #expect(notice.attributes["request_id"] == "r1")
        #expect(notice.blocks.isEmpty)
        #expect(projection.orderedAppends.count == 1)
    }

    @Test func flowStepProjectsGenericNoticeWithFlowStepCategory() throws {
        let input = Input.flowStep(FlowStepInput(stepID: "s7", content: .text("analyse")))
        let append = try #require(input.projection().append)
        let notice = try #require(RuntimeSystemNotice(append: append))
        #expect(notice.kind == .generic)
        #expect(notice.summary == "Flow step s7")
        #expect(notice.attributes == ["category": "flow_step", "detail": "analyse"])
    }

    @Test func externalEventSummaryPrefersPayloadBody() throws {
        let withBody = Input.externalEvent(
            ExternalEventInput(
                header: InputHeader(source: .external(sourceName: "github")), eventType: "push",
                payload: ["body": "2 commits pushed"]))
        let notice = try #require(withBody.systemNotice)
        #expect(notice.kind == .externalEvent)
        #expect(notice.summary == "2 commits pushed")
        #expect(notice.attributes == ["source": "github", "event_type": "push"])
        #expect(notice.payload == ["body": "2 commits pushed"])

        let blocks: [ContentBlock] = [.image(mediaType: "image/png", source: .blob(blobID: "b1"))]
        let withoutBody = Input.externalEvent(ExternalEventInput(eventType: "tick", payload: ["n": 1], blocks: blocks))
        let otherAppend = try #require(withoutBody.projection().append)
        let other = try #require(RuntimeSystemNotice(append: otherAppend))
        #expect(other.summary == "External event via tick")
        #expect(other.blocks == blocks)
    }

    @Test func continuationProjectsItsTurnAppendOrNothing() {
        let append = ConversationAppend(role: .tool, content: .text("result"))
        #expect(Input.continuation(ContinuationInput(reason: "r", turnAppend: append)).orderedAppends == [append])
        #expect(Input.continuation(ContinuationInput(reason: "r")).projection().isEmpty)
    }

    @Test func operationProjectsNothing() {
        #expect(Input.operation(OperationInput(operationID: "o", event: .started)).projection().isEmpty)
    }

    @Test func steerTextRendersAllAppendsInOrder() {
        let input = Input.prompt(PromptInput(content: .text("steer now"), injectedContext: [.text("ctx")]))
        #expect(input.renderedSteerText == "ctx\n\nsteer now")
        #expect(input.steerContextBlocks == [.text("ctx"), .text("steer now")])
        #expect(Input.continuation(ContinuationInput(reason: "r")).renderedSteerText.isEmpty)
    }

    @Test func projectionWireShapeOmitsEmptyParts() throws {
        let projection = RuntimeInputProjection(append: ConversationAppend(role: .user, content: .text("hi")))
        try Wire.expectGolden(projection, #"{"append":{"content":{"text":"hi","type":"text"},"role":"user"}}"#)
        try Wire.expectGolden(RuntimeInputProjection(), "{}")
    }

    @Test func noticeWireShape() throws {
        let notice = RuntimeSystemNotice(kind: .comms, summary: "Peer message", attributes: ["peer_id": "p"])
        try Wire.expectGolden(notice, #"{"attributes":{"peer_id":"p"},"notice_kind":"comms","summary":"Peer message"}"#)
        #expect(RuntimeSystemNotice(append: ConversationAppend(role: .user, content: .text("x"))) == nil)
    }
}
