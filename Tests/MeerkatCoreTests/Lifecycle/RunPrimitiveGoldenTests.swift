import Foundation
import MeerkatCore
import Testing

@Suite("Run primitives: golden JSON and seed behaviours")
struct RunPrimitiveGoldenTests {
    @Test func runApplyBoundaryEncodesSnakeCaseAndRoundTrips() throws {
        #expect(try json(RunApplyBoundary.immediate) == #""immediate""#)
        #expect(try json(RunApplyBoundary.runStart) == #""run_start""#)
        #expect(try json(RunApplyBoundary.runCheckpoint) == #""run_checkpoint""#)
        for boundary in RunApplyBoundary.allCases { _ = try roundTrip(boundary) }
    }

    @Test func coreRenderableTextIsTaggedWithType() throws {
        let value = CoreRenderable.text("hello")
        #expect(try json(value) == #"{"text":"hello","type":"text"}"#)
        _ = try roundTrip(value)
    }

    @Test func coreRenderableJSONCarriesValue() throws {
        let value = CoreRenderable.json(["key": "val"])
        #expect(try json(value) == #"{"type":"json","value":{"key":"val"}}"#)
        _ = try roundTrip(value)
    }

    @Test func coreRenderableBlocksAndReference() throws {
        let blocks = CoreRenderable.blocks([.text("a"), .image(mediaType: "image/png", source: .inline(data: "AAAA"))])
        #expect(
            try json(blocks)
                == #"{"blocks":[{"text":"a","type":"text"},{"media_type":"image/png","source":{"data":"AAAA","type":"inline"},"type":"image"}],"type":"blocks"}"#
        )
        _ = try roundTrip(blocks)
        let reference = CoreRenderable.reference(uri: "file:///tmp/a.txt", label: "a file")
        #expect(try json(reference) == #"{"label":"a file","type":"reference","uri":"file:///tmp/a.txt"}"#)
        _ = try roundTrip(reference)
        _ = try roundTrip(CoreRenderable.reference(uri: "u", label: nil))
    }

    @Test func unknownRenderableTypeIsRejectedNamingTheField() throws {
        #expect {
            _ = try decode(CoreRenderable.self, #"{"type":"video","uri":"x"}"#)
        } throws: { error in
            "\(error)".contains("unknown type 'video'")
        }
    }

    @Test func conversationAppendRolesRoundTripWithWireNames() throws {
        let expected: [ConversationAppendRole: String] = [
            .user: "user", .assistant: "assistant", .systemNotice: "system_notice", .tool: "tool", .system: "system",
            .injectedContext: "injected_context",
        ]
        for role in ConversationAppendRole.allCases {
            #expect(try json(role) == "\"\(expected[role]!)\"")
            _ = try roundTrip(role)
        }
    }

    @Test func conversationAppendAndContextAppendShapes() throws {
        let append = ConversationAppend(role: .user, content: .text("hello"))
        #expect(try json(append) == #"{"content":{"text":"hello","type":"text"},"role":"user"}"#)
        _ = try roundTrip(append)
        let context = ConversationContextAppend(key: "peers", content: .json(["peer1", "peer2"]))
        #expect(try json(context) == #"{"content":{"type":"json","value":["peer1","peer2"]},"key":"peers"}"#)
        _ = try roundTrip(context)
    }

    @Test func executionKindUsesSnakeCase() throws {
        #expect(try json(RuntimeExecutionKind.contentTurn) == #""content_turn""#)
        #expect(try json(RuntimeExecutionKind.resumePending) == #""resume_pending""#)
        for kind in RuntimeExecutionKind.allCases { _ = try roundTrip(kind) }
    }

    @Test func turnMetadataOmitsNilFieldsAndDefaultsExecutionKindToNil() throws {
        #expect(try json(RuntimeTurnMetadata()) == "{}")
        #expect(RuntimeTurnMetadata().executionKind == nil)
        let decoded = try decode(RuntimeTurnMetadata.self, "{}")
        #expect(decoded.executionKind == nil)
        #expect(decoded == RuntimeTurnMetadata())
    }

    @Test func turnMetadataExecutionKindRoundTrips() throws {
        let meta = RuntimeTurnMetadata(executionKind: .contentTurn)
        #expect(try json(meta) == #"{"execution_kind":"content_turn"}"#)
        #expect(try roundTrip(meta).executionKind == .contentTurn)
    }

    @Test func turnMetadataFullShape() throws {
        let meta = RuntimeTurnMetadata(
            handlingMode: .steer, keepAlive: true, skillReferences: [SkillKey(sourceUUID: "s", skillName: "k")],
            flowToolOverlay: TurnToolOverlay(allowedTools: ["a"], blockedTools: ["b"]), additionalInstructions: ["x"],
            model: "m", provider: "p", providerParams: ["t": 1],
            renderMetadata: RenderMetadata(renderClass: "c", salience: "high"),
            executionKind: .resumePending)
        #expect(
            try json(meta)
                == #"{"additional_instructions":["x"],"execution_kind":"resume_pending","flow_tool_overlay":{"allowed_tools":["a"],"blocked_tools":["b"]},"handling_mode":"steer","keep_alive":true,"model":"m","provider":"p","provider_params":{"t":1},"render_metadata":{"class":"c","salience":"high"},"skill_references":[{"skill_name":"k","source_uuid":"s"}]}"#
        )
        _ = try roundTrip(meta)
    }

    @Test func stagedRunInputOmitsEmptyArrays() throws {
        let empty = StagedRunInput(boundary: .runStart)
        #expect(try json(empty) == #"{"boundary":"run_start"}"#)
        let decoded = try decode(StagedRunInput.self, #"{"boundary":"run_start"}"#)
        #expect(decoded.appends.isEmpty && decoded.contextAppends.isEmpty && decoded.contributingInputIDs.isEmpty)
        let staged = StagedRunInput(
            boundary: .runStart, appends: [ConversationAppend(role: .user, content: .text("prompt"))],
            contributingInputIDs: [fixedID], turnMetadata: RuntimeTurnMetadata(keepAlive: true))
        #expect(
            try json(staged)
                == #"{"appends":[{"content":{"text":"prompt","type":"text"},"role":"user"}],"boundary":"run_start","contributing_input_ids":["0190f3a2-7b1c-7d4e-8f00-123456789abc"],"turn_metadata":{"keep_alive":true}}"#
        )
        _ = try roundTrip(staged)
    }

    @Test func runPrimitiveStagedInputIsTaggedInline() throws {
        let primitive = RunPrimitive.stagedInput(
            StagedRunInput(boundary: .runStart, contributingInputIDs: [fixedID, fixedID2]))
        #expect(
            try json(primitive)
                == #"{"boundary":"run_start","contributing_input_ids":["0190f3a2-7b1c-7d4e-8f00-123456789abc","0190f3a2-7b1c-7d4e-8f00-123456789abd"],"primitive_type":"staged_input"}"#
        )
        _ = try roundTrip(primitive)
    }

    @Test func runPrimitiveImmediateVariants() throws {
        let append = RunPrimitive.immediateAppend(ConversationAppend(role: .systemNotice, content: .text("notice")))
        #expect(
            try json(append)
                == #"{"content":{"text":"notice","type":"text"},"primitive_type":"immediate_append","role":"system_notice"}"#
        )
        _ = try roundTrip(append)
        let context = RunPrimitive.immediateContextAppend(ConversationContextAppend(key: "k", content: .text("ctx")))
        #expect(
            try json(context)
                == #"{"content":{"text":"ctx","type":"text"},"key":"k","primitive_type":"immediate_context_append"}"#)
        _ = try roundTrip(context)
    }

    @Test func contributingInputIDsOnlyForStaged() {
        let staged = RunPrimitive.stagedInput(
            StagedRunInput(boundary: .runStart, contributingInputIDs: [fixedID, fixedID2]))
        #expect(staged.contributingInputIDs == [fixedID, fixedID2])
        let immediate = RunPrimitive.immediateAppend(ConversationAppend(role: .user, content: .text("hi")))
        #expect(immediate.contributingInputIDs.isEmpty)
        #expect(immediate.turnMetadata == nil)
    }

    @Test func applyBoundaryIsImmediateForImmediatePrimitives() {
        #expect(RunPrimitive.stagedInput(StagedRunInput(boundary: .runCheckpoint)).applyBoundary == .runCheckpoint)
        #expect(
            RunPrimitive.immediateAppend(ConversationAppend(role: .user, content: .text("x"))).applyBoundary
                == .immediate)
        #expect(
            RunPrimitive.immediateContextAppend(ConversationContextAppend(key: "k", content: .text("x"))).applyBoundary
                == .immediate)
    }

    // MARK: extractContentInput (the seed's collapsing rules)

    private func staged(_ appends: [ConversationAppend]) -> RunPrimitive {
        .stagedInput(StagedRunInput(boundary: .runStart, appends: appends))
    }

    @Test func extractsTextFromStagedText() {
        #expect(
            staged([ConversationAppend(role: .user, content: .text("hello"))]).extractContentInput() == .text("hello"))
    }

    @Test func extractsBlocksFromStagedBlocks() {
        let result = staged([ConversationAppend(role: .user, content: .blocks([.text("a"), .text("b")]))])
            .extractContentInput()
        #expect(result == .blocks([.text("a"), .text("b")]))
    }

    @Test func extractsEmptyTextFromEmptyStaged() {
        #expect(staged([]).extractContentInput() == .text(""))
    }

    @Test func singleTextBlockCollapsesToText() {
        #expect(
            staged([ConversationAppend(role: .user, content: .blocks([.text("single")]))]).extractContentInput()
                == .text("single"))
    }

    @Test func multipleAppendsConcatenateAndSkipJSONAndReferences() {
        let result = staged([
            ConversationAppend(role: .user, content: .text("a")),
            ConversationAppend(role: .systemNotice, content: .json(["x": 1])),
            ConversationAppend(role: .user, content: .reference(uri: "u", label: nil)),
            ConversationAppend(role: .user, content: .blocks([.text("b")])),
        ]).extractContentInput()
        #expect(result == .blocks([.text("a"), .text("b")]))
    }

    @Test func singleImageBlockStaysBlocks() {
        let image = ContentBlock.image(mediaType: "image/png", source: .blob(blobID: "sha256:00"))
        #expect(
            staged([ConversationAppend(role: .user, content: .blocks([image]))]).extractContentInput()
                == .blocks([image]))
    }

    @Test func immediateAppendsExtractTheirOwnContent() {
        #expect(
            RunPrimitive.immediateAppend(ConversationAppend(role: .user, content: .text("t"))).extractContentInput()
                == .text("t"))
        #expect(
            RunPrimitive.immediateContextAppend(ConversationContextAppend(key: "k", content: .blocks([.text("b")])))
                .extractContentInput() == .blocks([.text("b")]))
        #expect(
            RunPrimitive.immediateAppend(ConversationAppend(role: .user, content: .json(1))).extractContentInput()
                == .text(""))
    }

    // MARK: isContextOnlyImmediate

    @Test func contextOnlyImmediateTrue() {
        let primitive = RunPrimitive.stagedInput(
            StagedRunInput(
                boundary: .immediate, contextAppends: [ConversationContextAppend(key: "k", content: .text("ctx"))]))
        #expect(primitive.isContextOnlyImmediate)
    }

    @Test func contextOnlyImmediateFalseWithAppends() {
        let primitive = RunPrimitive.stagedInput(
            StagedRunInput(
                boundary: .immediate, appends: [ConversationAppend(role: .user, content: .text("hi"))],
                contextAppends: [ConversationContextAppend(key: "k", content: .text("ctx"))]))
        #expect(!primitive.isContextOnlyImmediate)
    }

    @Test func contextOnlyImmediateFalseWrongBoundary() {
        let primitive = RunPrimitive.stagedInput(
            StagedRunInput(
                boundary: .runCheckpoint, contextAppends: [ConversationContextAppend(key: "k", content: .text("ctx"))]))
        #expect(!primitive.isContextOnlyImmediate)
    }

    @Test func nonStagedIsNotContextOnly() {
        #expect(
            !RunPrimitive.immediateAppend(ConversationAppend(role: .user, content: .text("hi"))).isContextOnlyImmediate)
        #expect(
            !RunPrimitive.immediateContextAppend(ConversationContextAppend(key: "k", content: .text("x")))
                .isContextOnlyImmediate)
    }

    @Test func receiptShape() throws {
        let run = RunID("0190f3a2-7b1c-7d4e-8f00-000000000001")!
        let receipt = RunBoundaryReceipt(
            runID: run, boundary: .runStart, contributingInputIDs: [fixedID], messageCount: 4, sequence: 1)
        #expect(
            try json(receipt)
                == #"{"boundary":"run_start","contributing_input_ids":["0190f3a2-7b1c-7d4e-8f00-123456789abc"],"message_count":4,"run_id":"0190f3a2-7b1c-7d4e-8f00-000000000001","sequence":1}"#
        )
        _ = try roundTrip(receipt)
    }
}
